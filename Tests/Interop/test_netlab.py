"""The NAT lab (netlab.py) does what NAT traversal tests will rely on, checked with coturn's own tools
(turnutils_uclient, turnutils_peer, turnutils_natdiscovery), openssl s_client and plain sockets:
reachability, the two NATs' mapping and filtering, TURN over UDP/TCP/TLS through them, blocked UDP, both coturn
auth modes, the TLS certificate, and a teardown that leaves nothing behind."""

import os
import re
import shutil
import socket
import subprocess

import pytest

import netlab
from netlab import PUB_ALT_ADDRESS, TURN_ALT_PORT, TURN_PORT, TURNS_PORT, NatLab, stun_mapped_address

TEST_TIMEOUT = 30
PEER_PORT = 3480  # turnutils_peer's default; it echoes every datagram back to the relay
MESSAGES = 3
TRANSPORTS = {"udp": [], "tcp": ["-t"], "tls": ["-t", "-S"]}

# Every lab a test here used, so the last test can check that none of their namespaces is left.
SEEN_LABS = []


def remember(lab):
    SEEN_LABS.append(lab)
    return lab


def start_uclient(lab, flags, peer, credentials=None, host="lan1"):
    """turnutils_uclient: Allocate, bind a channel to `peer`, send MESSAGES datagrams through the relay, count the
    echoes (-c: no RTCP companion port). `-E` is passed for TLS, though uclient does not enforce it (see below)."""
    credentials = credentials or lab.turn_credentials("alice")
    tls = ["-E", lab.ca_file] if "-S" in flags else []
    argv = ["turnutils_uclient", *flags, *tls, "-c", "-n", MESSAGES, "-u", credentials.username,
            "-w", credentials.password, "-e", peer[0], "-r", peer[1], lab.turn_server]
    return lab.popen(host, argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def relayed(process, timeout=15):
    """(returncode, sent, echoed) of a finished uclient."""
    output, _ = process.communicate(timeout=timeout)
    totals = re.findall(r"start_mclient: tot_send_msgs=(\d+), tot_recv_msgs=(\d+)", output)
    sent, echoed = map(int, totals[-1]) if totals else (0, 0)
    return process.returncode, sent, echoed, output


def test_lan_hosts_reach_the_server_only_through_their_nat(natlab, deadline):
    lab = remember(natlab)
    own = os.stat("/proc/self/ns/net").st_ino  # conftest moved pytest into a private namespace; the lab is apart
    assert all(os.stat(f"/run/netns/{lab.ns(host)}").st_ino != own for host in netlab.HOSTS)
    for lan, nat in (("lan1", "nat1"), ("lan2", "nat2")):
        links = lab.run(lan, ["ip", "-o", "link"], check=True).stdout
        assert re.findall(r"^\d+: (\w+)", links, re.M) == ["lo", "uplink"]
        with lab.socket(lan, kind=socket.SOCK_STREAM) as tcp:
            tcp.settimeout(2)
            tcp.connect((lab.turn_server, TURN_PORT))
            assert tcp.getsockname()[0] == lab.addr(lan)
        with lab.socket(lan) as udp:
            assert stun_mapped_address(udp, (lab.turn_server, TURN_PORT))[0] == lab.addr(nat)

    # lan1 cannot reach lan2: nat1 sends the other LAN's private addresses into the void, as the internet would
    # (no ICMP error either); nothing arrives.
    with lab.socket("lan2", kind=socket.SOCK_STREAM) as listener, lab.socket("lan2") as receiver:
        listener.bind((lab.addr("lan2"), 4000))
        listener.listen()
        receiver.bind((lab.addr("lan2"), 4000))
        receiver.settimeout(0.5)
        with lab.socket("lan1", kind=socket.SOCK_STREAM) as tcp:
            tcp.settimeout(1)
            with pytest.raises(TimeoutError):
                tcp.connect((lab.addr("lan2"), 4000))
        with lab.socket("lan1") as udp:
            udp.sendto(b"direct", (lab.addr("lan2"), 4000))
        with pytest.raises(TimeoutError):
            receiver.recvfrom(100)
    # Nor can the public side open anything towards a LAN host.
    with lab.socket("pub", kind=socket.SOCK_STREAM) as tcp:
        tcp.settimeout(2)
        with pytest.raises(OSError):
            tcp.connect((lab.addr("lan1"), 4000))


@pytest.mark.parametrize("natlab", ["cone", "symmetric"], indirect=True)
def test_nat_mapping_and_filtering(natlab, deadline):
    lab = remember(natlab)
    destinations = [(lab.turn_server, TURN_PORT), (lab.turn_server, TURN_ALT_PORT), (PUB_ALT_ADDRESS, TURN_PORT)]
    with lab.socket("lan1") as udp:
        udp.bind(("0.0.0.0", 0))
        local_port = udp.getsockname()[1]
        mapped = [stun_mapped_address(udp, destination) for destination in destinations]
    assert {address for address, _ in mapped} == {lab.addr("nat1")}
    ports = [port for _, port in mapped]
    if lab.nat == "cone":
        assert ports == [local_port] * 3, "one public port per socket, the LAN port kept"
    else:
        assert len(set(ports)) == 3, "a new public port per destination"

    # coturn's RFC 5780 client classifies the NAT the same way (coturn listens on two addresses for this).
    discovery = lab.run("lan1", ["turnutils_natdiscovery", "-m", lab.turn_server], timeout=10)
    expected = {"cone": "Endpoint Independent Mapping", "symmetric": "Address and Port Dependent Mapping"}
    assert f"NAT with {expected[lab.nat]}!" in discovery.stdout, discovery.stdout

    # Filtering, both kinds: only the address and port the LAN host sent to can answer (conntrack).
    with lab.socket("pub") as contacted, lab.socket("pub") as stranger, lab.socket("lan1") as udp:
        contacted.bind((lab.turn_server, 0))
        stranger.bind((lab.turn_server, 0))
        contacted.settimeout(2)
        udp.sendto(b"hello", contacted.getsockname())
        _, public = contacted.recvfrom(100)
        stranger.sendto(b"stranger", public)
        contacted.sendto(b"reply", public)
        udp.settimeout(2)
        assert udp.recvfrom(100)[0] == b"reply"
        udp.settimeout(0.3)
        with pytest.raises(TimeoutError):
            udp.recvfrom(100)

    # flush_conntrack forgets the mapping: the symmetric NAT draws a new port, the cone NAT keeps the LAN port.
    with lab.socket("lan1") as udp:
        udp.bind(("0.0.0.0", 0))
        before = stun_mapped_address(udp, (lab.turn_server, TURN_PORT))
        lab.flush_conntrack("nat1")
        after = stun_mapped_address(udp, (lab.turn_server, TURN_PORT))
    assert (before == after) == (lab.nat == "cone"), (before, after)


@pytest.mark.parametrize("natlab", ["cone", "symmetric"], indirect=True)
def test_turn_relays_to_a_peer_behind_the_other_nat(natlab, deadline):
    """Allocate from lan1 over UDP, TCP and TLS, relay to turnutils_peer on lan2 (reached through a port forward
    on nat2) and get every datagram echoed back; a wrong password gets no allocation."""
    lab = remember(natlab)
    lab.popen("lan2", ["turnutils_peer", "-L", lab.addr("lan2"), "-p", PEER_PORT],
              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lab.forward_port("nat2", "udp", PEER_PORT)
    lab.wait_for_port("lan2", PEER_PORT, "udp")
    clients = {name: start_uclient(lab, flags, (lab.addr("nat2"), PEER_PORT)) for name, flags in TRANSPORTS.items()}
    for name, client in clients.items():
        code, sent, echoed, output = relayed(client)
        assert (code, sent, echoed) == (0, MESSAGES, MESSAGES), f"{name}:\n{output}"

    wrong = netlab.TurnCredentials(lab.turn_credentials("alice").username, "wrong")
    code, _, echoed, output = relayed(start_uclient(lab, ["-t"], (lab.addr("nat2"), PEER_PORT), wrong))
    assert code != 0 and echoed == 0 and "Cannot complete Allocation" in output, output


@pytest.mark.parametrize("natlab", [{"block_udp": True}], indirect=True, ids=["block_udp"])
def test_blocked_udp_leaves_turn_over_tcp_and_tls(natlab, deadline):
    lab = remember(natlab)
    peer = (PUB_ALT_ADDRESS, PEER_PORT)  # a public peer: the relay's own UDP stays inside the public segment
    lab.popen("pub", ["turnutils_peer", "-L", peer[0], "-p", peer[1]], stdout=subprocess.DEVNULL,
              stderr=subprocess.DEVNULL)
    lab.wait_for_port("pub", PEER_PORT, "udp")
    clients = {name: start_uclient(lab, flags, peer) for name, flags in TRANSPORTS.items()}
    for name in ("tcp", "tls"):
        code, sent, echoed, output = relayed(clients[name])
        assert (code, sent, echoed) == (0, MESSAGES, MESSAGES), f"{name}:\n{output}"
    try:  # uclient over UDP retries its Allocate for a long time; a few seconds without an answer is the failure
        code, _, echoed, output = relayed(clients["udp"], timeout=3)
        assert code != 0 or echoed == 0, output
    except subprocess.TimeoutExpired:
        clients["udp"].kill()
        clients["udp"].communicate()

    # The toggle works both ways, on live flows too.
    with lab.socket("lan1") as udp:
        with pytest.raises(TimeoutError):
            stun_mapped_address(udp, (lab.turn_server, TURN_PORT), timeout=0.5)
        lab.block_udp("nat1", False)
        assert stun_mapped_address(udp, (lab.turn_server, TURN_PORT))[0] == lab.addr("nat1")
        lab.block_udp("nat1", True)
        with pytest.raises(TimeoutError):
            stun_mapped_address(udp, (lab.turn_server, TURN_PORT), timeout=0.5)


@pytest.mark.parametrize("natlab", [{"turn": "user"}], indirect=True, ids=["static_user"])
def test_static_user_mode(natlab, deadline):
    lab = remember(natlab)
    lab.popen("pub", ["turnutils_peer", "-L", PUB_ALT_ADDRESS, "-p", PEER_PORT], stdout=subprocess.DEVNULL,
              stderr=subprocess.DEVNULL)
    lab.wait_for_port("pub", PEER_PORT, "udp")
    assert lab.turn_credentials("ignored") == lab.turn_user
    code, sent, echoed, output = relayed(start_uclient(lab, ["-t"], (PUB_ALT_ADDRESS, PEER_PORT)))
    assert (code, sent, echoed) == (0, MESSAGES, MESSAGES), output
    # REST credentials mean nothing to coturn in this mode.
    rest = netlab.rest_credentials(lab.turn_secret, "alice")
    code, _, _, output = relayed(start_uclient(lab, ["-t"], (PUB_ALT_ADDRESS, PEER_PORT), rest))
    assert code != 0 and "Cannot complete Allocation" in output, output


def test_tls_certificate_verifies_for_its_name_and_address(natlab, deadline):
    """turnutils_uclient's -E does not fail on an untrusted certificate, so verification is checked with openssl
    s_client from a LAN host, where turn.test resolves through the lab's /etc/netns hosts file."""
    lab = remember(natlab)

    def s_client(target, *verify):
        argv = ["openssl", "s_client", "-connect", f"{target}:{TURNS_PORT}", "-verify_return_error", "-brief",
                *verify]
        return lab.run("lan1", argv, input="", timeout=10)

    by_name = s_client("turn.test", "-CAfile", lab.ca_file, "-servername", "turn.test", "-verify_hostname",
                       "turn.test")
    assert by_name.returncode == 0 and "Verification: OK" in by_name.stderr, by_name.stderr
    by_address = s_client(lab.turn_server, "-CAfile", lab.ca_file, "-verify_ip", lab.turn_server)
    assert by_address.returncode == 0 and "Verification: OK" in by_address.stderr, by_address.stderr
    assert s_client("turn.test", "-CAfile", lab.ca_file, "-verify_hostname", "other.test").returncode != 0
    assert s_client("turn.test", "-no-CAfile", "-no-CApath", "-no-CAstore").returncode != 0


def test_teardown_after_an_error_ends_processes_and_deletes_namespaces(deadline):
    reason = netlab.missing_prerequisites()
    if reason:
        pytest.skip(reason)
    with pytest.raises(RuntimeError, match="on purpose"):
        with NatLab() as lab:
            names = [lab.ns(host) for host in netlab.HOSTS]
            tmpdir = lab.tmpdir
            sleeper = lab.popen("lan1", ["sleep", "600"])
            turnserver = lab._turnserver
            raise RuntimeError("on purpose")
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True).stdout
    assert not [name for name in names if name in listed]
    assert sleeper.poll() is not None and turnserver.poll() is not None
    assert not [name for name in names if os.path.exists(f"/etc/netns/{name}")]
    assert os.path.isdir(tmpdir), "after an error the lab keeps coturn's config and log"
    shutil.rmtree(tmpdir)


def test_no_namespace_of_this_module_is_left(deadline):
    if not SEEN_LABS:
        pytest.skip("no lab ran")
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True).stdout
    assert not [lab.id for lab in SEEN_LABS if f"-{lab.id}" in listed], listed
    assert all(lab.tmpdir is None and not lab._processes for lab in SEEN_LABS)
