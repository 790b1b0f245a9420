"""`linkup serve` against python-socketio's client (PyPI) over the websocket, polling and default (polling then
upgrade to websocket) transports: every event and rule of PROTOCOL.md, token auth, Engine.IO details, shutdown."""

import json
import signal
import subprocess
import time

import pytest
import requests
import socketio
import websocket

from linkup_probe import linkup_binary
from signaling_server import Peer, Server, turn_rest_credential

TRANSPORTS = {"websocket": ["websocket"], "polling": ["polling"], "default": None}


@pytest.fixture(scope="module")
def server():
    server = Server("--ice-server", "stun:127.0.0.1:3478", "--ice-server", "turn:user:secret@127.0.0.1:3479")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=list(TRANSPORTS))
def connect(request, server):
    """Makes connected peers on the parametrized transport; disconnects them all at the end."""
    peers = []

    def make(name="peer", auth=None, url=None):
        peer = Peer(url or server.url, TRANSPORTS[request.param], auth=auth, name=name)
        peers.append(peer)
        return peer

    make.transport = request.param
    try:
        yield make
    finally:
        for peer in peers:
            peer.close()


def test_health_and_web_client(server):
    health = requests.get(f"{server.url}/health", timeout=5)
    assert health.status_code == 200
    body = health.json()
    assert body["status"] == "ok" and isinstance(body["rooms"], int) and isinstance(body["participants"], int)
    index = requests.get(f"{server.url}/", timeout=5)
    assert index.status_code == 200
    assert index.headers["Content-Type"].startswith("text/html")
    assert "<" in index.text


def test_join_lists_peers_and_announces(connect, server):
    alice, bob = connect("alice"), connect("bob")
    ack = alice.join("room-join", "alice")
    assert ack["self"] == {"id": alice.id, "name": "alice"}
    assert ack["peers"] == []
    # The older turn:USER:PASS@HOST:PORT form: the credentials move beside the canonical URL.
    assert ack["iceServers"] == [
        {"urls": ["stun:127.0.0.1:3478"]},
        {"urls": ["turn:127.0.0.1:3479?transport=udp"], "username": "user", "credential": "secret"},
    ]
    ack = bob.join("room-join", "bob")
    assert ack["peers"] == [{"id": alice.id, "name": "alice"}]
    alice.expect("peer-joined", room="room-join", id=bob.id, name="bob")
    health = requests.get(f"{server.url}/health", timeout=5).json()
    assert health["rooms"] >= 1 and health["participants"] >= 2
    if connect.transport == "default":
        deadline = time.monotonic() + 5
        while alice.transport() != "websocket" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert alice.transport() == "websocket", "the default client should upgrade from polling to websocket"


def test_chat_reaches_everyone_including_sender(connect):
    alice, bob, carol = connect("alice"), connect("bob"), connect("carol")
    alice.join("room-chat", "alice")
    bob.join("room-chat", "bob")
    carol.join("room-elsewhere", "carol")
    assert alice.call("chat", {"room": "room-chat", "text": "hello ✓"}) == {"ok": True}
    for peer in (alice, bob):
        chat = peer.expect("chat", room="room-chat")
        assert chat["from"] == alice.id and chat["name"] == "alice" and chat["text"] == "hello ✓"
        assert abs(chat["ts"] / 1000 - time.time()) < 60
    carol.expect_nothing()
    assert carol.call("chat", {"room": "room-chat", "text": "hi"})["error"] == "not-in-room"


def test_call_set_up_is_relayed(connect):
    alice, bob = connect("alice"), connect("bob")
    alice.join("room-call", "alice")
    bob.join("room-call", "bob")
    assert alice.call("call", {"to": bob.id}) == {"ok": True}
    assert bob.expect("incomingCall") == {"from": alice.id, "name": "alice"}
    assert bob.call("accept", {"to": alice.id}) == {"ok": True}
    assert alice.expect("callAccepted") == {"from": bob.id}
    sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
    assert alice.call("offer", {"to": bob.id, "sdp": sdp}) == {"ok": True}
    assert bob.expect("offer") == {"from": alice.id, "sdp": sdp}
    assert bob.call("answer", {"to": alice.id, "sdp": sdp}) == {"ok": True}
    assert alice.expect("answer") == {"from": bob.id, "sdp": sdp}
    candidate = {"candidate": "candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host", "sdpMid": "0",
                 "sdpMLineIndex": 0}
    assert bob.call("candidate", {"to": alice.id, "candidate": candidate}) == {"ok": True}
    assert alice.expect("candidate") == {"from": bob.id, "candidate": candidate}
    assert bob.call("candidate", {"to": alice.id, "candidate": None}) == {"ok": True}
    assert alice.expect("candidate") == {"from": bob.id, "candidate": None}
    assert alice.call("hangup", {"to": bob.id}) == {"ok": True}
    assert bob.expect("hangup") == {"from": alice.id}
    assert alice.call("call", {"to": bob.id}) == {"ok": True}
    bob.expect("incomingCall", **{"from": alice.id})
    assert bob.call("reject", {"to": alice.id, "reason": "busy"}) == {"ok": True}
    assert alice.expect("callRejected") == {"from": bob.id, "reason": "busy"}


