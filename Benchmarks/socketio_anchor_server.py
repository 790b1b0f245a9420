"""The python-socketio anchor of Benchmarks/signaling_load.py: a python-socketio AsyncServer on aiohttp that implements
`join`, `leave` and `chat` as PROTOCOL.md says (acks, `peer-joined`, `peer-left`, `chat` to the whole room, sender
included), with default settings otherwise. It listens on 127.0.0.1 (port 0: a free one) and prints
`{"port": N}` on its first line of stdout, as `linkup serve --json` does.

    .venv/bin/python Benchmarks/socketio_anchor_server.py [--port 0]
"""

import argparse
import asyncio
import json
import sys
import time

import socketio
from aiohttp import web


def make_app() -> web.Application:
    server = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins="*", logger=False,
                                  engineio_logger=False, max_http_buffer_size=1_000_000)
    names: dict[str, str] = {}
    rooms: dict[str, dict[str, str]] = {}  # members (sid -> name) by room, in joining order

    @server.event
    async def connect(sid, environ, auth):
        names[sid] = (auth or {}).get("name") or "anonymous"

    @server.event
    async def disconnect(sid, *args):
        names.pop(sid, None)
        for room, members in list(rooms.items()):
            if members.pop(sid, None) is not None:
                if not members:
                    del rooms[room]
                await server.emit("peer-left", {"room": room, "id": sid}, room=room, skip_sid=sid)

    @server.on("join")
    async def join(sid, data):
        if not isinstance(data, dict) or not isinstance(data.get("room"), str):
            return {"ok": False, "error": "bad-request", "message": "room must be a string"}
        room, name = data["room"], str(data.get("name") or names.get(sid, "anonymous"))
        names[sid] = name
        members = rooms.setdefault(room, {})
        peers = [{"id": other, "name": other_name} for other, other_name in members.items() if other != sid]
        members[sid] = name
        await server.enter_room(sid, room)
        await server.emit("peer-joined", {"room": room, "id": sid, "name": name}, room=room, skip_sid=sid)
        return {"ok": True, "self": {"id": sid, "name": name}, "peers": peers, "iceServers": []}

    @server.on("leave")
    async def leave(sid, data):
        room = data.get("room") if isinstance(data, dict) else None
        if not isinstance(room, str) or sid not in rooms.get(room, {}):
            return {"ok": False, "error": "not-in-room", "message": f"you are not in room {room}"}
        del rooms[room][sid]
        await server.leave_room(sid, room)
        await server.emit("peer-left", {"room": room, "id": sid}, room=room)
        return {"ok": True}

    @server.on("chat")
    async def chat(sid, data):
        room = data.get("room") if isinstance(data, dict) else None
        if not isinstance(room, str) or sid not in rooms.get(room, {}):
            return {"ok": False, "error": "not-in-room", "message": f"you are not in room {room}"}
        text = data.get("text")
        if not isinstance(text, str) or len(text) > 4096:
            return {"ok": False, "error": "bad-request", "message": "text must be a string of at most 4 KiB"}
        await server.emit("chat", {"room": room, "from": sid, "name": rooms[room][sid], "text": text,
                                   "ts": round(time.time() * 1000)}, room=room)
        return {"ok": True}

    app = web.Application()
    server.attach(app)
    return app


async def serve(port: int):
    runner = web.AppRunner(make_app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port, backlog=4096)
    await site.start()
    bound = site._server.sockets[0].getsockname()[1]
    print(json.dumps({"port": bound}), flush=True)
    await asyncio.Event().wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    arguments = parser.parse_args()
    try:
        asyncio.run(serve(arguments.port))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
