"""Headless Chromium driving LinkUp's web client, for pytest (reusable by any test that needs a browser peer).

Chromium is Debian's `chromium` with `chromium-driver` (/usr/bin/chromedriver), driven by Selenium. The flags give it
a fake camera and microphone (a moving test pattern and a beep), grant media permissions without a prompt, and
allow WebRTC over loopback; the page is given no STUN/TURN server, so only host candidates exist. Chromium gathers
host candidates on every interface, so every page is opened with `ice=loopback` (app.js, call.js): it sends, puts in
its SDP and applies only 127.0.0.0/8 and ::1 candidates, and no media packet leaves the machine. mDNS hostnames
for local addresses are turned off, so each candidate carries its real address and the filter can judge it.
Chromium still pairs its other interfaces' sockets with the peer's loopback candidates (e.g. 192.0.2.2 ->
127.0.0.1, a packet to this machine that never leaves it); conftest.py therefore runs the interop tests in a
network namespace of their own with nothing but loopback, where both ends are 127.0.0.1 or ::1.

    from browser import chromium, open_client, wait_for, wait_for_remote_media

    with chromium() as driver:                       # always quits the driver
        page = open_client(driver, server_url, "room1", "alice", autoaccept=True)
        wait_for(page, "window.linkup.peers.length === 1")
        ...
        stats = wait_for_remote_media(page, min_frames=20, min_samples=48000, timeout=20)

Or as pytest fixtures: `browser_factory` (call it for each page you need; all quit at teardown).

The page's test hook `window.linkup` (Sources/SignalingServer/Web/app.js) has state, connection, self, peers, chat,
lastError, transport, timing, and join/leave/sendChat/call/accept/reject/hangup/stats(); `hook(page, "expr")`
evaluates any expression on it. To call a bot: `call(page, "bot-name")`, `wait_for_state(page, "in-call")`,
`wait_for_remote_media(...)`, `call_timing(page)["firstFrameMs"]`, `hook(page, "linkup.hangup()")`;
`candidates(page)` lists the ICE candidate lines the last call sent, dropped, received and ignored.
"""

import contextlib
import json
import os
import pathlib
import shutil
import time
import urllib.parse

import pytest

CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")

CHROMIUM_FLAGS = (
    "--headless=new",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--allow-loopback-in-peer-connection",
    # Host candidates carry their addresses, not random *.local names: the page's loopback filter needs them.
    "--disable-features=WebRtcHideLocalIpsWithMdns",
    "--no-sandbox",
    # Unmuted remote audio plays without a user gesture, so the audio pipeline pulls (and counts) samples.
    "--autoplay-policy=no-user-gesture-required",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
)

PAGE_LOAD_TIMEOUT = 20
SCRIPT_TIMEOUT = 15


def chromium_available() -> str | None:
    """Why Chromium cannot run here, or None when it can."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (make deps)"
    if not os.path.exists(CHROMEDRIVER):
        return f"{CHROMEDRIVER} is missing (Debian package chromium-driver; make deps)"
    if not any(os.path.exists(path) for path in CHROMIUM_CANDIDATES):
        return "chromium is missing (Debian package chromium; make deps)"
    return None


@contextlib.contextmanager
def chromium(extra_flags: tuple[str, ...] = ()):
    """One headless Chromium session (CHROMIUM_FLAGS plus `extra_flags`); the driver (and its browser) is always
    quit."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in (*CHROMIUM_FLAGS, *extra_flags):
        options.add_argument(flag)
    binary = next((path for path in CHROMIUM_CANDIDATES if os.path.exists(path)), None)
    if binary:
        options.binary_location = binary
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=CHROMEDRIVER, log_output=os.devnull)
    driver = webdriver.Chrome(service=service, options=options)
    try:
        driver.set_page_load_timeout(PAGE_LOAD_TIMEOUT)
        driver.set_script_timeout(SCRIPT_TIMEOUT)
        yield driver
    finally:
        with contextlib.suppress(Exception):
            driver.quit()


@pytest.fixture
def browser_factory():
    """Call it to get a new headless Chromium driver; every one of them is quit at teardown."""
    reason = chromium_available()
    if reason:
        pytest.skip(reason)
    with contextlib.ExitStack() as stack:
        yield lambda: stack.enter_context(chromium())


