// LinkUp web client: rooms, chat and one call at a time over the signaling protocol of PROTOCOL.md.
//
// Call flow (PROTOCOL.md): the caller sends `call {to}`; the callee prepares its media and peer connection, then
// replies `accept {to}`; on `callAccepted` the caller creates the offer; the callee answers; both trickle ICE
// candidates (`null` = end of candidates) which may arrive before the description they belong to, so they are
// queued until a remote description is set. Either side ends the call with `hangup {to}`.
//
// URL query: room, name, token prefill the form; autojoin=1 joins at once; autoaccept=1 accepts every incoming
// call (for tests); server=URL talks to another signaling server than the page's origin; transport=polling (or
// websocket) uses only that Engine.IO transport; ice=loopback offers, sends and accepts only loopback ICE candidates
// (127.0.0.0/8 and ::1; for tests on machines whose traffic must stay on loopback, see call.js); relay=1 (or
// iceTransportPolicy=relay) makes calls use TURN relays only (RTCConfiguration.iceTransportPolicy "relay", for tests
// of the TURN servers in the join acknowledgement's iceServers); datachannels=off makes the page behave as a peer
// without data channels (it creates none, and as callee rejects the offer's m=application section; for tests).
//
// In a call, the page also chats and sends files over WebRTC data channels (datachannel.js, docs/data-channels.md):
// the "In this call" panel shows the call's chat, a file picker, and every transfer's progress (bytes, rate, ETA)
// with a download link for each file received. It stays hidden when the other side has no data channels.
//
// window.linkup is a small test hook (state, peers, stats(), call(), ...) for browser tests; for data channels:
// sendChatLine(text), chatLog, sendFile(name, bytes) -> Promise of the receiver's verdict, receivedFiles,
// fileProgress, dataChannels (the current call's data channel state).
"use strict";

