"""Data channels between LinkUp and aiortc (its own SCTP, usrsctp-free, in Python) on 127.0.0.1 only.

aiortc's DTLS client alone sends INIT; LinkUp sends INIT from both roles, as libwebrtc does. Each side opens
channels (ordered, unordered, maxRetransmits=0) that the other accepts through DCEP, and messages cross both ways;
one case bundles the data channel with audio and video in one transport.
"""

import asyncio
import base64

import pytest
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack

from linkup_probe import Probe
from test_aiortc_interop import inbound_packets, loopback_only

CHANNELS = [("ordered", {}), ("unordered", {"ordered": False}), ("lossy", {"maxRetransmits": 0})]
MESSAGES = 20


class AiortcSide:
    """aiortc's peer connection, remembering every message its channels got, by label."""

    def __init__(self, media: bool = False):
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        if media:
            self.pc.addTrack(AudioStreamTrack())
            self.pc.addTrack(VideoStreamTrack())
        self.channels = {}
        self.received = {}
        self.pc.on("datachannel", self.adopt)

    def adopt(self, channel):
        self.channels[channel.label] = channel
        self.received.setdefault(channel.label, [])
        channel.on("message", lambda message: self.received[channel.label].append(message))

    def open(self, label, **options):
        channel = self.pc.createDataChannel(label, **options)
        self.adopt(channel)
        return channel


async def linkup_messages(probe: Probe, label_of: dict, count: int, timeout: float = 20) -> dict:
    """Message events from the probe until `count` arrived, grouped by channel label."""
    got = {}
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while sum(len(v) for v in got.values()) < count:
        message = await probe.read("channel", timeout=max(0.1, deadline - loop.time()))
        if message.get("event") == "opened":
            label_of[message["id"]] = message["label"]
        if message.get("event") == "message":
            got.setdefault(label_of.get(message["id"], message["id"]), []).append(
                message.get("text") if "text" in message else base64.b64decode(message["head"]))
    return got


async def wait_until(predicate, timeout=20):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def negotiate(aiortc_offers: bool, side: AiortcSide, probe_arguments):
    if aiortc_offers:
        probe = await Probe("--answer", "--data", "--host", "127.0.0.1", *probe_arguments).start()
        await side.pc.setLocalDescription(await side.pc.createOffer())
        await probe.send({"type": "offer", "sdp": loopback_only(side.pc.localDescription.sdp)})
        answer = await probe.read("answer")
        await side.pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer"))
    else:
        probe = await Probe("--offer", "--host", "127.0.0.1", *probe_arguments).start()
        offer = await probe.read("offer")
        await side.pc.setRemoteDescription(RTCSessionDescription(sdp=offer["sdp"], type="offer"))
        await side.pc.setLocalDescription(await side.pc.createAnswer())
        await probe.send({"type": "answer", "sdp": loopback_only(side.pc.localDescription.sdp)})
    await probe.read("connected")
    return probe


async def exchange(aiortc_offers: bool):
    side = AiortcSide()
    if aiortc_offers:
        for label, options in CHANNELS:
            side.open(f"aiortc-{label}", **options)
    probe = await negotiate(aiortc_offers, side, [] if aiortc_offers else ["--data-only"])
    label_of = {}
    try:
        # LinkUp opens its own three channels; aiortc sees them through DCEP.
        ids = {}
        for label, options in CHANNELS:
            await probe.send({"type": "open", "label": f"linkup-{label}", **options})
            created = await probe.read("created")
            ids[label] = created["id"]
        assert await wait_until(lambda: all(f"linkup-{label}" in side.channels for label, _ in CHANNELS)), \
            f"aiortc saw {sorted(side.channels)}"
        assert await wait_until(lambda: all(channel.readyState == "open" for channel in side.channels.values()))
        # The ids of channels opened before the association was up arrive with their opened events.
        for label, _ in CHANNELS:
            if ids[label] is None:
                ids[label] = side.channels[f"linkup-{label}"].id
        for label, _ in CHANNELS:
            label_of[ids[label]] = f"linkup-{label}"
            for index in range(MESSAGES):
                await probe.send({"type": "send", "id": ids[label], "text": f"{label} {index}"})
        # aiortc -> LinkUp on every channel (its own and LinkUp's), text and binary.
        for name, channel in list(side.channels.items()):
            label_of.setdefault(channel.id, name)
            for index in range(MESSAGES):
                channel.send(f"back {index}" if index % 2 else bytes([index]) * 100)
        linkup_got = await linkup_messages(probe, label_of, MESSAGES * len(side.channels))
        assert await wait_until(lambda: all(len(side.received.get(f"linkup-{label}", [])) == MESSAGES
                                            for label, _ in CHANNELS)), side.received
        for label, _ in CHANNELS:
            got = side.received[f"linkup-{label}"]
            expected = [f"{label} {index}" for index in range(MESSAGES)]
            # Loopback loses nothing: even the unordered and maxRetransmits=0 channels deliver everything.
            assert sorted(got) == sorted(expected), (label, got)
            if label == "ordered":
                assert got == expected
        for name, got in linkup_got.items():
            assert len(got) == MESSAGES, (name, len(got))
            assert got[1] == "back 1" and got[0] == bytes([0]) * 64, (name, got[:2])
        return side, probe
    finally:
        await side.pc.close()
        await probe.send({"type": "bye"})
        await probe.finish()


@pytest.mark.parametrize("aiortc_offers", [True, False], ids=["aiortc-offers", "linkup-offers"])
def test_data_channels_with_aiortc(aiortc_offers):
    asyncio.run(exchange(aiortc_offers))


async def bundled():
    side = AiortcSide(media=True)
    probe = await negotiate(False, side, ["--data", "--packets", "50"])
    try:
        stats = await probe.read("stats", timeout=30)
        await probe.send({"type": "open", "label": "chat"})
        await probe.read("created")
        assert await wait_until(lambda: "chat" in side.channels and side.channels["chat"].readyState == "open")
        side.channels["chat"].send("hello over the bundle")
        message = await linkup_messages(probe, {side.channels["chat"].id: "chat"}, 1)
        assert message == {"chat": ["hello over the bundle"]}
        counts = await inbound_packets(side.pc)
        assert counts.get("audio", 0) >= 45 and counts.get("video", 0) >= 45, counts
        assert sum(stats["received"].values()) > 0, stats
        assert len(side.pc.getTransceivers()) == 2
    finally:
        await side.pc.close()
        await probe.send({"type": "bye"})
        await probe.finish()


def test_data_channel_bundled_with_audio_and_video():
    asyncio.run(bundled())
