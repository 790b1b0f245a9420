"""Two LinkUp peers in two processes (`linkup probe`) connect over real UDP on 127.0.0.1 and exchange SRTP."""

import asyncio

import pytest

from linkup_probe import Probe

PACKETS = 100


async def call(profile_arguments=()):
    offerer = await Probe("--offer", "--packets", str(PACKETS), *profile_arguments).start()
    answerer = await Probe("--answer", "--packets", str(PACKETS), *profile_arguments).start()
    offer = await offerer.read("offer")
    await answerer.send(offer)
    answer = await answerer.read("answer")
    await offerer.send(answer)
    results = []
    for probe in (offerer, answerer):
        results.append((await probe.read("connected"), None))
    stats = [await offerer.read("stats", timeout=30), await answerer.read("stats", timeout=30)]
    for probe in (offerer, answerer):
        await probe.send({"type": "bye"})
    codes = [await offerer.finish(), await answerer.finish()]
    return [r[0] for r in results], stats, codes


@pytest.mark.parametrize("profile", ["aes128gcm", "aes256gcm", "aes128cm"])
def test_two_linkup_processes_exchange_srtp(profile):
    connected, stats, codes = asyncio.run(call(("--srtp-profile", profile)))
    assert codes == [0, 0]
    expected = {"aes128gcm": "SRTP_AEAD_AES_128_GCM", "aes256gcm": "SRTP_AEAD_AES_256_GCM",
                "aes128cm": "SRTP_AES128_CM_SHA1_80"}[profile]
    for side in connected:
        assert side["profile"] == expected
    for side in stats:
        # Every packet the other process sent arrived and passed SRTP authentication (loopback loses nothing).
        assert side["received"] == {"audio": PACKETS, "video": PACKETS}, side
        assert side["dropped"] == 0, side
        assert side["state"] == "connected"


def test_two_linkup_processes_over_ipv6_loopback():
    connected, stats, codes = asyncio.run(call(("--host", "::1")))
    assert codes == [0, 0]
    for side in connected:
        assert "[::1]" in side["pair"]
    for side in stats:
        assert side["received"] == {"audio": PACKETS, "video": PACKETS}, side