def test_messages_need_a_shared_room(connect):
    alice, bob = connect("alice"), connect("bob")
    alice.join("room-a", "alice")
    bob.join("room-b", "bob")
    for event, payload in [("call", {}), ("accept", {}), ("reject", {}), ("offer", {"sdp": "v=0"}),
                           ("answer", {"sdp": "v=0"}), ("candidate", {"candidate": None}), ("hangup", {})]:
        ack = alice.call(event, {"to": bob.id, **payload})
        assert ack["ok"] is False and ack["error"] == "not-in-room", (event, ack)
    assert alice.call("call", {"to": "no-such-id"})["error"] == "not-in-room"
    bob.expect_nothing()
    assert alice.call("leave", {"room": "room-b"})["error"] == "not-in-room"


MALFORMED = [
    ("join", None), ("join", "room"), ("join", {"room": "r"}), ("join", {"name": "n"}),
    ("join", {"room": "", "name": "n"}), ("join", {"room": "r", "name": ""}), ("join", {"room": 1, "name": "n"}),
    ("join", {"room": "r" * 65, "name": "n"}), ("join", {"room": "r", "name": "n" * 65}),
    ("leave", {}), ("chat", {"room": "r"}), ("chat", {"room": "r", "text": ""}),
    ("chat", {"room": "r", "text": "t" * 4097}), ("call", {}), ("call", {"to": 5}), ("accept", {"to": ""}),
    ("reject", {"to": "x", "reason": 1}), ("hangup", []), ("offer", {"to": "x"}), ("offer", {"to": "x", "sdp": ""}),
    ("offer", {"to": "x", "sdp": "s" * (64 * 1024 + 1)}), ("answer", {"to": "x", "sdp": {"type": "answer"}}),
    ("candidate", {"to": "x"}), ("candidate", {"to": "x", "candidate": "c"}),
    ("candidate", {"to": "x", "candidate": {"sdpMid": "0"}}), ("no-such-event", {}),
]


def test_malformed_payloads_get_bad_request(connect, server):
    alice, bob = connect("alice"), connect("bob")
    alice.join("room-bad", "alice")
    bob.join("room-bad", "bob")
    alice.expect("peer-joined", id=bob.id)
    for event, payload in MALFORMED:
        ack = bob.call(event, payload)
        assert ack["ok"] is False and ack["error"] == "bad-request" and ack["message"], (event, ack)
    alice.expect_nothing()
    # Exactly at the limits is fine.
    assert bob.call("chat", {"room": "room-bad", "text": "t" * 4096}) == {"ok": True}
    assert bob.call("offer", {"to": alice.id, "sdp": "s" * (64 * 1024)}) == {"ok": True}
    assert alice.expect("offer")["sdp"] == "s" * (64 * 1024)
    assert bob.call("join", {"room": "r" * 64, "name": "n" * 64})["ok"] is True


def test_disconnect_sends_peer_left_and_hangup(connect):
    alice, bob, carol = connect("alice"), connect("bob"), connect("carol")
    alice.join("room-bye", "alice")
    bob.join("room-bye", "bob")
    carol.join("room-bye", "carol")
    alice.call("call", {"to": bob.id})
    bob.expect("incomingCall")
    bob.call("accept", {"to": alice.id})
    alice.close()
    assert bob.expect("hangup") == {"from": alice.id}
    bob.expect("peer-left", room="room-bye", id=alice.id)
    carol.expect("peer-left", room="room-bye", id=alice.id)
    # carol was not in the call.
    with pytest.raises(AssertionError):
        carol.expect("hangup", timeout=0.3)


