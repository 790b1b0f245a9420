"""Data channels in LinkUp's web client (issue #14), Chromium to Chromium through `linkup serve`: in-call chat both
ways and a 10 MB random file each way (both at once) over the protocol of docs/data-channels.md, with the call's
media still flowing; and a callee without data channels (`datachannels=off`, which rejects the offer's
m=application section as such a peer does), where the media call works and the data panel stays hidden.

The server is given `--web Sources/SignalingServer/Web`, so the pages are the source tree's files, not the copy
bundled into the binary at its last build. The pages run with `ice=loopback` (browser.py): every candidate and
packet stays on loopback.
"""

import base64
import hashlib
import json
import os
import pathlib

import pytest

from browser import (browser_factory, client_url, console_log, describe, hook, media_stats, open_client,  # noqa: F401
                     screenshot, wait_for, wait_for_remote_media)
from linkup_serve import linkup_serve, serve_unavailable

TEST_TIMEOUT = 90  # seconds

WEB = pathlib.Path(__file__).resolve().parents[2] / "Sources" / "SignalingServer" / "Web"
FILE_BYTES = 10 * 1000 * 1000
MIN_FRAMES = 30
MIN_SAMPLES = 24_000


@pytest.fixture
def server():
    reason = serve_unavailable()
    if reason:
        pytest.skip(reason)
    with linkup_serve(extra=("--web", str(WEB))) as running:
        yield running


def start_call(alice, bob):
    """alice calls bob (who auto-accepts); waits until both are in the call with media flowing."""
    wait_for(alice, "linkup.peers.some(p => p.name === 'bob')", 10)
    hook(alice, "linkup.call('bob')")
    for page in (alice, bob):
        wait_for(page, "linkup.state === 'in-call'", 20, what="the call to connect")
    return {name: wait_for_remote_media(page, MIN_FRAMES, MIN_SAMPLES, timeout=20)
            for name, page in (("alice", alice), ("bob", bob))}


def put_bytes(page, name: str, data: bytes) -> None:
    """Puts `data` into the page as window[name], a Uint8Array (through base64)."""
    page.execute_script(
        "const text = atob(arguments[1]); const bytes = new Uint8Array(text.length);"
        "for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);"
        "window[arguments[0]] = bytes;", name, base64.b64encode(data).decode())


def start_send(page, file_name: str, variable: str) -> None:
    """Starts linkup.sendFile; the verdict (or {error}) lands in window.__verdict."""
    page.execute_script(
        "window.__verdict = null;"
        "linkup.sendFile(arguments[0], window[arguments[1]]).then("
        "  (v) => { window.__verdict = v; }, (e) => { window.__verdict = {error: String(e)}; });",
        file_name, variable)


def received(page) -> list[dict]:
    """linkup.receivedFiles without the bytes (each checked in the page: the blob URL's SHA-256 by WebCrypto)."""
    return page.execute_async_script("""
        const done = arguments[arguments.length - 1];
        Promise.all(linkup.receivedFiles.map(async (f) => {
            const blob = f.url ? await (await fetch(f.url)).arrayBuffer() : null;
            const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
            return {name: f.name, size: f.size, sha256: f.sha256, ok: f.ok, bytesLength: f.bytes.length,
                    urlSha256: blob ? hex(await crypto.subtle.digest("SHA-256", blob)) : null};
        })).then(done, (e) => done({error: String(e)}));
    """)