def client_url(server_url: str, room: str, name: str, autoaccept: bool = False, autojoin: bool = True,
               token: str | None = None, transport: str | None = None, ice: str | None = "loopback",
               relay: bool = False) -> str:
    """The web client's address with its query flags (see app.js); `ice="loopback"` (the default) keeps the page's
    ICE candidates on 127.0.0.0/8 and ::1, None lets it use every interface; `relay` makes its calls use TURN
    relays only (iceTransportPolicy "relay")."""
    query = {"room": room, "name": name}
    if ice is not None:
        query["ice"] = ice
    if relay:
        query["relay"] = "1"
    if transport is not None:
        query["transport"] = transport
    if autojoin:
        query["autojoin"] = "1"
    if autoaccept:
        query["autoaccept"] = "1"
    if token is not None:
        query["token"] = token
    return server_url.rstrip("/") + "/?" + urllib.parse.urlencode(query)


def open_client(driver, server_url: str, room: str, name: str, autoaccept: bool = False, token: str | None = None,
                transport: str | None = None, wait_joined: bool = True, timeout: float = 15):
    """Loads the web client in `driver` and joins `room` as `name` (waits for the join ack unless `wait_joined` is
    False); `transport` "websocket" or "polling" pins the Engine.IO transport. Returns the driver (the page)."""
    driver.get(client_url(server_url, room, name, autoaccept=autoaccept, token=token, transport=transport))
    wait_for(driver, "window.linkup !== undefined", timeout)
    if wait_joined:
        wait_for(driver, "window.linkup.self !== null", timeout, what=f"{name} to join {room}")
    return driver


def hook(page, expression: str):
    """Evaluates a JavaScript expression in the page (a Promise is awaited by the driver)."""
    return page.execute_script(f"return ({expression});")


def wait_for(page, expression: str, timeout: float = 15, what: str | None = None, poll: float = 0.1):
    """Waits until a JavaScript expression is truthy; returns its value, or fails with the page's state."""
    deadline = time.monotonic() + timeout
    while True:
        value = hook(page, expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or expression}; "
                                 f"page: {describe(page)}")
        time.sleep(poll)


def describe(page) -> dict:
    """The test hook's view of the page, for failure messages."""
    try:
        return hook(page, "({state: linkup.state, connection: linkup.connection, self: linkup.self, "
                          "peers: linkup.peers, lastError: linkup.lastError, timing: linkup.timing, "
                          "callText: document.getElementById('call-state').textContent})")
    except Exception as error:  # the page may be gone; the failure is reported anyway
        return {"unavailable": str(error)}


def media_stats(page) -> dict | None:
    """getStats of the current call through the test hook: framesDecoded (inbound-rtp video),
    audioSamplesReceived (inbound-rtp audio totalSamplesReceived), byte counts, codecs, connection state."""
    return hook(page, "window.linkup.stats()")


def stats_report(page) -> list[dict] | None:
    """Every getStats entry of the page's current call (inbound-rtp, outbound-rtp, remote-inbound-rtp,
    candidate-pair, transport, codec, ...), as chrome://webrtc-internals shows them; for diagnosing a call."""
    return hook(page, "window.linkup.report()")


def wait_for_remote_media(page, min_frames: int = 10, min_samples: int = 8000, timeout: float = 20) -> dict:
    """Waits until the page has decoded `min_frames` remote video frames and received `min_samples` audio samples."""
    deadline = time.monotonic() + timeout
    stats = None
    while time.monotonic() < deadline:
        stats = media_stats(page)
        if stats and stats["framesDecoded"] >= min_frames and stats["audioSamplesReceived"] >= min_samples:
            return stats
        time.sleep(0.25)
    raise AssertionError(f"remote media below {min_frames} frames / {min_samples} samples after {timeout} s: "
                         f"{stats}; page: {describe(page)}")


def call(page, id_or_name: str):
    """Calls a participant of the page's room by socket id or by name (the page's Call button does the same)."""
    hook(page, f"window.linkup.call({json.dumps(id_or_name)})")


def wait_for_state(page, state: str, timeout: float = 20) -> None:
    """Waits for the call state: idle | calling | ringing | connecting | in-call."""
    wait_for(page, f"window.linkup.state === {json.dumps(state)}", timeout, what=f"call state {state!r}")


