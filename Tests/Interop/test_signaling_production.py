"""`linkup serve` for production (issue #13): TLS (HTTPS + WSS with a test CA made by openssl here), signed room
tokens (JWT HS256), limits (handshake flood, chat flood, slow consumer, idle sessions), connection state recovery
and /metrics. Every server is a child on 127.0.0.1; loads are bounded in count and time."""

import base64
import hashlib
import hmac
import json
import re
import subprocess
import time

import pytest
import requests
import socketio

from linkup_probe import linkup_binary
from signaling_raw import RawSocket
from signaling_server import Peer, Server


def run(*command: str):
    subprocess.run(command, check=True, capture_output=True, timeout=60)


def make_ca(directory, name: str):
    key, cert = directory / f"{name}.key", directory / f"{name}.pem"
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
        "-days", "2", "-subj", f"/CN=LinkUp test {name}", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    return key, cert


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    """A test CA, a server certificate it signed for 127.0.0.1 and localhost, and an unrelated CA."""
    directory = tmp_path_factory.mktemp("tls")
    ca_key, ca_cert = make_ca(directory, "ca")
    _, other_ca = make_ca(directory, "other-ca")
    key, csr, cert = directory / "server.key", directory / "server.csr", directory / "server.pem"
    run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(csr),
        "-subj", "/CN=127.0.0.1")
    extensions = directory / "san.ext"
    extensions.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
    run("openssl", "x509", "-req", "-in", str(csr), "-CA", str(ca_cert), "-CAkey", str(ca_key), "-CAcreateserial",
        "-out", str(cert), "-days", "2", "-extfile", str(extensions))
    return {"ca": str(ca_cert), "other_ca": str(other_ca), "cert": str(cert), "key": str(key)}


def verified_session(ca: str) -> requests.Session:
    session = requests.Session()
    session.verify = ca
    session.trust_env = False  # REQUESTS_CA_BUNDLE in the environment would replace `verify`
    return session


def metric(server_url: str, name: str, verify=True) -> float:
    """The sum of the samples of metric `name` in /metrics."""
    text = requests.get(f"{server_url}/metrics", timeout=5, verify=verify).text
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            total += float(line.rsplit(" ", 1)[1])
    return total


# --- TLS ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("transports", [["websocket"], ["polling"], None], ids=["websocket", "polling", "default"])
def test_wss_and_https_with_a_test_ca(tls_files, transports):
    server = Server("--tls-cert", tls_files["cert"], "--tls-key", tls_files["key"])
    peers = []
    try:
        assert server.url.startswith("https://")
        assert requests.get(f"{server.url}/health", timeout=5, verify=tls_files["ca"]).json()["status"] == "ok"
        alice = Peer(server.url, transports, name="alice", http_session=lambda: verified_session(tls_files["ca"]))
        bob = Peer(server.url, transports, name="bob", http_session=lambda: verified_session(tls_files["ca"]))
        peers += [alice, bob]
        alice.join("tls-room", "alice")
        bob.join("tls-room", "bob")
        assert bob.call("chat", {"room": "tls-room", "text": "over tls"})["ok"] is True
        alice.expect("chat", text="over tls")
        # Plain HTTP on the TLS port gets nowhere.
        with pytest.raises(requests.RequestException):
            requests.get(f"http://127.0.0.1:{server.port}/health", timeout=3)
    finally:
        for peer in peers:
            peer.close()
        server.stop()


