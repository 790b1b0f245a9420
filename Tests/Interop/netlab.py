"""A NAT lab: two LAN hosts behind two NAT routers on a small "public internet" with a TURN server, built from
network namespaces so NAT traversal can be tested with real kernels, real NATs and a real coturn.

    lan1 198.51.100.10/25 ── nat1 (198.51.100.1 | 203.0.113.1) ──┐
                                                                  ├── pub: bridge br0, 203.0.113.10 + .11
    lan2 198.51.100.138/25 ─ nat2 (198.51.100.129 | 203.0.113.2) ─┘        (coturn, the signaling server)

Only documentation ranges (RFC 5737) are used, and only inside namespaces this module creates. No link joins the lab
to the host's namespace (nothing here touches the host's interfaces or routes), so no datagram can leave it.
Namespaces are called `lu-<role>-<id>` with a random `<id>`, so labs running side by side (or left over after a killed
run) never clash; interface names inside them are fixed and short (wan, lan, uplink, br0, nat1, nat2), as each
namespace has its own.

    with NatLab(nat="symmetric", block_udp=False) as lab:
        caller = lab.popen("lan1", ["linkup", "call", ...])
        print(lab.addr("pub"), lab.turn_credentials("alice"), lab.ca_file)

The NATs are nftables `masquerade` on the WAN side. "cone": Linux keeps the LAN source port when it is free, so one
socket gets one public port whatever it talks to (endpoint-independent mapping); replies are only let in from the
address and port it sent to (conntrack), which makes it a port-restricted cone. "symmetric": `masquerade random`
draws a new public port for every new destination (address- and port-dependent mapping), which defeats
server-reflexive candidates between two such NATs and forces TURN. `block_udp` drops all forwarded UDP at a NAT, so
only TURN over TCP/TLS gets through.
"""

import base64
import ctypes
import hashlib
import hmac
import os
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass

# Addresses. "natN" is the router's WAN address: the address its LAN host is seen from outside.
PUBLIC_PREFIX = 24
LAN_PREFIX = 25
ADDRESSES = {
    "pub": "203.0.113.10",
    "nat1": "203.0.113.1",
    "nat2": "203.0.113.2",
    "lan1": "198.51.100.10",
    "lan2": "198.51.100.138",
}
GATEWAYS = {"lan1": "198.51.100.1", "lan2": "198.51.100.129"}
# A second address of the server host: coturn listens on both, which turns on its RFC 5780 NAT behaviour discovery
# (OTHER-ADDRESS, CHANGE-REQUEST, the alternate port) so `turnutils_natdiscovery` can classify the lab's NATs.
PUB_ALT_ADDRESS = "203.0.113.11"
HOSTS = tuple(ADDRESSES)
NAT_KINDS = ("cone", "symmetric")

TURN_HOSTNAME = "turn.test"
TURN_REALM = "linkup.test"
TURN_PORT = 3478
TURN_ALT_PORT = 3479
TURNS_PORT = 5349
STARTUP_TIMEOUT = 10.0
REQUIRED_TOOLS = ("ip", "nft", "conntrack", "turnserver", "openssl")

CLONE_NEWNET = 0x40000000


def missing_prerequisites(turn=True):
    """Why a lab cannot be built here (not root, tools missing), or None. Fixtures skip with this sentence."""
    if os.geteuid() != 0:
        return "the NAT lab needs root (ip netns, veth, nftables)"
    tools = REQUIRED_TOOLS if turn else ("ip", "nft", "conntrack")
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        return f"the NAT lab needs {', '.join(missing)} (Debian: iproute2 nftables conntrack coturn openssl)"
    return None


@dataclass(frozen=True)
class TurnCredentials:
    """A TURN username and password, as a client passes them (`-u`/`-w`, RTCIceServer username/credential)."""

    username: str
    password: str


def rest_credentials(secret, name, ttl=3600, now=None):
    """TURN REST API credentials (draft-uberti-behave-turn-rest, coturn `use-auth-secret`): the username is
    "<expiry unix time>:<name>", the password base64(HMAC-SHA1(secret, username))."""
    expiry = int(time.time() if now is None else now) + ttl
    username = f"{expiry}:{name}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return TurnCredentials(username, base64.b64encode(digest).decode())


