import FuzzSupport
import RTP
import Wire

// Parses arbitrary bytes as a compound RTCP datagram; anything that parses must re-encode to bytes that parse to
// equal packets (reserved bits, null padding contents and ignored trailing bytes are not kept).
runFuzzer { bytes in
    guard let compound = try? RTCPCompound(parsing: bytes) else { return }
    let encoded = compound.encoded
    guard encoded.count == compound.encodedSize else { fatalError("encodedSize differs from the bytes written") }
    guard let reparsed = try? RTCPCompound(parsing: encoded) else { fatalError("re-encoded compound does not parse") }
    guard reparsed == compound else { fatalError("round trip changed the compound packet") }
    guard reparsed.encoded == encoded else { fatalError("second encoding differs from the first") }
    // Each packet must also stand alone.
    for packet in compound.packets {
        var writer = ByteWriter()
        packet.encode(into: &writer)
        guard (try? RTCPPacket(parsing: writer.bytes[...])) == packet else { fatalError("single packet round trip") }
    }
}