def test_wrong_ca_is_a_clear_client_error(tls_files):
    server = Server("--tls-cert", tls_files["cert"], "--tls-key", tls_files["key"])
    try:
        client = socketio.Client(reconnection=False, http_session=lambda: verified_session(tls_files["other_ca"]))
        with pytest.raises(socketio.exceptions.ConnectionError):
            client.connect(server.url, transports=["websocket"], wait_timeout=5)
        # LinkUp's own client: a final refusal that names the problem and the fix.
        result = subprocess.run(
            [linkup_binary(), "call", "--server", server.url, "--room", "r", "--ca-file", tls_files["other_ca"],
             "--duration", "1"], capture_output=True, text=True, timeout=60)
        assert result.returncode != 0
        assert "could not be verified" in result.stderr and "--ca-file" in result.stderr, result.stderr
        # Without --ca-file the system store does not know the test CA either.
        result = subprocess.run([linkup_binary(), "call", "--server", server.url, "--room", "r", "--duration", "1"],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode != 0 and "could not be verified" in result.stderr, result.stderr
    finally:
        server.stop()


def test_linkup_bot_joins_over_wss_with_ca_file(tls_files):
    server = Server("--tls-cert", tls_files["cert"], "--tls-key", tls_files["key"])
    bot = subprocess.Popen([linkup_binary(), "bot", "--mode", "echo", "--server", server.url, "--room", "wss-bot", "--name", "wssbot",
                            "--ca-file", tls_files["ca"], "--host", "127.0.0.1"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peer = None
    try:
        peer = Peer(server.url, ["websocket"], name="alice", http_session=lambda: verified_session(tls_files["ca"]))
        deadline = time.monotonic() + 20
        while True:
            ack = peer.call("join", {"room": "wss-bot", "name": "alice"})
            if any(p["name"] == "wssbot" for p in ack["peers"]):
                break
            assert time.monotonic() < deadline, "linkup bot did not join over wss"
            assert bot.poll() is None, bot.stderr.read()
            time.sleep(0.2)
    finally:
        if peer:
            peer.close()
        bot.terminate()
        bot.wait(10)
        server.stop()


# --- Signed room tokens ------------------------------------------------------------------------------------------

JWT_SECRET = "jwt-s3cret-jwt-s3cret-jwt-s3cret-42"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt_hs256(secret: str, claims: dict) -> str:
    """A JWT made here, independently of LinkUp (RFC 7519, HS256 of RFC 7518)."""
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64url(json.dumps(claims).encode())
    signature = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64url(signature)}"


@pytest.fixture(scope="module")
def jwt_server():
    server = Server("--jwt-secret", JWT_SECRET, "--token", "shared")
    try:
        yield server
    finally:
        server.stop()


def test_minted_token_admits_its_rooms_only(jwt_server):
    token = subprocess.run([linkup_binary(), "token", "--secret", JWT_SECRET, "--room", "r1", "--name", "alice",
                            "--ttl", "1h"], capture_output=True, text=True, check=True, timeout=30).stdout.strip()
    assert token.count(".") == 2
    alice = Peer(jwt_server.url, ["websocket"], auth={"token": token, "name": "mallory"})
    try:
        ack = alice.join("r1", "mallory")
        assert ack["self"]["name"] == "alice", "the token's name wins"
        refused = alice.call("join", {"room": "r2", "name": "alice"})
        assert refused["ok"] is False and refused["error"] == "forbidden" and refused["message"], refused
    finally:
        alice.close()


def test_wildcard_token_from_another_issuer_and_shared_token(jwt_server):
    token = jwt_hs256(JWT_SECRET, {"name": "bob", "rooms": ["*"], "exp": int(time.time()) + 60})
    bob = Peer(jwt_server.url, ["websocket"], auth={"token": token})
    carol = Peer(jwt_server.url, ["polling"], auth={"token": "shared", "name": "carol"})
    try:
        assert bob.join("any-room", "bob")["ok"] is True
        assert carol.join("any-room", "carol")["peers"] == [{"id": bob.id, "name": "bob"}]
    finally:
        bob.close()
        carol.close()


@pytest.mark.parametrize("case", ["expired", "wrong-signature", "garbage", "missing"])
def test_bad_tokens_get_connect_error_with_reason(jwt_server, case):
    now = int(time.time())
    auth = {
        "expired": {"token": jwt_hs256(JWT_SECRET, {"name": "a", "rooms": ["r"], "exp": now - 10})},
        "wrong-signature": {"token": jwt_hs256("other-secret-other-secret-other-secret", {"name": "a", "rooms": ["r"], "exp": now + 60})},
        "garbage": {"token": "not.a.jwt"},
        "missing": {"name": "a"},
    }[case]
    expected = {"expired": "expired", "wrong-signature": "bad signature", "garbage": "invalid token",
                "missing": "authentication required"}[case]
    messages = []
    client = socketio.Client(reconnection=False)
    client.on("connect_error", lambda data=None: messages.append(data))
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(jwt_server.url, transports=["websocket"], auth=auth, wait_timeout=5)
    text = json.dumps(messages)
    assert expected in text, messages
    client.disconnect()


# --- Limits ------------------------------------------------------------------------------------------------------

def test_handshake_flood_is_cut_off_while_others_carry_on():
    server = Server("--handshake-burst", "20", "--handshake-rate", "5", "--idle-timeout", "2")
    alice = bob = None
    try:
        alice = Peer(server.url, ["websocket"], name="alice")
        bob = Peer(server.url, ["websocket"], name="bob")
        alice.join("flood-room", "alice")
        bob.join("flood-room", "bob")
        statuses = []
        started = time.monotonic()
        with requests.Session() as http:
            for _ in range(300):
                response = http.get(f"{server.url}/socket.io/?EIO=4&transport=polling", timeout=5)
                statuses.append(response.status_code)
        elapsed = time.monotonic() - started
        accepted = statuses.count(200)
        assert statuses.count(429) >= 250, (accepted, elapsed)
        assert accepted <= 18 + 5 * elapsed + 2, (accepted, elapsed)
        # The connected clients carry on.
        assert alice.call("chat", {"room": "flood-room", "text": "still fine"})["ok"] is True
        bob.expect("chat", text="still fine")
        # The flood's sessions never connect to a namespace: they are reaped within the idle timeout.
        assert metric(server.url, "linkup_handshakes_refused_total") >= 250
        deadline = time.monotonic() + 6
        while metric(server.url, "linkup_sessions") > 2:
            assert time.monotonic() < deadline, "the idle polling sessions were not reaped"
            time.sleep(0.2)
    finally:
        for peer in (alice, bob):
            if peer:
                peer.close()
        server.stop()


def test_chat_flood_is_rate_limited_while_others_carry_on():
    server = Server("--event-burst", "20", "--event-rate", "10")
    peers = []
    try:
        flooder, alice, bob = (Peer(server.url, ["websocket"], name=n) for n in ("flooder", "alice", "bob"))
        peers += [flooder, alice, bob]
        for peer, name in ((flooder, "flooder"), (alice, "alice"), (bob, "bob")):
            peer.join("chat-flood", name)
        acks = [flooder.call("chat", {"room": "chat-flood", "text": f"spam {i}"}) for i in range(100)]
        limited = [ack for ack in acks if ack.get("error") == "rate-limited"]
        assert len(limited) >= 60, acks[-1]
        assert all(ack["ok"] is False and ack["message"] for ack in limited)
        assert alice.call("chat", {"room": "chat-flood", "text": "hello bob"})["ok"] is True
        bob.expect("chat", text="hello bob")
        assert metric(server.url, "linkup_events_refused_total") >= 60
    finally:
        for peer in peers:
            peer.close()
        server.stop()


def test_slow_consumer_is_disconnected():
    server = Server("--max-outbound", "64", "--event-burst", "5000", "--event-rate", "5000")
    sender = watcher = slow = None
    try:
        slow = RawSocket(server.url, rcvbuf=4096)
        slow.connect({"name": "slow"})
        assert slow.call("join", {"room": "slow-room", "name": "slow"})["ok"] is True
        sender = Peer(server.url, ["websocket"], name="sender")
        sender.join("slow-room", "sender")
        text = "x" * 4000
        deadline = time.monotonic() + 30
        sent = 0
        while metric(server.url, "linkup_sessions_closed_total") < 1:
            assert time.monotonic() < deadline and sent < 20_000, "the slow reader was never disconnected"
            for _ in range(100):
                sender.client.emit("chat", {"room": "slow-room", "text": text})
            sent += 100
            time.sleep(0.05)
        sender.expect("peer-left", timeout=10)
        assert sender.call("chat", {"room": "slow-room", "text": "done"})["ok"] is True
        closed = requests.get(f"{server.url}/metrics", timeout=5).text
        assert 'reason="slow-consumer"' in closed, closed
    finally:
        for peer in (sender, watcher):
            if peer:
                peer.close()
        if slow:
            slow.close()
        server.stop()


def test_room_full():
    server = Server("--max-room-size", "2")
    peers = []
    try:
        peers = [Peer(server.url, ["websocket"], name=f"p{i}") for i in range(3)]
        peers[0].join("small", "p0")
        peers[1].join("small", "p1")
        refused = peers[2].call("join", {"room": "small", "name": "p2"})
        assert refused["ok"] is False and refused["error"] == "room-full" and refused["message"], refused
    finally:
        for peer in peers:
            peer.close()
        server.stop()


# --- Connection state recovery and metrics -----------------------------------------------------------------------

def test_recovery_keeps_id_rooms_call_and_replays_missed_chat():
    server = Server()
    bob = alice = again = None
    try:
        alice = RawSocket(server.url)
        connected = alice.connect({"name": "alice", "recover": True})
        alice_id, pid = connected["sid"], connected["pid"]
        assert alice.call("join", {"room": "recover-room", "name": "alice"})["ok"] is True
        bob = Peer(server.url, ["websocket"], name="bob")
        bob.join("recover-room", "bob")
        _, extra = alice.wait_event("peer-joined", id=bob.id)
        offset = extra[0]
        assert isinstance(offset, str), "events carry an offset for a recovering client"
        assert bob.call("call", {"to": alice_id})["ok"] is True
        _, extra = alice.wait_event("incomingCall", **{"from": bob.id})
        assert int(extra[0]) > int(offset)
        offset = extra[0]
        assert alice.call("accept", {"to": bob.id})["ok"] is True
        bob.expect("callAccepted")
        alice.cut()
        time.sleep(0.5)
        assert bob.call("chat", {"room": "recover-room", "text": "you missed this"})["ok"] is True
        again = RawSocket(server.url)
        back = again.connect({"name": "alice", "recover": True, "pid": pid, "offset": offset})
        assert back["sid"] == alice_id and back["pid"] == pid
        again.wait_event("chat", text="you missed this")
        # Still in the call and the room: the relay works both ways, and bob saw no peer-left or hangup.
        assert again.call("offer", {"to": bob.id, "sdp": "v=0"})["ok"] is True
        bob.expect("offer", sdp="v=0")
        while not bob.events.empty():
            name, _ = bob.events.get_nowait()
            assert name not in ("peer-left", "hangup"), name
        assert metric(server.url, "linkup_recoveries_total") == 1
    finally:
        for client in (alice, again):
            if client:
                client.close()
        if bob:
            bob.close()
        server.stop()


def test_after_the_window_the_others_hear_peer_left_and_hangup():
    server = Server("--recovery-window", "1")
    bob = None
    try:
        alice = RawSocket(server.url)
        alice_id = alice.connect({"name": "alice", "recover": True})["sid"]
        alice.call("join", {"room": "window-room", "name": "alice"})
        bob = Peer(server.url, ["websocket"], name="bob")
        bob.join("window-room", "bob")
        bob.call("call", {"to": alice_id})
        alice.cut()
        bob.expect("hangup", timeout=5, **{"from": alice_id})
        bob.expect("peer-left", timeout=5, id=alice_id)
    finally:
        if bob:
            bob.close()
        server.stop()


def test_metrics_and_health():
    server = Server()
    peers = []
    try:
        peers = [Peer(server.url, ["websocket"], name=n) for n in ("a", "b")]
        for peer, name in zip(peers, ("a", "b")):
            peer.join("metrics-room", name)
        peers[0].call("call", {"to": peers[1].id})
        response = requests.get(f"{server.url}/metrics", timeout=5)
        assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/plain")
        text = response.text
        for name in ("linkup_connections", "linkup_rooms", "linkup_calls_in_progress", "linkup_events_relayed_total",
                     "linkup_recoveries_total", "linkup_redis_round_trips_total"):
            assert re.search(rf"^{name} ", text, re.MULTILINE), (name, text)
        assert metric(server.url, "linkup_connections") == 2
        assert metric(server.url, "linkup_calls_in_progress") == 1
        assert requests.get(f"{server.url}/health", timeout=5).json()["participants"] == 2
    finally:
        for peer in peers:
            peer.close()
        server.stop()


def spki_hash(certificate: str) -> str:
    """base64(SHA-256(SubjectPublicKeyInfo)) of a PEM certificate, as Chromium's SPKI allow-list takes it."""
    public_key = subprocess.run(["openssl", "x509", "-in", certificate, "-pubkey", "-noout"], capture_output=True,
                                check=True, timeout=30).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "der"], input=public_key, capture_output=True,
                         check=True, timeout=30).stdout
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


