"""Two network namespaces joined by a veth pair whose two ends are each shaped to a rate with `tc qdisc ... tbf`
(netem is not in this kernel): a real narrow link for test_shaped_link.py and Benchmarks/shaped_step.py. The rate
can be changed while a call runs, and each end's qdisc counts what it let through.

Addresses are TEST-NET-1 (RFC 5737), inside namespaces this module creates and removes; no link joins the host."""

import re
import secrets
import subprocess

ADDRESSES = ("192.0.2.1", "192.0.2.2")


def sh(*argv):
    subprocess.run(argv, check=True, capture_output=True, text=True)


class ShapedLink:
    """Namespaces `lu-sa-<id>` and `lu-sb-<id>` with veth ends `left` and `right`, each end's egress shaped to `rate`."""

    DEVICES = ("left", "right")

    def __init__(self, rate: str):
        suffix = secrets.token_hex(3)
        self.namespaces = (f"lu-sa-{suffix}", f"lu-sb-{suffix}")
        self.rate = rate

    def __enter__(self):
        a, b = self.namespaces
        for ns in self.namespaces:
            sh("ip", "netns", "add", ns)
        try:
            # Made inside the first namespace, its peer moved straight into the second: nothing touches the host's.
            sh("ip", "-n", a, "link", "add", "left", "type", "veth", "peer", "name", "right", "netns", b)
            for ns, dev, address in ((a, "left", ADDRESSES[0]), (b, "right", ADDRESSES[1])):
                sh("ip", "-n", ns, "addr", "add", f"{address}/24", "dev", dev)
                sh("ip", "-n", ns, "link", "set", dev, "up")
                sh("ip", "-n", ns, "link", "set", "lo", "up")
                # A 400 ms queue, as a home router's: what does not fit is dropped.
                self._shape(ns, dev, "add", self.rate)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        for ns in self.namespaces:
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)

    def prefix(self, index):
        return ("ip", "netns", "exec", self.namespaces[index])

    @staticmethod
    def _shape(namespace, device, verb, rate):
        sh("ip", "netns", "exec", namespace, "tc", "qdisc", verb, "dev", device, "root", "tbf", "rate", rate,
           "burst", "4kb", "latency", "400ms")

    def set_rate(self, rate: str):
        """Both ends re-shaped to `rate` (tc qdisc change: queued packets stay)."""
        for ns, dev in zip(self.namespaces, self.DEVICES):
            self._shape(ns, dev, "change", rate)
        self.rate = rate

    def bytes_sent(self, index: int) -> int:
        """Bytes the shaped end of side `index` has let onto the link (tc's counter, link-layer headers included)."""
        output = subprocess.run(["ip", "netns", "exec", self.namespaces[index], "tc", "-s", "qdisc", "show", "dev",
                                 self.DEVICES[index]], check=True, capture_output=True, text=True).stdout
        match = re.search(r"Sent (\d+) bytes", output)
        return int(match.group(1)) if match else 0


