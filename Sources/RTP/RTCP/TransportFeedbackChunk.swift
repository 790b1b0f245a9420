/// The reception state of one packet in transport-wide feedback
/// (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1.1).
public enum PacketStatus: UInt8, Equatable, Hashable, Sendable {
    /// The packet has not been received (yet).
    case notReceived = 0
    /// Received; its receive delta fits one unsigned byte (0...63.75 ms in 250 µs ticks).
    case receivedSmallDelta = 1
    /// Received; its receive delta needs two signed bytes (negative, or above 63.75 ms).
    case receivedLargeDelta = 2

    /// The status symbol for a received packet with a delta of `ticks` × 250 µs.
    public static func received(delta ticks: Int16) -> PacketStatus {
        (0...255).contains(ticks) ? .receivedSmallDelta : .receivedLargeDelta
    }

    /// True for either received status; such packets carry a receive delta.
    public var isReceived: Bool { self != .notReceived }
}

/// One packet status chunk of transport-wide feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01
/// §3.1.3, §3.1.4).
///
/// Run length chunk (T=0): one status S repeated `Run Length` times.
///
///      0                   1
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |T| S |       Run Length        |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///
/// Status vector chunk (T=1): fourteen 1-bit symbols (S=0: 0 not received, 1 small delta) or seven 2-bit
/// symbols (S=1), the first packet in the most significant position.
///
///      0                   1
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |T|S|       symbol list         |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public enum PacketStatusChunk: Equatable, Hashable, Sendable {
    /// `length` packets (at most 8191) with the same `status`.
    case runLength(PacketStatus, length: UInt16)
    /// Fourteen 1-bit symbols in the low 14 bits.
    case oneBitVector(UInt16)
    /// Seven 2-bit symbols in the low 14 bits.
    case twoBitVector(UInt16)

    /// Largest run a run-length chunk can carry.
    public static let maxRunLength: UInt16 = 0x1FFF

    /// Decodes a chunk; fails on the reserved status value 3.
    init(raw: UInt16) throws(RTPError) {
        if raw & 0x8000 == 0 {
            guard let status = PacketStatus(rawValue: UInt8(raw >> 13 & 0x3)) else {
                throw .invalidField("run-length chunk with the reserved status 3")
            }
            self = .runLength(status, length: raw & Self.maxRunLength)
        } else if raw & 0x4000 == 0 {
            self = .oneBitVector(raw & 0x3FFF)
        } else {
            for index in 0..<7 where raw >> (12 - 2 * index) & 0x3 == 3 {
                throw .invalidField("two-bit status vector with the reserved status 3")
            }
            self = .twoBitVector(raw & 0x3FFF)
        }
    }

    /// The 16-bit wire value.
    public var raw: UInt16 {
        switch self {
        case let .runLength(status, length): return UInt16(status.rawValue) << 13 | length & Self.maxRunLength
        case let .oneBitVector(bits): return 0x8000 | bits & 0x3FFF
        case let .twoBitVector(bits): return 0xC000 | bits & 0x3FFF
        }
    }

    /// How many packet statuses the chunk describes.
    public var symbolCount: Int {
        switch self {
        case let .runLength(_, length): return Int(length)
        case .oneBitVector: return 14
        case .twoBitVector: return 7
        }
    }

    /// The status of the `index`th packet the chunk describes (`index` < `symbolCount`).
    public func status(at index: Int) -> PacketStatus {
        switch self {
        case let .runLength(status, _):
            return status
        case let .oneBitVector(bits):
            return bits >> (13 - index) & 1 == 1 ? .receivedSmallDelta : .notReceived
        case let .twoBitVector(bits):
            // Reserved value 3 was rejected when the chunk was decoded or cannot be built by `vector(of:)`.
            return PacketStatus(rawValue: UInt8(truncatingIfNeeded: bits >> (12 - 2 * index) & 0x3)) ?? .notReceived
        }
    }

    /// A status vector of `statuses` (up to 14 one-bit symbols, which cannot say "large delta", or up to 7
    /// two-bit symbols), padded with "not received" symbols, which the status count tells a receiver to ignore.
    static func vector(of statuses: ArraySlice<PacketStatus>, twoBit: Bool) -> PacketStatusChunk {
        if !twoBit {
            var bits: UInt16 = 0
            for (index, status) in statuses.enumerated() where status.isReceived { bits |= 1 << (13 - index) }
            return .oneBitVector(bits)
        }
        var bits: UInt16 = 0
        for (index, status) in statuses.prefix(7).enumerated() {
            bits |= UInt16(status.rawValue) << (12 - 2 * index)
        }
        return .twoBitVector(bits)
    }

    /// Chunks describing `statuses`: long runs as run-length chunks, mixed stretches as the densest vector.
    static func chunks(for statuses: [PacketStatus]) -> [PacketStatusChunk] {
        var chunks: [PacketStatusChunk] = []
        var index = 0
        while index < statuses.count {
            var run = 1
            while index + run < statuses.count, run < Int(maxRunLength), statuses[index + run] == statuses[index] {
                run += 1
            }
            let oneBitWindow = statuses[index..<min(index + 14, statuses.count)]
            if run >= 14 || run == statuses.count - index {
                chunks.append(.runLength(statuses[index], length: UInt16(run)))
                index += run
            } else if !oneBitWindow.contains(.receivedLargeDelta) {
                chunks.append(vector(of: oneBitWindow, twoBit: false))
                index += oneBitWindow.count
            } else if run >= 7 {
                chunks.append(.runLength(statuses[index], length: UInt16(run)))
                index += run
            } else {
                let window = statuses[index..<min(index + 7, statuses.count)]
                chunks.append(vector(of: window, twoBit: true))
                index += window.count
            }
        }
        return chunks
    }
}
