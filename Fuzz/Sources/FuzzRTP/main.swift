import FuzzSupport
import RTP
import Wire

// Parses arbitrary bytes as an RTP packet; anything that parses must re-encode to bytes that parse to an equal
// packet (padding contents and spacing inside the extension block are not kept, so compare values, not bytes).
runFuzzer { bytes in
    guard let packet = try? RTPPacket(parsing: bytes) else { return }
    let encoded = packet.encoded
    guard encoded.count == packet.encodedSize else {
        fatalError("encodedSize \(packet.encodedSize) != \(encoded.count)")
    }
    guard let reparsed = try? RTPPacket(parsing: encoded) else { fatalError("re-encoded packet does not parse") }
    guard reparsed == packet else { fatalError("round trip changed the packet") }
    guard reparsed.encoded == encoded else { fatalError("second encoding differs from the first") }
}
