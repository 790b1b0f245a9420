import FuzzSupport
import RTP
import Wire

// Parses arbitrary bytes as a VP8 RTP payload: descriptor, then the payload header when the packet starts a
// frame. Both must re-encode to values that parse back equal (reserved bits are not kept).
runFuzzer { bytes in
    _ = VP8PayloadDescriptor.isKeyFrame(bytes[...])
    guard let (descriptor, vp8) = try? VP8PayloadDescriptor.parse(bytes[...]) else { return }
    var writer = ByteWriter()
    descriptor.encode(into: &writer)
    guard writer.count == descriptor.encodedSize else { fatalError("descriptor encodedSize mismatch") }
    guard let (again, rest) = try? VP8PayloadDescriptor.parse(writer.bytes[...]), again == descriptor, rest.isEmpty
    else { fatalError("descriptor round trip changed it") }
    guard descriptor.startsFrame, let header = try? VP8PayloadHeader(parsing: vp8) else { return }
    var headerWriter = ByteWriter()
    header.encode(into: &headerWriter)
    guard headerWriter.count == header.encodedSize else { fatalError("header encodedSize mismatch") }
    guard (try? VP8PayloadHeader(parsing: headerWriter.bytes[...])) == header else {
        fatalError("payload header round trip changed it")
    }
}