def call_timing(page) -> dict | None:
    """The last call's timing in milliseconds from its start (Call pressed, or incoming call): connectedMs (peer
    connection connected) and firstFrameMs (first remote video frame presented); None where not reached."""
    return hook(page, "window.linkup.timing")


def candidates(page) -> dict | None:
    """The last call's ICE candidate lines (trickled or inside an SDP): sent, dropped (not loopback, never sent),
    received, ignored (not loopback, never applied)."""
    return hook(page, "window.linkup.candidates")


def candidate_address(line: str) -> str:
    """The connection address of a candidate line (RFC 8839 section 5.1: the fifth field)."""
    fields = line.removeprefix("a=").split()
    return fields[4] if len(fields) > 4 else ""


def is_loopback(address: str) -> bool:
    """127.0.0.0/8 or ::1."""
    import ipaddress
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


def host_addresses() -> set[str]:
    """The addresses of this machine's own interfaces (`ip -j addr`)."""
    import subprocess
    result = subprocess.run(["ip", "-j", "addr", "show"], capture_output=True, text=True, timeout=10)
    return {info["local"] for link in json.loads(result.stdout or "[]") for info in link.get("addr_info", [])}


def assert_loopback_candidates(page, stats: dict) -> str:
    """Checks the page's `ice=loopback` filter in the current call (`stats` from media_stats): every candidate it
    sent or applied is 127.0.0.0/8 or ::1, it sent and received at least one, what it dropped or ignored is not
    loopback, and the selected pair's remote end is loopback (or peer-reflexive). Returns a one-line account for
    the test's output.

    The selected pair's local end may be another address of this machine: Chromium pairs its candidates on every
    interface with the remote loopback ones (JavaScript cannot stop it gathering them), and often prefers e.g.
    192.0.2.2 -> 127.0.0.1; the peer then answers to 192.0.2.2 as a peer-reflexive candidate. Such a packet is
    addressed to this machine and goes over the loopback device, never out of an interface; that is checked too.
    In the tests' loopback-only network namespace (conftest.py) both ends are loopback."""
    seen = candidates(page)
    assert seen and seen["sent"] and seen["received"], seen
    for kind in ("sent", "received"):
        outside = [line for line in seen[kind] if not is_loopback(candidate_address(line))]
        assert not outside, (kind, outside)
    assert all(not is_loopback(candidate_address(line)) for line in seen["dropped"] + seen["ignored"]), seen
    pair = stats["selectedPair"]
    assert pair is not None, stats
    remote, local = (pair[end].rsplit(":", 1)[0] for end in ("remote", "local"))
    # A peer-reflexive remote end (the other browser's source address; Chromium's stats hide its address) is that
    # browser's local end, which its own check covers.
    assert is_loopback(remote) or pair["remote"].endswith(" prflx"), pair
    assert is_loopback(local) or local in host_addresses(), (pair, host_addresses())
    dropped = sorted({candidate_address(line) for line in seen["dropped"]})
    return (f"ICE candidates sent {len(seen['sent'])}, dropped {len(seen['dropped'])} {dropped}, received "
            f"{len(seen['received'])}, ignored {len(seen['ignored'])}; selected pair {pair['local']} -> "
            f"{pair['remote']}")


def screenshot(page, name: str) -> pathlib.Path | None:
    """Saves a PNG of the page into $LINKUP_SCREENSHOT_DIR (nothing when unset); returns its path."""
    directory = os.environ.get("LINKUP_SCREENSHOT_DIR")
    if not directory:
        return None
    path = pathlib.Path(directory) / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.save_screenshot(str(path))
    return path


def console_log(page) -> list[str]:
    """The page's console messages so far (for diagnosing a failure)."""
    with contextlib.suppress(Exception):
        return [f"{entry['level']}: {entry['message']}" for entry in page.get_log("browser")]
    return []


def chromium_version() -> str | None:
    """`chromium --version`, for reports."""
    import subprocess
    binary = next((path for path in CHROMIUM_CANDIDATES if os.path.exists(path)), None) or shutil.which("chromium")
    if not binary:
        return None
    result = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10)
    return result.stdout.strip()
