import Foundation
import MediaSession
import Peer
import PeerRuntime
import SCTP
import Wire

/// The data channels of one call leg, speaking the web client's protocol (datachannel.js, `FileTransferMessage`):
/// a `chat` channel of text lines, and a `file` channel per file (header, 16 KiB chunks, end, the receiver's
/// verdict, then the sender closes). It is driven by the leg's `PeerEvent.dataChannel` events and acts on the
/// leg's `Peer` through its runtime.
///
/// Sending follows the web client's flow control: nothing more is queued while more than 4 MiB is buffered, and
/// sending resumes on `bufferedAmountLow` (threshold 1 MiB). Received files are written to a hidden temporary
/// file and renamed only once size and SHA-256 check out (`IncomingFile`).
actor DataChannelSession: ChangeWaiting {
    /// What a channel of this call is used for.
    private enum Use {
        case chat
        /// An echo bot's channel: what arrives goes back.
        case echo
        case incoming(IncomingTransfer)
        case outgoing
    }

    /// A file being received on one channel.
    private final class IncomingTransfer {
        var file: IncomingFile?
        /// The verdict went out (or the transfer was refused): what else arrives is ignored.
        var finished = false
        var startedAt = RuntimeClock.now()
        var progress: TransferProgress?
    }

    /// A file being sent on one channel, as its events report.
    private struct OutgoingState {
        var opened = false
        var closed = false
        /// `bufferedAmountLow` events so far (a sender waits for the count to change).
        var lowSignals = 0
        var verdict: (sha256: String, ok: Bool)?
    }

    let remoteName: String
    private let runtime: MachineRuntime<CallMachine>
    private let plan: DataChannelPlan
    var waiters: [CheckedContinuation<Void, Never>] = []
    private var channels: [UInt16: Use] = [:]
    private var outgoing: [UInt16: OutgoingState] = [:]
    private var chatID: UInt16?
    private var chatOpen = false
    /// Chat lines typed before the chat channel opened.
    private var pendingChat: [String] = []
    /// The SCTP association is up.
    private(set) var associationUp = false
    /// The call ended: transfers stop, nothing more is sent.
    private var ended = false
    private var activeSends = 0
    /// Files given to `sendFiles` and not started yet.
    private var queuedFiles = 0
    private var summary = DataChannelSummary()

    /// The data channels of the call whose peer `runtime` runs, with `remoteName`.
    init(runtime: MachineRuntime<CallMachine>, remoteName: String, plan: DataChannelPlan) {
        self.runtime = runtime
        self.remoteName = remoteName
        self.plan = plan
    }

    /// Files being sent or received right now (a call waits for them before hanging up). Files waiting to be
    /// sent count only once the association is up: without data channels there is nothing to wait for.
    var transfersInFlight: Int {
        (associationUp ? activeSends + queuedFiles : 0) + channels.values.filter {
            if case let .incoming(transfer) = $0 { return transfer.file != nil && !transfer.finished }
            return false
        }.count
    }

    // MARK: Chat

    /// Creates the `chat` channel: the caller does it before its offer, so the offer carries `m=application`.
    func openChat() async {
        do {
            let id = try await runtime.withPeer { peer, now in
                try peer.createDataChannel(DataChannelOptions(label: FileTransferMessage.chatLabel), now: now)
            }
            if let id { useChat(id) }
        } catch {
            printError("\(plan.logTag): could not open the chat channel: \(error)")
        }
    }

    /// Sends one chat line (empty lines are skipped); before the chat channel is open it waits for it.
    func sendChat(_ line: String) async {
        let line = line.trimmingCharacters(in: CharacterSet(charactersIn: "\r\n"))
        guard !line.isEmpty, !ended else { return }
        guard chatOpen, let chatID else {
            pendingChat.append(line)
            return
        }
        if await send(.text(line), on: chatID) { summary.chatLinesSent += 1 }
    }

    private func useChat(_ id: UInt16) {
        chatID = id
        channels[id] = .chat
    }

    private func chatOpened() async {
        chatOpen = true
        let waiting = pendingChat
        pendingChat.removeAll()
        for line in waiting { await sendChat(line) }
    }

    private func chatReceived(_ message: DataChannelMessage) {
        guard case let .text(text) = message else { return }  // chat is text only
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            summary.chatLinesReceived += 1
            if plan.chatToStandardOutput {
                FileHandle.standardOutput.write(Data("\(remoteName): \(line)\n".utf8))
            } else if plan.role == .person {
                printError("\(remoteName): \(line)")
            } else {
                printError("\(plan.logTag): chat from \(remoteName): \(line)")
            }
        }
    }

    // MARK: Events

    /// One event of the leg's data channels.
    func handle(_ event: DataChannelEvent) async {
        switch event {
        case .connected:
            associationUp = true
            summary.negotiated = true
        case let .opened(id, label, _, remotelyCreated):
            summary.negotiated = true
            await opened(id, label: label, remotelyCreated: remotelyCreated)
        case let .message(id, message):
            summary.messagesReceived += 1
            summary.bytesReceived += message.byteCount
            await received(message, on: id)
        case let .bufferedAmountLow(id):
            outgoing[id]?.lowSignals += 1
        case let .closed(id):
            closed(id)
        case let .failed(error):
            // The other side closing its peer connection aborts the association: the end of a call, not a
            // failure, unless files were still going.
            let closing: Bool
            if case .abortedByPeer = error { closing = true } else { closing = false }
            if !ended, !closing || transfersInFlight > 0 {
                summary.failure = "\(error)"
                printError("\(plan.logTag): the data channels with \(remoteName) failed: \(error)")
            }
            for id in Array(channels.keys) {
                closed(id, reason: closing ? "the other side closed the call" : "the data channels failed")
            }
        }
        wakeWaiters()
    }

    private func opened(_ id: UInt16, label: String, remotelyCreated: Bool) async {
        if !remotelyCreated {
            if label == FileTransferMessage.chatLabel, chatID == nil || chatID == id {
                useChat(id)
                await chatOpened()
            } else if label == FileTransferMessage.channelLabel {
                channels[id] = .outgoing
                outgoing[id, default: OutgoingState()].opened = true
            }
            return
        }
        if label == FileTransferMessage.channelLabel {
            channels[id] = .incoming(IncomingTransfer())
        } else if plan.role == .echo {
            channels[id] = .echo
        } else if label == FileTransferMessage.chatLabel, chatID == nil {
            useChat(id)
            await chatOpened()
        } else {
            printError("\(plan.logTag): closing the data channel \"\(label)\" from \(remoteName) (only one chat " +
                       "channel and file channels are used)")
            await runtime.withPeer { peer, now in peer.closeDataChannel(id, now: now) }
        }
    }

    private func received(_ message: DataChannelMessage, on id: UInt16) async {
        switch channels[id] {
        case .chat:
            if plan.role == .echo {
                _ = await send(message, on: id)
            } else {
                chatReceived(message)
            }
        case .echo:
            _ = await send(message, on: id)
        case let .incoming(transfer):
            await receivedFileMessage(message, transfer: transfer, on: id)
        case .outgoing:
            if case let .text(text) = message, case let .received(sha256, ok)? = FileTransferMessage(parsing: text) {
                outgoing[id]?.verdict = (sha256, ok)
            }
        case nil:
            break
        }
    }

    private func closed(_ id: UInt16, reason: String = "the channel closed before the end of the file") {
        switch channels.removeValue(forKey: id) {
        case .chat:
            chatID = nil
            chatOpen = false
        case let .incoming(transfer):
            cutOff(transfer, reason: reason)
        default:
            break
        }
        outgoing[id]?.closed = true
    }

    // MARK: Receiving files

    private func receivedFileMessage(_ message: DataChannelMessage, transfer: IncomingTransfer,
                                     on id: UInt16) async {
        guard !transfer.finished else { return }
        switch message {
        case let .binary(bytes):
            guard let file = transfer.file else {
                printError("\(plan.logTag): a file channel from \(remoteName) sent data before its header")
                await reply(sha256: "", ok: false, transfer: transfer, on: id)
                return
            }
            file.write(bytes)
            transfer.progress?.update(file.received)
        case let .text(text):
            let parsed = FileTransferMessage(parsing: text)
            if transfer.file == nil {
                await start(transfer, header: parsed, text: text, on: id)
            } else if parsed == .end, let file = transfer.file {
                let outcome = file.finish()
                await reply(sha256: outcome.sha256, ok: outcome.ok, transfer: transfer, on: id)
                let verdict = outcome.ok ? "verified" : (outcome.problem ?? "failed")
                record(transfer, file: file, ok: outcome.ok, verdict: verdict, savedPath: outcome.savedPath)
            }
        }
    }

    /// The first message on a file channel: a header starts the transfer; anything else, or a file this side
    /// does not take, gets a negative verdict at once.
    private func start(_ transfer: IncomingTransfer, header: FileTransferMessage?, text: String,
                       on id: UInt16) async {
        guard case let .header(name, size, sha256)? = header else {
            printError("\(plan.logTag): a file channel from \(remoteName) began with a bad header: " +
                       String(text.prefix(80)))
            await reply(sha256: "", ok: false, transfer: transfer, on: id)
            return
        }
        let sizeText = TransferProgress.formatBytes(size)
        guard plan.receiveDirectory != nil || plan.role == .echo else {
            printError("\(plan.logTag): refused the file \"\(name)\" (\(sizeText)) from \(remoteName): no receive " +
                       "directory (linkup call takes files only with --receive-dir DIR)")
            summary.files.append(.init(direction: "received", name: ReceivedFileName(announced: name).name,
                                       size: size, bytes: 0, ok: false, verdict: "refused", seconds: 0))
            await reply(sha256: "", ok: false, transfer: transfer, on: id)
            return
        }
        do {
            transfer.file = try IncomingFile(announcedName: name, size: size, sha256: sha256,
                                             directory: plan.receiveDirectory)
        } catch {
            printError("\(plan.logTag): cannot receive \"\(name)\" from \(remoteName): \(error)")
            await reply(sha256: "", ok: false, transfer: transfer, on: id)
            return
        }
        transfer.startedAt = RuntimeClock.now()
        printError("\(plan.logTag): receiving \"\(name)\" (\(sizeText)) from \(remoteName)" +
                   (plan.receiveDirectory == nil ? " (checking it, not keeping it)" : ""))
        if plan.showsProgress {
            transfer.progress = TransferProgress(title: "receiving \(transfer.file?.name.name ?? name)", total: size)
        }
    }

    private func reply(sha256: String, ok: Bool, transfer: IncomingTransfer, on id: UInt16) async {
        transfer.finished = true
        _ = await send(.text(FileTransferMessage.received(sha256: sha256, ok: ok).text), on: id)
    }

    /// The channel closed or the call ended before `end`: the temporary file is deleted.
    private func cutOff(_ transfer: IncomingTransfer, reason: String) {
        guard !transfer.finished, let file = transfer.file else { return }
        transfer.finished = true
        file.abandon()
        record(transfer, file: file, ok: false, verdict: "cut off: \(reason); nothing was kept", savedPath: nil)
    }

    private func record(_ transfer: IncomingTransfer, file: IncomingFile, ok: Bool, verdict: String,
                        savedPath: String?) {
        let seconds = (RuntimeClock.now() - transfer.startedAt).milliseconds / 1000
        let entry = DataChannelSummary.FileRecord(direction: "received", name: file.name.name,
                                                  size: file.expectedSize, bytes: file.received, ok: ok,
                                                  verdict: verdict, savedPath: savedPath, seconds: seconds)
        summary.files.append(entry)
        let sentence = "\(plan.logTag): from \(remoteName): file \(entry.line)"
        if transfer.progress != nil {
            transfer.progress?.finish(sentence)
        } else {
            printError(sentence)
        }
    }

    // MARK: Sending

    /// Sends one message on channel `id`; false (with a line on standard error) when the peer refuses it.
    private func send(_ message: DataChannelMessage, on id: UInt16) async -> Bool {
        do {
            try await runtime.withPeer { peer, now in try peer.sendData(message, on: id, now: now) }
            summary.messagesSent += 1
            summary.bytesSent += message.byteCount
            return true
        } catch {
            if !ended { printError("\(plan.logTag): \(error)") }
            return false
        }
    }

    /// Sends the files one after the other (`sendFile`); those not started yet count as in flight.
    func sendFiles(_ paths: [String]) async {
        queuedFiles += paths.count
        for path in paths {
            queuedFiles -= 1
            await sendFile(path)
        }
    }

    /// Sends the file at `path` on a new `file` channel once the association is up, with progress on standard
    /// error, and returns how it went (the receiver's verdict).
    @discardableResult
    func sendFile(_ path: String) async -> DataChannelSummary.FileRecord {
        activeSends += 1
        defer {
            activeSends -= 1
            wakeWaiters()
        }
        var sender = FileSender(path: path)
        while !associationUp, !ended, summary.failure == nil { await waitForChange(upTo: .milliseconds(100)) }
        guard associationUp, !ended else { return finish(&sender, verdict: "not sent: no data channel connected") }
        let digest: (size: Int, sha256: String)
        do {
            digest = try await Task.detached { try FileSender.digest(of: path) }.value
        } catch {
            return finish(&sender, verdict: "not sent: \(error)")
        }
        sender.size = digest.size
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return finish(&sender, verdict: "not sent: cannot open \(path)")
        }
        defer { try? handle.close() }
        let id: UInt16
        do {
            let created = try await runtime.withPeer { peer, now in
                let id = try peer.createDataChannel(DataChannelOptions(label: FileTransferMessage.channelLabel),
                                                    now: now)
                if let id { peer.setBufferedAmountLowThreshold(FileTransferMessage.lowWater, for: id) }
                return id
            }
            guard let created else { return finish(&sender, verdict: "not sent: no data channel connected") }
            id = created
        } catch {
            return finish(&sender, verdict: "not sent: \(error)")
        }
        channels[id] = .outgoing
        if outgoing[id] == nil { outgoing[id] = OutgoingState() }
        sender.startedAt = RuntimeClock.now()
        if plan.showsProgress {
            sender.progress = TransferProgress(title: "sending \(sender.name) to \(remoteName)", total: digest.size)
        } else {
            printError("\(plan.logTag): sending \"\(sender.name)\" (\(TransferProgress.formatBytes(digest.size))) " +
                       "to \(remoteName)")
        }
        let header = FileTransferMessage.header(name: sender.name, size: digest.size, sha256: digest.sha256)
        guard await send(.text(header.text), on: id) else {
            return finish(&sender, verdict: "not sent: the file channel refused the header", closing: id)
        }
        if let problem = await sendChunks(from: handle, on: id, sender: &sender) {
            return finish(&sender, verdict: problem, closing: id)
        }
        guard await send(.text(FileTransferMessage.end.text), on: id) else {
            return finish(&sender, verdict: "cut off before the end", closing: id)
        }
        while outgoing[id]?.verdict == nil, outgoing[id]?.closed != true, !ended {
            let buffered = await runtime.withPeer { peer, _ in peer.bufferedAmount(of: id) }
            sender.progress?.update(max(0, sender.queued - buffered))
            await waitForChange(upTo: .milliseconds(250))
        }
        guard let verdict = outgoing[id]?.verdict else {
            return finish(&sender, verdict: ended ? "cut off: the call ended before the receiver's verdict"
                : "cut off: the channel closed before the receiver's verdict", closing: id)
        }
        sender.ok = verdict.ok && verdict.sha256 == digest.sha256
        return finish(&sender, verdict: sender.ok ? "verified" : (verdict.sha256.isEmpty ? "refused by \(remoteName)"
            : "\(remoteName) got SHA-256 \(verdict.sha256), not \(digest.sha256)"), closing: id)
    }

    /// Queues the file's chunks, a few per trip to the event loop, holding back above the high-water mark until
    /// `bufferedAmountLow`. Returns what went wrong, or nil when every byte is queued.
    private func sendChunks(from handle: FileHandle, on id: UInt16, sender: inout FileSender) async -> String? {
        while sender.queued < sender.size {
            if ended { return "cut off: the call ended" }
            if outgoing[id]?.closed == true { return "cut off: the channel closed" }
            if let verdict = outgoing[id]?.verdict {
                return verdict.ok ? "the receiver answered before the end" : "refused by \(remoteName)"
            }
            var batch: [[UInt8]] = []
            do {
                while batch.count < 8, let data = try handle.read(upToCount: FileTransferMessage.chunkBytes),
                      !data.isEmpty {
                    batch.append([UInt8](data))
                }
            } catch {
                return "reading the file failed: \(error)"
            }
            guard !batch.isEmpty else { return "the file shrank while it was being sent" }
            let lowBefore = outgoing[id]?.lowSignals ?? 0
            let chunks = batch
            let buffered: Int
            do {
                buffered = try await runtime.withPeer { peer, now in
                    for chunk in chunks { try peer.sendData(.binary(chunk), on: id, now: now) }
                    return peer.bufferedAmount(of: id)
                }
            } catch {
                return ended ? "cut off: the call ended" : "cut off: \(error)"
            }
            let bytes = batch.reduce(0) { $0 + $1.count }
            sender.queued += bytes
            summary.messagesSent += batch.count
            summary.bytesSent += bytes
            sender.progress?.update(max(0, sender.queued - buffered))
            if buffered > FileTransferMessage.highWater {
                while (outgoing[id]?.lowSignals ?? 0) == lowBefore, outgoing[id]?.closed != true, !ended {
                    await waitForChange(upTo: .milliseconds(250))
                }
            }
        }
        return nil
    }

    private func finish(_ sender: inout FileSender, verdict: String,
                        closing id: UInt16? = nil) -> DataChannelSummary.FileRecord {
        if let id {
            outgoing[id] = nil
            channels[id] = nil
            let runtime = self.runtime
            Task { await runtime.withPeer { peer, now in peer.closeDataChannel(id, now: now) } }
        }
        let seconds = sender.startedAt.map { (RuntimeClock.now() - $0).milliseconds / 1000 } ?? 0
        let entry = DataChannelSummary.FileRecord(direction: "sent", name: sender.name, size: sender.size,
                                                  bytes: sender.queued, ok: sender.ok, verdict: verdict,
                                                  seconds: seconds)
        summary.files.append(entry)
        let sentence = "\(plan.logTag): to \(remoteName): file \(entry.line)"
        if sender.progress != nil {
            sender.progress?.finish(sentence)
        } else {
            printError(sentence)
        }
        return entry
    }

    // MARK: End

    /// The call ended (`reason`): transfers still arriving are cut off and their temporary files deleted,
    /// senders stop. Returns what went over the data channels.
    func finish(reason: String) async -> DataChannelSummary {
        ended = true
        for id in Array(channels.keys) {
            if case let .incoming(transfer) = channels[id] { cutOff(transfer, reason: "the call ended (\(reason))") }
        }
        wakeWaiters()
        let deadline = RuntimeClock.now() + .seconds(3)
        while activeSends > 0, RuntimeClock.now() < deadline { await waitForChange(upTo: .milliseconds(100)) }
        return summary
    }
}
