"""LinkUp against aiortc, a real WebRTC stack, on 127.0.0.1 only (no STUN server: an empty ICE server list).

For each SRTP protection profile aiortc supports, and with aiortc as offerer and as answerer: both sides reach
connected, DTLS completes with that profile, and RTP each side sends is received (and so authenticated) by the other.
"""

import asyncio
import time

import pytest
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc import rtcdtlstransport
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack

from linkup_probe import Probe

PROFILES = [p.openssl_profile.decode() for p in rtcdtlstransport.SRTP_PROFILES]
PACKETS = 100


def restrict_aiortc_profiles(name: str):
    """Makes aiortc offer only `name` in use_srtp, so the handshake must settle on it."""
    wanted = [p for p in rtcdtlstransport.SRTP_PROFILES_ALL if p.openssl_profile.decode() == name]
    rtcdtlstransport.SRTP_PROFILES[:] = wanted


rtcdtlstransport.SRTP_PROFILES_ALL = list(rtcdtlstransport.SRTP_PROFILES)


def loopback_only(sdp: str) -> str:
    """Keeps only 127.0.0.1 candidates, so no test traffic leaves loopback."""
    lines = [line for line in sdp.splitlines() if not line.startswith("a=candidate:") or " 127.0.0.1 " in line]
    return "\r\n".join(lines) + "\r\n"


async def aiortc_peer():
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    pc.addTrack(AudioStreamTrack())
    pc.addTrack(VideoStreamTrack())
    received = {"audio": 0, "video": 0}

    @pc.on("track")
    def on_track(track):
        async def drain():
            try:
                while True:
                    await track.recv()
                    received[track.kind] += 1
            except Exception:
                pass
        asyncio.ensure_future(drain())

    return pc, received


async def inbound_packets(pc) -> dict:
    stats = await pc.getStats()
    counts = {}
    for report in stats.values():
        if report.type == "inbound-rtp":
            counts[report.kind] = counts.get(report.kind, 0) + report.packetsReceived
    return counts


async def run_call(aiortc_offers: bool, profile: str):
    restrict_aiortc_profiles(profile)
    pc, _ = await aiortc_peer()
    started = time.monotonic()
    if aiortc_offers:
        probe = await Probe("--answer", "--packets", str(PACKETS), "--host", "127.0.0.1").start()
        await pc.setLocalDescription(await pc.createOffer())
        await probe.send({"type": "offer", "sdp": loopback_only(pc.localDescription.sdp)})
        answer = await probe.read("answer")
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer"))
    else:
        probe = await Probe("--offer", "--packets", str(PACKETS), "--host", "127.0.0.1").start()
        offer = await probe.read("offer")
        await pc.setRemoteDescription(RTCSessionDescription(sdp=offer["sdp"], type="offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        await probe.send({"type": "answer", "sdp": loopback_only(pc.localDescription.sdp)})
    connected = await probe.read("connected")
    stats = await probe.read("stats", timeout=30)
    counts = await inbound_packets(pc)
    state = pc.connectionState
    await pc.close()
    await probe.send({"type": "bye"})
    code = await probe.finish()
    return connected, stats, counts, state, code, time.monotonic() - started


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("aiortc_offers", [True, False], ids=["aiortc-offers", "linkup-offers"])
def test_call_with_aiortc(aiortc_offers, profile):
    connected, stats, counts, state, code, _ = asyncio.run(run_call(aiortc_offers, profile))
    assert connected["profile"] == profile
    assert state == "connected"
    assert code == 0
    # LinkUp authenticated and received aiortc's audio and video.
    assert stats["received"]["audio"] > 10, stats
    assert stats["received"]["video"] > 5, stats
    assert stats["dropped"] == 0, stats
    # aiortc authenticated and received LinkUp's packets (its SRTP layer drops anything that fails).
    assert counts.get("audio", 0) >= PACKETS * 0.9, counts
    assert counts.get("video", 0) >= PACKETS * 0.9, counts
