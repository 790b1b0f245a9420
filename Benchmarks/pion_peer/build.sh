#!/usr/bin/env bash
# Builds Benchmarks/pion_peer (the Pion answerer of the benchmarks) into .build-bench/pion_peer, or into $1.
#
# Offline, in GOPATH mode, against Debian's golang-github-pion-webrtc.v3-dev (sources in /usr/share/gocode): no
# module download. The "/v3" and "/v2" of Pion's import paths resolve through GOPATH mode's minimal module
# compatibility, which the go command applies only to code inside a GOPATH tree that has a go.mod; hence the go.mod
# next to main.go and the symbolic link into .build-bench/gopath/src (never committed: .build-*/ is ignored).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
output=${1:-$root/.build-bench/pion_peer}
gopath=$root/.build-bench/gopath
if ! command -v go >/dev/null || [[ ! -d /usr/share/gocode/src/github.com/pion/webrtc ]]; then
    echo "pion_peer: needs Debian's golang-go and golang-github-pion-webrtc.v3-dev (scripts/deps.sh --bench)" >&2
    exit 1
fi
mkdir -p "$gopath/src/linkup" "$(dirname "$output")"
ln -sfn "$root/Benchmarks/pion_peer" "$gopath/src/linkup/pion_peer"
cd "$gopath/src/linkup/pion_peer"
GOPATH="$gopath:/usr/share/gocode" GO111MODULE=off GOFLAGS= GOPROXY=off go build -o "$output" .
