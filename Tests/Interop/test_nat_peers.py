"""LinkUp against other WebRTC stacks across the NAT lab (netlab.py): each peer behind its own NAT router, coturn
on the public host, so every path that works is one a real deployment would have.

- aiortc and `linkup probe` behind symmetric NATs (the path must cross the TURN relay over UDP), LinkUp offering
  in one case and aiortc in the other. aiortc runs as its own process in lan2 (aiortc_peer.py: conftest.py's
  loopback patch for aioice lives only in this process, so there it gathers the lab's `uplink` address), the probe
  in lan1; this process carries their descriptions and LinkUp's trickled candidates. Both send real media (LinkUp
  its VP8 test pattern and an Opus tone, aiortc its VP8 test video and Opus silence) and decode what arrives.
- LinkUp's web client in headless Chromium (lan1) calls `linkup bot --mode echo` (lan2) through `linkup serve` on
  the public host, which hands both the lab's TURN server with REST credentials in the join ack: behind symmetric
  NATs; behind cone NATs with the page's `?relay=1` (relays only although server-reflexive paths would work); and
  with UDP dropped at both NATs, over `turns:turn.test:5349`, Chromium trusting the lab's CA through an NSS
  database (browser_nat_call.py). The browser runs in lan1 as a script of its own, since this process lives in a
  loopback-only namespace (conftest.py) from which no chromedriver inside lan1 could be reached; it leaves a
  screenshot of each call in $LINKUP_SCREENSHOT_DIR (default /tmp/natshots).

Frames are counted where they are decoded (aiortc's receiver tracks, LinkUp's decoders and its IVF recording read
back by ffprobe, Chromium's getStats framesDecoded), and each direction must deliver at least 90% of what was sent.
"""

import contextlib
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

from browser import chromium_available
from line_peer import LinePeer
from linkup_probe import linkup_binary

TEST_TIMEOUT = 60

HERE = pathlib.Path(__file__).resolve().parent
TURN_PORT = 3478
TURNS_URL = "turns:turn.test:5349"

# aiortc sends 3 s (90 frames at 30 fps, 150 audio frames of 20 ms); LinkUp sends and records for MEDIA_SECONDS,
# which leaves room for the two sides reaching "connected" up to a second and a half apart.
AIORTC_VIDEO_FRAMES = 90
AIORTC_AUDIO_FRAMES = 150
MEDIA_SECONDS = 4
LINKUP_VIDEO = (320, 240)
SHARE = 0.9  # of the frames sent, decoded on the other side


def aiortc_missing():
    try:
        import aiortc  # noqa: F401
    except ImportError:
        return "aiortc is not installed (make deps)"
    return None


def endpoint(description: str) -> str:
    """"203.0.113.10:55641" out of a candidate description such as "relay 203.0.113.10:55641/udp"."""
    match = re.search(r"(\d+\.\d+\.\d+\.\d+:\d+)", description or "")
    return match.group(1) if match else ""


def last_selected_pair(log: list[str]) -> str:
    """The pair LinkUp used last, from its "selected pair LOCAL -> REMOTE (...)" log lines (the `connected` message
    names the first one; a controlling peer may nominate a better pair later)."""
    pairs = [line.split("selected pair ", 1)[1].strip() for line in log if "selected pair " in line]
    return pairs[-1] if pairs else ""


