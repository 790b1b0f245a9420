#!/usr/bin/env bash
# Installs what LinkUp needs on a fresh Debian machine, and nothing twice:
#   - Debian packages (C libraries LinkUp links, and the real peers the interop tests run), only the missing ones;
#   - a project-local virtualenv .venv/ with the Python test peers of Tests/Interop/requirements.txt.
# Fast when everything is present: one dpkg-query and one stamp-file check.
# With --bench (make bench) also what only the benchmarks need: Go and Debian's Pion, for Benchmarks/pion_peer, and
# the Python packages of Benchmarks/requirements.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

debian_packages=(
    pkg-config
    libssl-dev libsrtp2-dev libopus-dev libvpx-dev libv4l-dev libasound2-dev   # linked by LinkUp
    libsdl2-dev libsdl2-ttf-dev fonts-dejavu-core libspeexdsp-dev libyuv-dev   # the call window, echo cancellation,
    libxcb1-dev libxcb-shm0-dev                                               #   colour conversion, screen capture
    xvfb xdotool imagemagick x11-utils                                        # the call window's tests (Xvfb)
    python3-venv                                                              # for .venv/
    ffmpeg                                                                    # checks the IVF and Ogg files LinkUp writes
    chromium chromium-driver                                                  # the browser of the web-client tests
    curl                                                                      # make demo waits for the server with it
    coturn nftables conntrack iproute2 openssl                                # the NAT lab of Tests/Interop/netlab.py
    libnss3-tools                                                             # certutil: Chromium trusts the NAT lab's CA
    redis-server                                                              # linkup serve --redis (scale-out tests)
)
if [[ "${1:-}" == "--bench" ]]; then
    debian_packages+=(golang-go golang-github-pion-webrtc.v3-dev)              # Benchmarks/pion_peer (built offline)
fi

missing=()
for package in "${debian_packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "deps: installing Debian packages: ${missing[*]}"
    sudo_cmd=()
    [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

requirements=Tests/Interop/requirements.txt
stamp=.venv/.installed-$(sha256sum "$requirements" | cut -c1-16)
if [[ ! -f "$stamp" ]]; then
    echo "deps: preparing .venv/ from $requirements"
    [[ -x .venv/bin/python ]] || python3 -m venv .venv
    .venv/bin/pip install -q --disable-pip-version-check -r "$requirements"
    rm -f .venv/.installed-*
    touch "$stamp"
fi
if [[ "${1:-}" == "--bench" ]]; then
    bench_requirements=Benchmarks/requirements.txt
    bench_stamp=.venv/.bench-installed-$(sha256sum "$bench_requirements" | cut -c1-16)
    if [[ ! -f "$bench_stamp" ]]; then
        echo "deps: adding the benchmarks' Python packages from $bench_requirements"
        .venv/bin/pip install -q --disable-pip-version-check -r "$bench_requirements"
        rm -f .venv/.bench-installed-*
        touch "$bench_stamp"
    fi
fi
