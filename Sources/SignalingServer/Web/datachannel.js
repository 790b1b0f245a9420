// In-call chat and file transfer over WebRTC data channels, for the LinkUp web client (issue #14). The protocol is
// LinkUp's own and written down in docs/data-channels.md; the Swift peer implements the same:
//
// - The caller (offerer) creates, before its first offer, an ordered reliable channel labelled "chat"
//   (negotiated=false, so the callee gets it through ondatachannel). Each chat message is one UTF-8 text message
//   holding one line.
// - Each file goes over a new ordered reliable channel labelled "file": a text JSON header
//   {"type":"file","name","size","sha256"}, binary chunks of 16 KiB, then the text {"type":"end"}. The receiver
//   checks size and SHA-256 and replies on the same channel with text {"type":"received","sha256","ok"}; then the
//   sender closes the channel. Either side may send files.
// - Sender flow control: bufferedAmountLowThreshold 1 MiB; nothing more is queued above 4 MiB until
//   `bufferedamountlow`.
//
// A LinkUpData object belongs to one call (call.js attaches it to the call's RTCPeerConnection); what it records
// (chat lines, received files, transfer progress) goes into arrays the page owns, so they outlive the call.
"use strict";

(function (global) {
    const CHUNK_BYTES = 16 * 1024;
    const LOW_WATER = 1024 * 1024;
    const HIGH_WATER = 4 * 1024 * 1024;
    // A received file is held in memory (and offered as a blob); larger announcements are refused.
    const MAX_RECEIVE_BYTES = 1024 * 1024 * 1024;
    const MAX_NAME_LENGTH = 255;

    class LinkUpData {
        /// options: selfName, peerName, chatLog (array of {from, text}), receivedFiles (array), fileProgress
        /// (array of transfer records), onChange() (state, chat, progress or files changed), onError(message).
        constructor(options) {
            this.selfName = options.selfName || "me";
            this.peerName = options.peerName || "peer";
            this.chatLog = options.chatLog || [];
            this.receivedFiles = options.receivedFiles || [];
            this.fileProgress = options.fileProgress || [];
            this.onChange = options.onChange || (() => {});
            this.onError = options.onError || (() => {});
            this.pc = null;
            this.chat = null;
            this.chatQueue = [];
            // none (no peer connection yet) | pending (negotiating, or negotiated and not yet connected) | open
            // (the SCTP association is up) | unsupported (the other side's description has no usable
            // m=application) | closed
            this.state = "none";
            this.channels = new Set();
            this.nextTransfer = 1;
        }

        /// Hooks the peer connection: incoming "chat" and "file" channels, and for the caller the "chat" channel,
        /// which must exist before the first offer so that the offer carries m=application.
        attach(pc, role) {
            this.pc = pc;
            this.setState("pending");
            pc.addEventListener("datachannel", (event) => this.accept(event.channel));
            if (role === "caller") this.useChat(pc.createDataChannel("chat", { ordered: true }));
        }

        /// After every remote description: whether the other side accepted (answer) or offered (offer) a data
        /// channel section. A peer without data channels rejects it (port 0) or has none; then the UI is hidden.
        remoteDescriptionSet(sdp) {
            if (this.state === "closed") return;
            const match = /^m=application (\d+) /m.exec(sdp || "");
            if (!match || match[1] === "0") {
                this.setState("unsupported");
                return;
            }
            const sctp = this.pc && this.pc.sctp;
            if (sctp && !sctp.linkupWatched) {
                sctp.linkupWatched = true;
                sctp.addEventListener("statechange", () => this.sctpStateChanged());
            }
            this.sctpStateChanged();
        }

        sctpStateChanged() {
            if (this.state === "closed" || this.state === "unsupported") return;
            const sctp = this.pc && this.pc.sctp;
            const chatOpen = this.chat && this.chat.readyState === "open";
            this.setState((sctp && sctp.state === "connected") || chatOpen ? "open" : "pending");
        }

        setState(state) {
            if (this.state === state) return;
            this.state = state;
            this.onChange();
        }

        /// Whether the SCTP association is up (files may be sent; chat lines go out or wait for the channel).
        get available() {
            return this.state === "open";
        }

        /// Whether the call negotiated data channels (they may still be connecting).
        get supported() {
            return this.state === "pending" || this.state === "open";
        }

        accept(channel) {
            if (this.state === "closed") {
                channel.close();
                return;
            }
            if (channel.label === "chat" && !this.chat) {
                this.useChat(channel);
                if (channel.readyState === "open") this.chatOpened();
            } else if (channel.label === "file") {
                this.receiveFile(channel);
            } else {
                // A second chat channel, or a label this client does not know.
                channel.close();
            }
        }

        // --- chat ---

        useChat(channel) {
            this.chat = channel;
            this.channels.add(channel);
            channel.addEventListener("open", () => this.chatOpened());
            channel.addEventListener("message", (event) => {
                if (typeof event.data !== "string") return;  // chat is text only
                for (const line of event.data.split(/\r?\n/)) {
                    if (line.length) this.chatLog.push({ from: this.peerName, text: line });
                }
                this.onChange();
            });
            channel.addEventListener("close", () => {
                this.channels.delete(channel);
                this.onChange();
            });
        }

        chatOpened() {
            for (const line of this.chatQueue.splice(0)) this.chat.send(line);
            this.sctpStateChanged();
        }

        /// Sends text as chat lines (one message per line; empty lines are skipped). Before the chat channel is
        /// open the lines wait for it. Returns the lines sent (or queued).
        sendChatLine(text) {
            if (!this.chat || !this.supported) throw new Error("no data channel in this call");
            const lines = String(text).split(/\r?\n/).filter((line) => line.length > 0);
            for (const line of lines) {
                if (this.chat.readyState === "open") this.chat.send(line);
                else if (this.chat.readyState === "connecting") this.chatQueue.push(line);
                else throw new Error(`the chat channel is ${this.chat.readyState}`);
                this.chatLog.push({ from: this.selfName, text: line });
            }
            this.onChange();
            return lines;
        }

        // --- files ---

        newTransfer(direction, name, size) {
            const transfer = {
                id: this.nextTransfer++, direction, name, size, bytes: 0, rate: 0, eta: null,
                state: direction === "send" ? "sending" : "receiving", startedAt: performance.now(), seconds: 0,
                peer: this.peerName,
            };
            this.fileProgress.push(transfer);
            this.onChange();
            return transfer;
        }

        /// Updates a transfer's byte count, rate (bytes/s since it started) and ETA (seconds).
        progress(transfer, bytes) {
            transfer.bytes = bytes;
            transfer.seconds = (performance.now() - transfer.startedAt) / 1000;
            transfer.rate = transfer.seconds > 0 ? bytes / transfer.seconds : 0;
            transfer.eta = transfer.rate > 0 ? Math.max(0, transfer.size - bytes) / transfer.rate : null;
            this.onChange();
        }

        finishTransfer(transfer, state) {
            transfer.state = state;
            transfer.seconds = (performance.now() - transfer.startedAt) / 1000;
            transfer.eta = state === "done" ? 0 : null;
            this.onChange();
        }

        /// Sends a file (a Uint8Array, ArrayBuffer or Blob/File) on a new "file" channel; resolves with the
        /// receiver's verdict: {name, size, sha256 (ours), remoteSha256, ok (the receiver's ok and equal hashes),
        /// seconds}.
        async sendFile(name, data) {
            if (!this.available) throw new Error(`data channels are not available in this call (${this.state})`);
            const bytes = await toBytes(data);
            name = String(name || "file").slice(0, MAX_NAME_LENGTH);
            const transfer = this.newTransfer("send", name, bytes.length);
            let channel = null;
            let ticker = null;
            try {
                const sha256 = await sha256Hex(bytes);
                channel = this.pc.createDataChannel("file", { ordered: true });
                this.channels.add(channel);
                channel.binaryType = "arraybuffer";
                channel.bufferedAmountLowThreshold = LOW_WATER;
                await opened(channel);
                const verdict = firstTextMessage(channel, "received");
                verdict.catch(() => {});  // awaited below; a close while sending must not go unhandled
                channel.send(JSON.stringify({ type: "file", name, size: bytes.length, sha256 }));
                // What has left the send buffer: the bytes queued minus what is still buffered.
                let queued = 0;
                const update = () => this.progress(transfer, Math.max(0, queued - channel.bufferedAmount));
                ticker = setInterval(update, 250);
                while (queued < bytes.length) {
                    if (channel.bufferedAmount > HIGH_WATER) {
                        await bufferedAmountLow(channel);
                        update();
                    }
                    const end = Math.min(queued + CHUNK_BYTES, bytes.length);
                    channel.send(bytes.subarray(queued, end));
                    queued = end;
                }
                channel.send(JSON.stringify({ type: "end" }));
                const reply = await verdict;
                clearInterval(ticker);
                this.progress(transfer, bytes.length);
                const ok = reply.ok === true && reply.sha256 === sha256;
                this.finishTransfer(transfer, ok ? "done" : "failed");
                return { name, size: bytes.length, sha256, remoteSha256: reply.sha256, ok, seconds: transfer.seconds };
            } catch (error) {
                clearInterval(ticker);
                this.finishTransfer(transfer, "failed");
                throw error;
            } finally {
                if (channel) {
                    channel.close();
                    this.channels.delete(channel);
                }
            }
        }

        receiveFile(channel) {
            channel.binaryType = "arraybuffer";
            this.channels.add(channel);
            let header = null;
            let buffer = null;
            let received = 0;
            let overflow = false;
            let transfer = null;
            let finished = false;
            const reply = (sha256, ok) => {
                finished = true;
                try {
                    channel.send(JSON.stringify({ type: "received", sha256, ok }));
                } catch (error) {
                    this.onError(`file reply: ${error.message}`);
                }
            };
            channel.addEventListener("message", async (event) => {
                if (finished) return;
                if (typeof event.data !== "string") {
                    const chunk = new Uint8Array(event.data);
                    if (!header) {
                        reply("", false);
                        return;
                    }
                    if (received + chunk.length > header.size) overflow = true;
                    else buffer.set(chunk, received);
                    received += chunk.length;
                    this.progress(transfer, received);
                    return;
                }
                const message = parseJSON(event.data);
                if (!header) {
                    if (!isFileHeader(message)) {
                        this.onError(`file channel: bad header ${String(event.data).slice(0, 80)}`);
                        reply("", false);
                        return;
                    }
                    header = message;
                    buffer = new Uint8Array(header.size);
                    transfer = this.newTransfer("receive", String(header.name).slice(0, MAX_NAME_LENGTH), header.size);
                    return;
                }
                if (!message || message.type !== "end") return;  // unknown text messages are ignored
                finished = true;
                const bytes = buffer.subarray(0, Math.min(received, header.size));
                const sha256 = await sha256Hex(bytes);
                const ok = !overflow && received === header.size && sha256 === header.sha256.toLowerCase();
                this.progress(transfer, received);
                const file = {
                    name: transfer.name, size: received, sha256, ok, bytes, url: null, from: this.peerName,
                    transfer: transfer.id,
                };
                if (ok) file.url = URL.createObjectURL(new Blob([bytes], { type: "application/octet-stream" }));
                this.receivedFiles.push(file);
                this.finishTransfer(transfer, ok ? "done" : "failed");
                reply(sha256, ok);
            });
            channel.addEventListener("close", () => {
                this.channels.delete(channel);
                if (transfer && !finished) this.finishTransfer(transfer, "failed");
            });
        }

        /// The call ended: every channel is closed (the peer connection's close does it too).
        close() {
            this.state = "closed";
            for (const channel of this.channels) channel.close();
            this.channels.clear();
            for (const transfer of this.fileProgress) {
                if (transfer.state === "sending" || transfer.state === "receiving") transfer.state = "failed";
            }
            this.onChange();
        }
    }

    function isFileHeader(message) {
        return message !== null && typeof message === "object" && message.type === "file" &&
            typeof message.name === "string" && Number.isSafeInteger(message.size) && message.size >= 0 &&
            message.size <= MAX_RECEIVE_BYTES && typeof message.sha256 === "string" &&
            /^[0-9a-fA-F]{64}$/.test(message.sha256);
    }

    function parseJSON(text) {
        try {
            return JSON.parse(text);
        } catch (error) {
            return null;
        }
    }

    async function toBytes(data) {
        if (data instanceof Uint8Array) return data;
        if (data instanceof ArrayBuffer) return new Uint8Array(data);
        if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        if (data && typeof data.arrayBuffer === "function") return new Uint8Array(await data.arrayBuffer());
        throw new TypeError("sendFile wants a Uint8Array, an ArrayBuffer or a Blob");
    }

    function opened(channel) {
        if (channel.readyState === "open") return Promise.resolve();
        return new Promise((resolve, reject) => {
            channel.addEventListener("open", () => resolve(), { once: true });
            channel.addEventListener("close", () => reject(new Error("the file channel closed before it opened")),
                { once: true });
        });
    }

    function bufferedAmountLow(channel) {
        return new Promise((resolve, reject) => {
            const done = () => {
                channel.removeEventListener("bufferedamountlow", done);
                channel.removeEventListener("close", closed);
                resolve();
            };
            const closed = () => {
                channel.removeEventListener("bufferedamountlow", done);
                reject(new Error("the file channel closed while sending"));
            };
            channel.addEventListener("bufferedamountlow", done);
            channel.addEventListener("close", closed, { once: true });
        });
    }

    /// The first text message of `type` on the channel, parsed; rejects when the channel closes first.
    function firstTextMessage(channel, type) {
        return new Promise((resolve, reject) => {
            const onMessage = (event) => {
                const message = typeof event.data === "string" ? parseJSON(event.data) : null;
                if (!message || message.type !== type) return;
                channel.removeEventListener("message", onMessage);
                resolve(message);
            };
            channel.addEventListener("message", onMessage);
            channel.addEventListener("close", () => reject(new Error(`the file channel closed before "${type}"`)),
                { once: true });
        });
    }

    // --- SHA-256 ---

    /// Lower-case hex SHA-256 of the bytes: WebCrypto where the page has it (secure contexts, which include
    /// http://127.0.0.1 and http://localhost), else the pure-JS implementation below.
    async function sha256Hex(bytes) {
        const subtle = global.crypto && global.isSecureContext !== false ? global.crypto.subtle : undefined;
        if (subtle && typeof subtle.digest === "function") {
            try {
                return toHex(new Uint8Array(await subtle.digest("SHA-256", bytes)));
            } catch (error) {
                // fall through to the pure-JS digest
            }
        }
        return sha256js(bytes);
    }

    const K = new Uint32Array([
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]);

    /// SHA-256 (FIPS 180-4) in plain JavaScript, for pages without WebCrypto; hex digest.
    function sha256js(bytes) {
        const H = new Uint32Array([
            0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
        ]);
        const W = new Uint32Array(64);
        const compress = (view, offset) => {
            for (let t = 0; t < 16; t++) W[t] = view.getUint32(offset + 4 * t);
            for (let t = 16; t < 64; t++) {
                const w15 = W[t - 15], w2 = W[t - 2];
                const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
                const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
                W[t] = (W[t - 16] + s0 + W[t - 7] + s1) | 0;
            }
            let a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
            for (let t = 0; t < 64; t++) {
                const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
                const ch = (e & f) ^ (~e & g);
                const t1 = (h + S1 + ch + K[t] + W[t]) | 0;
                const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
                const maj = (a & b) ^ (a & c) ^ (b & c);
                const t2 = (S0 + maj) | 0;
                h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
            }
            H[0] += a; H[1] += b; H[2] += c; H[3] += d; H[4] += e; H[5] += f; H[6] += g; H[7] += h;
        };
        const length = bytes.length;
        const whole = length - (length % 64);
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        for (let offset = 0; offset < whole; offset += 64) compress(view, offset);
        // The last partial block, 0x80, zeros, and the length in bits as a 64-bit big-endian number.
        const rest = length - whole;
        const tail = new Uint8Array(rest + 9 <= 64 ? 64 : 128);
        tail.set(bytes.subarray(whole));
        tail[rest] = 0x80;
        const tailView = new DataView(tail.buffer);
        tailView.setUint32(tail.length - 8, Math.floor(length / 0x20000000));
        tailView.setUint32(tail.length - 4, (length * 8) >>> 0);
        for (let offset = 0; offset < tail.length; offset += 64) compress(tailView, offset);
        return toHex(bigEndian(H));
    }

    function bigEndian(words) {
        const out = new Uint8Array(words.length * 4);
        const view = new DataView(out.buffer);
        words.forEach((word, i) => view.setUint32(4 * i, word));
        return out;
    }

    function toHex(bytes) {
        let hex = "";
        for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
        return hex;
    }

    /// "1.2 MB" style sizes for the progress display.
    function formatBytes(n) {
        if (n < 1000) return `${n} B`;
        const units = ["kB", "MB", "GB"];
        let value = n;
        let unit = -1;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit += 1;
        }
        return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
    }

    LinkUpData.sha256Hex = sha256Hex;
    LinkUpData.sha256js = sha256js;
    LinkUpData.formatBytes = formatBytes;
    LinkUpData.CHUNK_BYTES = CHUNK_BYTES;
    LinkUpData.LOW_WATER = LOW_WATER;
    LinkUpData.HIGH_WATER = HIGH_WATER;
    global.LinkUpData = LinkUpData;
})(window);
