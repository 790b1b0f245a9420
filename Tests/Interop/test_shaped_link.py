"""LinkUp → LinkUp across a real narrow link: two network namespaces joined by a veth pair whose two ends are each
shaped to a rate with `tc qdisc ... tbf` (netem is not in this kernel), and `linkup probe` sending the 640x480 test
pattern and an Opus tone both ways. Issue #11 measured this before congestion control at 200 kbit/s: 23 of 450
frames decoded (5%), latency p95 2.2 and 5.0 s, about 40% of the packets lost.

Addresses are TEST-NET-1 (RFC 5737), inside namespaces this module creates and removes; no link joins the host."""

import asyncio
import shutil
import subprocess

import pytest

from linkup_probe import Probe
from shaped_link import ADDRESSES, ShapedLink

pytestmark = [
    pytest.mark.skipif(shutil.which("ip") is None or shutil.which("tc") is None, reason="iproute2 is not installed"),
    pytest.mark.skipif(subprocess.run(["id", "-u"], capture_output=True, text=True).stdout.strip() != "0",
                       reason="namespaces need root"),
]

SECONDS = 15


async def call(link: ShapedLink):
    media = ("--send-media", "--media-seconds", str(SECONDS), "--video", "testsrc:640x480@30", "--timeout", "20")
    offerer = await Probe("--offer", *media, "--audio", "tone:440", "--host", ADDRESSES[0],
                          prefix=link.prefix(0)).start()
    answerer = await Probe("--answer", *media, "--audio", "tone:660", "--host", ADDRESSES[1],
                           prefix=link.prefix(1)).start()
    try:
        await answerer.send(await offerer.read("offer"))
        await offerer.send(await answerer.read("answer"))
        for probe in (offerer, answerer):
            await probe.read("connected")
        summaries = [(await probe.read("media", timeout=SECONDS + 30))["summary"] for probe in (offerer, answerer)]
        for probe in (offerer, answerer):
            await probe.read("stats", timeout=10)
            await probe.send({"type": "bye"})
        for probe in (offerer, answerer):
            await probe.finish()
        return summaries
    finally:
        for probe in (offerer, answerer):
            if probe.process and probe.process.returncode is None:
                probe.process.kill()


@pytest.mark.parametrize("rate,kbps", [("300kbit", 300), ("500kbit", 500)])
def test_a_call_adapts_to_a_narrow_link(rate, kbps):
    with ShapedLink(rate) as link:
        summaries = asyncio.run(call(link))
    for side in summaries:
        sent, decoded = side["videoFramesSent"], side["videoFramesDecoded"]
        print(f"{rate}: sent {sent} frames at {side['sentBitrateKbps']:.0f} kbit/s, decoded {decoded} of the "
              f"remote's {side['videoFramesReceived']}, latency p95 {side.get('latencyP95Ms')}, "
              f"psnr {side.get('psnrDb')}, loss {side.get('receivedLoss')}, rtt {side.get('rttMs')}")
    for mine, remote in ((summaries[0], summaries[1]), (summaries[1], summaries[0])):
        # What one side sent fits the link (media, RTX and probes; RTCP and headers besides).
        assert mine["sentBitrateKbps"] <= kbps * 1.05, mine
        # The other side decodes most frames sent, and the picture stays live. Before congestion control: 5% of
        # the frames, 2.2-5 s behind. The bounds leave room for a busy machine: on CI's two cores, running the
        # debug build, one run saw 180 of 213 frames decoded and a p95 of 0.68 s at 200 kbit/s.
        assert remote["videoFramesDecoded"] >= 0.75 * mine["videoFramesSent"], (mine, remote)
        assert remote["videoFramesDecoded"] >= 8 * SECONDS, remote
        assert remote["latencyP95Ms"] is not None and remote["latencyP95Ms"] < 1000, remote
        assert remote["audioFramesReceived"] >= 0.9 * mine["audioFramesSent"], (mine, remote)


AIORTC_FRAMES = 450  # 15 s at 30 fps
REMB_LINK_KBPS = 1000


async def aiortc_to_linkup(link: ShapedLink):
    """aiortc (no transport-wide CC: it stamps abs-send-time and obeys REMB) sends noisy video from the first
    namespace; `linkup probe` receives in the second and answers with REMB."""
    import json
    import os
    import sys
    here = os.path.dirname(os.path.abspath(__file__))
    peer = await asyncio.create_subprocess_exec(
        *link.prefix(0), sys.executable, os.path.join(here, "aiortc_peer.py"), "--offer", "--noise",
        "--video-frames", str(AIORTC_FRAMES), "--audio-frames", str(AIORTC_FRAMES * 2 // 3), "--timeout", "60",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)

    async def from_peer(kind):
        while True:
            line = await asyncio.wait_for(peer.stdout.readline(), 60)
            if not line:
                raise AssertionError(f"aiortc_peer.py ended: {(await peer.stderr.read()).decode()[-2000:]}")
            message = json.loads(line)
            if message.get("type") == "error":
                raise AssertionError(f"aiortc_peer.py: {message}")
            if message.get("type") == kind:
                return message

    async def to_peer(message):
        peer.stdin.write((json.dumps(message) + "\n").encode())
        await peer.stdin.drain()

    probe = await Probe("--answer", "--frame-timeline", "--media-seconds", str(SECONDS), "--host", ADDRESSES[1],
                        "--timeout", "30", prefix=link.prefix(1)).start()
    try:
        await probe.send(await from_peer("offer"))
        await to_peer(await probe.read("answer"))
        for message in probe.messages:
            if message.get("type") == "candidate":
                await to_peer(message)
        await probe.read("connected", timeout=30)
        await from_peer("connected")
        summary = (await probe.read("media", timeout=SECONDS + 30))["summary"]
        await to_peer({"type": "bye"})
        result = await from_peer("result")
        await probe.read("stats", timeout=10)
        await probe.send({"type": "bye"})
        await probe.finish()
        return summary, result
    finally:
        for process in (peer, probe.process):
            if process and process.returncode is None:
                process.kill()


def test_linkup_remb_steers_aiortc_on_a_narrow_link():
    with ShapedLink(f"{REMB_LINK_KBPS}kbit") as link:
        summary, result = asyncio.run(aiortc_to_linkup(link))
    sent = result["sent"]["video"]
    print(f"aiortc sent {sent} frames; LinkUp received {summary['receivedBitrateKbps']:.0f} kbit/s, decoded "
          f"{summary['videoFramesDecoded']} of {summary['videoFramesReceived']}, loss {summary.get('receivedLoss')}, "
          f"{summary['rembSent']} REMB sent (last {summary.get('lastRembSentKbps')} kbit/s), {summary['nacksSent']} NACKs, {summary['plisSent']} PLIs")
    # LinkUp's receive-side estimate went to aiortc every second, bounded near the link: aiortc obeys REMB between
    # 250 kbit/s and 1.5 Mbit/s (its VP8 starts at 500). With this picture aiortc's encoder used about 475 kbit/s
    # whatever it was allowed, so the link was never full: this checks the REMB path and its bound, not aiortc
    # being throttled.
    assert summary["rembSent"] >= SECONDS // 2, summary
    assert 250 <= (summary.get("lastRembSentKbps") or 0) <= 1.5 * REMB_LINK_KBPS, summary
    assert (summary.get("receivedLoss") or 0) < 0.05, summary
    assert summary["videoFramesDecoded"] >= 0.8 * sent, (summary, result)