def stun_mapped_address(sock, server, timeout=2.0):
    """Sends one STUN Binding request (RFC 8489) from a UDP socket to `server` (host, port) and returns the
    XOR-MAPPED-ADDRESS (ip, port) of the success response: how the server saw this socket after every NAT."""
    transaction = secrets.token_bytes(12)
    sock.settimeout(timeout)
    sock.sendto(struct.pack("!HHI", 0x0001, 0, 0x2112A442) + transaction, server)
    deadline = time.monotonic() + timeout
    while True:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        data, _ = sock.recvfrom(2048)
        if len(data) >= 20 and data[:2] == b"\x01\x01" and data[8:20] == transaction:
            break
    offset = 20
    while offset + 4 <= len(data):
        kind, length = struct.unpack_from("!HH", data, offset)
        value = data[offset + 4:offset + 4 + length]
        if kind == 0x0020 and len(value) == 8 and value[1] == 0x01:  # XOR-MAPPED-ADDRESS, IPv4
            port = struct.unpack_from("!H", value, 2)[0] ^ 0x2112
            address = struct.unpack_from("!I", value, 4)[0] ^ 0x2112A442
            return socket.inet_ntoa(struct.pack("!I", address)), port
        offset += 4 + (length + 3) // 4 * 4
    raise ValueError("STUN success response without an IPv4 XOR-MAPPED-ADDRESS")


def _ip(*args, namespace=None):
    argv = ["ip"] + (["-n", namespace] if namespace else []) + [str(a) for a in args]
    subprocess.run(argv, check=True, capture_output=True, text=True, timeout=10)


def _nft_ruleset(masquerade):
    """The NAT router: masquerade out of `wan`; from `wan` only replies and port-forwarded (DNAT) flows get in, so
    the LAN is unreachable unsolicited even from a host that had a route to it; `udp_block` starts empty."""
    return f"""
table ip lab {{
    chain prerouting {{
        type nat hook prerouting priority dstnat; policy accept;
    }}
    chain postrouting {{
        type nat hook postrouting priority srcnat; policy accept;
        oifname "wan" {masquerade}
    }}
    chain udp_block {{
        type filter hook forward priority filter - 1; policy accept;
    }}
    chain input {{
        # Unsolicited datagrams to the router itself are dropped here, before conntrack confirms an entry for them:
        # a confirmed entry (a "connection" to the router) would clash with the mapping the LAN host's own packet to
        # that peer needs a moment later, and masquerade would then pick another port, turning the cone NAT into a
        # symmetric one for exactly the hole punching ICE does. Home routers drop such datagrams silently, too.
        type filter hook input priority filter; policy accept;
        iifname "wan" ct state new drop
    }}
    chain forward {{
        type filter hook forward priority filter; policy accept;
        iifname "wan" ct state established,related accept
        iifname "wan" ct status dnat accept
        iifname "wan" drop
    }}
}}
"""


