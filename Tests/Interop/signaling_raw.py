"""A bare Engine.IO v4 / Socket.IO v5 client over one WebSocket (websocket-client), for what python-socketio does
not do: connection state recovery (auth.recover, pid, offsets), a reader that never reads, an abrupt TCP cut."""

import json
import socket
import time

import websocket


class RawSocket:
    """One WebSocket session: `connect(auth)` sends CONNECT and returns the CONNECT ack's data."""

    def __init__(self, url: str, rcvbuf: int | None = None, timeout: float = 5.0):
        ws_url = url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
        options = [(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)] if rcvbuf else ()
        self.ws = websocket.create_connection(ws_url, timeout=timeout, sockopt=options)
        opening = self.ws.recv()
        assert opening.startswith("0"), opening
        self.handshake = json.loads(opening[1:])
        self.next_ack = 0
        self.events = []  # (name, args) in arrival order

    def connect(self, auth: dict) -> dict:
        self.ws.send("40" + json.dumps(auth))
        while True:
            packet = self._read()
            if packet.startswith("40"):
                return json.loads(packet[2:])
            if packet.startswith("44"):
                raise ConnectionRefusedError(json.loads(packet[2:]).get("message"))

    def call(self, event: str, payload: dict) -> dict:
        """Emits `event` with an acknowledgement and returns it; events arriving meanwhile are recorded."""
        ack_id = self.next_ack
        self.next_ack += 1
        self.ws.send(f"42{ack_id}" + json.dumps([event, payload]))
        prefix = f"43{ack_id}"
        while True:
            packet = self._read()
            if packet.startswith(prefix):
                return json.loads(packet[len(prefix):])[0]

    def emit(self, event: str, payload: dict):
        self.ws.send("42" + json.dumps([event, payload]))

    def wait_event(self, name: str, timeout: float = 5.0, **fields):
        """The first recorded or arriving event `name` whose payload has `fields`: (payload, extra args)."""
        deadline = time.monotonic() + timeout
        while True:
            for index, (event, args) in enumerate(self.events):
                if event == name and all(args[0].get(k) == v for k, v in fields.items()):
                    del self.events[index]
                    return args[0], args[1:]
            if time.monotonic() > deadline:
                raise AssertionError(f"no {name} {fields} within {timeout}s; got {self.events}")
            self.ws.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                self._read()
            except websocket.WebSocketTimeoutException:
                pass

    def _read(self) -> str:
        packet = self.ws.recv()
        if packet == "2":
            self.ws.send("3")
        elif packet.startswith("42"):
            data = json.loads(packet[2:])
            self.events.append((data[0], data[1:]))
        return packet

    def cut(self):
        """Drops the TCP connection without a close frame or a DISCONNECT (a network blip, as the server sees it)."""
        try:
            self.ws.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.ws.sock.close()

    def close(self):
        try:
            self.ws.close()
        except Exception:  # noqa: BLE001 - teardown
            pass
