#!/usr/bin/env python3
"""Captures real browser SDP (headless Chromium or Firefox) into fixtures/sdp/.

Serves capture_sdp_browser.html on 127.0.0.1, starts the browser headless on it and saves every description the page
POSTs back. The page runs two in-page peer connections (offer and answer), then trades descriptions with aiortc
running in this process (an aiortc answer to the browser's offer, and a browser answer to an aiortc offer).
No STUN/TURN server is configured anywhere, so only host candidates appear and nothing leaves the machine.

    .venv/bin/python Tests/Interop/capture_sdp_browser.py chromium
    .venv/bin/python Tests/Interop/capture_sdp_browser.py firefox
"""
import asyncio
import http.server
import pathlib
import subprocess
import sys
import tempfile
import threading
import urllib.parse

from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUT = ROOT / "fixtures" / "sdp"
PAGE = (HERE / "capture_sdp_browser.html").read_bytes()

loop = asyncio.new_event_loop()
finished = threading.Event()
outcome = {"status": "timeout"}
peers = []


def save(name: str, sdp: str) -> None:
    assert "/" not in name and name.endswith(".sdp"), name
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / name, "w", newline="") as handle:  # exactly as produced, line endings included
        handle.write(sdp)
    print(f"wrote fixtures/sdp/{name} ({len(sdp)} bytes)", flush=True)


async def aiortc_answer(offer: str) -> str:
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    peers.append(pc)
    await pc.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))
    await pc.setLocalDescription(await pc.createAnswer())
    return pc.localDescription.sdp


async def aiortc_offer() -> str:
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    peers.append(pc)
    pc.addTransceiver("audio", direction="sendrecv")
    pc.addTransceiver("video", direction="sendrecv")
    pc.createDataChannel("chat")
    await pc.setLocalDescription(await pc.createOffer())
    return pc.localDescription.sdp


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep the capture output readable
        pass

    def reply(self, body: bytes, content_type: str = "text/plain") -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        if url.path == "/":
            self.reply(PAGE, "text/html; charset=utf-8")
        elif url.path == "/aiortc-offer":
            sdp = asyncio.run_coroutine_threadsafe(aiortc_offer(), loop).result(30)
            peer = urllib.parse.parse_qs(url.query).get("peer", ["browser"])[0]
            save(f"aiortc-offer-for-{peer}.sdp", sdp)
            self.reply(sdp.encode())
        else:
            self.send_error(404)

    def do_POST(self):
        url = urllib.parse.urlparse(self.path)
        query = urllib.parse.parse_qs(url.query)
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        if url.path == "/save":
            save(query["name"][0], body)
            self.reply(b"ok")
        elif url.path == "/aiortc-answer":
            sdp = asyncio.run_coroutine_threadsafe(aiortc_answer(body), loop).result(30)
            save(query["name"][0], sdp)
            self.reply(b"ok")
        elif url.path == "/done":
            outcome["status"] = body
            self.reply(b"ok")
            finished.set()
        else:
            self.send_error(404)


def browser_command(browser: str, url: str, profile: str) -> list[str]:
    if browser == "chromium":
        return ["chromium", "--headless=new", "--no-sandbox", "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream", "--allow-loopback-in-peer-connection",
                f"--user-data-dir={profile}", "--no-first-run", url]
    # Firefox: fake devices and no permission prompt come from prefs in a fresh profile.
    prefs = {
        "media.navigator.streams.fake": "true",
        "media.navigator.permission.disabled": "true",
        "browser.shell.checkDefaultBrowser": "false",
        "datareporting.policy.dataSubmissionEnabled": "false",
        "toolkit.telemetry.reportingpolicy.firstRun": "false",
        "app.update.enabled": "false",
    }
    with open(pathlib.Path(profile) / "user.js", "w") as handle:
        for key, value in prefs.items():
            handle.write(f'user_pref("{key}", {value});\n')
    return ["firefox-esr", "--headless", "--no-remote", "-profile", profile, url]


def main() -> int:
    browser = sys.argv[1] if len(sys.argv) > 1 else "chromium"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    threading.Thread(target=loop.run_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/?peer={browser}"
    with tempfile.TemporaryDirectory() as profile:
        process = subprocess.Popen(browser_command(browser, url, profile),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            finished.wait(90)
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
    for pc in peers:
        asyncio.run_coroutine_threadsafe(pc.close(), loop).result(10)
    server.shutdown()
    print(f"{browser}: {outcome['status']}")
    return 0 if outcome["status"] == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
