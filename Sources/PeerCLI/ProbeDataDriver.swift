import Foundation
import MediaSession
import Peer
import PeerRuntime
import SCTP
import Wire

/// `linkup probe --data`: data channels driven by JSON lines, for interop tests and benchmarks.
///
/// Commands on standard input, after `connected`:
/// - `{"type":"open","label":"x","ordered":true,"maxRetransmits":0,"maxPacketLifeTime":100,"negotiated":false,
///   "id":4,"protocol":""}` opens a channel (all but the label optional) and prints `{"type":"created","label",
///   "id"}` (id null while the association is not up yet);
/// - `{"type":"send","id":1,"text":"..."}` or `{"type":"send","id":1,"binary":"<base64>"}` sends a message;
/// - `{"type":"bulk","id":1,"bytes":N,"chunk":16384}` sends N bytes in binary messages as fast as the channel's
///   buffer allows (above 4 MiB buffered it waits for the 1 MiB low mark) and prints `{"type":"bulkSent","id",
///   "bytes","seconds"}` when the last byte is acknowledged;
/// - `{"type":"close","id":1}` closes a channel; `{"type":"report"}` prints what arrived per channel and the
///   association's counters.
///
/// Events on standard output: `{"type":"channel","event":"opened|closed|bufferedAmountLow|failed|connected",...}`
/// and, unless `--data-quiet`, `{"type":"channel","event":"message","id","text"}` or `... "size","sha256"` for
/// binary messages (their first 64 bytes as `"head"` in base64).
actor ProbeDataDriver: ChangeWaiting {
    private let runtime: MachineRuntime<CallMachine>
    private let quiet: Bool
    private var received: [UInt16: (messages: Int, bytes: Int)] = [:]
    var waiters: [CheckedContinuation<Void, Never>] = []

    /// Buffered bytes above which `bulk` waits, and the low mark it waits for.
    static let highWater = 4 << 20
    static let lowWater = 1 << 20

    init(runtime: MachineRuntime<CallMachine>, quiet: Bool) {
        self.runtime = runtime
        self.quiet = quiet
    }

    /// One data channel event of the peer.
    func handle(_ event: DataChannelEvent) {
        switch event {
        case .connected:
            emit(["type": "channel", "event": "connected"])
        case let .opened(id, label, proto, remote):
            emit(["type": "channel", "event": "opened", "id": Int(id), "label": label, "protocol": proto,
                  "remotelyCreated": remote])
        case let .message(id, message):
            var count = received[id] ?? (0, 0)
            count.messages += 1
            switch message {
            case let .text(text):
                count.bytes += text.utf8.count
                if !quiet { emit(["type": "channel", "event": "message", "id": Int(id), "text": text]) }
            case let .binary(bytes):
                count.bytes += bytes.count
                if !quiet {
                    emit(["type": "channel", "event": "message", "id": Int(id), "size": bytes.count,
                          "sha256": SHA256Digest.hex(bytes), "head": Data(bytes.prefix(64)).base64EncodedString()])
                }
            }
            received[id] = count
        case let .bufferedAmountLow(id):
            if !quiet { emit(["type": "channel", "event": "bufferedAmountLow", "id": Int(id)]) }
        case let .closed(id):
            emit(["type": "channel", "event": "closed", "id": Int(id)])
        case let .failed(error):
            emit(["type": "channel", "event": "failed", "error": "\(error)"])
        }
        wakeWaiters()
    }

    /// Runs one command line (see the type's documentation).
    func run(_ line: String) async {
        guard let data = line.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let type = object["type"] as? String else { return }
        do {
            switch type {
            case "open": try await open(object)
            case "send": try await send(object)
            case "bulk": try await bulk(object)
            case "close":
                let id = UInt16(object["id"] as? Int ?? 0)
                await runtime.withPeer { peer, now in peer.closeDataChannel(id, now: now) }
            case "report": await report()
            default: printError("linkup probe: unknown data command \"\(type)\"")
            }
        } catch {
            emit(["type": "channel", "event": "error", "command": type, "error": "\(error)"])
        }
    }

    private func open(_ object: [String: Any]) async throws {
        var options = DataChannelOptions(label: object["label"] as? String ?? "")
        options.protocol = object["protocol"] as? String ?? ""
        options.ordered = object["ordered"] as? Bool ?? true
        options.maxRetransmits = (object["maxRetransmits"] as? Int).map { UInt16(clamping: $0) }
        options.maxPacketLifeTime = (object["maxPacketLifeTime"] as? Int).map { UInt16(clamping: $0) }
        options.negotiated = object["negotiated"] as? Bool ?? false
        options.id = (object["id"] as? Int).map { UInt16(clamping: $0) }
        let chosen = options
        let id = try await runtime.withPeer { peer, now in try peer.createDataChannel(chosen, now: now) }
        emit(["type": "created", "label": options.label, "id": id.map { Int($0) } as Any? ?? NSNull()])
    }

    private func send(_ object: [String: Any]) async throws {
        let id = UInt16(clamping: object["id"] as? Int ?? 0)
        let message: DataChannelMessage
        if let text = object["text"] as? String {
            message = .text(text)
        } else if let base64 = object["binary"] as? String, let bytes = Data(base64Encoded: base64) {
            message = .binary([UInt8](bytes))
        } else {
            throw CallError("send needs \"text\" or base64 \"binary\"")
        }
        try await runtime.withPeer { peer, now in try peer.sendData(message, on: id, now: now) }
    }

    private func bulk(_ object: [String: Any]) async throws {
        let id = UInt16(clamping: object["id"] as? Int ?? 0)
        let total = object["bytes"] as? Int ?? 0
        let chunk = max(1, min(object["chunk"] as? Int ?? 16_384, 262_144))
        let started = RuntimeClock.now()
        await runtime.withPeer { peer, _ in peer.setBufferedAmountLowThreshold(Self.lowWater, for: id) }
        var sent = 0
        let payload = (0..<chunk).map { UInt8(truncatingIfNeeded: $0) }
        while sent < total {
            let before = sent
            sent = try await runtime.withPeer { peer, now in
                var sent = before
                while sent < total, peer.bufferedAmount(of: id) < Self.highWater {
                    let size = min(chunk, total - sent)
                    try peer.sendData(.binary(size == chunk ? payload : Array(payload.prefix(size))), on: id, now: now)
                    sent += size
                }
                return sent
            }
            if sent < total { await waitUntilBuffered(id, atMost: Self.lowWater) }
        }
        // Done when everything is acknowledged.
        await runtime.withPeer { peer, _ in peer.setBufferedAmountLowThreshold(0, for: id) }
        await waitUntilBuffered(id, atMost: 0)
        let seconds = (RuntimeClock.now() - started).milliseconds / 1000
        emit(["type": "bulkSent", "id": Int(id), "bytes": total, "seconds": seconds])
    }

    /// Waits until channel `id` holds at most `limit` buffered bytes: woken by its bufferedAmountLow event, and
    /// looking again every 50 ms (the event may have come before this started waiting), or the channel closing.
    private func waitUntilBuffered(_ id: UInt16, atMost limit: Int) async {
        while true {
            let (buffered, open) = await runtime.withPeer { peer, _ in
                (peer.bufferedAmount(of: id), peer.dataChannel(id).map { $0.state != .closed } ?? false)
            }
            if buffered <= limit || !open { return }
            await waitForChange(upTo: .milliseconds(50))
        }
    }

    private func report() async {
        let stats = await runtime.withPeer { peer, _ in peer.dataChannelStats.map { "\($0)" } }
        var channels: [String: Any] = [:]
        for (id, count) in received { channels[String(id)] = ["messages": count.messages, "bytes": count.bytes] }
        emit(["type": "dataReport", "channels": channels, "association": stats as Any? ?? NSNull()])
    }
}
