import ArgumentParser
import Foundation
import MediaSession
import Peer
import PeerRuntime
import Wire

/// Follows a probe's peer events: connection, failure, and RTP received per media kind.
actor ProbeTracker: ChangeWaiting {
    private(set) var connectedAt: Instant?
    private(set) var failure: String?
    private var receivedByMid: [String: Int] = [:]
    private var kinds: [String: String] = [:]
    var waiters: [CheckedContinuation<Void, Never>] = []
    /// The call media that also follows the events, in `--send-media` / `--record` mode.
    private var media: CallMedia?
    /// Candidate lines held back until our description is printed (the other side needs its ufrag first).
    private var heldCandidates: [[String: Any]]? = []

    /// Our description is out: trickled candidates are printed from now on, the held ones first.
    func descriptionEmitted() {
        for line in heldCandidates ?? [] { emit(line) }
        heldCandidates = nil
    }

    private func trickle(_ line: [String: Any]) {
        if heldCandidates != nil { heldCandidates?.append(line) } else { emit(line) }
    }

    /// Hands every event to `media` too (set before `consume` starts, so none is missed).
    func setMedia(_ media: CallMedia) { self.media = media }

    /// Hands data channel events to `driver` (`--data`).
    func setDataDriver(_ driver: ProbeDataDriver) { dataDriver = driver }
    private var dataDriver: ProbeDataDriver?

    func consume(_ events: AsyncStream<CallEvent>) async {
        for await case let .peer(event) in events {
            if let media { await media.handle(event) }
            switch event {
            case .connectionStateChanged(.connected):
                if connectedAt == nil { connectedAt = RuntimeClock.now() }
                wakeWaiters()
            case let .failed(error):
                failure = error.description
                wakeWaiters()
            case let .rtp(mid, _):
                receivedByMid[mid.rawValue, default: 0] += 1
            case let .connectionStateChanged(state):
                printError("linkup probe: connection \(state.rawValue)")
            case let .iceStateChanged(state):
                printError("linkup probe: ICE \(state.rawValue)")
            case let .selectedPairChanged(pair):
                printError("linkup probe: selected pair \(pair)")
            case let .dtlsConnected(profile):
                printError("linkup probe: DTLS connected, \(profile)")
            case let .localCandidate(candidate, mid, index):
                trickle(["type": "candidate", "candidate": candidate.candidateString, "sdpMid": mid.rawValue,
                         "sdpMLineIndex": index])
            case .localCandidatesComplete:
                trickle(["type": "candidate", "candidate": NSNull()])
            case let .iceServerError(sentence):
                printError("linkup probe: \(sentence)")
            case let .dataChannel(event):
                await dataDriver?.handle(event)
            default:
                break
            }
        }
        wakeWaiters()
    }

    /// When the peer connected, waiting up to `timeout` seconds; nil on failure or time-out.
    func waitForConnection(timeout: Double) async -> Instant? {
        let deadline = RuntimeClock.now() + .milliseconds(Int64(timeout * 1000))
        while connectedAt == nil, failure == nil, RuntimeClock.now() < deadline {
            await waitForChange(upTo: .milliseconds(100))
        }
        return connectedAt
    }

    func setKinds(_ kinds: [String: String]) { self.kinds = kinds }

    /// Packets received, keyed by media kind ("audio", "video").
    func snapshot() -> [String: Int] {
        var byKind: [String: Int] = [:]
        for (mid, count) in receivedByMid { byKind[kinds[mid] ?? mid, default: 0] += count }
        for kind in kinds.values where byKind[kind] == nil { byKind[kind] = 0 }
        return byKind
    }
}

/// Reads JSON-line messages from standard input on a thread of its own (reading blocks), from the start to the end
/// of input. Trickled candidates (`{"type":"candidate","candidate":...}`, null for end-of-candidates) go to
/// `onCandidate` as they arrive, whatever the probe is waiting for; other messages queue for `message(type:)`.
actor LineReader {
    /// A message with its type and, for descriptions, the SDP.
    struct Message: Sendable {
        var type: String
        var sdp: String
        var candidate: String?
        /// The whole line, for commands with more fields (`ProbeDataDriver`).
        var line = ""
    }

    private var queue: [Message] = []
    private var waiter: CheckedContinuation<Message?, Never>?
    private var finished = false
    private let onCandidate: @Sendable (String?) async -> Void

    /// Starts reading standard input; `onCandidate` receives each trickled candidate (nil: end-of-candidates).
    init(onCandidate: @escaping @Sendable (String?) async -> Void) {
        self.onCandidate = onCandidate
        Thread { [weak self] in
            while let line = readLine() {
                let semaphore = DispatchSemaphore(value: 0)
                Task {
                    await self?.received(line)
                    semaphore.signal()
                }
                semaphore.wait()
            }
            Task { await self?.finish() }
        }.start()
    }

    private func received(_ line: String) async {
        guard let data = line.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let type = object["type"] as? String else {
            printError("linkup probe: ignoring input that is not a JSON message: \(line.prefix(80))")
            return
        }
        if type == "candidate" {
            await onCandidate(object["candidate"] as? String)
            return
        }
        let message = Message(type: type, sdp: object["sdp"] as? String ?? "", line: line)
        if let waiter {
            self.waiter = nil
            waiter.resume(returning: message)
        } else {
            queue.append(message)
        }
    }

    private func finish() {
        finished = true
        waiter?.resume(returning: nil)
        waiter = nil
    }

    private func next() async -> Message? {
        if !queue.isEmpty { return queue.removeFirst() }
        if finished { return nil }
        return await withCheckedContinuation { waiter = $0 }
    }

    /// The next message of any type; nil at the end of input.
    func nextMessage() async -> Message? { await next() }

    /// The next message of `type`; other messages are skipped. Throws on end of input unless `allowEOF`.
    func message(type: String, allowEOF: Bool = false) async throws -> Message {
        while let message = await next() {
            if message.type == type { return message }
        }
        if allowEOF { return Message(type: type, sdp: "") }
        printError("linkup probe: input ended while waiting for \"\(type)\"")
        throw ExitCode.failure
    }
}