class NatLab:
    """Builds the topology on `__enter__` (and starts coturn unless `turn=None`), tears it all down on `__exit__`.

    nat: "cone" or "symmetric" (both NATs alike). block_udp: drop forwarded UDP at both NATs from the start.
    turn: "secret" (use-auth-secret, REST credentials), "user" (lt-cred-mech with one static user), or None.
    """

    def __init__(self, nat="cone", block_udp=False, turn="secret"):
        if nat not in NAT_KINDS:
            raise ValueError(f"nat must be one of {NAT_KINDS}, not {nat!r}")
        if turn not in ("secret", "user", None):
            raise ValueError(f"turn must be 'secret', 'user' or None, not {turn!r}")
        self.nat = nat
        self.turn_mode = turn
        self.id = secrets.token_hex(3)
        self.tmpdir = None
        self.turn_secret = secrets.token_hex(16)
        self.turn_user = TurnCredentials("linkup", secrets.token_hex(8))
        self.ca_file = None
        self.turn_log = None
        self._initial_block_udp = block_udp
        self._namespaces = []
        self._processes = []
        self._turnserver = None

    # Names and addresses

    def ns(self, host):
        """The namespace name of a host ("pub", "nat1", "nat2", "lan1", "lan2"), for `ip netns exec` / `ip -n`."""
        if host not in HOSTS:
            raise ValueError(f"unknown host {host!r}; hosts are {HOSTS}")
        return f"lu-{host}-{self.id}"

    def addr(self, host):
        """A host's IPv4 address; for a NAT its WAN address (what a STUN server sees for the LAN host behind it)."""
        self.ns(host)
        return ADDRESSES[host]

    @property
    def turn_server(self):
        """coturn's address: UDP/TCP on TURN_PORT (also TURN_ALT_PORT), TLS on TURNS_PORT (name TURN_HOSTNAME)."""
        return ADDRESSES["pub"]

    def turn_credentials(self, name="linkup", ttl=3600):
        """Credentials coturn accepts in this lab's mode: minted REST credentials, or the static user."""
        if self.turn_mode == "user":
            return self.turn_user
        return rest_credentials(self.turn_secret, name, ttl)

    def turn_urls(self):
        """The server as RTCIceServer URLs. `turn.test` resolves inside the lab's namespaces (see _write_hosts)."""
        return [f"stun:{self.turn_server}:{TURN_PORT}",
                f"turn:{self.turn_server}:{TURN_PORT}?transport=udp",
                f"turn:{self.turn_server}:{TURN_PORT}?transport=tcp",
                f"turns:{TURN_HOSTNAME}:{TURNS_PORT}?transport=tcp"]

    # Processes and sockets

    def popen(self, host, argv, **kwargs):
        """Starts `argv` in a host's namespace (`ip netns exec` execs it, so the PID is the program's). It runs in a
        session of its own, so teardown can end it and its children by process group; the lab always does."""
        kwargs.setdefault("start_new_session", True)
        process = subprocess.Popen(["ip", "netns", "exec", self.ns(host), *map(str, argv)], **kwargs)
        self._processes.append(process)
        return process

    def run(self, host, argv, timeout=10, check=False, **kwargs):
        """Runs `argv` in a host's namespace to completion (bounded by `timeout`); output captured as text."""
        kwargs.setdefault("capture_output", True)
        kwargs.setdefault("text", True)
        return subprocess.run(["ip", "netns", "exec", self.ns(host), *map(str, argv)], timeout=timeout,
                              check=check, **kwargs)

    def socket(self, host, family=socket.AF_INET, kind=socket.SOCK_DGRAM):
        """A socket of this process that lives in a host's namespace: setns(2) on a short-lived thread (namespaces
        are per thread), create the socket there; it stays in that namespace for its whole life. Close it before the
        lab ends: an open socket keeps its (already unnamed) namespace alive."""
        result = {}

        def create():
            try:
                libc = ctypes.CDLL(None, use_errno=True)
                fd = os.open(f"/run/netns/{self.ns(host)}", os.O_RDONLY)
                try:
                    if libc.setns(fd, CLONE_NEWNET) != 0:
                        raise OSError(ctypes.get_errno(), f"setns into {self.ns(host)}")
                finally:
                    os.close(fd)
                result["socket"] = socket.socket(family, kind)
            except BaseException as error:
                result["error"] = error

        thread = threading.Thread(target=create)
        thread.start()
        thread.join()
        if "error" in result:
            raise result["error"]
        return result["socket"]

    def wait_for_port(self, host, port, kind="tcp", timeout=10.0):
        """Polls `ss` in a host's namespace (bounded) until a socket listens on `port` (tcp) or is bound to it (udp):
        the way to know a server started with popen is ready."""
        deadline = time.monotonic() + timeout
        while True:
            listing = self.run(host, ["ss", "-Hln" + ("t" if kind == "tcp" else "u"), f"sport = :{port}"], timeout=5)
            if listing.stdout.strip():
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing bound to {kind} port {port} in {self.ns(host)} after {timeout} s")
            time.sleep(0.05)

    # NAT controls

    def flush_conntrack(self, nat):
        """Forgets every mapping of a NAT (`conntrack -F`): the next packet from the LAN gets a fresh mapping (a new
        random port with "symmetric"; usually the same port with "cone", which preserves ports), and replies to old
        mappings are dropped. Use it to break a path, e.g. to test ICE restart."""
        self._require_nat(nat)
        self.run(nat, ["conntrack", "-F"], check=True)

    def block_udp(self, nat, on=True):
        """Drops (or lets through again) all UDP a NAT forwards, both ways, existing flows included."""
        self._require_nat(nat)
        commands = "flush chain ip lab udp_block\n"
        if on:
            commands += "add rule ip lab udp_block meta l4proto udp counter drop\n"
        self.run(nat, ["nft", "-f", "-"], input=commands, check=True)

    def forward_port(self, nat, proto, port, to_port=None):
        """A static port forward (DNAT) from the NAT's WAN address to its LAN host, e.g. for a TURN test peer."""
        self._require_nat(nat)
        lan_host = "lan" + nat[-1]
        rule = (f'add rule ip lab prerouting iifname "wan" {proto} dport {port} '
                f"dnat to {ADDRESSES[lan_host]}:{to_port or port}\n")
        self.run(nat, ["nft", "-f", "-"], input=rule, check=True)

    def _require_nat(self, nat):
        if nat not in ("nat1", "nat2"):
            raise ValueError(f"{nat!r} is not a NAT; use 'nat1' or 'nat2'")

    # Lifecycle

    def __enter__(self):
        try:
            self.tmpdir = tempfile.mkdtemp(prefix=f"linkup-netlab-{self.id}-")
            self._build()
            if self.turn_mode:
                self._start_turnserver()
        except BaseException:
            self.close(keep_files=True)
            raise
        return self

    def __exit__(self, exc_type, exc, traceback):
        # After an error keep the temp dir (coturn's config and log) for a look; say where it is.
        if exc_type is not None and self.tmpdir:
            print(f"netlab {self.id}: kept {self.tmpdir} (turnserver.conf, turnserver.log)", file=sys.stderr)
        self.close(keep_files=exc_type is not None)

    def _build(self):
        for host in HOSTS:
            _ip("netns", "add", self.ns(host))
            self._namespaces.append(self.ns(host))
            self._write_hosts(host)
            # No IPv6 on the lab's links (lo keeps ::1): ICE agents would otherwise gather link-local candidates.
            sysctls = ["net.ipv6.conf.default.disable_ipv6=1"]
            if host.startswith("nat"):
                sysctls.append("net.ipv4.ip_forward=1")
            self.run(host, ["sysctl", "-qw", *sysctls], check=True)
            _ip("link", "set", "lo", "up", namespace=self.ns(host))
        pub = self.ns("pub")
        _ip("link", "add", "br0", "type", "bridge", namespace=pub)
        for address in (ADDRESSES["pub"], PUB_ALT_ADDRESS):
            _ip("addr", "add", f"{address}/{PUBLIC_PREFIX}", "dev", "br0", namespace=pub)
        _ip("link", "set", "br0", "up", namespace=pub)
        for n in ("1", "2"):
            nat, lan = self.ns("nat" + n), self.ns("lan" + n)
            _ip("link", "add", "wan", "type", "veth", "peer", "name", "nat" + n, "netns", pub, namespace=nat)
            _ip("link", "set", "nat" + n, "master", "br0", "up", namespace=pub)
            _ip("addr", "add", f"{ADDRESSES['nat' + n]}/{PUBLIC_PREFIX}", "dev", "wan", namespace=nat)
            _ip("link", "set", "wan", "up", namespace=nat)
            _ip("link", "add", "lan", "type", "veth", "peer", "name", "uplink", "netns", lan, namespace=nat)
            _ip("addr", "add", f"{GATEWAYS['lan' + n]}/{LAN_PREFIX}", "dev", "lan", namespace=nat)
            _ip("link", "set", "lan", "up", namespace=nat)
            _ip("addr", "add", f"{ADDRESSES['lan' + n]}/{LAN_PREFIX}", "dev", "uplink", namespace=lan)
            _ip("link", "set", "uplink", "up", namespace=lan)
            _ip("route", "add", "default", "via", GATEWAYS["lan" + n], namespace=lan)
            masquerade = "masquerade random" if self.nat == "symmetric" else "masquerade"
            self.run("nat" + n, ["nft", "-f", "-"], input=_nft_ruleset(masquerade), check=True)
            if self._initial_block_udp:
                self.block_udp("nat" + n, True)
        # The rest of the "internet": on the server and the routers, a default route into a veth pair whose other
        # end is in the same namespace and drops everything, so datagrams for addresses nobody here owns (the other
        # LAN's private addresses) vanish, as they would on a real network. Without it the kernel fails such sends
        # at once (ENETUNREACH), and coturn answers a failed relay send by closing the whole allocation. (This
        # kernel has no dummy interfaces; the pair never leaves the namespace.)
        for host in ("pub", "nat1", "nat2"):
            namespace = self.ns(host)
            _ip("link", "add", "void", "type", "veth", "peer", "name", "voidsink", namespace=namespace)
            _ip("link", "set", "void", "up", namespace=namespace)
            _ip("link", "set", "voidsink", "up", namespace=namespace)
            _ip("route", "add", "default", "dev", "void", namespace=namespace)
            self.run(host, ["nft", "-f", "-"], check=True, input=(
                "table inet void {\n  chain sink {\n    type filter hook prerouting priority -300;\n"
                "    iifname \"voidsink\" drop\n  }\n}\n"))

    def _write_hosts(self, host):
        """`ip netns exec` bind-mounts /etc/netns/<ns>/hosts over /etc/hosts (and resolv.conf over /etc/resolv.conf):
        programs started in the lab resolve turn.test (the TLS certificate's name) to coturn. Removed again at
        teardown."""
        directory = f"/etc/netns/{self.ns(host)}"
        os.makedirs(directory, exist_ok=True)
        with open(f"{directory}/hosts", "w") as hosts:
            hosts.write(f"127.0.0.1 localhost\n::1 localhost\n{ADDRESSES['pub']} {TURN_HOSTNAME}\n")
        # And no DNS server but the namespace's own loopback, where nothing listens: a program that asks DNS anyway
        # (Chromium does, for turn.test) is refused at once instead of sending queries toward the host's resolver
        # address into the lab's void and waiting out their timeouts.
        with open(f"{directory}/resolv.conf", "w") as resolv:
            resolv.write("nameserver 127.0.0.1\n")

    def _make_certificates(self):
        """A throwaway CA and a server certificate for turn.test and 203.0.113.10 (P-256, valid two days)."""
        d = self.tmpdir

        def openssl(*args):
            subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=30, cwd=d)

        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                "-subj", "/CN=LinkUp NAT lab CA", "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        openssl("req", "-new", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", f"/CN={TURN_HOSTNAME}")
        with open(f"{d}/server.ext", "w") as ext:
            ext.write(f"subjectAltName=DNS:{TURN_HOSTNAME},IP:{ADDRESSES['pub']}\nbasicConstraints=CA:FALSE\n"
                      "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n")
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial",
                str(secrets.randbits(63)), "-days", "2", "-extfile", "server.ext", "-out", "server.pem")
        self.ca_file = f"{d}/ca.pem"

    def _turnserver_config(self):
        d, ip = self.tmpdir, ADDRESSES["pub"]
        if self.turn_mode == "secret":
            auth = f"use-auth-secret\nstatic-auth-secret={self.turn_secret}\n"
        else:
            auth = f"lt-cred-mech\nuser={self.turn_user.username}:{self.turn_user.password}\n"
        return f"""listening-ip={ip}
listening-ip={PUB_ALT_ADDRESS}
relay-ip={ip}
listening-port={TURN_PORT}
alt-listening-port={TURN_ALT_PORT}
tls-listening-port={TURNS_PORT}
cert={d}/server.pem
pkey={d}/server.key
{auth}realm={TURN_REALM}
server-name={TURN_HOSTNAME}
fingerprint
no-cli
no-multicast-peers
# coturn 4.6 denies only loopback, 0.0.0.0/8 and :: as peers by default; say explicitly that the lab's ranges
# (NAT WAN addresses, LAN hosts) are allowed, in case a newer default or a distribution's config denies them.
allowed-peer-ip=203.0.113.0-203.0.113.255
allowed-peer-ip=198.51.100.0-198.51.100.255
# Keep every file this instance writes in its own directory, so labs running side by side share nothing.
pidfile={d}/turnserver.pid
userdb={d}/turndb
log-file={d}/turnserver.log
simple-log
no-stdout-log
verbose
"""

    def _start_turnserver(self):
        self._make_certificates()
        config = f"{self.tmpdir}/turnserver.conf"
        with open(config, "w") as file:
            file.write(self._turnserver_config())
        self.turn_log = f"{self.tmpdir}/turnserver.log"
        self._turnserver = self.popen("pub", ["turnserver", "-c", config], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
        self._wait_for_turnserver()

    def _wait_for_turnserver(self):
        """Polls (bounded) until coturn answers STUN on UDP and accepts TCP on its plain and TLS ports."""
        deadline = time.monotonic() + STARTUP_TIMEOUT
        pending = [("udp", TURN_PORT), ("tcp", TURN_PORT), ("tcp", TURNS_PORT)]
        while pending:
            if self._turnserver.poll() is not None:
                raise RuntimeError(f"turnserver exited with {self._turnserver.returncode}: {self._log_tail()}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"turnserver not listening on {pending} after {STARTUP_TIMEOUT} s: "
                                   f"{self._log_tail()}")
            kind, port = pending[0]
            try:
                with self.socket("pub", kind=socket.SOCK_DGRAM if kind == "udp" else socket.SOCK_STREAM) as probe:
                    if kind == "udp":
                        stun_mapped_address(probe, (self.turn_server, port), timeout=0.2)
                    else:
                        probe.settimeout(0.2)
                        probe.connect((self.turn_server, port))
                pending.pop(0)
            except OSError:
                time.sleep(0.05)

    def _log_tail(self):
        try:
            with open(self.turn_log, errors="replace") as log:
                return log.read()[-2000:]
        except (OSError, TypeError):
            return "(no log)"

    def close(self, keep_files=False):
        """Ends every process the lab started (SIGTERM to its process group, SIGKILL after 3 s), deletes the lab's
        namespaces and (unless keep_files) its temp dir. Safe to call twice and after a half-built lab."""
        for process in self._processes:
            _end_process_group(process, signal.SIGTERM)
        for process in self._processes:
            try:
                process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                _end_process_group(process, signal.SIGKILL)
                process.wait(timeout=3)
        for process in self._processes:
            for stream in (process.stdin, process.stdout, process.stderr):
                if stream:
                    stream.close()
        self._processes.clear()
        for namespace in reversed(self._namespaces):
            # Anything still inside was started from this lab (nobody else knows the namespace): end it too, or
            # the namespace's interfaces would outlive `ip netns delete`.
            pids = subprocess.run(["ip", "netns", "pids", namespace], capture_output=True, text=True, timeout=10)
            for pid in pids.stdout.split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except ProcessLookupError:
                    pass
            subprocess.run(["ip", "netns", "delete", namespace], capture_output=True, timeout=10)
            shutil.rmtree(f"/etc/netns/{namespace}", ignore_errors=True)
        self._namespaces.clear()
        if self.tmpdir and not keep_files:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
        self.tmpdir = None


def _end_process_group(process, sig):
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)  # its own session (start_new_session), so the group is the process and its kids
    except (ProcessLookupError, PermissionError):
        try:
            process.send_signal(sig)
        except ProcessLookupError:
            pass
