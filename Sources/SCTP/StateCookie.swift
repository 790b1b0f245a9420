import Wire

/// What this endpoint puts in the State Cookie of its INIT ACK (RFC 9260 §5.1.3): everything it needs to build
/// the association from the COOKIE ECHO alone, so answering an INIT keeps no state.
///
/// Layout (48 bytes, our own format; the peer treats it as opaque): our tag, the peer's tag, the peer's initial
/// TSN, its a_rwnd, its outbound and inbound stream counts, its extension flags, the creation time, and a
/// SipHash-2-4 MAC over all of it keyed by a secret drawn from the injected generator.
struct StateCookie: Equatable {
    var localTag: UInt32
    var peerTag: UInt32
    var peerInitialTSN: UInt32
    var peerReceiveWindow: UInt32
    var peerOutboundStreams: UInt16
    var peerInboundStreams: UInt16
    var peerSupportsForwardTSN: Bool
    var peerSupportsReconfig: Bool
    var created: Instant

    static let size = 40

    /// The cookie for the peer's INIT, signed.
    func encoded(key: (UInt64, UInt64)) -> [UInt8] {
        var writer = ByteWriter(capacity: Self.size)
        writer.write(localTag)
        writer.write(peerTag)
        writer.write(peerInitialTSN)
        writer.write(peerReceiveWindow)
        writer.write(peerOutboundStreams)
        writer.write(peerInboundStreams)
        writer.write(UInt32((peerSupportsForwardTSN ? 1 : 0) | (peerSupportsReconfig ? 2 : 0)))
        writer.write(UInt64(bitPattern: created.nanoseconds))
        writer.write(SipHash.mac(writer.bytes[...], k0: key.0, k1: key.1))
        return writer.bytes
    }

    /// Reads and authenticates a cookie; nil when it is malformed or its MAC is wrong (§5.1.5 step 2).
    init?(verifying bytes: ArraySlice<UInt8>, key: (UInt64, UInt64)) {
        guard bytes.count == Self.size else { return nil }
        var reader = ByteReader(bytes)
        do {
            localTag = try reader.u32()
            peerTag = try reader.u32()
            peerInitialTSN = try reader.u32()
            peerReceiveWindow = try reader.u32()
            peerOutboundStreams = try reader.u16()
            peerInboundStreams = try reader.u16()
            let flags = try reader.u32()
            peerSupportsForwardTSN = flags & 1 != 0
            peerSupportsReconfig = flags & 2 != 0
            created = Instant(nanoseconds: Int64(bitPattern: try reader.u64()))
            let mac = try reader.u64()
            guard mac == SipHash.mac(bytes.prefix(Self.size - 8), k0: key.0, k1: key.1) else { return nil }
        } catch {
            return nil
        }
    }

    init(localTag: UInt32, peer: InitChunk, created: Instant) {
        self.localTag = localTag
        peerTag = peer.initiateTag
        peerInitialTSN = peer.initialTSN
        peerReceiveWindow = peer.advertisedReceiverWindow
        peerOutboundStreams = peer.outboundStreams
        peerInboundStreams = peer.inboundStreams
        peerSupportsForwardTSN = peer.supportsForwardTSN
        peerSupportsReconfig = peer.supportsReconfig
        self.created = created
    }
}