def test_leave_announces(connect):
    alice, bob = connect("alice"), connect("bob")
    alice.join("room-leave", "alice")
    bob.join("room-leave", "bob")
    assert alice.call("leave", {"room": "room-leave"}) == {"ok": True}
    bob.expect("peer-left", room="room-leave", id=alice.id)
    assert bob.call("call", {"to": alice.id})["error"] == "not-in-room"


def test_turn_rest_credentials():
    """--turn-secret: every join ack lists the TURN URL with a username "<expiry>:<socket id>" and the credential
    base64(HMAC-SHA1(secret, username)) that coturn's use-auth-secret checks (the addresses are only strings here)."""
    server = Server("--ice-server", "stun:203.0.113.10:3478", "--ice-server", "turn:203.0.113.10:3478?transport=udp",
                    "--turn-secret", "S", "--turn-ttl", "600")
    peers = []
    try:
        for name in ["alice", "bob"]:
            peer = Peer(server.url, ["websocket"], name=name)
            peers.append(peer)
            before = int(time.time())
            servers = peer.join("room-turn", name)["iceServers"]
            after = int(time.time())
            assert servers[0] == {"urls": ["stun:203.0.113.10:3478"]}
            assert servers[1]["urls"] == ["turn:203.0.113.10:3478?transport=udp"] and len(servers) == 2
            assert set(servers[1]) == {"urls", "username", "credential"}
            expiry, participant = servers[1]["username"].split(":")
            assert participant == peer.id and before + 600 <= int(expiry) <= after + 600
            assert servers[1]["credential"] == turn_rest_credential("S", servers[1]["username"])
    finally:
        for peer in peers:
            peer.close()
        server.stop()


@pytest.mark.parametrize("arguments,message", [
    (["--ice-server", "turn:x:99999", "--turn-user", "u:p"],
     '--ice-server "turn:x:99999": the port must be 1 to 65535'),
    (["--ice-server", "stun:x", "--turn-secret", "S"],
     "--turn-secret needs an --ice-server turn: or turns: URL without credentials of its own"),
    (["--ice-server", "turn:x", "--turn-secret", "S", "--turn-ttl", "0"],
     "--turn-ttl must be a positive number of seconds, not 0"),
])
def test_ice_server_options_are_validated(arguments, message):
    result = subprocess.run([linkup_binary(), "serve", "--port", "0", *arguments], capture_output=True, text=True,
                            timeout=30)
    assert result.returncode != 0 and message in result.stderr, result.stderr


@pytest.mark.parametrize("transport", list(TRANSPORTS))
def test_token_auth(transport):
    server = Server("--token", "s3cret")
    try:
        for auth, message in [({"name": "x"}, "authentication required"),
                              ({"name": "x", "token": "wrong"}, "invalid token")]:
            client = socketio.Client(reconnection=False, handle_sigint=False)
            errors = []
            client.on("connect_error", errors.append)
            with pytest.raises(socketio.exceptions.ConnectionError):
                client.connect(server.url, transports=TRANSPORTS[transport], auth=auth, wait_timeout=5)
            client.disconnect()
            assert errors == [{"message": message}]
        peer = Peer(server.url, TRANSPORTS[transport], auth={"name": "x", "token": "s3cret"})
        assert peer.join("room-token", "x")["iceServers"] == []
        peer.close()
    finally:
        server.stop()


def test_engineio_errors(server):
    base = f"{server.url}/socket.io/"
    response = requests.get(base, params={"EIO": "3", "transport": "polling"}, timeout=5)
    assert response.status_code == 400 and response.json() == {"code": 5, "message": "Unsupported protocol version"}
    response = requests.get(base, params={"EIO": "4", "transport": "carrier-pigeon"}, timeout=5)
    assert response.status_code == 400 and response.json()["code"] == 0
    response = requests.get(base, params={"EIO": "4", "transport": "polling", "sid": "nope"}, timeout=5)
    assert response.status_code == 400 and response.json() == {"code": 1, "message": "Session ID unknown"}
    response = requests.post(base, params={"EIO": "4", "transport": "polling", "sid": "nope"}, data="40", timeout=5)
    assert response.status_code == 400 and response.json()["code"] == 1
    response = requests.post(base, params={"EIO": "4", "transport": "polling"}, data="40", timeout=5)
    assert response.status_code == 400 and response.json()["code"] == 2
    # A refused WebSocket upgrade is a bare 400 (the upgrade handler answers before any route runs).
    ws_base = f"ws://127.0.0.1:{server.port}/socket.io/"
    for query in ["EIO=3&transport=websocket", "EIO=4&transport=websocket&sid=nope"]:
        with pytest.raises(websocket.WebSocketBadStatusException) as refused:
            websocket.create_connection(f"{ws_base}?{query}", timeout=5)
        assert refused.value.status_code == 400, query
    # Without an Upgrade header the same URLs get the JSON errors.
    for query, code in [("EIO=3&transport=websocket", 5), ("EIO=4&transport=websocket&sid=nope", 1),
                        ("EIO=4&transport=websocket", 3)]:
        response = requests.get(f"{base}?{query}", timeout=5)
        assert response.status_code == 400 and response.json()["code"] == code, query


