"""The web client's own Socket.IO client (Sources/SignalingServer/Web/socketio.js) in headless Chromium, without
a server: its Socket.IO v5 packet codec, and its Engine.IO/Socket.IO state machine against a scripted fake WebSocket."""

import json
import pathlib

import pytest

from browser import browser_factory, hook  # noqa: F401 (fixture)

SOCKETIO_JS = pathlib.Path(__file__).resolve().parents[2] / "Sources" / "SignalingServer" / "Web" / "socketio.js"

DECODED = [
    ('0{"sid":"abc"}', {"type": 0, "nsp": "/", "id": None, "data": {"sid": "abc"}}),
    ('2["chat",{"text":"hi"}]', {"type": 2, "nsp": "/", "id": None, "data": ["chat", {"text": "hi"}]}),
    ('217["incomingCall",{"from":"x"}]', {"type": 2, "nsp": "/", "id": 17, "data": ["incomingCall", {"from": "x"}]}),
    ('30[{"ok":true}]', {"type": 3, "nsp": "/", "id": 0, "data": [{"ok": True}]}),
    ('4{"message":"unauthorized"}', {"type": 4, "nsp": "/", "id": None, "data": {"message": "unauthorized"}}),
    ('2/admin,["x"]', {"type": 2, "nsp": "/admin", "id": None, "data": ["x"]}),
    ("1", {"type": 1, "nsp": "/", "id": None}),
]
MALFORMED = ["", "9", "x", '2["chat"', '2/admin["x"]', "2{bad json}"]


@pytest.fixture
def page(browser_factory):
    driver = browser_factory()
    driver.get("about:blank")
    driver.execute_script(SOCKETIO_JS.read_text())
    return driver


def test_decodes_socketio_packets(page):
    for text, expected in DECODED:
        decoded = hook(page, f"SocketIOClient.decodePacket({json.dumps(text)})")
        decoded = {key: value for key, value in decoded.items() if value is not None or key == "id"}
        assert decoded == expected, text


def test_malformed_packets_decode_to_null(page):
    for text in MALFORMED:
        assert hook(page, f"SocketIOClient.decodePacket({json.dumps(text)})") is None, text


def test_binary_packets_are_flagged_unsupported(page):
    assert hook(page, "SocketIOClient.decodePacket('51-[\"x\",{\"_placeholder\":true,\"num\":0}]')")["unsupported"]


def test_encodes_events_with_ack_ids(page):
    assert hook(page, "SocketIOClient.encodePacket(2, ['join', {room: 'r'}], 5)") == '25["join",{"room":"r"}]'
    assert hook(page, "SocketIOClient.encodePacket(0, {name: 'a'})") == '0{"name":"a"}'
    assert hook(page, "SocketIOClient.encodePacket(0)") == "0"
    assert hook(page, "SocketIOClient.encodePacket(3, [], 12)") == "312[]"


# A stand-in for the browser's WebSocket: records what the client sends and lets the test play the server.
FAKE_WEBSOCKET = """
window.sockets = [];
window.WebSocket = class {
    constructor(url) { this.url = url; this.sent = []; this.readyState = 0; window.sockets.push(this); }
    send(data) { this.sent.push(data); }
    close() { this.readyState = 3; if (this.onclose) this.onclose({}); }
    serverOpen() { this.readyState = 1; this.onopen && this.onopen({}); }
    serverSend(data) { this.onmessage({data}); }
};
window.WebSocket.OPEN = 1;
"""


@pytest.fixture
def fake(page):
    page.execute_script(FAKE_WEBSOCKET)
    page.execute_script("""
        window.events = [];
        window.client = new SocketIOClient('http://127.0.0.1:1', {auth: {name: 'alice', token: 't'},
                                                                   reconnectDelay: 50});
        for (const e of ['connect', 'disconnect', 'connect_error', 'reconnect_attempt'])
            client.on(e, (x) => events.push([e, x && x.message !== undefined ? x.message : (x ?? null)]));
        client.on('incomingCall', (m) => { events.push(['incomingCall', m]); return {ok: true}; });
    """)
    return page


def server_says(page, packet: str):
    page.execute_script(f"sockets[sockets.length - 1].serverSend({json.dumps(packet)})")


