import Wire

/// A message accepted by `send` whose fragments have not all been given TSNs yet.
struct OutgoingMessage {
    var stream: UInt16
    var ppid: UInt32
    var payload: [UInt8]
    var bufferedBytes: Int
    var options: SCTPSendOptions
    var expiry: Instant?
    var id: UInt64
    /// Bytes already fragmented into DATA chunks.
    var offset = 0
    /// The SSN, fixed when the first fragment goes out.
    var ssn: UInt16 = 0
}

/// A first-in first-out queue of outgoing messages (a ring over an array): the sender only ever looks at the head,
/// because fragments of one message must take consecutive TSNs (RFC 9260 §6.9).
struct MessageQueue {
    private var storage: [OutgoingMessage] = []
    private var head = 0

    var isEmpty: Bool { head >= storage.count }

    mutating func append(_ message: OutgoingMessage) { storage.append(message) }

    var first: OutgoingMessage? { isEmpty ? nil : storage[head] }

    /// Mutates the head message in place (its offset and SSN advance as fragments go out).
    mutating func withFirst<Result>(_ body: (inout OutgoingMessage) -> Result) -> Result {
        body(&storage[head])
    }

    mutating func removeFirst() -> OutgoingMessage {
        let message = storage[head]
        // Drop the payload reference now: sent chunks keep their own slices of it.
        storage[head].payload = []
        head += 1
        if head == storage.count {
            storage.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64 && head * 2 >= storage.count {
            storage.removeSubrange(0..<head)
            head = 0
        }
        return message
    }
}
