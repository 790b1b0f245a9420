"""Every interop test runs in a network namespace of its own that holds nothing but a loopback interface.

The tests start real peers (linkup, aiortc, headless Chromium) that gather ICE candidates on every interface they
see. On the host they would find eth0 and, besides the loopback candidates the tests use, send checks to the
machine's own non-loopback addresses. Moving the pytest process into a new network namespace before any test (or
thread, or child) starts leaves them only 127.0.0.1 and ::1, so every datagram stays on loopback by construction.

Creating the namespace needs CAP_SYS_ADMIN (root, as on CI). Without it the tests run in the host's namespace and
rely on `--host 127.0.0.1` for linkup and the web client's `ice=loopback` filter for Chromium; a line says so.
LINKUP_INTEROP_NETNS=0 turns the namespace off.
"""

import ctypes
import fcntl
import os
import socket
import struct
import time

import pytest

from aiortc_loopback import gather_loopback_only

CLONE_NEWNET = 0x40000000
SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1


def _bring_loopback_up():
    """`ip link set lo up`, without needing iproute2: read the interface flags and set IFF_UP (netdevice(7))."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(sock, SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", flags | IFF_UP))


def _enter_private_network_namespace() -> str:
    if os.environ.get("LINKUP_INTEROP_NETNS", "1") == "0":
        return "off (LINKUP_INTEROP_NETNS=0)"
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNET) != 0:
        return f"unavailable ({os.strerror(ctypes.get_errno())}); tests use loopback addresses in the host namespace"
    _bring_loopback_up()
    return "private (loopback only)"


NETWORK_NAMESPACE = _enter_private_network_namespace()


def pytest_report_header(config):
    return f"network namespace: {NETWORK_NAMESPACE}"


# aiortc's peers here are on this machine: it gathers 127.0.0.1 and nothing else (see aiortc_loopback.py).
gather_loopback_only()


@pytest.fixture
def deadline(request):
    """Fails a test that ran over its module's TEST_TIMEOUT seconds (each wait is bounded; this keeps their sum
    honest)."""
    limit = getattr(request.module, "TEST_TIMEOUT", 60)
    start = time.monotonic()
    yield
    elapsed = time.monotonic() - start
    assert elapsed < limit, f"the test took {elapsed:.1f} s"


@pytest.fixture
def natlab(request):
    """A NatLab (netlab.py): two LAN hosts behind two NATs, a public segment with coturn; torn down after the test,
    even a failed one. Parametrize it indirectly with a NAT kind or NatLab's keyword arguments:

        @pytest.mark.parametrize("natlab", ["cone", "symmetric"], indirect=True)
        @pytest.mark.parametrize("natlab", [{"nat": "cone", "block_udp": True, "turn": "user"}], indirect=True)

    Skips when the machine cannot build one (not root, iproute2/nftables/conntrack/coturn/openssl missing). The lab's
    namespaces are named ones (`ip netns`), independent of the private namespace this process moved into above."""
    import netlab

    options = getattr(request, "param", {})
    if isinstance(options, str):
        options = {"nat": options}
    reason = netlab.missing_prerequisites(turn=options.get("turn", "secret") is not None)
    if reason is None and NETWORK_NAMESPACE.startswith("unavailable"):
        reason = f"network namespaces cannot be created here: {NETWORK_NAMESPACE}"
    if reason:
        pytest.skip(reason)
    with netlab.NatLab(**options) as lab:
        yield lab
