import Wire

/// A complete user message, as the association delivers it.
struct ReceivedMessage {
    var stream: UInt16
    var ppid: UInt32
    var payload: [UInt8]
}

/// Turns DATA chunks back into messages (RFC 9260 §6.5, §6.9): fragments are joined by consecutive TSNs between
/// a B and an E chunk; ordered messages wait for their stream's next SSN, unordered ones go out as soon as they
/// are whole.
///
/// A fragment is kept as a slice of its packet (no copy); a message is copied once, into the array handed to the
/// application. Completion is checked only when an E fragment arrives or a hole is filled, so a message of n
/// fragments arriving in order costs O(n), not O(n²).
struct ReassemblyQueue {
    private struct Fragment {
        var stream: UInt16
        var ssn: UInt16
        var ppid: UInt32
        var unordered: Bool
        var beginning: Bool
        var ending: Bool
        var payload: ArraySlice<UInt8>
    }

    private var fragments: [UInt32: Fragment] = [:]
    /// Complete ordered messages waiting for an earlier SSN, per stream and SSN.
    private var waiting: [UInt16: [UInt16: ReceivedMessage]] = [:]
    /// The next SSN to deliver, per stream (absent: 0).
    private var expectedSSN: [UInt16: UInt16] = [:]
    /// The highest TSN seen in a fragment: an earlier TSN arriving fills a hole.
    private var highestTSN: UInt32?
    /// Bytes held (fragments and waiting messages): what our advertised window subtracts.
    private(set) var bufferedBytes = 0
    /// Messages larger than this are dropped when complete.
    let maxMessageSize: Int

    init(maxMessageSize: Int) { self.maxMessageSize = maxMessageSize }

    /// Takes one new (not duplicate) DATA chunk; appends any messages it completes, in delivery order.
    mutating func add(_ chunk: DataChunk, into delivered: inout [ReceivedMessage]) {
        defer { if highestTSN.map({ $0.precedes(chunk.tsn) }) ?? true { highestTSN = chunk.tsn } }
        if chunk.beginning && chunk.ending {
            let message = ReceivedMessage(stream: chunk.stream, ppid: chunk.ppid, payload: Array(chunk.payload))
            complete(message, ssn: chunk.ssn, unordered: chunk.unordered, into: &delivered)
            return
        }
        fragments[chunk.tsn] = Fragment(stream: chunk.stream, ssn: chunk.ssn, ppid: chunk.ppid,
                                        unordered: chunk.unordered, beginning: chunk.beginning,
                                        ending: chunk.ending, payload: chunk.payload)
        bufferedBytes += chunk.payload.count
        let fillsHole = highestTSN.map { chunk.tsn.precedes($0) } ?? false
        guard chunk.ending || fillsHole else { return }
        assemble(around: chunk.tsn, into: &delivered)
    }

    /// Looks for a whole message through `tsn`: back to its B fragment, forward to its E fragment.
    private mutating func assemble(around tsn: UInt32, into delivered: inout [ReceivedMessage]) {
        guard let middle = fragments[tsn] else { return }
        var first = tsn
        var size = middle.payload.count
        var fragment = middle
        while !fragment.beginning {
            guard let previous = fragments[first &- 1], previous.stream == middle.stream,
                  previous.unordered == middle.unordered, !previous.ending else { return }
            first &-= 1
            size += previous.payload.count
            fragment = previous
        }
        var last = tsn
        fragment = middle
        while !fragment.ending {
            guard let next = fragments[last &+ 1], next.stream == middle.stream,
                  next.unordered == middle.unordered, !next.beginning else { return }
            last &+= 1
            size += next.payload.count
            fragment = next
        }
        var payload: [UInt8] = []
        let keep = size <= maxMessageSize
        if keep { payload.reserveCapacity(size) }
        var current = first
        var ppid = middle.ppid
        while true {
            if let piece = fragments.removeValue(forKey: current) {
                if current == first { ppid = piece.ppid }
                if keep { payload.append(contentsOf: piece.payload) }
            }
            if current == last { break }
            current &+= 1
        }
        bufferedBytes -= size
        // RFC 8831 §6.6: a message above our a=max-message-size is dropped rather than delivered.
        guard keep else { return }
        complete(ReceivedMessage(stream: middle.stream, ppid: ppid, payload: payload), ssn: middle.ssn,
                 unordered: middle.unordered, into: &delivered)
    }

    private mutating func complete(_ message: ReceivedMessage, ssn: UInt16, unordered: Bool,
                                   into delivered: inout [ReceivedMessage]) {
        if unordered {
            delivered.append(message)
            return
        }
        let expected = expectedSSN[message.stream] ?? 0
        if ssn == expected {
            delivered.append(message)
            expectedSSN[message.stream] = expected &+ 1
            releaseWaiting(stream: message.stream, into: &delivered)
        } else if expected.precedes(ssn) {
            bufferedBytes += message.payload.count
            waiting[message.stream, default: [:]][ssn] = message
        }
        // An SSN before the expected one is a message already delivered or skipped: dropped.
    }

    private mutating func releaseWaiting(stream: UInt16, into delivered: inout [ReceivedMessage]) {
        guard var queue = waiting[stream], !queue.isEmpty else { return }
        var expected = expectedSSN[stream] ?? 0
        while let message = queue.removeValue(forKey: expected) {
            bufferedBytes -= message.payload.count
            delivered.append(message)
            expected &+= 1
        }
        expectedSSN[stream] = expected
        waiting[stream] = queue.isEmpty ? nil : queue
    }

    /// FORWARD TSN (RFC 3758 §3.6): drops fragments up to `cumulativeTSN`, skips each listed stream past its SSN,
    /// and delivers ordered messages that were only waiting for the skipped ones.
    mutating func forward(to cumulativeTSN: UInt32, skips: [ForwardTSNChunk.StreamSkip],
                          into delivered: inout [ReceivedMessage]) {
        if !fragments.isEmpty {
            for (tsn, fragment) in fragments where tsn.precedesOrEquals(cumulativeTSN) {
                bufferedBytes -= fragment.payload.count
                fragments[tsn] = nil
            }
        }
        for skip in skips {
            let expected = expectedSSN[skip.stream] ?? 0
            guard !skip.ssn.precedes(expected) else { continue }
            if var queue = waiting[skip.stream] {
                for (ssn, message) in queue where !skip.ssn.precedes(ssn) {
                    bufferedBytes -= message.payload.count
                    queue[ssn] = nil
                }
                waiting[skip.stream] = queue
            }
            expectedSSN[skip.stream] = skip.ssn &+ 1
            releaseWaiting(stream: skip.stream, into: &delivered)
        }
    }

    /// Incoming stream reset (RFC 6525 §5.2.2): the streams start again at SSN 0.
    mutating func reset(streams: [UInt16]) {
        for stream in streams {
            expectedSSN[stream] = nil
            if let queue = waiting.removeValue(forKey: stream) {
                bufferedBytes -= queue.values.reduce(0) { $0 + $1.payload.count }
            }
        }
    }
}
