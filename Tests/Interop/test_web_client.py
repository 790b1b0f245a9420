"""LinkUp's web client in headless Chromium against `linkup serve`: rooms, chat, calls with real media, hang-up,
rejection, and the CONNECT_ERROR of a server that requires a token.

Each test starts its own server on a loopback port and its own browsers (fixtures stop them all). Set
LINKUP_SCREENSHOT_DIR to keep PNGs of the pages during the call.
"""

import time

import pytest

from browser import (assert_loopback_candidates, browser_factory, call, describe, hook, open_client,  # noqa: F401
                     screenshot, wait_for, wait_for_remote_media)
from linkup_serve import free_port, linkup_serve, serve_unavailable

TEST_TIMEOUT = 60  # seconds; every wait below is bounded well inside it

# A call counts as carrying media once this much arrived: ~1 s of video at the fake camera's 30 fps, and 0.5 s of
# audio (totalSamplesReceived counts samples at the decoder's 48 kHz).
MIN_FRAMES = 30
MIN_SAMPLES = 24_000


@pytest.fixture
def server():
    reason = serve_unavailable()
    if reason:
        pytest.skip(reason)
    with linkup_serve() as running:
        yield running


def text_of(page, element_id: str) -> str:
    return hook(page, f"document.getElementById({element_id!r}).textContent")


def test_two_browsers_join_chat_call_and_hang_up(server, browser_factory, deadline):
    alice = open_client(browser_factory(), server.url, "web-room", "alice")
    bob = open_client(browser_factory(), server.url, "web-room", "bob", autoaccept=True)
    assert hook(alice, "linkup.transport") == "websocket"

    # Both see each other: alice through peer-joined, bob through the join ack.
    wait_for(alice, "linkup.peers.some(p => p.name === 'bob')", 10)
    assert [p["name"] for p in hook(bob, "linkup.peers")] == ["alice"]
    assert "bob" in text_of(alice, "peers")

    # Chat reaches everyone in the room, the sender included.
    hook(alice, "linkup.sendChat('hello bob')")
    hook(bob, "linkup.sendChat('hi alice')")
    for page in (alice, bob):
        wait_for(page, "linkup.chat.length === 2", 10)
        texts = {(m["name"], m["text"]) for m in hook(page, "linkup.chat")}
        assert texts == {("alice", "hello bob"), ("bob", "hi alice")}
        assert "hello bob" in text_of(page, "chat-log")

    # alice calls bob by clicking "Call" next to his name; bob's page auto-accepts.
    alice.execute_script("document.querySelector('#peers li[data-name=\"bob\"] button.call').click()")
    for page in (alice, bob):
        wait_for(page, "linkup.state === 'in-call'", 20, what="the call to connect")
    stats = {name: wait_for_remote_media(page, MIN_FRAMES, MIN_SAMPLES, timeout=20)
             for name, page in (("alice", alice), ("bob", bob))}
    for name, s in stats.items():
        assert s["connectionState"] == "connected", (name, s)
        assert s["frameWidth"] > 0 and s["frameHeight"] > 0, (name, s)
    for name, page in (("alice", alice), ("bob", bob)):
        print(f"\n{name}: {assert_loopback_candidates(page, stats[name])}")
    assert "In call with bob" in text_of(alice, "call-state")
    assert hook(alice, "document.getElementById('remote').srcObject !== null")
    wait_for(alice, "linkup.timing.firstFrameMs !== null", 10)
    timing = hook(alice, "linkup.timing")
    print(f"\ncall -> first remote frame: alice {timing['firstFrameMs']:.0f} ms "
          f"(connected at {timing['connectedMs']:.0f} ms); stats {stats}")
    screenshot(alice, "web-client-alice-in-call")
    screenshot(bob, "web-client-bob-in-call")

    # bob hangs up; both return to idle and release the call.
    hook(bob, "linkup.hangup()")
    for page in (alice, bob):
        wait_for(page, "linkup.state === 'idle'", 10, what="the call to end")
        assert hook(page, "linkup.stats()") is None
        assert hook(page, "document.getElementById('remote').srcObject") is None
    assert "bob hung up" in text_of(alice, "call-state")
    assert hook(alice, "linkup.lastError") is None, describe(alice)


def test_rejected_call_returns_to_idle(server, browser_factory, deadline):
    alice = open_client(browser_factory(), server.url, "reject-room", "alice")
    # bob joins through the form, as a person would.
    bob = browser_factory()
    bob.get(server.url + "/")
    wait_for(bob, "window.linkup !== undefined", 10)
    bob.find_element("id", "room").send_keys("reject-room")
    bob.find_element("id", "name").send_keys("bob")
    bob.find_element("id", "join").click()
    wait_for(bob, "linkup.self !== null", 10)
    wait_for(alice, "linkup.peers.length === 1", 10)
    call(alice, "bob")
    wait_for(bob, "linkup.state === 'ringing'", 10)
    assert "Incoming call from alice" in text_of(bob, "call-state")
    assert hook(bob, "!document.getElementById('accept').hidden && !document.getElementById('reject').hidden")
    bob.find_element("id", "reject").click()
    wait_for(alice, "linkup.state === 'idle'", 10)
    assert "rejected" in text_of(alice, "call-state")
    assert hook(bob, "linkup.state") == "idle"


