"""Call set-up time on loopback: from setRemoteDescription to connected (ICE + DTLS + SRTP keys), as measured by the
LinkUp side (`linkup probe` reports it as setupMs), median and p90 of N calls.

Pairings: LinkUp->LinkUp (two processes), LinkUp offers to aiortc, aiortc offers to LinkUp. Run from the repository
root after `swift build -c release` (or set LINKUP_BIN):  .venv/bin/python Benchmarks/setup_time.py [N]
"""

import asyncio
import sys

from bench_common import loopback_only, summarize  # also puts Tests/Interop on sys.path

from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription  # noqa: E402
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack  # noqa: E402
from linkup_probe import Probe  # noqa: E402


async def linkup_to_linkup():
    offerer = await Probe("--offer", "--packets", "0").start()
    answerer = await Probe("--answer", "--packets", "0").start()
    await answerer.send(await offerer.read("offer"))
    await offerer.send(await answerer.read("answer"))
    connected = [await offerer.read("connected"), await answerer.read("connected")]
    for probe in (offerer, answerer):
        await probe.read("stats")
        await probe.send({"type": "bye"})
        await probe.finish()
    # The offerer sets the remote description last: its figure is the call's set-up time.
    return connected[0]["setupMs"]


async def with_aiortc(aiortc_offers):
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    pc.addTrack(AudioStreamTrack())
    pc.addTrack(VideoStreamTrack())
    if aiortc_offers:
        probe = await Probe("--answer", "--packets", "0").start()
        await pc.setLocalDescription(await pc.createOffer())
        await probe.send({"type": "offer", "sdp": loopback_only(pc.localDescription.sdp)})
        await pc.setRemoteDescription(RTCSessionDescription(sdp=(await probe.read("answer"))["sdp"], type="answer"))
    else:
        probe = await Probe("--offer", "--packets", "0").start()
        await pc.setRemoteDescription(RTCSessionDescription(sdp=(await probe.read("offer"))["sdp"], type="offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        await probe.send({"type": "answer", "sdp": loopback_only(pc.localDescription.sdp)})
    connected = await probe.read("connected")
    await probe.read("stats")
    await pc.close()
    await probe.send({"type": "bye"})
    await probe.finish()
    return connected["setupMs"]


async def main(count):
    for name, run in (("LinkUp -> LinkUp", linkup_to_linkup),
                      ("LinkUp offers, aiortc answers", lambda: with_aiortc(False)),
                      ("aiortc offers, LinkUp answers", lambda: with_aiortc(True))):
        summarize(name, [await run() for _ in range(count)])


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20))
