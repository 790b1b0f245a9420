import Wire

/// A DATA chunk sent and not yet covered by the peer's cumulative TSN ack.
struct SentChunk {
    enum State: Equatable {
        /// Sent and counted in the flight size.
        case inFlight
        /// Reported received by a gap block; no longer in flight.
        case gapAcked
        /// Waiting in the retransmission queue; not in flight.
        case needsRetransmit
        /// Given up under partial reliability (RFC 3758 §3.5); skipped by FORWARD TSN.
        case abandoned
    }

    var tsn: UInt32
    var stream: UInt16
    var ssn: UInt16
    var ppid: UInt32
    var unordered: Bool
    var beginning: Bool
    var ending: Bool
    /// A slice of the sender's message: retransmissions re-send it without a copy.
    var payload: ArraySlice<UInt8>
    /// Bytes this chunk counts toward its stream's buffered amount (0 for the placeholder byte of an empty message).
    var bufferedBytes: Int
    var messageID: UInt64
    var maxRetransmits: UInt16?
    var expiry: Instant?
    var state: State = .inFlight
    var transmissions = 1
    var lastSent: Instant
    var missIndications = 0
    var fastRetransmitted = false

    /// Bytes the chunk occupies in flight: RFC 9260 §6.1 counts DATA chunks, header included.
    var flightBytes: Int { payload.count + DataChunk.headerSize }
    var isAcknowledgedOrAbandoned: Bool { state == .gapAcked || state == .abandoned }
}

/// The chunks between the peer's cumulative TSN ack and our next TSN, indexed by TSN in O(1).
///
/// A ring of the outstanding window: the chunk for TSN t sits at `head + (t - firstTSN)`. Acknowledged chunks
/// leave from the front as the cumulative ack advances; new ones join at the back. The storage is compacted only
/// when the dead prefix outgrows the live part, so each chunk is moved O(1) times overall.
struct SentChunkQueue {
    private var storage: [SentChunk] = []
    private var head = 0
    /// The TSN of the first chunk held (the cumulative ack point + 1).
    private(set) var firstTSN: UInt32

    init(firstTSN: UInt32) { self.firstTSN = firstTSN }

    var count: Int { storage.count - head }
    var isEmpty: Bool { head >= storage.count }
    /// The TSN after the last chunk held.
    var endTSN: UInt32 { firstTSN &+ UInt32(truncatingIfNeeded: count) }

    /// The index of `tsn` in the window, or nil when it is not held.
    @inline(__always)
    func index(of tsn: UInt32) -> Int? {
        let offset = Int(tsn &- firstTSN)
        return offset < count ? head + offset : nil
    }

    subscript(index: Int) -> SentChunk {
        get { storage[index] }
        _modify { yield &storage[index] }
    }

    /// Indices of the held chunks, oldest first.
    var indices: Range<Int> { head..<storage.count }

    /// Appends the chunk for `endTSN`.
    mutating func append(_ chunk: SentChunk) {
        precondition(chunk.tsn == endTSN, "TSNs are assigned in order by the sender")
        storage.append(chunk)
    }

    /// Removes and returns the oldest chunk.
    mutating func removeFirst() -> SentChunk {
        let chunk = storage[head]
        head += 1
        firstTSN &+= 1
        if head == storage.count {
            storage.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 256 && head * 2 >= storage.count {
            storage.removeSubrange(0..<head)
            head = 0
        }
        return chunk
    }

    /// The oldest chunk, if any.
    var first: SentChunk? { isEmpty ? nil : storage[head] }
}