def linkup_and_aiortc(lab, linkup_offers: bool, record_dir: pathlib.Path) -> dict:
    """`linkup probe` in lan1 and aiortc_peer.py in lan2, both given the lab's TURN server over UDP and its
    credentials, call each other: descriptions go through this process, and so do LinkUp's trickled candidates
    (aiortc puts all of its own into its description). Returns what both reported."""
    url = f"turn:{lab.turn_server}:{TURN_PORT}?transport=udp"
    # The lab's static TURN user: `--turn-user USER:PASS` splits at the first colon, and REST usernames
    # ("EXPIRY:NAME") contain one.
    credentials = lab.turn_credentials()
    probe = LinePeer(lab.popen("lan1", [
        linkup_binary(), "probe", "--offer" if linkup_offers else "--answer", "--host", lab.addr("lan1"),
        "--ice-server", url, "--turn-user", f"{credentials.username}:{credentials.password}",
        "--send-media", "--video", "testsrc:{}x{}@30".format(*LINKUP_VIDEO), "--record", record_dir,
        "--media-seconds", MEDIA_SECONDS, "--timeout", 20], **LinePeer.PIPES), "linkup probe")
    aiortc = LinePeer(lab.popen("lan2", [
        sys.executable, HERE / "aiortc_peer.py", "--answer" if linkup_offers else "--offer", "--ice-server", url,
        "--username", credentials.username, "--credential", credentials.password,
        "--video-frames", AIORTC_VIDEO_FRAMES, "--audio-frames", AIORTC_AUDIO_FRAMES, "--timeout", 25],
        **LinePeer.PIPES), "aiortc")
    probe.forward_candidates_to(aiortc)
    if linkup_offers:
        aiortc.send(probe.read("offer"))
        probe.send(aiortc.read("answer", timeout=20))
    else:
        probe.send(aiortc.read("offer", timeout=20))
        aiortc.send(probe.read("answer"))
    linkup_connected = probe.read("connected", timeout=25)
    aiortc_connected = aiortc.read("connected", timeout=25)
    media = probe.read("media", timeout=MEDIA_SECONDS + 15)["summary"]
    aiortc.send({"type": "bye"})
    result = aiortc.read("result", timeout=10)
    probe.send({"type": "bye"})
    codes = (probe.finish(), aiortc.finish())
    return {"linkup_connected": linkup_connected, "aiortc_connected": aiortc_connected, "media": media,
            "aiortc": result, "codes": codes, "linkup_final_pair": last_selected_pair(probe.log),
            "explain": probe.explain() + "\n" + aiortc.explain()}


def ffprobe_video_frames(path: pathlib.Path) -> int:
    """Frames ffprobe decodes from an IVF file."""
    output = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                             "stream=nb_read_frames", "-of", "json", str(path)],
                            check=True, capture_output=True, text=True, timeout=30).stdout
    return int(json.loads(output)["streams"][0]["nb_read_frames"])


@pytest.mark.skipif(aiortc_missing() is not None, reason=str(aiortc_missing()))
@pytest.mark.parametrize("natlab", [{"nat": "symmetric", "turn": "user"}], indirect=True)
@pytest.mark.parametrize("linkup_offers", [True, False], ids=["linkup-offers", "aiortc-offers"])
def test_linkup_and_aiortc_exchange_media_through_the_relay(natlab, linkup_offers, deadline, tmp_path):
    call = linkup_and_aiortc(natlab, linkup_offers, tmp_path)
    media, aiortc = call["media"], call["aiortc"]
    explain = call["explain"]
    print(f"\nLinkUp connected over {call['linkup_connected']['pair']}; last selected pair "
          f"{call['linkup_final_pair']}; aiortc's pair {aiortc['pair']['local']} -> {aiortc['pair']['remote']}")
    print(f"LinkUp -> aiortc: video {media['videoFramesSent']} sent, {aiortc['decoded']['video']} decoded "
          f"{aiortc['sizes']}; audio {media['audioFramesSent']} sent, {aiortc['decoded']['audio']} decoded")
    print(f"aiortc -> LinkUp: video {aiortc['sent']['video']} sent, {media['videoFramesDecoded']} decoded, "
          f"{media['recording']['videoFrames']} recorded; audio {aiortc['sent']['audio']} sent, "
          f"{media['audioFramesReceived']} received, {media['recording']['audioPackets']} recorded")
    assert call["codes"] == (0, 0), explain

    # Symmetric NATs on both sides: no path without the relay. Both ends name the same path: LinkUp's remote end
    # is aiortc's local one.
    assert "relay" in call["linkup_connected"]["pair"], call["linkup_connected"]
    assert "relay" in call["linkup_final_pair"], explain
    assert "relay" in (aiortc["pair"]["localType"], aiortc["pair"]["remoteType"]), aiortc
    assert endpoint(call["linkup_final_pair"].split("->")[1]) == endpoint(aiortc["pair"]["local"]), \
        (call["linkup_final_pair"], aiortc["pair"])

    # LinkUp -> aiortc, decoded by aiortc (libvpx, libopus).
    assert media["videoFramesSent"] >= MEDIA_SECONDS * 30 * SHARE, media
    assert aiortc["decoded"]["video"] >= media["videoFramesSent"] * SHARE, (aiortc, media)
    assert aiortc["sizes"] == [list(LINKUP_VIDEO)], aiortc
    assert aiortc["decoded"]["audio"] >= media["audioFramesSent"] * SHARE, (aiortc, media)

    # aiortc -> LinkUp, decoded by LinkUp and recorded.
    assert aiortc["sent"] == {"video": AIORTC_VIDEO_FRAMES, "audio": AIORTC_AUDIO_FRAMES}, aiortc
    assert media["videoFramesDecoded"] >= AIORTC_VIDEO_FRAMES * SHARE, media
    assert media["audioFramesReceived"] >= AIORTC_AUDIO_FRAMES * SHARE, media
    recording = media["recording"]
    assert "error" not in recording, recording
    if shutil.which("ffprobe"):
        assert ffprobe_video_frames(tmp_path / "remote.ivf") == recording["videoFrames"], recording
    assert recording["videoFrames"] >= AIORTC_VIDEO_FRAMES * SHARE, recording


