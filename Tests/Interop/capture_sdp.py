#!/usr/bin/env python3
"""Captures real aiortc offers and answers into fixtures/sdp/ for the SDP codec tests.

Run from the repository root with the project-local virtualenv:
    python3 -m venv .venv && .venv/bin/pip install aiortc
    .venv/bin/python Tests/Interop/capture_sdp.py

No STUN or TURN server is configured (iceServers=[]), so only host candidates are gathered and no traffic leaves
the machine. Files are written exactly as aiortc produced them.
"""
import asyncio
import pathlib
import sys

import aiortc
from aiortc import RTCConfiguration, RTCPeerConnection

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "fixtures" / "sdp"


def save(name: str, sdp: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / name
    # newline="" keeps aiortc's own line endings (CRLF) byte for byte.
    with open(path, "w", newline="") as handle:
        handle.write(sdp)
    print(f"wrote {path.relative_to(ROOT)} ({len(sdp)} bytes)")


def peer() -> RTCPeerConnection:
    return RTCPeerConnection(RTCConfiguration(iceServers=[]))


async def offer_answer(kinds: list[str], data_channel: bool, what: str) -> None:
    """One aiortc peer offers, a second one answers; both descriptions are saved after ICE gathering."""
    offerer, answerer = peer(), peer()
    for kind in kinds:
        offerer.addTransceiver(kind, direction="sendrecv")
    if data_channel:
        offerer.createDataChannel("chat")
    # aiortc's setLocalDescription waits for ICE gathering to complete, so localDescription has every candidate.
    await offerer.setLocalDescription(await offerer.createOffer())
    save(f"aiortc-offer-{what}.sdp", offerer.localDescription.sdp)
    await answerer.setRemoteDescription(offerer.localDescription)
    await answerer.setLocalDescription(await answerer.createAnswer())
    save(f"aiortc-answer-{what}.sdp", answerer.localDescription.sdp)
    await offerer.close()
    await answerer.close()


async def main() -> None:
    print(f"aiortc {aiortc.__version__}, python {sys.version.split()[0]}")
    await offer_answer(["audio", "video"], False, "audio-video")
    await offer_answer(["audio", "video"], True, "audio-video-data")


if __name__ == "__main__":
    asyncio.run(main())
