"""Set-up speed as the controlling side: LinkUp and aiortc each offer to the same answerer, a Pion v3 peer
(Benchmarks/pion_peer), N calls each, interleaved, all on 127.0.0.1 with no ICE servers.

- LinkUp offers: `linkup probe --offer --packets 0`; its `setupMs` is from its setRemoteDescription(answer) to
  connectionState connected (ICE nominated, DTLS done, SRTP keys), on its monotonic clock.
- aiortc offers: RTCPeerConnection(RTCConfiguration(iceServers=[])) with an audio and a video track; the time from
  calling setRemoteDescription(answer) to connectionState "connected", in this process.
- Pion's own figure for each call: from its SetRemoteDescription(offer) to its connection state connected (it also
  covers the offerer's receiving and applying the answer).
- "driver": from writing the answer to the offerer to seeing it connected, as this script sees it (for LinkUp it adds
  the pipe and JSON handling on both ends; for aiortc it is the same interval as its own figure).

Every peer keeps to 127.0.0.1: linkup probe binds it by default, Pion gathers only it (an IP filter), aiortc's host
addresses are patched to it (Tests/Interop/aiortc_loopback.py), and candidates of any other address are dropped from
descriptions and trickled lines. Candidates trickle between the peers as JSON lines.

Run from the repository root (root not needed):
    LINKUP_BIN=.build/release/linkup .venv/bin/python Benchmarks/offer_speed.py [N] [--trace]
--trace runs one more call of each kind with LINKUP_LOG=debug, Pion's -v and aiortc's debug log, and prints their
merged timelines (milliseconds from the offerer applying the answer). PION_PEER overrides the Pion binary (else it
is built into .build-bench/ by Benchmarks/pion_peer/build.sh).
"""

import argparse
import asyncio
import logging
import os
import statistics
import time

from bench_common import (LinePeer, PeerFailed, is_loopback_candidate, linkup_binary, loopback_only, p90,
                          pion_peer_binary, print_table)
from aiortc_loopback import gather_loopback_only

from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack
from aiortc.sdp import candidate_from_sdp

CONNECT_TIMEOUT = 20.0
# The offerer's progress after it gets the answer, as its own log shows it (first line containing the marker).
LINKUP_PHASES = (("answer applied", "linkup probe: connection connecting"),
                 ("ICE: first pair succeeded", "linkup probe: ICE connected"),
                 ("ICE: nominated", "linkup probe: ICE completed"),
                 ("DTLS done", "linkup probe: DTLS connected"),
                 ("connected", "linkup probe: connected in"))


class Run:
    """One call's figures (milliseconds) or its failure."""

    def __init__(self):
        self.offerer_ms = None
        self.pion_ms = None
        self.driver_ms = None
        self.failure = None
        self.timeline = []
        self.phases = {}  # phase name -> ms after the answer was handed to the offerer


def forward_to(peer):
    """A candidate handler that sends loopback candidate lines on to `peer`."""
    async def forward(message):
        if is_loopback_candidate(message):
            await peer.send(message)
    return forward


async def linkup_offers(pion_binary, trace=False):
    run = Run()
    env = dict(os.environ, LINKUP_LOG=os.environ.get("LINKUP_LOG", "debug")) if trace else None
    pion = await LinePeer("pion", [pion_binary] + (["-v"] if trace else [])).start()
    probe = await LinePeer("linkup", [linkup_binary(), "probe", "--offer", "--packets", "0",
                                      "--timeout", str(CONNECT_TIMEOUT)], env=env).start()
    answered = time.monotonic()
    try:
        _, offer = await probe.expect("offer")
        await pion.send({"type": "offer", "sdp": loopback_only(offer["sdp"])})
        await probe.forward_candidates(forward_to(pion))
        _, answer = await pion.expect("answer")
        answered = time.monotonic()
        await probe.send({"type": "answer", "sdp": loopback_only(answer["sdp"])})
        await pion.forward_candidates(forward_to(probe))
        seen, connected = await probe.expect("connected", CONNECT_TIMEOUT + 5)
        run.offerer_ms = connected["setupMs"]
        run.driver_ms = (seen - answered) * 1000
        run.pion_ms = (await pion.expect("connected", 10))[1]["ms"]
        for phase, marker in LINKUP_PHASES:
            seen = next((t for t, text in probe.stderr if text.startswith(marker)), None)
            if seen is not None:
                run.phases[phase] = (seen - answered) * 1000
    except PeerFailed as failure:
        run.failure = str(failure)
    finally:
        await asyncio.gather(probe.close(), pion.close())
    if trace:
        run.timeline = sorted(probe.timeline(answered) + pion.timeline(answered), key=_time_of)
    return run


