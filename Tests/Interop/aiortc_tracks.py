"""aiortc's test tracks, cut to a number of frames, counting what they hand the encoder: the media the aiortc
interop tests send (test_aiortc_media.py in-process, aiortc_peer.py as a process of its own in the NAT lab)."""

from aiortc.mediastreams import AudioStreamTrack, MediaStreamError, VideoStreamTrack


class Limited:
    """A track mixin that ends after `limit` frames, counting what it hands the encoder."""

    def __init__(self, limit):
        super().__init__()
        self.limit = limit
        self.sent = 0

    async def recv(self):
        if self.sent >= self.limit:
            self.stop()
            raise MediaStreamError
        frame = await super().recv()
        self.sent += 1
        return frame


class LimitedVideoTrack(Limited, VideoStreamTrack):
    """aiortc's test video (640x480 at 30 fps) that ends after `limit` frames."""


class LimitedAudioTrack(Limited, AudioStreamTrack):
    """aiortc's test audio (20 ms frames of silence) that ends after `limit` frames."""