def test_chat_and_10_mb_files_both_ways_during_a_call(server, browser_factory, deadline):
    alice = open_client(browser_factory(), server.url, "dc-room", "alice")
    bob = open_client(browser_factory(), server.url, "dc-room", "bob", autoaccept=True)
    before = start_call(alice, bob)
    for page in (alice, bob):
        wait_for(page, "linkup.dataChannels === 'open'", 15, what="the data channels to open")
        assert hook(page, "!document.getElementById('call-data').hidden")
        assert hook(page, "window.isSecureContext && !!crypto.subtle"), "http://127.0.0.1 should be a secure context"

    # Chat both ways; a two-line message goes as two lines.
    hook(alice, "linkup.sendChatLine('hello bob, over SCTP')")
    hook(bob, "linkup.sendChatLine('hi alice\\nsecond line ünïcødé ✓')")
    expected = [("alice", "hello bob, over SCTP"), ("bob", "hi alice"), ("bob", "second line ünïcødé ✓")]
    for page in (alice, bob):
        wait_for(page, "linkup.chatLog.length === 3", 10, what="three chat lines")
        log = [(line["from"], line["text"]) for line in hook(page, "linkup.chatLog")]
        assert sorted(log) == sorted(expected), log
    wait_for(alice, "document.getElementById('dc-chat-log').textContent.includes('second line')", 5)
    # The room chat (signaling) is a different thing and saw none of it.
    assert hook(alice, "linkup.chat.length") == 0

    # The pure-JS SHA-256 (for pages without WebCrypto) agrees with hashlib.
    files = {"alice": os.urandom(FILE_BYTES), "bob": os.urandom(FILE_BYTES)}
    put_bytes(alice, "__file", files["alice"])
    put_bytes(bob, "__file", files["bob"])
    for vector in (b"", b"abc", os.urandom(1000)):
        put_bytes(alice, "__vector", vector)
        assert hook(alice, "LinkUpData.sha256js(window.__vector)") == hashlib.sha256(vector).hexdigest()
    assert hook(alice, "LinkUpData.sha256js(window.__file)") == hashlib.sha256(files["alice"]).hexdigest()

    # Both files at once, each way, in the same call.
    frames_before = {name: media_stats(page)["framesDecoded"] for name, page in (("alice", alice), ("bob", bob))}
    start_send(alice, "from-alice.bin", "__file")
    start_send(bob, "from-bob.bin", "__file")
    verdicts = {name: wait_for(page, "window.__verdict", 45, what="the receiver's verdict", poll=0.25)
                for name, page in (("alice", alice), ("bob", bob))}
    for sender, receiver, page in (("alice", "bob", bob), ("bob", "alice", alice)):
        digest = hashlib.sha256(files[sender]).hexdigest()
        verdict = verdicts[sender]
        assert "error" not in verdict, (verdict, console_log(page))
        assert verdict["ok"] is True and verdict["sha256"] == digest and verdict["remoteSha256"] == digest, verdict
        assert verdict["size"] == FILE_BYTES
        got = received(page)
        assert len(got) == 1, got
        assert got[0] == {"name": f"from-{sender}.bin", "size": FILE_BYTES, "sha256": digest, "ok": True,
                          "bytesLength": FILE_BYTES, "urlSha256": digest}, got
        print(f"\n{sender} -> {receiver}: {FILE_BYTES / 1e6:.0f} MB in {verdict['seconds']:.2f} s "
              f"({FILE_BYTES / 1e6 / verdict['seconds']:.1f} MB/s), SHA-256 {digest[:16]}… checked")

    # Progress: one send and one receive on each side, complete, with a rate; the receiver offers a download.
    for page in (alice, bob):
        progress = hook(page, "linkup.fileProgress")
        assert sorted(p["direction"] for p in progress) == ["receive", "send"], progress
        for transfer in progress:
            assert transfer["state"] == "done" and transfer["bytes"] == FILE_BYTES == transfer["size"], transfer
            assert transfer["rate"] > 0 and transfer["eta"] == 0, transfer
        wait_for(page, "document.querySelectorAll('#transfers li[data-state=done]').length === 2", 5)
        link = hook(page, "document.querySelector('#transfers a[download]')?.getAttribute('download')")
        assert link in ("from-alice.bin", "from-bob.bin"), link
        assert "SHA-256 checked" in hook(page, "document.getElementById('transfers').textContent")
    screenshot(alice, "web-datachannels-alice")

    # The media went on during the transfers and still does.
    for name, page in (("alice", alice), ("bob", bob)):
        wait_for(page, f"linkup.stats().then(s => s.framesDecoded >= {frames_before[name] + MIN_FRAMES})", 10,
                 what=f"{name}'s video to keep decoding")
        assert hook(page, "linkup.state") == "in-call", describe(page)

    # After the transfers the file channels are closed; chat still works.
    hook(alice, "linkup.sendChatLine('still here')")
    wait_for(bob, "linkup.chatLog.some(l => l.text === 'still here' && l.from === 'alice')", 10)
    for page in (alice, bob):
        assert hook(page, "linkup.lastError") is None, describe(page)
    print(f"media before the transfers: {before}")


def test_callee_without_data_channels_keeps_the_media_call(server, browser_factory, deadline):
    alice = open_client(browser_factory(), server.url, "nodc-room", "alice")
    bob_page = browser_factory()
    bob_page.get(client_url(server.url, "nodc-room", "bob", autoaccept=True) + "&datachannels=off")
    wait_for(bob_page, "window.linkup !== undefined && linkup.self !== null", 15)
    start_call(alice, bob_page)
    # alice's offer had m=application; bob's answer rejected it.
    wait_for(alice, "linkup.dataChannels === 'unsupported'", 10)
    assert hook(bob_page, "linkup.dataChannels") == "none"
    for page in (alice, bob_page):
        assert hook(page, "document.getElementById('call-data').hidden")
    with pytest.raises(Exception, match="no data channel"):
        hook(alice, "linkup.sendChatLine('anyone?')")
    verdict = alice.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "linkup.sendFile('x.bin', new Uint8Array(10)).then(done, (e) => done({error: String(e)}));")
    assert "no data channel" in verdict["error"], verdict
    stats = media_stats(alice)
    assert stats["connectionState"] == "connected", stats
    print(f"\nwithout data channels: {json.dumps(stats)}")
