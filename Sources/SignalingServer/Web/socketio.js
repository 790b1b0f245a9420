// LinkUp's own small Socket.IO v4 client (no third-party code).
//
// Wire formats, layered:
//   Engine.IO protocol v4 (EIO=4): one packet = a type digit + payload. 0 open (JSON handshake: sid, upgrades,
//   pingInterval, pingTimeout, maxPayload), 1 close, 2 ping, 3 pong, 4 message, 5 upgrade, 6 noop. The server
//   pings; the client answers each ping with a pong and treats pingInterval + pingTimeout of silence as a dead link.
//   Over WebSocket one frame carries one packet; over HTTP long-polling a body carries packets separated by the
//   record separator U+001E.
//   Socket.IO protocol v5, inside Engine.IO "message" packets: a type digit, an optional namespace ("/ns,", omitted
//   for "/"), an optional acknowledgement id (decimal), then JSON. 0 CONNECT (payload = auth object; the server
//   answers CONNECT {sid}), 1 DISCONNECT, 2 EVENT ([name, ...args]), 3 ACK ([...args]), 4 CONNECT_ERROR
//   ({message, data?}), 5 BINARY_EVENT and 6 BINARY_ACK (attachments; LinkUp never uses them).
//
// Usage:
//   const socket = new SocketIOClient("http://host:port", { auth: () => ({ name, token }) });
//   socket.on("connect", () => ...); socket.on("connect_error", (err) => ...); socket.on("chat", (msg) => ...);
//   const ack = await socket.emit("join", { room, name });   // resolves with the server's acknowledgement
//   socket.close();
//
// Events the client itself raises: "connect", "disconnect" (reason), "connect_error" (Error with .data),
// "reconnect_attempt" (attempt number), "transport" (name of the transport in use).
"use strict";