def test_peer_left_on_leave_and_when_a_page_closes(server, browser_factory, deadline):
    alice = open_client(browser_factory(), server.url, "leave-room", "alice")
    bob = open_client(browser_factory(), server.url, "leave-room", "bob")
    carol = open_client(browser_factory(), server.url, "leave-room", "carol")
    wait_for(alice, "linkup.peers.length === 2", 10)
    carol.find_element("id", "leave").click()
    wait_for(alice, "!linkup.peers.some(p => p.name === 'carol')", 10, what="peer-left after Leave")
    assert hook(carol, "linkup.connection") == "disconnected"
    bob.get("about:blank")  # closes bob's socket: the server tells the room
    wait_for(alice, "linkup.peers.length === 0", 15, what="peer-left after the page closed")
    assert "bob left" in text_of(alice, "chat-log")


def test_polling_transport_joins_and_chats(server, browser_factory, deadline):
    alice = open_client(browser_factory(), server.url, "poll-room", "alice", transport="polling")
    bob = open_client(browser_factory(), server.url, "poll-room", "bob")
    assert hook(alice, "linkup.transport") == "polling"
    wait_for(alice, "linkup.peers.length === 1", 10)
    hook(bob, "linkup.sendChat('over long-polling')")
    wait_for(alice, "linkup.chat.some(m => m.text === 'over long-polling')", 10)
    hook(alice, "linkup.sendChat('and back')")
    wait_for(bob, "linkup.chat.some(m => m.text === 'and back')", 10)


def test_missing_token_shows_connect_error(browser_factory, deadline):
    reason = serve_unavailable()
    if reason:
        pytest.skip(reason)
    with linkup_serve(token="s3cret") as server:
        refused = open_client(browser_factory(), server.url, "token-room", "mallory", wait_joined=False)
        wait_for(refused, "linkup.connection === 'refused'", 10, what="CONNECT_ERROR")
        assert hook(refused, "linkup.self") is None
        assert hook(refused, "linkup.lastError").startswith("connect_error")
        assert hook(refused, "!document.getElementById('error').hidden")
        assert "connect_error" in text_of(refused, "error")

        admitted = open_client(browser_factory(), server.url, "token-room", "alice", token="s3cret")
        assert hook(admitted, "linkup.connection") == "connected"


def test_rejoins_after_the_server_restarts(browser_factory, deadline):
    reason = serve_unavailable()
    if reason:
        pytest.skip(reason)
    port = free_port()
    with linkup_serve(port=port) as server:
        alice = open_client(browser_factory(), server.url, "restart-room", "alice")
        bob = open_client(browser_factory(), server.url, "restart-room", "bob")
        wait_for(alice, "linkup.peers.length === 1", 10)
        first_id = hook(alice, "linkup.self.id")
    # The server is gone: the pages notice and keep retrying with backoff.
    for page in (alice, bob):
        wait_for(page, "linkup.connection === 'reconnecting'", 10)
    with linkup_serve(port=port):
        for page in (alice, bob):
            wait_for(page, "linkup.self !== null", 20, what="the page to reconnect and join again")
        wait_for(alice, "linkup.peers.length === 1", 10)
        assert hook(alice, "linkup.self.id") != first_id
        assert hook(alice, "document.getElementById('error').hidden")
        hook(bob, "linkup.sendChat('back again')")
        wait_for(alice, "linkup.chat.some(m => m.text === 'back again')", 10)


def test_heartbeat_keeps_both_transports_connected(browser_factory, deadline):
    reason = serve_unavailable()
    if reason:
        pytest.skip(reason)
    # A 300 ms ping interval: about ten ping/pong rounds in the three seconds below.
    with linkup_serve(extra=("--ping-interval", "300", "--ping-timeout", "300")) as server:
        alice = open_client(browser_factory(), server.url, "ping-room", "alice")
        bob = open_client(browser_factory(), server.url, "ping-room", "bob", transport="polling")
        wait_for(alice, "linkup.peers.length === 1", 10)
        ids = {name: hook(page, "linkup.self.id") for name, page in (("alice", alice), ("bob", bob))}
        time.sleep(3)
        for name, page in (("alice", alice), ("bob", bob)):
            assert hook(page, "linkup.connection") == "connected", describe(page)
            assert hook(page, "linkup.self.id") == ids[name], f"{name} reconnected: the heartbeat failed"
        hook(bob, "linkup.sendChat('still here')")
        wait_for(alice, "linkup.chat.some(m => m.text === 'still here')", 5)


def test_default_transport_upgrades_from_polling_to_websocket(server, browser_factory, deadline):
    alice = open_client(browser_factory(), server.url, "upgrade-room", "alice")
    wait_for(alice, "linkup.transport === 'websocket'", 10, what="the page to upgrade from polling")
    bob = open_client(browser_factory(), server.url, "upgrade-room", "bob", transport="polling")
    wait_for(alice, "linkup.peers.length === 1", 10)
    hook(bob, "linkup.sendChat('after the upgrade')")
    wait_for(alice, "linkup.chat.some(m => m.text === 'after the upgrade')", 10)
    hook(alice, "linkup.sendChat('back over the websocket')")
    wait_for(bob, "linkup.chat.some(m => m.text === 'back over the websocket')", 10)