# --- the web client in Chromium (lan1) calls `linkup bot --mode echo` (lan2) through `linkup serve` (pub) ---

SERVE_PORT = 8080
ROOM = "nat"
BOT = "echo-bot"
# The echoed fake camera (30 fps): at least 3 s of it decoded by the page before it hangs up.
MIN_FRAMES = 90
SCREENSHOT_DIR = pathlib.Path(os.environ.get("LINKUP_SCREENSHOT_DIR") or "/tmp/natshots")


@pytest.fixture
def browser_in_lab():
    reason = chromium_available()
    if reason:
        pytest.skip(reason)


@contextlib.contextmanager
def serve_and_echo_bot(lab, serve_args, bot_args=()):
    """`linkup serve SERVE_ARGS` on pub and `linkup bot --mode echo --json --verify BOT_ARGS` in lan2 (decoding
    what it echoes, so both directions are counted in frames), joined to ROOM;
    yields (server URL, the bot as a LinePeer whose messages are its ended calls). The lab ends both at teardown."""
    binary = linkup_binary()
    url = f"http://{lab.addr('pub')}:{SERVE_PORT}"
    serve = LinePeer(lab.popen("pub", [binary, "serve", "--host", lab.addr("pub"), "--port", SERVE_PORT,
                                       *serve_args], **LinePeer.PIPES), "linkup serve")
    lab.wait_for_port("pub", SERVE_PORT)
    bot = LinePeer(lab.popen("lan2", [binary, "bot", "--server", url, "--room", ROOM, "--mode", "echo",
                                      "--name", BOT, "--json", "--verify", *bot_args], **LinePeer.PIPES), "linkup bot")
    bot.wait_for_log("waiting for calls", timeout=20)
    try:
        yield url, bot
    finally:
        bot.process.terminate()
        serve.process.terminate()


def browser_calls_bot(lab, server_url, name, relay=False, ca_file=None, bot=BOT, extra=(), timeout=45):
    """Runs browser_nat_call.py in lan1 (chromedriver and Chromium with it) and returns its JSON result and its
    stderr. The page may use getUserMedia on the lab's plain-HTTP origin."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    screenshot = SCREENSHOT_DIR / f"{name}.png"
    argv = [sys.executable, HERE / "browser_nat_call.py", "--server", server_url, "--room", ROOM, "--name", "alice",
            "--bot", bot, "--min-frames", MIN_FRAMES, "--screenshot", screenshot,
            f"--chromium-flag=--unsafely-treat-insecure-origin-as-secure={server_url}",
            *(["--relay"] if relay else []), *(["--ca-file", ca_file] if ca_file else []), *extra]
    process = lab.popen("lan1", argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate(timeout=5)
        raise AssertionError(f"the browser script ran over {timeout} s: {out}\n{err[-3000:]}")
    lines = [line for line in out.splitlines() if line.startswith("{")]
    assert lines, f"the browser script printed nothing (exit {process.returncode}): {err[-3000:]}"
    return json.loads(lines[-1]), err


def browser_echo_call(lab, name, ice_servers, relay=False, bot_args=(), ca_file=None):
    """`linkup serve --ice-server URL... --turn-secret S` on pub, the echo bot in lan2, the page in lan1 calls it.
    Returns the page's result, the bot's JSON account of the call and the bot's log."""
    serve_args = [arg for url in ice_servers for arg in ("--ice-server", url)] + ["--turn-secret", lab.turn_secret]
    with serve_and_echo_bot(lab, serve_args, bot_args) as (url, bot):
        page, err = browser_calls_bot(lab, url, name, relay=relay, ca_file=ca_file)
        assert "error" not in page, f"{page['error']}\n{err[-3000:]}\n{bot.explain()}"
        ended = bot.read_where(lambda message: "media" in message, timeout=15, what="the ended call's JSON")
    return page, ended, bot.explain()


