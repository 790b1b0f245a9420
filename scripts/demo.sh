#!/usr/bin/env bash
# make demo: a signaling server with an echo bot in room "demo", and a 10-second call into it with live stats.
# Then the server and the bot stay up until Ctrl-C, so a browser on this machine can call the bot too.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${LINKUP_BIN:-.build/release/linkup}"
port="${LINKUP_DEMO_PORT:-8080}"
server="http://127.0.0.1:$port"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

echo "== linkup serve --host 127.0.0.1 --port $port"
"$bin" serve --host 127.0.0.1 --port "$port" &
pids+=($!)
for _ in $(seq 1 100); do
    curl -fsS "$server/health" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -fsS "$server/health" >/dev/null || { echo "demo: the server did not start on port $port" >&2; exit 1; }

echo "== linkup bot --mode echo (room demo, name echo-bot)"
"$bin" bot --server "$server" --room demo --name echo-bot --mode echo --host 127.0.0.1 &
pids+=($!)
sleep 1

echo "== linkup call --room demo --to echo-bot --duration 10 (VP8 640x480@30 test pattern and a tone, echoed back)"
"$bin" call --server "$server" --room demo --to echo-bot --duration 10 --host 127.0.0.1

echo
if [[ "${LINKUP_DEMO_STAY:-1}" == "1" && -t 0 ]]; then
    echo "The server and the echo bot are still running. Open $server/?room=demo in a browser on this machine,"
    echo "join with any name and call echo-bot to see yourself come back. Press Ctrl-C to stop."
    wait "${pids[0]}"
else
    echo "To call the bot from a browser, run make demo in a terminal and open $server/?room=demo while it waits"
    echo "(or run: linkup serve, linkup bot --server $server --room demo --mode echo). Stopping the server and bot."
fi
