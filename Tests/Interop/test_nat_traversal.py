"""LinkUp calls across real NATs: two LAN hosts, each behind its own NAT router, and a public host with coturn and
`linkup serve` (netlab.py builds it in network namespaces). The bot and the caller are run with no ICE flags of
their own: they gather from the servers the join ack hands out, as a new user's would.

- cone NATs with only a STUN server: the call connects over server-reflexive candidates, with no relay;
- symmetric NATs: it needs the TURN relay, over UDP (the issue's "done means" command line);
- UDP dropped at both NATs: TURN over TCP, and over TLS (`turns:`, checked against the lab's CA);
- a TURN server that refuses our credentials: the call fails with a sentence that says so.
Each case checks that at least 90% of the caller's video frames came back from the echo bot decoded.
"""

import re
import time

import pytest

from nat_call import call_across

TEST_TIMEOUT = 90


def _assert_echoed(result):
    assert result.returncode == 0, result.explain()
    assert result.summary and result.summary.get("connected"), result.explain()
    assert result.decoded_share >= 0.9, f"{result.decoded_share:.0%} of frames came back\n{result.explain()}"


@pytest.mark.parametrize("natlab", ["cone"], indirect=True)
def test_cone_nats_connect_over_server_reflexive_candidates(natlab, deadline):
    result = call_across(natlab, ["--ice-server", f"stun:{natlab.turn_server}:3478"])
    _assert_echoed(result)
    transport = result.summary["transport"]
    assert "relay" not in transport, transport
    # Through a NAT, the path's far end is the other NAT's public address (learnt by STUN or from the checks).
    assert "-> srflx 203.0.113." in transport or "-> prflx 203.0.113." in transport, transport


@pytest.mark.parametrize("natlab", ["symmetric"], indirect=True)
def test_symmetric_nats_connect_through_the_udp_relay(natlab, deadline):
    result = call_across(natlab, ["--ice-server", f"turn:{natlab.turn_server}:3478?transport=udp",
                                  "--turn-secret", natlab.turn_secret])
    _assert_echoed(result)
    assert "relay (udp) via 203.0.113.10:3478" in result.summary["transport"] \
        or "-> relay 203.0.113.10:" in result.summary["transport"], result.summary["transport"]


@pytest.mark.parametrize("natlab", [{"nat": "symmetric", "block_udp": True}], indirect=True)
def test_udp_blocked_connects_through_turn_over_tcp(natlab, deadline):
    result = call_across(natlab, ["--ice-server", f"turn:{natlab.turn_server}:3478?transport=tcp",
                                  "--turn-secret", natlab.turn_secret])
    _assert_echoed(result)
    assert "relay (tcp) via 203.0.113.10:3478" in result.summary["transport"], result.summary["transport"]


@pytest.mark.parametrize("natlab", [{"nat": "symmetric", "block_udp": True}], indirect=True)
def test_udp_blocked_connects_through_turn_over_tls(natlab, deadline):
    ca = ["--ca-file", natlab.ca_file]
    result = call_across(natlab, ["--ice-server", "turns:turn.test:5349", "--turn-secret", natlab.turn_secret],
                         call_args=ca, bot_args=ca)
    _assert_echoed(result)
    assert "relay (tls) via 203.0.113.10:5349" in result.summary["transport"], result.summary["transport"]


@pytest.mark.parametrize("natlab", [{"nat": "symmetric", "block_udp": True}], indirect=True)
def test_turns_with_an_untrusted_certificate_fails_with_a_sentence(natlab, deadline):
    # No --ca-file: the lab's CA is not in the system's trust store, so the TLS handshake must fail.
    result = call_across(natlab, ["--ice-server", "turns:turn.test:5349", "--turn-secret", natlab.turn_secret],
                         duration=2, timeout=40)
    assert result.returncode != 0, result.explain()
    assert "TLS certificate could not be verified" in result.call_log, result.explain()


@pytest.mark.parametrize("natlab", [{"nat": "symmetric", "turn": "user"}], indirect=True)
def test_wrong_turn_password_is_reported(natlab, deadline):
    result = call_across(natlab, ["--ice-server", f"turn:{natlab.turn_server}:3478",
                                  "--turn-user", f"{natlab.turn_user.username}:wrong-password"], duration=2, timeout=40)
    assert result.returncode != 0, result.explain()
    assert "the username or password is wrong" in result.call_log, result.explain()


@pytest.mark.parametrize("natlab", ["symmetric"], indirect=True)
def test_ice_restart_recovers_after_both_nats_forget_the_call(natlab, deadline):
    # Mid-call both NATs lose their UDP mappings (conntrack flushed): every path's public ports change, and the
    # TURN server no longer knows the allocations' 5-tuples. Consent notices, a side restarts ICE (re-checking its
    # allocation, which the server re-makes after a 437), and media resumes on a new path.
    def break_both_nats():
        time.sleep(6)
        for nat in ("nat1", "nat2"):
            natlab.run(nat, ["conntrack", "-D", "-p", "udp"])

    result = call_across(natlab, ["--ice-server", f"turn:{natlab.turn_server}:3478?transport=udp",
                                  "--turn-secret", natlab.turn_secret], duration=25, timeout=70,
                         during=break_both_nats)
    assert result.returncode == 0, result.explain()
    logs = result.call_log + result.bot_log
    assert "restarting ICE" in logs, result.explain()
    recovered = re.search(r"recovered after (\d+) ms without a working path, now over (.*)", logs)
    assert recovered, result.explain()
    print(f"recovered {recovered.group(1)} ms after consent noticed the break, over {recovered.group(2)}")
    media = result.summary["media"]
    # The break costs consent's 10 s of detection at most, out of 25 s: well over half the frames come back.
    assert media["videoFramesDecoded"] >= 0.5 * media["videoFramesSent"], result.explain()