(function () {
    const $ = (id) => document.getElementById(id);
    const params = new URLSearchParams(window.location.search);
    const autoaccept = params.get("autoaccept") === "1";
    const iceFilter = params.get("ice");
    const relayOnly = params.get("relay") === "1" || params.get("iceTransportPolicy") === "relay";
    const dataChannelsOff = params.get("datachannels") === "off";

    const app = {
        socket: null,
        connection: "disconnected",
        self: null,
        room: null,
        name: null,
        peers: new Map(),      // id -> name
        iceServers: [],
        state: "idle",         // idle | calling | ringing | connecting | in-call
        call: null,            // the one LinkUpCall (call.js) under way
        lastCall: null,        // the last call, kept after it ends for its timing
        lastError: null,
        chat: [],
        statsTimer: null,
        // Data channels, over every call of the page: chat lines {from, text}, files received {name, size, sha256,
        // ok, bytes, url, from, transfer}, transfers {id, direction, name, size, bytes, rate, eta, state, ...}.
        dataChat: [],
        receivedFiles: [],
        fileProgress: [],
        dataRenderTimer: null,
        dataChatShown: 0,
    };

    // --- page state ---

    function setConnection(state) {
        app.connection = state;
        const badge = $("conn-state");
        badge.textContent = state;
        badge.dataset.state = state;
        const joined = state === "connected" && app.self !== null;
        $("chat-input").disabled = !joined;
        $("chat-send").disabled = !joined;
    }

    function showError(message) {
        app.lastError = message;
        const box = $("error");
        box.textContent = message;
        box.hidden = false;
    }

    function clearError() {
        $("error").hidden = true;
    }

    function setCallState(state, text) {
        app.state = state;
        const label = $("call-state");
        label.dataset.state = state;
        label.textContent = text;
        $("remote-placeholder").textContent = state === "idle" ? "No call" : text;
        $("accept").hidden = state !== "ringing";
        $("reject").hidden = state !== "ringing";
        $("hangup").hidden = state === "idle" || state === "ringing";
        renderPeers();
    }

    function renderPeers() {
        const list = $("peers");
        list.replaceChildren();
        if (app.peers.size === 0) {
            const empty = document.createElement("li");
            empty.className = "empty";
            empty.textContent = app.self ? "nobody else yet" : "join a room";
            list.append(empty);
            return;
        }
        for (const [id, name] of app.peers) {
            const item = document.createElement("li");
            item.dataset.id = id;
            item.dataset.name = name;
            const label = document.createElement("span");
            label.textContent = name;
            const button = document.createElement("button");
            button.className = "call";
            button.textContent = "Call";
            button.disabled = app.state !== "idle";
            button.addEventListener("click", () => startCall(id).catch((e) => showError(e.message)));
            item.append(label, button);
            list.append(item);
        }
    }

    function addChatLine(who, text, ts, system) {
        const item = document.createElement("li");
        if (system) {
            item.className = "system";
            item.textContent = text;
        } else {
            const name = document.createElement("span");
            name.className = "who";
            name.textContent = who;
            const when = document.createElement("span");
            when.className = "when";
            // PROTOCOL.md's ts: milliseconds since the epoch (a value in seconds is taken as such).
            when.textContent = new Date(ts ? ts * (ts < 1e12 ? 1000 : 1) : Date.now()).toLocaleTimeString();
            item.append(name, document.createTextNode(text), when);
        }
        const log = $("chat-log");
        log.append(item);
        log.scrollTop = log.scrollHeight;
    }

    // --- signaling ---

    function join(room, name, token) {
        leave();
        clearError();
        app.room = room;
        app.name = name;
        const server = params.get("server") || window.location.origin;
        const pinned = params.get("transport");
        // Unpinned, the page starts on long-polling and upgrades to a WebSocket, as Socket.IO clients do.
        const transports = pinned === "websocket" || pinned === "polling" ? [pinned] : ["polling", "websocket"];
        const socket = new SocketIOClient(server, { auth: () => (token ? { name, token } : { name }), transports });
        app.socket = socket;
        setConnection("connecting");
        // Handlers of a socket the page has since left (or replaced by a new join) do nothing.
        const on = (event, handler) =>
            socket.on(event, (...args) => (app.socket === socket ? handler(...args) : undefined));
        on("connect", async () => {
            clearError();
            if (socket.recovered && app.lastSelf) {
                // Connection state recovery: same id, same room, same call; the missed events follow.
                app.self = app.lastSelf;
                setConnection("connected");
                renderPeers();
                return;
            }
            // A new session: a call of the old one is over on the server's side.
            if (app.call) endCall("the signaling session was lost");
            setConnection("connected");
            try {
                const ack = await socket.emit("join", { room, name });
                if (!ack || !ack.ok) throw new Error((ack && (ack.message || ack.error)) || "join refused");
                app.self = ack.self;
                app.iceServers = Array.isArray(ack.iceServers) ? ack.iceServers : [];
                app.peers = new Map((ack.peers || []).map((p) => [p.id, p.name]));
                $("whoami").textContent = `${ack.self.name} in ${room}`;
                $("join").disabled = false;
                $("leave").disabled = false;
                setConnection("connected");
                renderPeers();
                addChatLine(null, `You joined ${room} as ${ack.self.name}.`, null, true);
            } catch (e) {
                showError(`join failed: ${e.message}`);
            }
        });
        on("connect_error", (error) => {
            if (socket.refused) {
                // CONNECT_ERROR from the server (e.g. a missing or wrong token): final.
                setConnection("refused");
                showError(`connect_error: ${error.message}`);
            } else {
                // The server could not be reached: the client keeps retrying with backoff.
                setConnection(socket.stopped ? "error" : "reconnecting");
                showError(`cannot reach the server (${error.message}); ${socket.stopped ? "gave up" : "retrying"}`);
            }
        });
        on("disconnect", (reason) => {
            // The call's media does not need signaling: it goes on while the socket reconnects and recovers.
            app.lastSelf = socket.stopped ? null : app.self;
            app.self = null;
            if (socket.stopped) {
                app.peers.clear();
                if (app.call) endCall(`signaling lost (${reason})`);
            }
            renderPeers();
            setConnection(socket.stopped ? "disconnected" : "reconnecting");
        });
        on("peer-joined", (m) => {
            if (m.room !== app.room) return;
            app.peers.set(m.id, m.name);
            renderPeers();
            addChatLine(null, `${m.name} joined.`, null, true);
        });
        on("peer-left", (m) => {
            if (m.room !== app.room) return;
            const name = app.peers.get(m.id) || m.id;
            app.peers.delete(m.id);
            renderPeers();
            addChatLine(null, `${name} left.`, null, true);
            if (app.call && app.call.peerId === m.id) endCall(`${name} left`);
        });
        on("chat", (m) => {
            app.chat.push(m);
            addChatLine(m.name, m.text, m.ts, false);
        });
        on("incomingCall", onIncomingCall);
        on("callAccepted", onCallAccepted);
        on("callRejected", (m) => {
            if (!isCurrentPeer(m.from)) return;
            endCall(`${app.call.peerName} rejected the call${m.reason ? ` (${m.reason})` : ""}`);
        });
        on("offer", onOffer);
        on("answer", onAnswer);
        on("candidate", onCandidate);
        on("hangup", (m) => {
            if (!isCurrentPeer(m.from)) return;
            endCall(`${app.call.peerName} hung up`);
        });
    }

    function leave() {
        if (app.call) hangup();
        if (app.socket) {
            const socket = app.socket;
            if (socket.connected && app.room) socket.emit("leave", { room: app.room }).catch(() => {});
            setTimeout(() => socket.close(), 50);
        }
        app.socket = null;
        app.self = null;
        app.peers.clear();
        $("whoami").textContent = "";
        $("leave").disabled = true;
        setConnection("disconnected");
        renderPeers();
    }

    async function send(event, data) {
        if (!app.socket) throw new Error("not joined");
        const ack = await app.socket.emit(event, data);
        if (!ack || !ack.ok) throw new Error(`${event}: ${(ack && (ack.message || ack.error)) || "no ack"}`);
        return ack;
    }

    function isCurrentPeer(id) {
        return app.call !== null && app.call.peerId === id;
    }

    // --- calls ---

    function newCall(peerId, peerName, role) {
        peerName = peerName || app.peers.get(peerId) || peerId;
        const data = dataChannelsOff ? null : new LinkUpData({
            selfName: app.self ? app.self.name : app.name, peerName, chatLog: app.dataChat,
            receivedFiles: app.receivedFiles, fileProgress: app.fileProgress, onChange: scheduleDataRender,
            onError: (message) => {
                app.lastError = message;
            },
        });
        const call = new LinkUpCall({
            peerId, peerName, role, iceServers: app.iceServers, iceFilter, data, rejectData: dataChannelsOff,
            iceTransportPolicy: relayOnly ? "relay" : "all",
            signal: send, localVideo: $("local"), remoteVideo: $("remote"),
            onConnected: () => {
                if (app.call === call) setCallState("in-call", `In call with ${call.peerName}`);
            },
            onFailed: (reason) => {
                if (app.call === call) failCall(new Error(reason));
            },
            onError: (message) => {
                app.lastError = message;
            },
        });
        app.call = call;
        app.lastCall = call;
        return call;
    }

    async function startCall(idOrName) {
        if (app.state !== "idle") throw new Error(`busy (${app.state})`);
        let peerId = app.peers.has(idOrName) ? idOrName : null;
        for (const [id, name] of app.peers) if (peerId === null && name === idOrName) peerId = id;
        if (peerId === null) throw new Error(`nobody called ${idOrName} in the room`);
        const call = newCall(peerId, null, "caller");
        setCallState("calling", `Calling ${call.peerName}…`);
        call.startMedia();  // meanwhile the callee decides
        try {
            await send("call", { to: peerId });
        } catch (e) {
            endCall(`call failed: ${e.message}`);
            throw e;
        }
    }

    function onIncomingCall(m) {
        if (app.call) {
            send("reject", { to: m.from, reason: "busy" }).catch(() => {});
            return;
        }
        if (!app.peers.has(m.from)) app.peers.set(m.from, m.name || m.from);
        const call = newCall(m.from, m.name, "callee");
        setCallState("ringing", `Incoming call from ${call.peerName}`);
        if (autoaccept) acceptCall();
    }

    /// The callee has its peer connection ready before it sends `accept`, so the caller's offer finds it.
    async function acceptCall() {
        const call = app.call;
        if (!call || app.state !== "ringing") throw new Error("no incoming call");
        setCallState("connecting", `Connecting to ${call.peerName}…`);
        try {
            if (!(await call.prepare()) || app.call !== call) return;
            startStatsDisplay();
            await send("accept", { to: call.peerId });
        } catch (e) {
            failCall(e);
        }
    }

    function rejectCall(reason) {
        const call = app.call;
        if (!call || app.state !== "ringing") throw new Error("no incoming call");
        send("reject", { to: call.peerId, reason: reason || "declined" }).catch(() => {});
        endCall(`You rejected ${call.peerName}`);
    }

    async function onCallAccepted(m) {
        const call = app.call;
        if (!isCurrentPeer(m.from) || call.role !== "caller" || app.state !== "calling") return;
        setCallState("connecting", `Connecting to ${call.peerName}…`);
        try {
            if (!(await call.prepare()) || app.call !== call) return;
            startStatsDisplay();
            await call.offer();
        } catch (e) {
            failCall(e);
        }
    }

    async function onOffer(m) {
        const call = app.call;
        if (!isCurrentPeer(m.from) || !call.pc) return;
        // A new offer during the call (the other side restarted ICE) is answered whichever side called; the first
        // offer only reaches the callee. In glare (our own offer is out) the caller keeps its offer and the callee's
        // side yields (JSEP), so the caller ignores it here.
        if (call.role !== "callee" && !call.pc.remoteDescription) return;
        if (call.pc.signalingState === "have-local-offer") return;
        try {
            await call.answer(m.sdp);
        } catch (e) {
            failCall(e);
        }
    }

    async function onAnswer(m) {
        const call = app.call;
        if (!isCurrentPeer(m.from) || call.role !== "caller" || !call.pc) return;
        try {
            await call.acceptAnswer(m.sdp);
        } catch (e) {
            failCall(e);
        }
    }

    function onCandidate(m) {
        if (isCurrentPeer(m.from)) app.call.addRemoteCandidate(m.candidate);
    }

    /// Ends the call on our side for a local reason, telling the peer.
    function failCall(error) {
        const call = app.call;
        if (!call) return;
        send("hangup", { to: call.peerId }).catch(() => {});
        endCall(`call failed: ${error.message}`);
    }

    function hangup() {
        const call = app.call;
        if (!call) return;
        send("hangup", { to: call.peerId }).catch(() => {});
        endCall("You hung up");
    }

    function endCall(reason) {
        const call = app.call;
        if (!call) return;
        app.call = null;
        call.close(reason);
        stopStatsDisplay();
        renderData();
        addChatLine(null, `Call with ${call.peerName} ended: ${reason}.`, null, true);
        setCallState("idle", `Idle — ${reason}`);
    }

    // --- statistics ---

    /// Receive-side numbers of the current call from getStats (null when there is no call).
    async function stats() {
        return app.call ? app.call.stats() : null;
    }

    function startStatsDisplay() {
        stopStatsDisplay();
        app.statsTimer = setInterval(async () => {
            const s = await stats();
            if (!s) return;
            $("media-stats").textContent =
                `video ${s.videoCodec || "-"} ${s.frameWidth}x${s.frameHeight}, ${s.framesDecoded} frames decoded · ` +
                `audio ${s.audioCodec || "-"}, ${s.audioSamplesReceived} samples · ${s.connectionState}`;
        }, 1000);
    }

    function stopStatsDisplay() {
        clearInterval(app.statsTimer);
        app.statsTimer = null;
        $("media-stats").textContent = "";
    }

    // --- data channels: in-call chat and files ---

    function currentData() {
        const data = app.call ? app.call.data : null;
        if (!data || !data.supported) {
            throw new Error(`no data channel in this call (${data ? data.state : "no call"})`);
        }
        return data;
    }

    function sendChatLine(text) {
        return currentData().sendChatLine(text);
    }

    function sendFile(name, bytes) {
        try {
            return currentData().sendFile(name, bytes);
        } catch (error) {
            return Promise.reject(error);
        }
    }

    /// Redraws the panel at most five times a second (progress events come per 16 KiB chunk).
    function scheduleDataRender() {
        if (app.dataRenderTimer !== null) return;
        app.dataRenderTimer = setTimeout(() => {
            app.dataRenderTimer = null;
            renderData();
        }, 200);
    }

    function renderData() {
        const data = app.call ? app.call.data : null;
        // Hidden without a call that negotiated data channels, unless there is something to show from before.
        const supported = data !== null && data.supported;
        $("call-data").hidden = !supported && app.fileProgress.length === 0 && app.dataChat.length === 0;
        const chatReady = supported && data.chat !== null && data.chat.readyState !== "closed";
        $("dc-chat-input").disabled = !chatReady;
        $("dc-chat-send").disabled = !chatReady;
        $("dc-file").disabled = !(supported && data.available);
        $("dc-file-send").disabled = !(supported && data.available);

        const log = $("dc-chat-log");
        for (const line of app.dataChat.slice(app.dataChatShown)) {
            const item = document.createElement("li");
            const who = document.createElement("span");
            who.className = "who";
            who.textContent = line.from;
            item.append(who, document.createTextNode(line.text));
            log.append(item);
        }
        if (app.dataChat.length !== app.dataChatShown) log.scrollTop = log.scrollHeight;
        app.dataChatShown = app.dataChat.length;

        const list = $("transfers");
        list.replaceChildren();
        const format = LinkUpData.formatBytes;
        for (const transfer of app.fileProgress.slice().reverse()) {
            const item = document.createElement("li");
            item.dataset.state = transfer.state;
            item.dataset.direction = transfer.direction;
            const name = document.createElement("span");
            name.className = "name";
            const arrow = transfer.direction === "send" ? "↑ to" : "↓ from";
            name.textContent = `${arrow} ${transfer.peer}: ${transfer.name}`;
            const action = document.createElement("span");
            const file = app.receivedFiles.find((f) => f.transfer === transfer.id);
            if (file && file.url) {
                const link = document.createElement("a");
                link.href = file.url;
                link.download = file.name;
                link.textContent = "Download";
                action.append(link);
            } else {
                action.textContent = transfer.state;
            }
            const bar = document.createElement("progress");
            bar.max = Math.max(1, transfer.size);
            bar.value = transfer.bytes;
            const numbers = document.createElement("span");
            numbers.className = "numbers";
            const rate = `${format(Math.round(transfer.rate))}/s`;
            let tail;
            if (transfer.state === "done") tail = `done in ${transfer.seconds.toFixed(1)} s, SHA-256 checked`;
            else if (transfer.state === "failed") tail = "failed";
            else tail = transfer.eta === null ? "ETA –" : `ETA ${Math.ceil(transfer.eta)} s`;
            numbers.textContent = `${format(transfer.bytes)} / ${format(transfer.size)} · ${rate} · ${tail}`;
            item.append(name, action, bar, numbers);
            list.append(item);
        }
    }

    // --- wiring ---

    $("join-form").addEventListener("submit", (e) => {
        e.preventDefault();
        const room = $("room").value.trim();
        const name = $("name").value.trim();
        if (room && name) join(room, name, $("token").value);
    });
    $("leave").addEventListener("click", () => leave());
    // Leaving the page ends the call and the session at once, so the others see hangup and peer-left now rather
    // than at the server's ping timeout.
    window.addEventListener("pagehide", () => {
        if (app.call) app.socket.emit("hangup", { to: app.call.peerId }).catch(() => {});
        if (app.socket) app.socket.close();
    });
    $("chat-form").addEventListener("submit", (e) => {
        e.preventDefault();
        const input = $("chat-input");
        const text = input.value;
        if (!text.trim() || !app.room) return;
        input.value = "";
        send("chat", { room: app.room, text }).catch((err) => showError(err.message));
    });
    $("dc-chat-form").addEventListener("submit", (e) => {
        e.preventDefault();
        const input = $("dc-chat-input");
        if (!input.value.trim()) return;
        try {
            sendChatLine(input.value);
            input.value = "";
        } catch (err) {
            showError(err.message);
        }
    });
    $("dc-file-send").addEventListener("click", () => {
        const file = $("dc-file").files[0];
        if (!file) return;
        $("dc-file").value = "";
        sendFile(file.name, file).catch((err) => showError(`sending ${file.name}: ${err.message}`));
    });
    $("accept").addEventListener("click", () => acceptCall().catch((e) => showError(e.message)));
    $("reject").addEventListener("click", () => rejectCall());
    $("hangup").addEventListener("click", () => hangup());

    for (const field of ["room", "name", "token"]) {
        if (params.get(field)) $(field).value = params.get(field);
    }
    setCallState("idle", "Idle");
    setConnection("disconnected");

    window.linkup = {
        get state() { return app.state; },
        get connection() { return app.connection; },
        get self() { return app.self; },
        get room() { return app.room; },
        get peers() { return [...app.peers].map(([id, name]) => ({ id, name })); },
        get chat() { return app.chat.slice(); },
        get lastError() { return app.lastError; },
        get transport() { return app.socket && app.socket.transport ? app.socket.transport.name : null; },
        /// Milliseconds from the last call's start (Call pressed, or incoming call) to connected and to the first
        /// remote frame presented.
        get timing() { return app.lastCall ? app.lastCall.timing() : null; },
        /// The last call's ICE candidate lines: sent, dropped (by ice=loopback), received, ignored (by ice=loopback).
        get candidates() { return app.lastCall ? app.lastCall.candidates : null; },
        /// The remote side's current ICE ufrag in the call (it changes when either side restarts ICE), or null.
        get remoteIceUfrag() {
            const description = app.call && app.call.pc ? app.call.pc.currentRemoteDescription : null;
            const match = description ? description.sdp.match(/a=ice-ufrag:(\S+)/) : null;
            return match ? match[1] : null;
        },
        /// The RTCConfiguration calls are made with: the join acknowledgement's iceServers and the transport policy.
        get rtcConfiguration() {
            return { iceServers: app.iceServers, iceTransportPolicy: relayOnly ? "relay" : "all" };
        },
        join: (room, name, token) => join(room, name, token),
        leave: () => leave(),
        sendChat: (text) => send("chat", { room: app.room, text }),
        call: (idOrName) => startCall(idOrName),
        accept: () => acceptCall(),
        reject: (reason) => rejectCall(reason),
        hangup: () => hangup(),
        stats: () => stats(),
        /// Data channels: the current call's state (none | pending | open | unsupported | closed; "none" without a
        /// call), the in-call chat, file sending (resolves with the receiver's verdict), received files (with
        /// their bytes as a Uint8Array and a blob URL) and every transfer's progress.
        get dataChannels() { return app.call && app.call.data ? app.call.data.state : "none"; },
        get chatLog() { return app.dataChat.map((line) => Object.assign({}, line)); },
        get receivedFiles() { return app.receivedFiles.slice(); },
        get fileProgress() { return app.fileProgress.map((transfer) => Object.assign({}, transfer)); },
        sendChatLine: (text) => sendChatLine(text),
        sendFile: (name, bytes) => sendFile(name, bytes),
        /// Every getStats entry of the current call (null without one), as chrome://webrtc-internals lists them.
        report: () => (app.call ? app.call.report() : null),
    };

    if (params.get("autojoin") === "1" && $("room").value && $("name").value) {
        join($("room").value.trim(), $("name").value.trim(), $("token").value);
    }
})();
