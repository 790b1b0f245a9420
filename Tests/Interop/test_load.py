"""`linkup load`: several callers in one process, each a full peer, calling one forwarding echo bot at once."""

import json
import subprocess

import pytest

from linkup_call import linkup_binary, linkup_bot
from linkup_serve import linkup_serve, serve_unavailable

pytestmark = pytest.mark.skipif(serve_unavailable() is not None, reason=str(serve_unavailable()))

CALLS = 8


@pytest.fixture(scope="module")
def server():
    with linkup_serve() as running:
        yield running


def load(server_url: str, room: str, *arguments: str, timeout: float = 90) -> subprocess.CompletedProcess:
    return subprocess.run([linkup_binary(), "load", "--server", server_url, "--room", room, "--host", "127.0.0.1",
                           *arguments], capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def test_callers_connect_at_once_and_get_every_packet_back(server):
    with linkup_bot(server.url, "load-room", "echo") as bot:
        result = load(server.url, "load-room", "--to", bot.name, "--calls", str(CALLS), "--duration", "4", "--json")
        assert result.returncode == 0, result.stderr
        report = json.loads(result.stdout.strip().splitlines()[-1])
        print(f"\n{CALLS} calls: connect median {report['connectMedianMs']:.0f} ms, p95 {report['connectP95Ms']:.0f} ms;"
              f" sent {report['packetsSent']}, echoed {report['packetsEchoed']}, loss {report['lossFraction']:.4f};"
              f" RTT p50 {report['rttP50Ms']:.1f} ms, p95 {report['rttP95Ms']:.1f} ms")
        assert report["connected"] == CALLS, report
        # 4 s of about 40 video and 50 audio packets a second per call, all echoed on loopback.
        assert report["packetsSent"] >= CALLS * 4 * 80, report
        assert report["packetsEchoed"] >= 0.98 * report["packetsSent"], report
        assert report["lossFraction"] < 0.01, report
        assert report["rttP95Ms"] is not None and report["rttP95Ms"] < 250, report
        assert all(call["connectMs"] is not None and "failure" not in call for call in report["perCall"]), report
        # The bot forwarded every call without decoding, and reported all of them at once in its load lines.
        ended = bot.wait_for_calls(CALLS, timeout=20)
        assert all(call["media"]["mode"] == "forward" for call in ended), ended
        assert max(entry["load"]["calls"] for entry in bot.loads) == CALLS, bot.loads


def test_a_target_nobody_is_fails_with_a_sentence(server):
    with linkup_bot(server.url, "load-empty", "echo"):
        result = load(server.url, "load-empty", "--to", "nobody", "--calls", "2", "--duration", "1", "--timeout", "2")
    assert result.returncode != 0
    assert 'nobody named "nobody"' in result.stdout, result.stdout + result.stderr


def test_bad_arguments_are_refused(server):
    result = load(server.url, "load-bad", "--to", "x", "--calls", "0")
    assert result.returncode != 0 and "--calls must be in 1...1000" in result.stderr, result.stderr
