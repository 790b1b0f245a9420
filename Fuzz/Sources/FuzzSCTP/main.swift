import FuzzSupport
import SCTP
import Wire

// Parses arbitrary bytes as an SCTP packet (checksum not checked, so the fuzzer reaches the chunks); anything that
// parses must re-encode to bytes that parse equal. Then the same bytes, with a valid checksum and the right tag,
// go into a DataChannelTransport whose association is established: nothing a peer sends may trap it.
runFuzzer { bytes in
    if let packet = try? SCTPPacket(parsing: bytes[...], verifyChecksum: false) {
        let encoded = packet.encoded
        guard encoded.count == packet.encodedSize else { fatalError("encodedSize differs from the bytes written") }
        guard let reparsed = try? SCTPPacket(parsing: encoded[...]) else {
            fatalError("re-encoded packet does not parse")
        }
        guard reparsed == packet else { fatalError("round trip changed the packet") }
        guard reparsed.encoded == encoded else { fatalError("second encoding differs from the first") }
    }
    _ = try? DCEPMessage(parsing: bytes[...])

    var pair = FuzzPair.established
    var patched = bytes
    if patched.count >= 12 {
        // Address the packet to the established side and fix its checksum, so the chunk handlers run.
        let tag = pair.responderTag
        patched[4] = UInt8(truncatingIfNeeded: tag >> 24)
        patched[5] = UInt8(truncatingIfNeeded: tag >> 16)
        patched[6] = UInt8(truncatingIfNeeded: tag >> 8)
        patched[7] = UInt8(truncatingIfNeeded: tag)
        patched[8...11] = [0, 0, 0, 0]
        let checksum = CRC32c.checksum(patched)
        patched[8] = UInt8(truncatingIfNeeded: checksum)
        patched[9] = UInt8(truncatingIfNeeded: checksum >> 8)
        patched[10] = UInt8(truncatingIfNeeded: checksum >> 16)
        patched[11] = UInt8(truncatingIfNeeded: checksum >> 24)
    }
    // A fresh transport sees the handshake paths (INIT, COOKIE ECHO) with the bytes as they are.
    var random = SeededGenerator(seed: 2)
    var fresh = DataChannelTransport(configuration: SCTPConfiguration(), isDTLSClient: false, random: &random)
    fresh.handle(packet: patched[...], now: .milliseconds(10))
    fresh.connect(now: .milliseconds(11))
    fresh.handle(packet: patched[...], now: .milliseconds(12))
    while fresh.pollOutput() != nil {}
    pair.responder.handle(packet: patched[...], now: .milliseconds(1_000))
    pair.responder.handle(packet: bytes[...], now: .milliseconds(1_001))
    _ = try? pair.responder.send(.binary([1, 2, 3]), on: 0, now: .milliseconds(1_002))
    pair.responder.handleTimeout(now: .milliseconds(5_000))
    while pair.responder.pollOutput() != nil {}
}

/// Two transports handshaken once over a perfect in-memory link; every input starts from a copy of this state.
struct FuzzPair {
    var initiator: DataChannelTransport
    var responder: DataChannelTransport
    var responderTag: UInt32

    nonisolated(unsafe) static let established: FuzzPair = {
        var random = SeededGenerator(seed: 1)
        var initiator = DataChannelTransport(configuration: SCTPConfiguration(), isDTLSClient: true, random: &random)
        var responder = DataChannelTransport(configuration: SCTPConfiguration(), isDTLSClient: false, random: &random)
        _ = try? initiator.createDataChannel(DataChannelOptions(label: "fuzz"), now: .zero)
        initiator.connect(now: .zero)
        var tag: UInt32 = 0
        for step in 0..<20 {
            let now = Instant.milliseconds(Int64(step))
            while let output = initiator.pollOutput() {
                if case let .transmit(packet) = output { responder.handle(packet: packet[...], now: now) }
            }
            while let output = responder.pollOutput() {
                if case let .transmit(packet) = output {
                    // Packets to the initiator carry its tag; INIT ACK's initiate tag is the responder's.
                    if let parsed = try? SCTPPacket(parsing: packet[...]) {
                        for case let .initiationAck(ack) in parsed.chunks { tag = ack.initiateTag }
                    }
                    initiator.handle(packet: packet[...], now: now)
                }
            }
        }
        return FuzzPair(initiator: initiator, responder: responder, responderTag: tag)
    }()
}
