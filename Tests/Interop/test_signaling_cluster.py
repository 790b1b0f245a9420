"""Two `linkup serve` nodes sharing rooms through one redis-server (issue #13, scale-out): presence, chat and a
full call flow across nodes with python-socketio clients, and a node killed -> peer-left and hangup on the other
within seconds (heartbeat keys with a TTL). Everything on 127.0.0.1."""

import signal
import time

import pytest
import requests

from redis_server import redis_process, redis_server, redis_unavailable
from signaling_server import Peer, Server

pytestmark = pytest.mark.skipif(redis_unavailable() is not None, reason=str(redis_unavailable()))


@pytest.fixture
def cluster():
    with redis_server() as url:
        nodes = [Server("--redis", url), Server("--redis", url)]
        try:
            yield nodes
        finally:
            for node in nodes:
                if node.process.poll() is None:
                    node.stop()


def join_until(peer: Peer, room: str, name: str, expected_peers: int, timeout: float = 5.0) -> dict:
    """Joins (again) until the ack lists `expected_peers` others: the nodes learn of each other asynchronously."""
    deadline = time.monotonic() + timeout
    while True:
        ack = peer.join(room, name)
        if len(ack["peers"]) >= expected_peers or time.monotonic() > deadline:
            return ack
        time.sleep(0.1)


def test_presence_chat_and_a_call_across_nodes(cluster):
    a, b = cluster
    alice = Peer(a.url, ["websocket"], name="alice")
    bob = Peer(b.url, ["polling"], name="bob")
    carol = Peer(b.url, ["websocket"], name="carol")
    try:
        alice.join("cross", "alice")
        ack = join_until(bob, "cross", "bob", 1)
        assert {"id": alice.id, "name": "alice"} in ack["peers"], ack
        alice.expect("peer-joined", id=bob.id, name="bob")
        ack = carol.join("cross", "carol")
        assert {p["id"] for p in ack["peers"]} == {alice.id, bob.id}, ack
        alice.expect("peer-joined", id=carol.id)

        # Chat reaches everyone, on both nodes, sender included.
        assert alice.call("chat", {"room": "cross", "text": "hello from A"})["ok"] is True
        for peer in (alice, bob, carol):
            peer.expect("chat", text="hello from A", name="alice")
        assert bob.call("chat", {"room": "cross", "text": "hello from B"})["ok"] is True
        alice.expect("chat", text="hello from B", **{"from": bob.id})

        # A full call flow from node A to node B.
        assert alice.call("call", {"to": bob.id})["ok"] is True
        bob.expect("incomingCall", **{"from": alice.id, "name": "alice"})
        assert bob.call("accept", {"to": alice.id})["ok"] is True
        alice.expect("callAccepted", **{"from": bob.id})
        assert alice.call("offer", {"to": bob.id, "sdp": "v=0 offer"})["ok"] is True
        bob.expect("offer", sdp="v=0 offer", **{"from": alice.id})
        assert bob.call("answer", {"to": alice.id, "sdp": "v=0 answer"})["ok"] is True
        alice.expect("answer", sdp="v=0 answer")
        candidate = {"candidate": "candidate:1 1 udp 1 127.0.0.1 5000 typ host", "sdpMid": "0", "sdpMLineIndex": 0}
        assert bob.call("candidate", {"to": alice.id, "candidate": candidate})["ok"] is True
        assert alice.expect("candidate", **{"from": bob.id})["candidate"] == candidate
        assert alice.call("hangup", {"to": bob.id})["ok"] is True
        bob.expect("hangup", **{"from": alice.id})

        # Leaving on one node is seen on the other; a stranger still cannot reach anyone.
        assert carol.call("leave", {"room": "cross"})["ok"] is True
        alice.expect("peer-left", id=carol.id)
        refused = carol.call("offer", {"to": alice.id, "sdp": "x"})
        assert refused["ok"] is False and refused["error"] == "not-in-room"
        assert "linkup_redis_round_trips_total" in requests.get(f"{a.url}/metrics", timeout=5).text
    finally:
        for peer in (alice, bob, carol):
            peer.close()