def check_echo(page, ended, log):
    """Both directions of the echo call: the bot received and decoded the page's video and sent it back; the page
    decoded it (VP8, the fake camera's 640x480), and heard the audio. Prints the numbers."""
    stats, sent, pair, echoed = page["stats"], page["sent"], page["pair"], ended["media"]
    print(f"\npage -> bot: video {sent['videoFramesSent']} frames sent, bot received {echoed['videoFramesReceived']}"
          f" ({echoed['videoFramesDecoded']} decoded); audio {sent['audioPacketsSent']} packets sent, bot received "
          f"{echoed['audioFramesReceived']}")
    print(f"bot -> page: video {echoed['videoFramesSent']} frames echoed, page decoded {stats['framesDecoded']} "
          f"({stats['frameWidth']}x{stats['frameHeight']} {stats['videoCodec']}); audio {echoed['audioFramesSent']} "
          f"frames echoed, page received {stats['audioSamplesReceived']} samples")
    print(f"page's selected pair: {pair['local']} -> {pair['remote']}; timing {page['timing']}; "
          f"screenshot {page['screenshot']}")
    assert stats["connectionState"] == "connected", page
    assert stats["videoCodec"] == "VP8" and stats["audioCodec"] == "opus", stats
    assert (stats["frameWidth"], stats["frameHeight"]) == (640, 480), stats
    assert echoed["videoFramesReceived"] >= MIN_FRAMES, (ended, log)
    assert echoed["videoFramesReceived"] >= sent["videoFramesSent"] * SHARE, (ended, sent)
    assert echoed["audioFramesReceived"] >= sent["audioPacketsSent"] * SHARE, (ended, sent)
    # An echo sends back what it receives.
    assert echoed["videoFramesSent"] >= echoed["videoFramesReceived"] * SHARE, ended
    # The page's numbers are from just before it hung up, the bot's from the end of the call.
    assert stats["framesDecoded"] >= MIN_FRAMES, stats
    assert stats["framesDecoded"] >= echoed["videoFramesSent"] * SHARE, (stats, ended)
    assert stats["audioSamplesReceived"] >= 48_000, stats


@pytest.mark.parametrize("natlab", ["symmetric"], indirect=True)
def test_browser_calls_echo_bot_across_symmetric_nats_through_the_relay(natlab, browser_in_lab, deadline):
    page, ended, log = browser_echo_call(natlab, "symmetric-relay",
                                         [f"turn:{natlab.turn_server}:{TURN_PORT}?transport=udp"])
    check_echo(page, ended, log)
    assert page["configuration"]["iceTransportPolicy"] == "all", page["configuration"]
    pair = page["pair"]
    # Symmetric NATs: one end of the path (at least) is a relayed candidate.
    assert "relay" in (pair["local"]["candidateType"], pair["remote"]["candidateType"]), pair


@pytest.mark.parametrize("natlab", ["cone"], indirect=True)
def test_browser_with_relay_only_policy_uses_the_relay_across_cone_nats(natlab, browser_in_lab, deadline):
    page, ended, log = browser_echo_call(natlab, "cone-relay-only",
                                         [f"turn:{natlab.turn_server}:{TURN_PORT}?transport=udp"], relay=True)
    check_echo(page, ended, log)
    assert page["configuration"]["iceTransportPolicy"] == "relay", page["configuration"]
    # Cone NATs would let server-reflexive candidates meet; ?relay=1 leaves the page nothing but its relay.
    pair = page["pair"]
    assert pair["local"]["candidateType"] == "relay" and pair["local"]["relayProtocol"] == "udp", pair
    assert all(" typ relay " in line for line in page["candidates"]["sent"]), page["candidates"]["sent"]


@pytest.mark.parametrize("natlab", [{"nat": "symmetric", "block_udp": True}], indirect=True)
def test_browser_with_udp_blocked_uses_turn_over_tls(natlab, browser_in_lab, deadline):
    if shutil.which("certutil") is None:
        pytest.skip("certutil is missing (Debian libnss3-tools): Chromium trusts the lab's CA through an NSS db")
    page, ended, log = browser_echo_call(natlab, "udp-blocked-turns", [TURNS_URL],
                                         bot_args=("--ca-file", natlab.ca_file), ca_file=natlab.ca_file)
    check_echo(page, ended, log)
    # No UDP crosses either NAT: both ends are relayed candidates, the page's reached over TLS to turn.test.
    pair = page["pair"]
    assert pair["local"]["candidateType"] == "relay" and pair["local"]["relayProtocol"] == "tls", pair
    assert pair["local"]["url"].startswith(TURNS_URL), pair
    assert pair["remote"]["candidateType"] == "relay", pair


