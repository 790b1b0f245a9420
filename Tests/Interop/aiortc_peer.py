"""aiortc as a stand-alone peer process, driven over JSON lines on stdin/stdout like `linkup probe`, so a test can
run it inside a network namespace of the NAT lab (netlab.py) and relay its messages to a peer in another one.

    python aiortc_peer.py --offer|--answer --ice-server URL --username U --credential P \
        [--video-frames 90] [--audio-frames 150] [--timeout 30]

It sends aiortc's test video (640x480, 30 fps, VP8 forced) and test audio (Opus, 20 ms frames) for a fixed number of
frames, and counts the frames its receiver tracks decode. aiortc gathers every candidate (host, server-reflexive,
relayed) before it writes its description, so it never trickles; candidates the other side trickles
(`{"type":"candidate","candidate":"candidate:..."|null,"sdpMid":...,"sdpMLineIndex":...}`) are applied with
addIceCandidate once the remote description is set (earlier ones wait for it).

Messages out: {"type":"offer"|"answer","sdp"}, {"type":"connected","pair":{...},"seconds"}, and after
{"type":"bye"} comes in, {"type":"result",...} with frames sent and decoded, then it exits. {"type":"error"} on failure.
Its own ICE host candidates come from the namespace's interfaces (aioice skips loopback), i.e. the lab's `uplink`.
"""

import argparse
import asyncio
import json
import sys
import time

from aiortc import (RTCConfiguration, RTCIceServer, RTCPeerConnection, RTCRtpSender,
                    RTCSessionDescription)
from aiortc.sdp import candidate_from_sdp

from aiortc_tracks import LimitedAudioTrack, LimitedVideoTrack, NoisyVideoTrack, receive_tracks


def emit(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def log(text):
    print(f"aiortc peer: {text}", file=sys.stderr, flush=True)


def describe_candidate(candidate):
    """"type address:port/protocol", plus the relay server for a relayed candidate."""
    return f"{candidate.type} {candidate.host}:{candidate.port}/{candidate.transport.lower()}"


def selected_pair(pc):
    """The nominated pair of the (bundled) ICE transport. aiortc's getStats has no candidate-pair entries, so this
    reads aioice's Connection: `_nominated` maps component 1 to the pair in use."""
    transport = pc.getTransceivers()[0].receiver.transport.transport
    pair = transport._connection._nominated.get(1)
    if pair is None:
        return None
    return {"local": describe_candidate(pair.local_candidate), "remote": describe_candidate(pair.remote_candidate),
            "localType": pair.local_candidate.type, "remoteType": pair.remote_candidate.type}


async def stdin_messages(queue):
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        line = await reader.readline()
        if not line:
            await queue.put({"type": "eof"})
            return
        if line.strip():
            await queue.put(json.loads(line))


async def run(arguments):
    servers = [RTCIceServer(urls=[url], username=arguments.username, credential=arguments.credential)
               for url in arguments.ice_server]
    pc = RTCPeerConnection(RTCConfiguration(iceServers=servers))
    video_track = NoisyVideoTrack if arguments.noise else LimitedVideoTrack
    video, audio = video_track(arguments.video_frames), LimitedAudioTrack(arguments.audio_frames)
    pc.addTrack(audio)
    pc.addTrack(video)
    vp8 = [codec for codec in RTCRtpSender.getCapabilities("video").codecs if codec.mimeType == "video/VP8"]
    for transceiver in pc.getTransceivers():
        if transceiver.kind == "video":
            transceiver.setCodecPreferences(vp8)

    received = {"audio": 0, "video": 0, "sizes": set()}
    drains = []

    receive_tracks(pc, received, drains)

    connected = asyncio.Event()

    @pc.on("connectionstatechange")
    def on_state():
        log(f"connection state {pc.connectionState}")
        if pc.connectionState in ("connected", "failed", "closed"):
            connected.set()

    messages = asyncio.Queue()
    reader = asyncio.ensure_future(stdin_messages(messages))
    pending_candidates = []
    remote_set = False

    async def apply_candidate(message):
        line = message.get("candidate")
        if line is None:
            await pc.addIceCandidate(None)
            return
        candidate = candidate_from_sdp(line.removeprefix("a=").removeprefix("candidate:"))
        candidate.sdpMid = message.get("sdpMid")
        candidate.sdpMLineIndex = message.get("sdpMLineIndex")
        await pc.addIceCandidate(candidate)

    async def next_message(kind):
        """The next message of `kind`; candidates met on the way are applied (or kept until the remote
        description is set)."""
        while True:
            message = await messages.get()
            if message.get("type") == "candidate":
                if remote_set:
                    await apply_candidate(message)
                else:
                    pending_candidates.append(message)
            elif message.get("type") == kind:
                return message
            elif message.get("type") == "eof":
                raise RuntimeError(f"standard input ended before {kind!r}")

    started = time.monotonic()
    if arguments.offer:
        await pc.setLocalDescription(await pc.createOffer())
        emit({"type": "offer", "sdp": pc.localDescription.sdp})
        answer = await next_message("answer")
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer"))
    else:
        offer = await next_message("offer")
        await pc.setRemoteDescription(RTCSessionDescription(sdp=offer["sdp"], type="offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        emit({"type": "answer", "sdp": pc.localDescription.sdp})
    remote_set = True
    for message in pending_candidates:
        await apply_candidate(message)
    pending_candidates.clear()

    # Candidates keep coming while the checks run: apply them in the background until "bye".
    bye = asyncio.ensure_future(next_message("bye"))
    try:
        await asyncio.wait_for(connected.wait(), arguments.timeout)
    except asyncio.TimeoutError:
        pass
    if pc.connectionState != "connected":
        emit({"type": "error", "message": f"connection state {pc.connectionState} after {arguments.timeout} s"})
        await pc.close()
        return 1
    emit({"type": "connected", "pair": selected_pair(pc), "seconds": round(time.monotonic() - started, 3)})

    try:
        await asyncio.wait_for(bye, arguments.timeout)
    except asyncio.TimeoutError:
        log(f"no bye within {arguments.timeout} s")
    await asyncio.sleep(0.5)  # the last frames through aiortc's jitter buffer and decoder
    pair = selected_pair(pc)
    inbound = {}
    for report in (await pc.getStats()).values():
        if report.type == "inbound-rtp":
            inbound[report.kind] = inbound.get(report.kind, 0) + report.packetsReceived
    emit({"type": "result", "pair": pair, "state": pc.connectionState,
          "sent": {"video": video.sent, "audio": audio.sent},
          "decoded": {"video": received["video"], "audio": received["audio"]},
          "sizes": sorted(received["sizes"]), "packetsReceived": inbound})
    await pc.close()
    for task in drains + [reader]:
        task.cancel()
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    role = parser.add_mutually_exclusive_group(required=True)
    role.add_argument("--offer", action="store_true")
    role.add_argument("--answer", action="store_true")
    parser.add_argument("--ice-server", action="append", default=[])
    parser.add_argument("--username")
    parser.add_argument("--credential")
    parser.add_argument("--video-frames", type=int, default=90)
    parser.add_argument("--audio-frames", type=int, default=150)
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--noise", action="store_true", help="a patch of fresh noise in every video frame")
    arguments = parser.parse_args()
    try:
        sys.exit(asyncio.run(run(arguments)))
    except Exception as error:  # reported to the driving test as a message, not only a traceback
        emit({"type": "error", "message": f"{type(error).__name__}: {error}"})
        raise


if __name__ == "__main__":
    main()
