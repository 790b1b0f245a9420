"""Makes aiortc gather 127.0.0.1 and nothing else.

aiortc (through aioice) skips loopback addresses when it gathers host candidates, so in a loopback-only network
namespace it would have none, and on the host it would use eth0. Its peers in the interop tests and the benchmarks are
on this machine: gather 127.0.0.1 only. Used by conftest.py (pytest) and by Benchmarks/ (which run in the host's
namespace and keep every peer on 127.0.0.1 instead).
"""


def gather_loopback_only():
    """Patches aioice's host-address lookup for this process; a no-op when aioice is not installed."""
    try:
        import aioice.ice
    except ImportError:
        return
    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"] if use_ipv4 else []