def test_headless_chromium_over_wss_trusting_only_the_test_certificate(tls_files):
    from browser import chromium, chromium_available, hook, open_client, wait_for
    reason = chromium_available()
    if reason:
        pytest.skip(reason)
    server = Server("--tls-cert", tls_files["cert"], "--tls-key", tls_files["key"])
    bob = None
    try:
        flag = f"--ignore-certificate-errors-spki-list={spki_hash(tls_files['cert'])}"
        with chromium((flag,)) as driver:
            page = open_client(driver, server.url, "browser-tls", "alice")
            assert hook(page, "window.location.protocol") == "https:"
            bob = Peer(server.url, ["websocket"], name="bob", http_session=lambda: verified_session(tls_files["ca"]))
            ack = bob.join("browser-tls", "bob")
            assert [p["name"] for p in ack["peers"]] == ["alice"]
            hook(page, "linkup.sendChat('hello over wss')")
            bob.expect("chat", text="hello over wss")
            assert bob.call("chat", {"room": "browser-tls", "text": "hi alice"})["ok"] is True
            wait_for(page, "linkup.chat.some(m => m.text === 'hi alice')", 10)
        # Without the allow-list entry the same browser refuses the page: the flag is not a blanket ignore.
        with chromium() as driver:
            driver.set_page_load_timeout(10)
            driver.get(server.url + "/")
            assert "alice" not in driver.page_source and "linkup" not in driver.title.lower()
    finally:
        if bob:
            bob.close()
        server.stop()