def sent(page) -> list:
    return hook(page, "sockets[sockets.length - 1].sent")


def test_engineio_handshake_connect_ping_ack_and_events(fake):
    from browser import wait_for
    wait_for(fake, "sockets.length === 1", 5)
    assert hook(fake, "sockets[0].url") == "ws://127.0.0.1:1/socket.io/?EIO=4&transport=websocket"
    hook(fake, "sockets[0].serverOpen()")
    server_says(fake, '0{"sid":"e1","upgrades":[],"pingInterval":300,"pingTimeout":200,"maxPayload":1000000}')
    assert sent(fake) == ['40{"name":"alice","token":"t","recover":true}']
    server_says(fake, '40{"sid":"s1"}')
    assert hook(fake, "client.connected && client.id") == "s1"
    server_says(fake, "2")
    assert sent(fake)[-1] == "3"
    # emit resolves with the acknowledgement's first argument.
    fake.execute_script("client.emit('join', {room: 'r'}).then((ack) => { window.joinAck = ack; })")
    assert sent(fake)[-1] == '420["join",{"room":"r"}]'
    server_says(fake, '430[{"ok":true,"peers":[]}]')
    wait_for(fake, "window.joinAck !== undefined", 5)
    assert hook(fake, "joinAck") == {"ok": True, "peers": []}
    # A server event asking for an acknowledgement gets the handler's return value.
    server_says(fake, '427["incomingCall",{"from":"b"}]')
    wait_for(fake, "sockets[0].sent.length === 4", 5)
    assert sent(fake)[-1] == '437[{"ok":true}]'
    assert hook(fake, "events") == [["connect", None], ["incomingCall", {"from": "b"}]]
    # No ping within pingInterval + pingTimeout: the link is dead, the client reconnects on a new socket.
    wait_for(fake, "sockets.length === 2", 5, what="a reconnection after the ping timeout")
    assert hook(fake, "events.slice(2)")[:2] == [["disconnect", "ping timeout"], ["reconnect_attempt", 1]]


def test_connect_error_is_final(fake):
    from browser import wait_for
    wait_for(fake, "sockets.length === 1", 5)
    hook(fake, "sockets[0].serverOpen()")
    server_says(fake, '0{"sid":"e1","upgrades":[],"pingInterval":25000,"pingTimeout":20000}')
    server_says(fake, '44{"message":"unauthorized"}')
    assert hook(fake, "events") == [["connect_error", "unauthorized"]]
    assert hook(fake, "client.refused && client.stopped && !client.connected")
    fake.execute_script("return new Promise((resolve) => setTimeout(resolve, 300))")
    assert hook(fake, "sockets.length") == 1  # no reconnection after a refusal
    assert hook(fake, "client.emit('chat', {}).then(() => 'sent', (e) => e.message)") == "not connected"


def test_recovery_sends_pid_and_last_offset_and_strips_offsets(fake):
    """Connection state recovery (PROTOCOL.md): offsets are remembered and not passed to handlers; the reconnection
    names the session and the last offset, and the same id back means `recovered`."""
    from browser import wait_for
    wait_for(fake, "sockets.length === 1", 5)
    hook(fake, "sockets[0].serverOpen()")
    server_says(fake, '0{"sid":"e1","upgrades":[],"pingInterval":300,"pingTimeout":200,"maxPayload":1000000}')
    server_says(fake, '40{"sid":"s1","pid":"p1"}')
    assert hook(fake, "client.recovered") is False
    server_says(fake, '42["incomingCall",{"from":"b"},"7"]')
    assert hook(fake, "events")[-1] == ["incomingCall", {"from": "b"}]
    assert hook(fake, "client.lastOffset") == "7"
    wait_for(fake, "sockets.length === 2", 5, what="a reconnection after the ping timeout")
    hook(fake, "sockets[1].serverOpen()")
    server_says(fake, '0{"sid":"e2","upgrades":[],"pingInterval":300,"pingTimeout":200,"maxPayload":1000000}')
    assert sent(fake)[0] == '40{"name":"alice","token":"t","recover":true,"pid":"p1","offset":"7"}'
    server_says(fake, '40{"sid":"s1","pid":"p1"}')
    assert hook(fake, "client.recovered") is True