(function (global) {
    const EIO = { OPEN: "0", CLOSE: "1", PING: "2", PONG: "3", MESSAGE: "4", UPGRADE: "5", NOOP: "6" };
    const SIO = { CONNECT: 0, DISCONNECT: 1, EVENT: 2, ACK: 3, CONNECT_ERROR: 4, BINARY_EVENT: 5, BINARY_ACK: 6 };
    const RECORD_SEPARATOR = "\x1e";
    // Names the client raises itself: a server event with one of these names is not delivered to handlers.
    const RESERVED = new Set(["connect", "disconnect", "connect_error", "reconnect_attempt", "transport"]);

    /// Parses one Socket.IO packet (the payload of an Engine.IO message); returns null when malformed.
    function decodeSocketIOPacket(text) {
        if (typeof text !== "string" || text.length === 0) return null;
        const type = text.charCodeAt(0) - 48;
        if (type < 0 || type > 6) return null;
        let i = 1;
        if (type === SIO.BINARY_EVENT || type === SIO.BINARY_ACK) {
            return { type, unsupported: true };
        }
        let nsp = "/";
        if (text[i] === "/") {
            const comma = text.indexOf(",", i);
            if (comma < 0) return null;
            nsp = text.slice(i, comma);
            i = comma + 1;
        }
        let id = null;
        let digits = "";
        while (i < text.length && text[i] >= "0" && text[i] <= "9") digits += text[i++];
        if (digits.length > 0) id = Number(digits);
        let data;
        if (i < text.length) {
            try {
                data = JSON.parse(text.slice(i));
            } catch (e) {
                return null;
            }
        }
        return { type, nsp, id, data };
    }

    /// A Socket.IO packet for the default namespace as text.
    function encodeSocketIOPacket(type, data, id) {
        return String(type) + (id != null ? String(id) : "") + (data !== undefined ? JSON.stringify(data) : "");
    }

    /// Engine.IO over one WebSocket. Calls sink.onPacket(text) per packet and sink.onTransportClose(reason) once.
    class WebSocketTransport {
        /// `adopted`: an open WebSocket that already carries the session (after an upgrade from polling).
        constructor(baseURL, sink, adopted) {
            this.name = "websocket";
            this.sink = sink;
            this.closed = false;
            this.opened = !!adopted;
            const url = baseURL.replace(/^http/, "ws") + "/socket.io/?EIO=4&transport=websocket";
            this.ws = adopted || new WebSocket(url);
            this.ws.onopen = () => { this.opened = true; };
            this.ws.onmessage = (e) => {
                if (typeof e.data === "string") this.sink.onPacket(e.data);
            };
            this.ws.onerror = () => {};
            this.ws.onclose = (e) => this.finish(this.opened ? "transport close" : "websocket error");
        }
        send(packet) {
            if (!this.closed && this.ws.readyState === WebSocket.OPEN) this.ws.send(packet);
        }
        close(reason = "io client disconnect") {
            if (this.closed) return;
            this.finish(reason);
            try { this.ws.close(); } catch (e) { /* already closing */ }
        }
        finish(reason) {
            if (this.closed) return;
            this.closed = true;
            this.sink.onTransportClose(reason, this.opened);
        }
    }

    /// Engine.IO over HTTP long-polling: one GET outstanding at a time, POSTs batch what is queued meanwhile.
    class PollingTransport {
        constructor(baseURL, sink) {
            this.name = "polling";
            this.sink = sink;
            this.closed = false;
            this.opened = false;
            this.base = baseURL + "/socket.io/?EIO=4&transport=polling";
            this.sid = null;
            this.outbox = [];
            this.posting = false;
            this.polling = false;
            this.paused = false;
            this.onPaused = null;
            this.poll();
        }
        /// Stops polling and posting (for an upgrade); `done` runs once no request is in flight. Packets sent
        /// meanwhile stay in `outbox` for the next transport.
        pause(done) {
            this.paused = true;
            this.onPaused = done;
            this.checkPaused();
        }
        checkPaused() {
            if (this.paused && !this.polling && !this.posting && this.onPaused) {
                const done = this.onPaused;
                this.onPaused = null;
                done();
            }
        }
        /// Leaves the session to another transport: no more requests, no close packet, no close report.
        detach() {
            this.closed = true;
        }
        url() {
            const sid = this.sid ? "&sid=" + encodeURIComponent(this.sid) : "";
            return this.base + sid + "&t=" + Date.now().toString(36);  // the timestamp defeats caches
        }
        async poll() {
            while (!this.closed && !this.paused) {
                let body;
                this.polling = true;
                try {
                    const response = await fetch(this.url(), { cache: "no-store" });
                    if (!response.ok) throw new Error("HTTP " + response.status);
                    body = await response.text();
                } catch (e) {
                    this.polling = false;
                    this.finish(this.opened ? "transport error" : "polling error");
                    return;
                }
                this.polling = false;
                for (const packet of body.split(RECORD_SEPARATOR)) {
                    if (this.closed) return;
                    if (!this.sid && packet[0] === EIO.OPEN) {
                        try { this.sid = JSON.parse(packet.slice(1)).sid; } catch (e) { /* reported by sink */ }
                        this.opened = true;
                    }
                    if (packet.length > 0) this.sink.onPacket(packet);
                }
            }
            this.checkPaused();
        }
        send(packet) {
            if (this.closed) return;
            this.outbox.push(packet);
            this.flush();
        }
        async flush() {
            if (this.posting || this.paused || this.outbox.length === 0 || !this.sid) return;
            this.posting = true;
            const body = this.outbox.splice(0).join(RECORD_SEPARATOR);
            try {
                const response = await fetch(this.url(), {
                    method: "POST", body, headers: { "Content-Type": "text/plain;charset=UTF-8" },
                });
                if (!response.ok) throw new Error("HTTP " + response.status);
            } catch (e) {
                this.posting = false;
                this.finish("transport error");
                return;
            }
            this.posting = false;
            this.flush();
            this.checkPaused();
        }
        close(reason = "io client disconnect") {
            if (this.closed) return;
            if (this.sid) {
                // Engine.IO close packet, so the server drops the session now rather than at its ping timeout.
                fetch(this.url(), { method: "POST", body: EIO.CLOSE }).catch(() => {});
            }
            this.finish(reason);
        }
        finish(reason) {
            if (this.closed) return;
            this.closed = true;
            this.sink.onTransportClose(reason, this.opened);
        }
    }

    const TRANSPORTS = { websocket: WebSocketTransport, polling: PollingTransport };

    /// One Socket.IO connection to the default namespace, reconnecting with exponential backoff and jitter.
    class SocketIOClient {
        /// options: auth (object or function returning it), transports (default ["websocket", "polling"]),
        /// reconnect (default true), reconnectDelay / reconnectDelayMax (ms), ackTimeout (ms).
        constructor(url, options = {}) {
            this.url = (url || global.location.origin).replace(/\/+$/, "");
            this.auth = options.auth || {};
            this.transports = options.transports || ["websocket", "polling"];
            // Starting on polling, upgrade to a WebSocket once connected (engine.io-protocol v4, "Upgrade"), as
            // Socket.IO clients do; `upgrade: false` stays on the first transport.
            this.upgrade = options.upgrade !== false;
            this.upgrades = [];
            this.probing = null;
            this.reconnect = options.reconnect !== false;
            this.reconnectDelay = options.reconnectDelay || 500;
            this.reconnectDelayMax = options.reconnectDelayMax || 5000;
            this.ackTimeout = options.ackTimeout || 10000;
            this.handlers = new Map();
            this.pendingAcks = new Map();
            this.nextAckId = 0;
            this.connected = false;
            this.id = null;
            this.transport = null;
            this.transportIndex = 0;
            this.attempts = 0;
            this.stopped = false;
            this.refused = false;
            this.pingTimer = null;
            this.reconnectTimer = null;
            this.heartbeat = { interval: 25000, timeout: 20000 };
            setTimeout(() => this.open(), 0);
        }

        /// Registers a handler; a handler of a server event that asked for an acknowledgement may return the
        /// acknowledgement's value (or a Promise of it).
        on(event, handler) {
            if (!this.handlers.has(event)) this.handlers.set(event, []);
            this.handlers.get(event).push(handler);
            return this;
        }

        off(event, handler) {
            const list = this.handlers.get(event) || [];
            this.handlers.set(event, handler ? list.filter((h) => h !== handler) : []);
            return this;
        }

        /// Sends an event with one payload; resolves with the server's acknowledgement (its first argument),
        /// rejects when not connected or when no acknowledgement arrives within ackTimeout.
        emit(event, data) {
            return new Promise((resolve, reject) => {
                if (!this.connected) {
                    reject(new Error("not connected"));
                    return;
                }
                const id = this.nextAckId++;
                const timer = setTimeout(() => {
                    this.pendingAcks.delete(id);
                    reject(new Error("ack timeout for " + event));
                }, this.ackTimeout);
                this.pendingAcks.set(id, { resolve, reject, timer });
                this.sendEngine(EIO.MESSAGE + encodeSocketIOPacket(SIO.EVENT, [event, data], id));
            });
        }

        /// Disconnects for good (no reconnection).
        close() {
            this.stopped = true;
            clearTimeout(this.reconnectTimer);
            if (this.transport) {
                if (this.connected) this.sendEngine(EIO.MESSAGE + encodeSocketIOPacket(SIO.DISCONNECT));
                this.transport.close();
            }
        }

        // --- internals ---

        raise(event, ...args) {
            const results = [];
            for (const handler of this.handlers.get(event) || []) {
                try {
                    results.push(handler(...args));
                } catch (e) {
                    console.error("handler for " + event + " failed", e);
                }
            }
            return results;
        }

        open() {
            if (this.stopped) return;
            const name = this.transports[this.transportIndex % this.transports.length];
            let transport = null;
            transport = new TRANSPORTS[name](this.url, {
                onPacket: (packet) => this.onPacket(packet),
                onTransportClose: (reason, opened) => this.onTransportClose(transport, reason, opened),
            });
            this.transport = transport;
            this.raise("transport", name);
        }

        sendEngine(packet) {
            if (this.transport) this.transport.send(packet);
        }

        resetPingTimer() {
            clearTimeout(this.pingTimer);
            this.pingTimer = setTimeout(() => {
                if (this.transport) this.transport.close("ping timeout");
            }, this.heartbeat.interval + this.heartbeat.timeout);
        }

        onPacket(packet) {
            const type = packet[0];
            if (type === EIO.OPEN) {
                try {
                    const handshake = JSON.parse(packet.slice(1));
                    this.heartbeat = {
                        interval: handshake.pingInterval || 25000, timeout: handshake.pingTimeout || 20000,
                    };
                    this.upgrades = Array.isArray(handshake.upgrades) ? handshake.upgrades : [];
                } catch (e) { /* keep the defaults */ }
                this.resetPingTimer();
                const auth = typeof this.auth === "function" ? this.auth() : this.auth;
                // Connection state recovery (PROTOCOL.md): ask for it, and name the session to recover.
                const recovery = this.pid ? { recover: true, pid: this.pid, offset: this.lastOffset } : { recover: true };
                this.sendEngine(EIO.MESSAGE + encodeSocketIOPacket(SIO.CONNECT, Object.assign({}, auth, recovery)));
            } else if (type === EIO.PING) {
                this.resetPingTimer();
                this.sendEngine(EIO.PONG + packet.slice(1));
            } else if (type === EIO.CLOSE) {
                if (this.transport) this.transport.close("server close");
            } else if (type === EIO.MESSAGE) {
                this.onSocketIOPacket(decodeSocketIOPacket(packet.slice(1)));
            }
        }

        onSocketIOPacket(p) {
            if (!p || p.nsp !== "/" || p.unsupported) return;
            if (p.type === SIO.CONNECT) {
                this.connected = true;
                this.refused = false;
                this.attempts = 0;
                const previous = this.id;
                this.id = p.data && p.data.sid;
                const pid = (p.data && p.data.pid) || null;
                // Recovered: the server gave back the same id (rooms, calls and missed events with it).
                this.recovered = !!(pid && previous && previous === this.id);
                if (pid !== this.pid) this.lastOffset = undefined;
                this.pid = pid;
                this.raise("connect");
                this.tryUpgrade();
            } else if (p.type === SIO.CONNECT_ERROR) {
                // A refusal by the server (e.g. a missing token): reconnecting would be refused the same way.
                this.refused = true;
                const error = new Error((p.data && p.data.message) || "connect error");
                error.data = p.data && p.data.data;
                this.raise("connect_error", error);
                this.stopped = true;
                if (this.transport) this.transport.close("connect error");
            } else if (p.type === SIO.DISCONNECT) {
                this.stopped = true;  // the server ended this session on purpose
                if (this.transport) this.transport.close("io server disconnect");
            } else if (p.type === SIO.ACK) {
                const pending = this.pendingAcks.get(p.id);
                if (pending) {
                    this.pendingAcks.delete(p.id);
                    clearTimeout(pending.timer);
                    pending.resolve(Array.isArray(p.data) ? p.data[0] : p.data);
                }
            } else if (p.type === SIO.EVENT) {
                if (!Array.isArray(p.data) || typeof p.data[0] !== "string" || RESERVED.has(p.data[0])) return;
                let args = p.data.slice(1);
                // With recovery, the last argument is the event's offset: remember it, hand the rest on.
                if (this.pid && args.length >= 2 && typeof args[args.length - 1] === "string") {
                    this.lastOffset = args[args.length - 1];
                    args = args.slice(0, -1);
                }
                const results = this.raise(p.data[0], ...args);
                if (p.id != null) {
                    Promise.resolve(results[0]).then((value) => {
                        const args = value === undefined ? [] : [value];
                        this.sendEngine(EIO.MESSAGE + encodeSocketIOPacket(SIO.ACK, args, p.id));
                    });
                }
            }
        }

        /// Probes a WebSocket for the polling session (`2probe` / `3probe`), then pauses polling, sends the upgrade
        /// packet and carries on over the WebSocket. A probe that fails leaves the session on polling.
        tryUpgrade() {
            const polling = this.transport;
            if (!this.upgrade || this.probing || !polling || polling.name !== "polling" || !polling.sid ||
                !this.upgrades.includes("websocket") || !this.transports.includes("websocket")) return;
            const url = this.url.replace(/^http/, "ws") + "/socket.io/?EIO=4&transport=websocket&sid=" +
                encodeURIComponent(polling.sid);
            const ws = new WebSocket(url);
            this.probing = ws;
            let settled = false;
            const abandon = () => {
                if (settled) return;
                settled = true;
                if (this.probing === ws) this.probing = null;
                try { ws.close(); } catch (e) { /* already closed */ }
            };
            ws.onopen = () => ws.send(EIO.PING + "probe");
            ws.onerror = abandon;
            ws.onclose = abandon;
            ws.onmessage = (e) => {
                if (settled) return;
                if (e.data !== EIO.PONG + "probe" || this.transport !== polling || polling.closed) {
                    abandon();
                    return;
                }
                settled = true;
                polling.pause(() => {
                    this.probing = null;
                    if (this.transport !== polling || polling.closed) {
                        try { ws.close(); } catch (err) { /* already closed */ }
                        return;
                    }
                    let transport = null;
                    transport = new WebSocketTransport(this.url, {
                        onPacket: (packet) => this.onPacket(packet),
                        onTransportClose: (reason, opened) => this.onTransportClose(transport, reason, opened),
                    }, ws);
                    const pending = polling.outbox.splice(0);
                    polling.detach();
                    this.transport = transport;
                    ws.send(EIO.UPGRADE);
                    for (const packet of pending) ws.send(packet);
                    this.raise("transport", "websocket");
                });
            };
        }

        onTransportClose(transport, reason, opened) {
            if (transport !== this.transport) return;
            this.transport = null;
            clearTimeout(this.pingTimer);
            const wasConnected = this.connected;
            this.connected = false;
            for (const [id, pending] of this.pendingAcks) {
                clearTimeout(pending.timer);
                pending.reject(new Error("disconnected"));
            }
            this.pendingAcks.clear();
            if (wasConnected) this.raise("disconnect", reason);
            if (!opened && !this.refused) {
                // This transport never opened: try the next one before backing off.
                this.transportIndex++;
                if (!wasConnected && this.transportIndex % this.transports.length !== 0 && !this.stopped) {
                    this.open();
                    return;
                }
                this.raise("connect_error", new Error(reason));
            }
            if (this.stopped || !this.reconnect) return;
            this.attempts++;
            const base = Math.min(this.reconnectDelayMax, this.reconnectDelay * 2 ** (this.attempts - 1));
            const delay = base * (0.5 + Math.random());
            this.raise("reconnect_attempt", this.attempts);
            this.reconnectTimer = setTimeout(() => this.open(), delay);
        }
    }

    global.SocketIOClient = SocketIOClient;
    global.SocketIOClient.decodePacket = decodeSocketIOPacket;
    global.SocketIOClient.encodePacket = encodeSocketIOPacket;
})(window);
