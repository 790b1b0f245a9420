"""Headless Chromium calls a bot through LinkUp's web client, as a program of its own: a NAT lab test
(test_nat_peers.py) runs it inside a LAN host's namespace (`lab.run("lan1", [python, this, ...])`), where
chromedriver and Chromium then live too; the test's own process, in a loopback-only namespace, could not reach a
chromedriver in there. It prints one JSON object on stdout and exits 0, or prints {"error": ...} and exits 1.

    python browser_nat_call.py --server http://203.0.113.10:8080 --room nat --name alice --bot echo-bot \
        [--relay] [--min-frames 60] [--screenshot /tmp/natshots/echo.png] [--ca-file PEM] [--chromium-flag FLAG ...]

The page joins with no `ice` filter (it gathers on the namespace's interfaces and uses the join ack's STUN/TURN
servers), calls the bot, waits until it has decoded --min-frames of the echoed video and some audio, takes the
screenshot, reads getStats (what it decoded and sent, and the selected candidate pair with both candidates' types),
and hangs up.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

from browser import (call, chromium, client_url, console_log, describe, hook, media_stats, wait_for,
                     wait_for_remote_media, wait_for_state)

MIN_SAMPLES = 24_000  # half a second of 48 kHz audio


def selected_pair(page) -> dict | None:
    """The transport's selected candidate pair from getStats, with both candidates' type, address and protocol
    (and for a relayed local candidate the protocol to the TURN server and its URL)."""
    entries = {entry["id"]: entry for entry in (hook(page, "window.linkup.report()") or [])}
    for entry in entries.values():
        if entry.get("type") == "transport" and entry.get("selectedCandidatePairId"):
            pair = entries.get(entry["selectedCandidatePairId"], {})
            local = entries.get(pair.get("localCandidateId"), {})
            remote = entries.get(pair.get("remoteCandidateId"), {})
            keys = ("candidateType", "address", "port", "protocol", "relayProtocol", "url")
            return {"state": pair.get("state"), "nominated": pair.get("nominated"),
                    "bytesSent": pair.get("bytesSent"), "bytesReceived": pair.get("bytesReceived"),
                    "availableOutgoingBitrate": pair.get("availableOutgoingBitrate"),
                    "local": {k: local.get(k) for k in keys if local.get(k) is not None},
                    "remote": {k: remote.get(k) for k in keys if remote.get(k) is not None}}
    return None


def trust_certificate_authority(ca_file: str, home: str):
    """Makes Chromium trust `ca_file` (for the lab's `turns:` server) the way a Linux user would: an NSS database
    in $HOME/.pki/nssdb holding the CA as a trusted TLS issuer (certutil, Debian libnss3-tools). HOME is then
    pointed at `home` for Chromium, so the machine's own profile is never touched."""
    database = f"sql:{home}/.pki/nssdb"
    os.makedirs(f"{home}/.pki/nssdb", exist_ok=True)
    subprocess.run(["certutil", "-N", "-d", database, "--empty-password"], check=True, capture_output=True,
                   timeout=20)
    subprocess.run(["certutil", "-A", "-d", database, "-n", "LinkUp NAT lab CA", "-t", "C,,", "-i", ca_file],
                   check=True, capture_output=True, timeout=20)
    os.environ["HOME"] = home


def outbound(page) -> dict:
    """What the page sent, from getStats outbound-rtp: video frames encoded and sent, audio packets sent."""
    numbers = {"videoFramesEncoded": 0, "videoFramesSent": 0, "audioPacketsSent": 0}
    for entry in hook(page, "window.linkup.report()") or []:
        if entry.get("type") == "outbound-rtp" and entry.get("kind") == "video":
            numbers["videoFramesEncoded"] += entry.get("framesEncoded") or 0
            numbers["videoFramesSent"] += entry.get("framesSent") or 0
        elif entry.get("type") == "outbound-rtp" and entry.get("kind") == "audio":
            numbers["audioPacketsSent"] += entry.get("packetsSent") or 0
    return numbers


def run(arguments) -> dict:
    flags = tuple(arguments.chromium_flag)
    home = None
    try:
        if arguments.ca_file:
            home = tempfile.mkdtemp(prefix="linkup-chromium-home-")
            trust_certificate_authority(arguments.ca_file, home)
        with chromium(flags) as page:
            try:
                return call_bot(page, arguments)
            except Exception as error:
                raise RuntimeError(f"{type(error).__name__}: {error}; page: {describe(page)}; "
                                   f"console: {console_log(page)}") from error
    finally:
        if home:
            shutil.rmtree(home, ignore_errors=True)


def call_bot(page, arguments) -> dict:
    url = client_url(arguments.server, arguments.room, arguments.name, ice=None, relay=arguments.relay)
    page.get(url)
    wait_for(page, "window.linkup !== undefined", 15)
    wait_for(page, "window.linkup.self !== null", 15, what="the join")
    configuration = hook(page, "window.linkup.rtcConfiguration")
    wait_for(page, f"linkup.peers.some(p => p.name === {json.dumps(arguments.bot)})", 10,
             what=f"{arguments.bot} in the room")
    started = time.monotonic()
    call(page, arguments.bot)
    wait_for_state(page, "in-call", 20)
    stats = wait_for_remote_media(page, arguments.min_frames, MIN_SAMPLES, timeout=arguments.media_timeout)
    held = None
    if arguments.hold:
        # Stays in the call, then reports what moved meanwhile: the page's send and receive rates, the frames it
        # decoded, and its congestion controller's estimate (candidate-pair availableOutgoingBitrate).
        before, before_pair = media_stats(page), selected_pair(page) or {}
        time.sleep(arguments.hold)
        after, after_pair = media_stats(page), selected_pair(page) or {}
        held = {"seconds": arguments.hold,
                "sentKbps": ((after_pair.get("bytesSent") or 0) - (before_pair.get("bytesSent") or 0))
                * 8 / arguments.hold / 1000,
                "receivedKbps": ((after_pair.get("bytesReceived") or 0) - (before_pair.get("bytesReceived") or 0))
                * 8 / arguments.hold / 1000,
                "framesDecoded": after["framesDecoded"] - before["framesDecoded"],
                "availableOutgoingBitrate": after_pair.get("availableOutgoingBitrate"),
                "frameWidth": after.get("frameWidth")}
    # The page's stats line refreshes once a second: let it show the numbers before the screenshot.
    time.sleep(1.2)
    if arguments.screenshot:
        page.save_screenshot(arguments.screenshot)
    stats = media_stats(page)
    sent = outbound(page)
    pair = selected_pair(page)
    timing = hook(page, "window.linkup.timing")
    hook(page, "linkup.hangup()")
    wait_for_state(page, "idle", 10)
    return {"stats": stats, "sent": sent, "pair": pair, "timing": timing, "configuration": configuration, "url": url,
            "seconds": round(time.monotonic() - started, 2), "screenshot": arguments.screenshot,
            "candidates": hook(page, "window.linkup.candidates"), "held": held}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True)
    parser.add_argument("--room", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--bot", required=True)
    parser.add_argument("--relay", action="store_true", help="the page's ?relay=1 (iceTransportPolicy relay)")
    parser.add_argument("--min-frames", type=int, default=60)
    parser.add_argument("--media-timeout", type=float, default=20)
    parser.add_argument("--hold", type=float, default=0, help="seconds to stay in the call once media flows")
    parser.add_argument("--screenshot")
    parser.add_argument("--chromium-flag", action="append", default=[])
    parser.add_argument("--ca-file", help="a PEM CA for Chromium to trust (turns: servers), through an NSS database")
    arguments = parser.parse_args()
    try:
        result = run(arguments)
    except Exception as error:
        print(json.dumps({"error": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc()}))
        sys.exit(1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
