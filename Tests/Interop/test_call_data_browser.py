"""Data channels between LinkUp's web client (Chromium) and the CLI: the page calls the echo and record bots (chat
echoed, files checked or saved), and `linkup call` calls the page (a chat line and a file it verifies). The same
protocol on both sides: datachannel.js and Sources/PeerCLI/Data.

The server serves the source tree's web client (`--web`); every candidate stays on loopback (`ice=loopback`).
"""

import base64
import hashlib
import json
import os
import pathlib
import subprocess

import pytest

from browser import browser_factory, call, console_log, hook, open_client, wait_for  # noqa: F401
from linkup_call import call_command, linkup_bot
from linkup_serve import linkup_serve, serve_unavailable

TEST_TIMEOUT = 60  # seconds
WEB = pathlib.Path(__file__).resolve().parents[2] / "Sources" / "SignalingServer" / "Web"


@pytest.fixture(scope="module")
def server():
    reason = serve_unavailable()
    if reason:
        pytest.skip(reason)
    with linkup_serve(extra=("--web", str(WEB))) as running:
        yield running


def put_bytes(page, name: str, data: bytes) -> None:
    page.execute_script(
        "const text = atob(arguments[1]); const bytes = new Uint8Array(text.length);"
        "for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);"
        "window[arguments[0]] = bytes;", name, base64.b64encode(data).decode())


def send_from_page(page, name: str, data: bytes) -> dict:
    put_bytes(page, "__file", data)
    page.execute_script(
        "window.__verdict = null;"
        "linkup.sendFile(arguments[0], window.__file).then("
        "  (v) => { window.__verdict = v; }, (e) => { window.__verdict = {error: String(e)}; });", name)
    return wait_for(page, "window.__verdict", 30, what="the receiver's verdict", poll=0.25)


def call_bot(page, bot) -> None:
    wait_for(page, f"linkup.peers.some(p => p.name === {json.dumps(bot.name)})", 10, what=f"{bot.name} in the room")
    call(page, bot.name)
    wait_for(page, "linkup.dataChannels === 'open'", 20, what="the data channels to open")


@pytest.mark.parametrize("mode", ["echo", "record"])
def test_chromium_chats_with_and_sends_a_file_to_a_bot(server, browser_factory, deadline, tmp_path, mode):
    extra = ("--record", str(tmp_path)) if mode == "record" else ()
    with linkup_bot(server.url, f"page-{mode}", mode, extra=extra) as bot:
        page = open_client(browser_factory(), server.url, f"page-{mode}", "alice")
        call_bot(page, bot)
        hook(page, "linkup.sendChatLine('ping from the page')")
        if mode == "echo":
            wait_for(page, f"linkup.chatLog.some(l => l.from === {json.dumps(bot.name)} && "
                     "l.text === 'ping from the page')", 10, what="the echoed chat line")
        data = os.urandom(10 * 1000 * 1000)
        verdict = send_from_page(page, "from-page.bin", data)
        digest = hashlib.sha256(data).hexdigest()
        assert verdict.get("ok") is True and verdict["remoteSha256"] == digest, (verdict, console_log(page))
        hook(page, "linkup.hangup()")
        bot.wait_for_calls(1)
        log = "".join(bot.log)
    if mode == "record":
        assert "chat from alice: ping from the page" in log, log
        saved = tmp_path / "from-page.bin"
        assert saved.read_bytes() == data
        assert [entry.name for entry in tmp_path.iterdir() if entry.name.startswith(".")] == []
    print(f"\npage -> {mode} bot: {len(data) / 1e6:.0f} MB in {verdict['seconds']:.2f} s")


def test_linkup_call_sends_chat_and_a_file_to_the_page(server, browser_factory, deadline, tmp_path):
    page = open_client(browser_factory(), server.url, "cli-to-page", "carol", autoaccept=True)
    source = tmp_path / "from-cli.bin"
    data = os.urandom(10 * 1000 * 1000)
    source.write_bytes(data)
    result = subprocess.run(
        call_command(server.url, "cli-to-page", "--name", "dave", "--to", "carol", "--duration", "3", "--json",
                     "--video", "none", "--audio", "none", "--send-file", str(source)),
        input="hello carol\n", capture_output=True, text=True, timeout=45)
    assert result.returncode == 0, result.stderr
    summary = json.loads([line for line in result.stdout.splitlines() if line.startswith("{")][-1])
    files = summary["data"]["files"]
    assert len(files) == 1 and files[0]["ok"], (summary["data"], result.stderr)
    log = [(line["from"], line["text"]) for line in hook(page, "linkup.chatLog")]
    assert ("dave", "hello carol") in log, log
    got = hook(page, "linkup.receivedFiles.map(f => ({name: f.name, size: f.size, sha256: f.sha256, ok: f.ok}))")
    assert got == [{"name": "from-cli.bin", "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                    "ok": True}], got
