"""aiortc's test tracks, cut to a number of frames, counting what they hand the encoder, and the counting of what
aiortc's receiver tracks decode: the media the aiortc interop tests send and receive (test_aiortc_media.py in-process, aiortc_peer.py as a process of its own in the NAT lab)."""

import asyncio
import os

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


class NoisyVideoTrack(LimitedVideoTrack):
    """aiortc's test video with an 80x60 patch of fresh noise in every frame: aiortc's own picture is a flat colour
    its encoder sends at a few kbit/s, which loads no link; with the patch it uses the rate it is given."""

    async def recv(self):
        frame = await super().recv()
        plane = frame.planes[0]
        luma = bytearray(bytes(plane))
        for row in range(210, 270):
            start = row * plane.line_size + 400
            luma[start:start + 80] = os.urandom(80)
        plane.update(bytes(luma))
        return frame


class LimitedAudioTrack(Limited, AudioStreamTrack):
    """aiortc's test audio (20 ms frames of silence) that ends after `limit` frames."""


def receive_tracks(pc, received, drains):
    """Counts the frames aiortc's receiver tracks decode into `received` ("audio", "video", and the video "sizes");
    the draining tasks go into `drains`."""
    @pc.on("track")
    def on_track(track):
        async def drain():
            try:
                while True:
                    frame = await track.recv()
                    received[track.kind] += 1
                    if track.kind == "video":
                        received["sizes"].add((frame.width, frame.height))
            except MediaStreamError:
                pass
        drains.append(asyncio.ensure_future(drain()))