def test_raw_polling_handshake_and_upgrade(server):
    """The handshake, a namespace CONNECT over polling, then the probe/upgrade sequence on a raw websocket."""
    base = f"{server.url}/socket.io/"
    opened = requests.get(base, params={"EIO": "4", "transport": "polling"}, timeout=5)
    assert opened.headers["Content-Type"].startswith("text/plain")
    assert opened.text[0] == "0"
    handshake = json.loads(opened.text[1:])
    assert handshake["upgrades"] == ["websocket"] and handshake["pingInterval"] > 0 and handshake["maxPayload"] > 0
    sid = handshake["sid"]
    params = {"EIO": "4", "transport": "polling", "sid": sid}
    assert requests.post(base, params=params, data="40", timeout=5).text == "ok"
    connected = requests.get(base, params=params, timeout=5).text
    assert connected.startswith('40{"sid":')
    ws = websocket.create_connection(f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket&sid={sid}",
                                     timeout=5)
    try:
        ws.send("2probe")
        assert ws.recv() == "3probe"
        ws.send("5")
        # After the upgrade the session's packets flow over the websocket.
        ws.send('421["join",{"room":"room-raw","name":"raw"}]')
        ack = ws.recv()
        assert ack.startswith('431[{') and '"ok":true' in ack, ack
        # Polling on an upgraded session is refused.
        assert requests.get(base, params=params, timeout=5).status_code == 400
    finally:
        ws.close()


def test_ping_timeout_closes_silent_clients():
    server = Server("--ping-interval", "300", "--ping-timeout", "300")
    try:
        url = f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket"
        silent = websocket.create_connection(url, timeout=5)
        assert json.loads(silent.recv()[1:])["pingInterval"] == 300
        silent.send("40")
        assert silent.recv().startswith("40")
        started = time.monotonic()
        assert silent.recv() == "2"
        # The silent client never answers: the server closes it after pingTimeout.
        while True:
            try:
                frame = silent.recv()
            except websocket.WebSocketConnectionClosedException:
                break
            if not frame:
                break
        assert 0.4 < time.monotonic() - started < 3
        silent.close()
        # A client that answers every ping stays connected across several intervals.
        polite = websocket.create_connection(url, timeout=5)
        polite.recv()
        polite.send("40")
        assert polite.recv().startswith("40")
        for _ in range(4):
            assert polite.recv() == "2"
            polite.send("3")
        polite.send('421["join",{"room":"r","name":"p"}]')
        assert polite.recv().startswith('431[{"iceServers":[],"ok":true')
        polite.close()
    finally:
        server.stop()


@pytest.mark.parametrize("transport,sig", [("polling", signal.SIGINT), ("websocket", signal.SIGINT),
                                           ("polling", signal.SIGTERM)])
def test_signal_shuts_down_gracefully(transport, sig):
    server = Server()
    peer = Peer(server.url, TRANSPORTS[transport])
    try:
        peer.join("room-stop", "x")
        time.sleep(0.2)  # let the client's next long poll reach the server
        started = time.monotonic()
        assert server.stop(sig) == 0
        assert time.monotonic() - started < 5
    finally:
        peer.close()
        server.stop()


def test_serves_web_directory_with_content_types(tmp_path):
    (tmp_path / "index.html").write_text("<!doctype html><title>t</title>")
    (tmp_path / "app.js").write_text("console.log(1);")
    (tmp_path / "style.css").write_text("body {}")
    server = Server("--web", str(tmp_path))
    try:
        for path, content_type in [("/", "text/html"), ("/index.html", "text/html"), ("/app.js", "text/javascript"),
                                   ("/style.css", "text/css")]:
            response = requests.get(server.url + path, timeout=5)
            assert response.status_code == 200 and response.headers["Content-Type"].startswith(content_type), path
        assert requests.get(server.url + "/missing.js", timeout=5).status_code == 404
        assert requests.get(server.url + "/../Package.swift", timeout=5).status_code == 404
    finally:
        server.stop()