def test_a_killed_node_produces_peer_left_and_hangup_within_seconds(cluster):
    a, b = cluster
    alice = Peer(a.url, ["websocket"], name="alice")
    bob = Peer(b.url, ["websocket"], name="bob")
    try:
        alice.join("doomed", "alice")
        join_until(bob, "doomed", "bob", 1)
        alice.expect("peer-joined", id=bob.id)
        assert alice.call("call", {"to": bob.id})["ok"] is True
        bob.expect("incomingCall")
        time.sleep(1.5)  # both heartbeats have been seen by now
        killed = time.monotonic()
        b.process.send_signal(signal.SIGKILL)
        b.process.wait(5)
        alice.expect_nothing(1.5)  # the heartbeat key lives 3 s: nothing happens at once
        alice.expect("hangup", timeout=8, **{"from": bob.id})
        alice.expect("peer-left", timeout=2, id=bob.id, room="doomed")
        elapsed = time.monotonic() - killed
        assert elapsed < 8, elapsed
        print(f"peer-left {elapsed:.1f} s after node B was killed")
    finally:
        alice.close()
        bob.close()


def test_a_node_started_late_lists_the_others(cluster):
    a, b = cluster
    alice = Peer(a.url, ["websocket"], name="alice")
    try:
        alice.join("late", "alice")
        time.sleep(0.3)
        # A third node started now learns the memberships from Redis.
        with redis_url_of(b) as url:
            c = Server("--redis", url)
            try:
                dave = Peer(c.url, ["websocket"], name="dave")
                ack = join_until(dave, "late", "dave", 1)
                assert {"id": alice.id, "name": "alice"} in ack["peers"], ack
                alice.expect("peer-joined", id=dave.id)
                dave.close()
            finally:
                c.stop()
    finally:
        alice.close()


class redis_url_of:
    """The --redis URL a running node was started with."""

    def __init__(self, node: Server):
        arguments = node.process.args
        self.url = arguments[arguments.index("--redis") + 1]

    def __enter__(self):
        return self.url

    def __exit__(self, *exc):
        return False


def test_linkup_call_to_a_bot_on_the_other_node_with_media(cluster):
    from linkup_call import linkup_bot, run_call
    a, b = cluster
    with linkup_bot(b.url, "cluster-media", "echo", name="far-bot") as bot:
        time.sleep(0.3)  # the bot's join reaches node A through Redis
        status, summary, log = run_call(a.url, "cluster-media", "--to", "far-bot", "--duration", "3")
        assert status == 0, log
        assert summary["connected"], summary
        media = summary["media"]
        assert media["videoFramesSent"] >= 60, media
        assert media["videoFramesDecoded"] >= 0.8 * media["videoFramesSent"], media
        assert media["audioFramesReceived"] >= 100, media
        assert bot.wait_for_calls(1)[0]["media"]["packetsForwarded"] > 0


def test_nodes_reconnect_to_a_restarted_redis_and_announce_their_participants_again():
    with redis_process() as redis:
        a, b = Server("--redis", redis.url), Server("--redis", redis.url)
        alice = Peer(a.url, ["websocket"], name="alice")
        bob = Peer(b.url, ["websocket"], name="bob")
        try:
            alice.join("outage", "alice")
            join_until(bob, "outage", "bob", 1)
            alice.expect("peer-joined", id=bob.id)
            # Redis goes away (with every key) and comes back empty on the same port.
            redis.stop()
            time.sleep(1.0)
            redis.start()
            # Both nodes reconnect (backoff at most 2 s), renew their subscription and heartbeat, and announce their
            # participants again; then the relay works across nodes as before.
            deadline = time.monotonic() + 15
            while True:
                assert bob.call("chat", {"room": "outage", "text": "after the outage"})["ok"] is True
                try:
                    alice.expect("chat", timeout=0.5, text="after the outage")
                    break
                except AssertionError:
                    assert time.monotonic() < deadline, "the nodes did not come back together"
            carol = Peer(a.url, ["websocket"], name="carol")
            ack = join_until(carol, "outage", "carol", 2)
            assert {p["id"] for p in ack["peers"]} == {alice.id, bob.id}, ack
            carol.close()
        finally:
            alice.close()
            bob.close()
            a.stop()
            b.stop()