# --- congestion control with Chromium on a narrow link: the page in lan1 calls `linkup bot --mode play` in lan2;
# nat1 shapes lan1's traffic both ways with tc tbf. Each side's estimate comes from the other's feedback
# (transport-wide CC both ways). ---

NARROW_KBPS = 250
HOLD_SECONDS = 15


@pytest.mark.parametrize("natlab", ["cone"], indirect=True)
def test_browser_and_linkup_adapt_to_a_narrow_link(natlab, browser_in_lab):
    lab = natlab
    for device in ("wan", "lan"):
        lab.run("nat1", ["tc", "qdisc", "add", "dev", device, "root", "tbf", "rate", f"{NARROW_KBPS}kbit",
                         "burst", "4kb", "latency", "400ms"], check=True)
    binary = linkup_binary()
    url = f"http://{lab.addr('pub')}:{SERVE_PORT}"
    # STUN through coturn: the cone NATs map a port for each side, and the path goes straight between them
    # (through nat1's shaped interfaces).
    serve = LinePeer(lab.popen("pub", [binary, "serve", "--host", lab.addr("pub"), "--port", SERVE_PORT,
                                       "--ice-server", f"stun:{lab.turn_server}:{TURN_PORT}"],
                               **LinePeer.PIPES), "linkup serve")
    lab.wait_for_port("pub", SERVE_PORT)
    bot = LinePeer(lab.popen("lan2", [binary, "bot", "--server", url, "--room", ROOM, "--mode", "play",
                                      "--name", "play-bot", "--json"], **LinePeer.PIPES), "linkup bot")
    try:
        bot.wait_for_log("waiting for calls", timeout=20)
        page, err = browser_calls_bot(lab, url, "narrow-link", bot="play-bot",
                                      extra=("--hold", str(HOLD_SECONDS), "--media-timeout", "30"), timeout=90)
        assert "error" not in page, f"{page['error']}\n{err[-3000:]}\n{bot.explain()}"
        ended = bot.read_where(lambda message: "media" in message, timeout=15, what="the ended call's JSON")
    finally:
        bot.process.terminate()
        serve.process.terminate()
    held, media = page["held"], ended["media"]
    estimate = held["availableOutgoingBitrate"]
    print(f"\nlink {NARROW_KBPS} kbit/s each way, over the last {HOLD_SECONDS} s: the page sent "
          f"{held['sentKbps']:.0f} kbit/s (its estimate {estimate}) and received {held['receivedKbps']:.0f} kbit/s, "
          f"decoding {held['framesDecoded']} frames ({held['frameWidth']} wide); the bot sent "
          f"{media['videoFramesSent']} frames at {media['sentBitrateKbps']:.0f} kbit/s (target at the end "
          f"{media.get('targetBitrateKbps')} kbit/s, {media.get('videoStep')}, {media.get('videoFramesSkipped')} "
          f"pictures skipped; {media.get('transportFeedbackReceived')} TWCC and {media.get('rembReceived')} REMB "
          f"({media.get('lastRembKbps')} kbit/s) received, {media.get('rtcpUnparsed')} RTCP unparsed: "
          f"{media.get('lastRTCPError')}) and decoded "
          f"{media['videoFramesDecoded']} of the page's {media['videoFramesReceived']}")
    # Chromium -> LinkUp: LinkUp's transport-wide feedback brought Chromium's estimate down near the link (its
    # start-up probes take it to 900 kbit/s and more; it swings around the link as it probes again) and kept what
    # it sent inside it.
    assert estimate is not None and estimate <= NARROW_KBPS * 1000 * 1.5, held
    assert held["sentKbps"] <= NARROW_KBPS * 1.1, held
    assert media["videoFramesDecoded"] >= 0.8 * media["videoFramesReceived"] > 0, media
    # LinkUp -> Chromium: Chromium's feedback (all of it parsed: libwebrtc pads it its own way) kept LinkUp within
    # the link and using it, and the page kept decoding.
    assert media["rtcpUnparsed"] == 0, media
    assert media["transportFeedbackReceived"] >= 5 * HOLD_SECONDS, media
    assert NARROW_KBPS * 0.5 <= held["receivedKbps"] <= NARROW_KBPS * 1.1, held
    assert held["framesDecoded"] >= 10 * HOLD_SECONDS, held
