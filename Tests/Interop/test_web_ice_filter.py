"""The web client's `ice=loopback` filter (call.js) on its own, in headless Chromium: which candidate lines it keeps
from an SDP and from trickled candidates, in both directions; and the RTCConfiguration its calls get (the join ack's
iceServers, and iceTransportPolicy "relay" with the relay=1 flag). No call is placed: LinkUpCall is fed text only."""

import json

import pytest

from browser import browser_factory, client_url, hook, open_client, wait_for  # noqa: F401
from linkup_serve import linkup_serve, serve_unavailable

SDP = "\r\n".join([
    "v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "m=audio 9 UDP/TLS/RTP/SAVPF 111", "c=IN IP4 0.0.0.0",
    "a=candidate:1 1 udp 2122260223 192.0.2.2 40000 typ host generation 0",
    "a=candidate:2 1 udp 2122194687 127.0.0.1 40001 typ host generation 0",
    "a=candidate:3 1 udp 2122129151 fd00::2 40002 typ host generation 0",
    "a=candidate:4 1 udp 2122063615 ::1 40003 typ host generation 0",
    "a=candidate:5 1 tcp 1518280447 127.0.0.2 9 typ host tcptype active generation 0",
    "a=candidate:6 1 udp 2122063615 3f1a2b6c-1d2e-4f00-9a8b-0123456789ab.local 40004 typ host generation 0",
    "a=candidate:7 1 udp 1686052607 203.0.113.9 40005 typ srflx raddr 127.0.0.1 rport 40001",
    "a=end-of-candidates", "",
])


@pytest.fixture
def page(browser_factory):
    reason = serve_unavailable()
    if reason:
        pytest.skip(reason)
    with linkup_serve() as server:
        yield open_client(browser_factory(), server.url, "filter-room", "alice", wait_joined=False)


def make_call(page, ice_filter):
    hook(page, "(window.filterCall = new LinkUpCall({peerId: 'x', role: 'caller', iceFilter: "
               f"{json.dumps(ice_filter)}, signal: async () => ({{ok: true}}), "
               "localVideo: document.getElementById('local'), remoteVideo: document.getElementById('remote')}), 1)")


def kept_addresses(sdp: str) -> list[str]:
    return [line.split()[4] for line in sdp.split("\r\n") if line.startswith("a=candidate:")]


def test_loopback_filter_keeps_only_127_and_ipv6_loopback(page):
    make_call(page, "loopback")
    outgoing = hook(page, f"filterCall.outgoingSdp({json.dumps(SDP)})")
    incoming = hook(page, f"filterCall.incomingSdp({json.dumps(SDP)})")
    for sdp in (outgoing, incoming):
        assert kept_addresses(sdp) == ["127.0.0.1", "::1", "127.0.0.2"]
        # Everything but the cut candidate lines is unchanged.
        assert [line for line in sdp.split("\r\n") if not line.startswith("a=candidate:")] == \
            [line for line in SDP.split("\r\n") if not line.startswith("a=candidate:")]
    # Trickled candidates from the peer: the loopback one is queued (no remote description yet), the others are not.
    for line in SDP.split("\r\n"):
        if line.startswith("a=candidate:"):
            hook(page, f"filterCall.addRemoteCandidate({{candidate: {json.dumps(line[2:])}, sdpMid: '0', "
                       "sdpMLineIndex: 0}).then(() => 1)")
    hook(page, "filterCall.addRemoteCandidate(null).then(() => 1)")
    pending = hook(page, "filterCall.pending")
    assert [c and c["candidate"].split()[4] for c in pending] == ["127.0.0.1", "::1", "127.0.0.2", None]
    seen = hook(page, "filterCall.candidates")
    assert len(seen["sent"]) == 3 and len(seen["dropped"]) == 4
    assert len(seen["received"]) == 6 and len(seen["ignored"]) == 8


def test_without_the_flag_every_candidate_passes(page):
    make_call(page, None)
    assert hook(page, f"filterCall.outgoingSdp({json.dumps(SDP)})") == SDP
    assert kept_addresses(hook(page, f"filterCall.incomingSdp({json.dumps(SDP)})")) == \
        ["192.0.2.2", "127.0.0.1", "fd00::2", "::1", "127.0.0.2", "3f1a2b6c-1d2e-4f00-9a8b-0123456789ab.local",
         "203.0.113.9"]


@pytest.mark.parametrize("query,policy", [("&relay=1", "relay"), ("&iceTransportPolicy=relay", "relay"), ("", "all")])
def test_join_ack_ice_servers_reach_the_peer_connection(browser_factory, query, policy):
    """The join ack's RTCIceServer entries (STUN, and TURN with minted credentials) and the relay flag make the
    RTCConfiguration of calls, which Chromium accepts (it refuses TURN URLs without username and credential)."""
    reason = serve_unavailable()
    if reason:
        pytest.skip(reason)
    extra = ("--ice-server", "stun:203.0.113.10", "--ice-server", "turn:203.0.113.10?transport=udp",
             "--turn-secret", "S")
    with linkup_serve(extra=extra) as server:
        page = browser_factory()
        page.get(client_url(server.url, "relay-room", "alice") + query)
        wait_for(page, "window.linkup !== undefined && window.linkup.self !== null", what="alice to join")
        configuration = hook(page, "window.linkup.rtcConfiguration")
        assert configuration["iceTransportPolicy"] == policy
        stun, turn = configuration["iceServers"]
        assert stun == {"urls": ["stun:203.0.113.10:3478"]}
        assert turn["urls"] == ["turn:203.0.113.10:3478?transport=udp"]
        assert turn["username"].endswith(":" + hook(page, "window.linkup.self.id")) and turn["credential"]
        applied = hook(page, "(() => { const pc = new RTCPeerConnection(window.linkup.rtcConfiguration); "
                             "const c = pc.getConfiguration(); pc.close(); return c; })()")
        assert applied["iceTransportPolicy"] == policy
        assert [entry["urls"] for entry in applied["iceServers"]] == [stun["urls"], turn["urls"]]