class _Timeline(logging.Handler):
    """Keeps aiortc's and aioice's log records with their monotonic arrival time (for --trace)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        first_line = record.getMessage().splitlines()[0] if record.getMessage() else ""
        self.records.append((time.monotonic(), f"aiortc: {first_line[:200]}"))


async def aiortc_offers(pion_binary, trace=False):
    run = Run()
    loop = asyncio.get_running_loop()
    pion = await LinePeer("pion", [pion_binary] + (["-v"] if trace else [])).start()
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    connected = loop.create_future()

    @pc.on("iceconnectionstatechange")
    def _ice_state_changed():
        phase = {"checking": "ICE checking", "completed": "ICE: completed"}.get(pc.iceConnectionState)
        if phase:
            run.phases.setdefault(phase, (time.monotonic() - answered) * 1000)

    @pc.on("connectionstatechange")
    def _state_changed():
        if connected.done():
            return
        if pc.connectionState == "connected":
            connected.set_result(time.monotonic())
        elif pc.connectionState == "failed":
            connected.set_exception(PeerFailed("aiortc: connection failed"))

    async def add_candidate(message):
        if not is_loopback_candidate(message):
            return
        text = message.get("candidate")
        if not text:
            await pc.addIceCandidate(None)
            return
        candidate = candidate_from_sdp(text.split(":", 1)[1])
        candidate.sdpMid, candidate.sdpMLineIndex = message.get("sdpMid"), message.get("sdpMLineIndex")
        await pc.addIceCandidate(candidate)

    timeline = _Timeline()
    loggers = [logging.getLogger(name) for name in ("aiortc", "aioice")]
    if trace:
        for logger in loggers:
            logger.addHandler(timeline)
            logger.setLevel(logging.DEBUG)
    answered = time.monotonic()
    try:
        pc.addTrack(AudioStreamTrack())
        pc.addTrack(VideoStreamTrack())
        await pc.setLocalDescription(await pc.createOffer())
        await pion.send({"type": "offer", "sdp": loopback_only(pc.localDescription.sdp)})
        _, answer = await pion.expect("answer")
        answered = time.monotonic()
        await pc.setRemoteDescription(RTCSessionDescription(sdp=loopback_only(answer["sdp"]), type="answer"))
        run.phases["answer applied"] = (time.monotonic() - answered) * 1000
        await pion.forward_candidates(add_candidate)
        try:
            connected_at = await asyncio.wait_for(connected, CONNECT_TIMEOUT)
        except asyncio.TimeoutError:
            raise PeerFailed(f"aiortc: not connected within {CONNECT_TIMEOUT:.0f} s "
                             f"(state {pc.connectionState})") from None
        run.offerer_ms = run.driver_ms = run.phases["connected"] = (connected_at - answered) * 1000
        run.pion_ms = (await pion.expect("connected", 10))[1]["ms"]
    except PeerFailed as failure:
        run.failure = str(failure)
    finally:
        for logger in loggers:
            logger.removeHandler(timeline)
        await pc.close()
        await pion.close()
    if trace:
        aiortc_lines = [f"{(t - answered) * 1000:8.1f} ms  {text}" for t, text in timeline.records]
        run.timeline = sorted(pion.timeline(answered) + aiortc_lines, key=_time_of)
    return run


def _time_of(line):
    return float(line.split(" ms", 1)[0])


def report(results, count):
    print(f"\nSet-up as the controlling side, offering to Pion {count} times each (interleaved), 127.0.0.1, "
          f"no ICE servers; milliseconds\n")
    header = ["offerer", "ok/n", "offerer setup median", "p90", "min", "max", "Pion setup median", "p90",
              "driver median", "p90"]
    rows = []
    for name, runs in results.items():
        good = [run for run in runs if run.failure is None]
        offerer = sorted(run.offerer_ms for run in good)
        pion = [run.pion_ms for run in good]
        driver = [run.driver_ms for run in good]
        if not good:
            rows.append([name, f"0/{len(runs)}"] + ["-"] * 8)
            continue
        rows.append([name, f"{len(good)}/{len(runs)}", f"{statistics.median(offerer):.1f}", f"{p90(offerer):.1f}",
                     f"{offerer[0]:.1f}", f"{offerer[-1]:.1f}", f"{statistics.median(pion):.1f}", f"{p90(pion):.1f}",
                     f"{statistics.median(driver):.1f}", f"{p90(driver):.1f}"])
    print_table(header, rows)
    print("\nWhere the offerer's time goes: median ms after the answer was handed to it (LinkUp: lines of its log "
          "as they reached this script; aiortc: its own events)")
    for name, runs in results.items():
        phases = {}
        for run in runs:
            for phase, ms in run.phases.items():
                phases.setdefault(phase, []).append(ms)
        ordered = sorted(phases.items(), key=lambda item: statistics.median(item[1]))
        print(f"  {name}: " + ", ".join(f"{phase} {statistics.median(times):.1f}" for phase, times in ordered))
    print()
    for name, runs in results.items():
        order = ", ".join("fail" if run.failure else f"{run.offerer_ms:.0f}" for run in runs)
        print(f"{name} in call order: {order}")
        for index, run in enumerate(runs):
            if run.failure:
                print(f"  call {index + 1} failed: {run.failure}")


async def main(count, trace):
    gather_loopback_only()
    pion_binary = pion_peer_binary()
    kinds = {"LinkUp offers": linkup_offers, "aiortc offers": aiortc_offers}
    results = {name: [] for name in kinds}
    for index in range(count):
        # Alternate which offerer goes first, so neither always follows the other.
        order = list(kinds.items()) if index % 2 == 0 else list(reversed(kinds.items()))
        for name, measure in order:
            results[name].append(await measure(pion_binary))
    report(results, count)
    if trace:
        for name, measure in kinds.items():
            run = await measure(pion_binary, trace=True)
            print(f"\n--- trace: {name} (ms from handing the answer to the offerer; "
                  f"{'failed: ' + run.failure if run.failure else f'offerer {run.offerer_ms:.1f} ms'}) ---")
            print("\n".join(run.timeline))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", nargs="?", type=int, default=20, help="calls per offerer (default 20)")
    parser.add_argument("--trace", action="store_true", help="then one traced call each, timelines printed")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.count, arguments.trace))
