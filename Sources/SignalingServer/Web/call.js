// One WebRTC call with one peer, for the LinkUp web client: local camera and microphone, the RTCPeerConnection,
// the SDP offer/answer, trickled ICE candidates, the remote media in a <video>, and getStats numbers.
//
// Signaling is the caller's (app.js) business; this object only asks it to send `offer`, `answer`, `candidate`
// (PROTOCOL.md) through the `signal(event, data)` function it is given. Candidates may arrive before the description
// they belong to (PROTOCOL.md), so they are queued until a remote description is set.
//
// Data channels (in-call chat and files, datachannel.js) ride along when the page gives a LinkUpData as `data`: the
// caller's "chat" channel is created before its offer, so the offer carries an m=application section; a peer that
// rejects it (or offers none) leaves the media call as it was, and the data object reports "unsupported".
//
// With `iceFilter: "loopback"` (the page's `ice=loopback` flag, for tests on a machine whose rule is "traffic to
// 127.0.0.0/8 and ::1 only") the call offers and accepts only loopback ICE candidates: Chromium gathers host
// candidates on every interface, so the others are dropped before they are trickled, cut from the SDP it sends,
// and ignored when they arrive (trickled or in the peer's SDP). Every candidate seen is counted in `candidates`.
"use strict";

(function (global) {
    class LinkUpCall {
        /// options: peerId, peerName, role ("caller" | "callee"), iceServers, signal(event, data) -> Promise,
        /// localVideo and remoteVideo (elements), onConnected(), onFailed(reason), onError(message),
        /// iceFilter ("loopback" keeps only 127.0.0.0/8 and ::1 candidates; anything else keeps all),
        /// iceTransportPolicy ("relay": TURN relays only; anything else: "all"), data (a LinkUpData, datachannel.js,
        /// or nothing for a call without data channels), rejectData (true: a callee's answer rejects the offer's
        /// m=application section as a peer without data channels does; for tests of that case).
        constructor(options) {
            this.peerId = options.peerId;
            this.peerName = options.peerName || options.peerId;
            this.role = options.role;
            this.iceServers = options.iceServers || [];
            this.iceTransportPolicy = options.iceTransportPolicy === "relay" ? "relay" : "all";
            this.signal = options.signal;
            this.localVideo = options.localVideo;
            this.remoteVideo = options.remoteVideo;
            this.onConnected = options.onConnected || (() => {});
            this.onFailed = options.onFailed || (() => {});
            this.onError = options.onError || (() => {});
            this.loopbackOnly = options.iceFilter === "loopback";
            this.data = options.data || null;
            this.rejectData = options.rejectData === true;
            // Candidate lines sent, dropped (not sent), received, ignored (not applied), in either path: trickled or
            // inside an SDP.
            this.candidates = { sent: [], dropped: [], received: [], ignored: [] };
            this.pc = null;
            this.pending = [];
            this.media = null;
            this.closed = false;
            this.watchingFrames = false;
            this.startedAt = performance.now();
            this.connectedAt = null;
            this.firstFrameAt = null;
            this.endReason = null;
        }

        /// Starts asking for camera and microphone (once); resolves with the stream, or null without them: a call
        /// without local media still receives.
        startMedia() {
            if (!this.media) this.media = this.openMedia();
            return this.media;
        }

        async openMedia() {
            try {
                const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
                if (this.closed) {
                    stream.getTracks().forEach((t) => t.stop());
                    return null;
                }
                this.localVideo.srcObject = stream;
                this.localVideo.dataset.live = "";
                return stream;
            } catch (e) {
                this.onError(`getUserMedia: ${e.name}: ${e.message}`);
                return null;
            }
        }

        /// Creates the peer connection with the local tracks; false when the call ended meanwhile.
        async prepare() {
            const stream = await this.startMedia();
            if (this.closed) return false;
            const pc = new RTCPeerConnection(this.rtcConfiguration());
            this.pc = pc;
            const kinds = new Set();
            if (stream) {
                for (const track of stream.getTracks()) {
                    pc.addTrack(track, stream);
                    kinds.add(track.kind);
                }
            }
            // The caller's offer must ask for audio and video even without a camera or microphone.
            if (this.role === "caller") {
                for (const kind of ["audio", "video"]) {
                    if (!kinds.has(kind)) pc.addTransceiver(kind, { direction: "recvonly" });
                }
            }
            // After the media, so m=application comes last in the offer.
            if (this.data) this.data.attach(pc, this.role);
            pc.onicecandidate = (e) => {
                if (this.closed) return;
                const candidate = e.candidate ? e.candidate.toJSON() : null;  // null: end of candidates
                if (candidate && !this.keepCandidate(candidate.candidate, "sent", "dropped")) return;
                this.signal("candidate", { to: this.peerId, candidate }).catch(() => {});
            };
            // One stream holds every remote track: a peer whose SDP names no media stream (no a=msid) still plays
            // its audio and video together in the one <video>.
            const remoteStream = new MediaStream();
            pc.ontrack = (e) => {
                remoteStream.addTrack(e.track);
                if (this.remoteVideo.srcObject !== remoteStream) this.remoteVideo.srcObject = remoteStream;
                this.remoteVideo.dataset.live = "";
                this.watchFirstFrame();
            };
            pc.onconnectionstatechange = () => {
                if (this.closed) return;
                if (pc.connectionState === "connected") {
                    this.connectedAt = this.connectedAt || performance.now();
                    this.onConnected();
                } else if (pc.connectionState === "failed") {
                    this.onFailed("connection failed");
                }
            };
            return true;
        }

        /// The RTCConfiguration of the peer connection: the join acknowledgement's iceServers (RTCIceServer
        /// dictionaries, TURN entries with username and credential) and the transport policy.
        rtcConfiguration() {
            return { iceServers: this.iceServers, iceTransportPolicy: this.iceTransportPolicy };
        }

        /// Caller: creates and sends the offer.
        async offer() {
            await this.pc.setLocalDescription(await this.pc.createOffer());
            await this.signal("offer", { to: this.peerId, sdp: this.outgoingSdp(this.pc.localDescription.sdp) });
        }

        /// Callee: applies the offer, then creates and sends the answer.
        async answer(sdp) {
            await this.pc.setRemoteDescription({ type: "offer", sdp: this.incomingSdp(sdp) });
            if (this.data) this.data.remoteDescriptionSet(sdp);
            await this.flushCandidates();
            await this.pc.setLocalDescription(await this.pc.createAnswer());
            await this.signal("answer", { to: this.peerId, sdp: this.outgoingSdp(this.pc.localDescription.sdp) });
        }

        /// Caller: applies the answer.
        async acceptAnswer(sdp) {
            await this.pc.setRemoteDescription({ type: "answer", sdp: this.incomingSdp(sdp) });
            if (this.data) this.data.remoteDescriptionSet(sdp);
            await this.flushCandidates();
        }

        /// A trickled remote candidate (null = end of candidates); queued until a remote description is set.
        async addRemoteCandidate(candidate) {
            if (candidate && candidate.candidate && !this.keepCandidate(candidate.candidate, "received", "ignored")) {
                return;
            }
            if (!this.pc || !this.pc.remoteDescription) {
                this.pending.push(candidate);
                return;
            }
            await this.applyCandidate(candidate);
        }

        async applyCandidate(candidate) {
            try {
                await this.pc.addIceCandidate(candidate && candidate.candidate ? candidate : null);
            } catch (e) {
                this.onError(`addIceCandidate: ${e.message}`);
            }
        }

        /// Whether a candidate line passes the ICE filter; it is recorded under `kept` or `cut` either way.
        keepCandidate(line, kept, cut) {
            const keep = !this.loopbackOnly || isLoopbackCandidate(line);
            this.candidates[keep ? kept : cut].push(line.replace(/^a=/, ""));
            return keep;
        }

        /// The SDP we send: without the a=candidate lines the filter drops.
        outgoingSdp(sdp) {
            const filtered = this.filterSdp(sdp, "sent", "dropped");
            return this.rejectData && this.role === "callee" ? rejectApplication(filtered) : filtered;
        }

        /// The SDP we apply: without the a=candidate lines the filter ignores.
        incomingSdp(sdp) {
            return this.filterSdp(sdp, "received", "ignored");
        }

        filterSdp(sdp, kept, cut) {
            const lines = sdp.split(/\r?\n/);
            const out = lines.filter((line) => !line.startsWith("a=candidate:") || this.keepCandidate(line, kept, cut));
            return out.join("\r\n");
        }

        async flushCandidates() {
            for (const candidate of this.pending.splice(0)) await this.applyCandidate(candidate);
        }

        watchFirstFrame() {
            if (this.watchingFrames) return;
            this.watchingFrames = true;
            const mark = () => {
                if (this.firstFrameAt === null) this.firstFrameAt = performance.now();
            };
            const video = this.remoteVideo;
            if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(mark);
            else video.addEventListener("loadeddata", mark, { once: true });
        }

        /// Ends the call locally: closes the connection, stops the camera and microphone, clears both videos.
        close(reason) {
            if (this.closed) return;
            this.closed = true;
            this.endReason = reason;
            if (this.data) this.data.close();
            if (this.pc) this.pc.close();
            Promise.resolve(this.media).then((stream) => {
                if (stream) stream.getTracks().forEach((t) => t.stop());
            });
            for (const video of [this.localVideo, this.remoteVideo]) {
                video.srcObject = null;
                delete video.dataset.live;
            }
        }

        /// Milliseconds from the call's start to connected and to the first remote frame presented.
        timing() {
            const since = (t) => (t === null ? null : t - this.startedAt);
            return { role: this.role, connectedMs: since(this.connectedAt), firstFrameMs: since(this.firstFrameAt),
                ended: this.endReason };
        }

        /// Every getStats entry of the call as plain objects (what chrome://webrtc-internals shows), for diagnosis;
        /// null before the peer connection exists or after the call ended.
        async report() {
            const pc = this.pc;
            if (!pc || this.closed) return null;
            const entries = [];
            (await pc.getStats()).forEach((s) => entries.push(Object.assign({}, s)));
            return entries;
        }

        /// Receive-side numbers from getStats (inbound-rtp video framesDecoded, audio totalSamplesReceived, ...);
        /// null before the peer connection exists or after the call ended.
        async stats() {
            const pc = this.pc;
            if (!pc || this.closed) return null;
            const report = await pc.getStats();
            const out = {
                framesDecoded: 0, framesReceived: 0, frameWidth: 0, frameHeight: 0, videoBytesReceived: 0,
                videoPacketsLost: 0, audioSamplesReceived: 0, audioBytesReceived: 0, audioPacketsLost: 0,
                bytesSent: 0, connectionState: pc.connectionState, iceConnectionState: pc.iceConnectionState,
                selectedPair: null,
            };
            report.forEach((s) => {
                if (s.type === "inbound-rtp" && s.kind === "video") {
                    out.framesDecoded += s.framesDecoded || 0;
                    out.framesReceived += s.framesReceived || 0;
                    out.frameWidth = s.frameWidth || out.frameWidth;
                    out.frameHeight = s.frameHeight || out.frameHeight;
                    out.videoBytesReceived += s.bytesReceived || 0;
                    out.videoPacketsLost += s.packetsLost || 0;
                    out.videoCodec = codecName(report, s.codecId) || out.videoCodec;
                } else if (s.type === "inbound-rtp" && s.kind === "audio") {
                    out.audioSamplesReceived += s.totalSamplesReceived || 0;
                    out.audioBytesReceived += s.bytesReceived || 0;
                    out.audioPacketsLost += s.packetsLost || 0;
                    out.audioCodec = codecName(report, s.codecId) || out.audioCodec;
                } else if (s.type === "outbound-rtp") {
                    out.bytesSent += s.bytesSent || 0;
                } else if (s.type === "transport" && s.selectedCandidatePairId) {
                    const pair = report.get(s.selectedCandidatePairId);
                    out.selectedPair = pair ? {
                        rtt: pair.currentRoundTripTime, local: candidateAddress(report, pair.localCandidateId),
                        remote: candidateAddress(report, pair.remoteCandidateId),
                    } : null;
                }
            });
            return out;
        }
    }

    /// Whether an ICE candidate line (RFC 8839 section 5.1: "candidate:" foundation component transport priority
    /// connection-address port "typ" type ...) has a loopback connection address: 127.0.0.0/8 or ::1. mDNS names
    /// (*.local) and every other address are not loopback.
    function isLoopbackCandidate(line) {
        const fields = line.replace(/^a=/, "").trim().split(/\s+/);
        if (fields.length < 8 || !fields[0].startsWith("candidate:")) return false;
        const address = fields[4].toLowerCase().replace(/^\[|\]$/g, "");
        return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address) || address === "::1" || address === "0:0:0:0:0:0:0:1";
    }

    /// The SDP with every m=application section rejected (port 0, RFC 8843 / JSEP 5.3.1) and its mid taken out of
    /// the BUNDLE group: what a peer without data channels answers.
    function rejectApplication(sdp) {
        const lines = sdp.split(/\r?\n/);
        const rejected = new Set();
        let inApplication = false;
        const out = lines.map((line) => {
            if (line.startsWith("m=")) {
                inApplication = line.startsWith("m=application ");
                return inApplication ? line.replace(/^m=application \d+/, "m=application 0") : line;
            }
            if (inApplication && line.startsWith("a=mid:")) rejected.add(line.slice(6).trim());
            return line;
        });
        return out.map((line) => {
            if (!line.startsWith("a=group:BUNDLE")) return line;
            return line.split(" ").filter((token, i) => i === 0 || !rejected.has(token)).join(" ");
        }).join("\r\n");
    }

    /// "address:port/protocol type" of a local-candidate or remote-candidate stats entry.
    function candidateAddress(report, id) {
        const c = id && report.get(id);
        return c ? `${c.address || c.ip}:${c.port}/${c.protocol} ${c.candidateType}` : null;
    }

    function codecName(report, id) {
        const codec = id && report.get(id);
        return codec && codec.mimeType ? codec.mimeType.replace(/^(audio|video)\//, "") : undefined;
    }

    global.LinkUpCall = LinkUpCall;
})(window);
