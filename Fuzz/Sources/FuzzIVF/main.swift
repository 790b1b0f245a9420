import FuzzSupport
import Media

// Parses arbitrary bytes as an IVF file; anything that parses must re-encode to bytes that parse to an equal file
// (the header's unused word and any header bytes past 32 are not kept, so compare values, then bytes of the second
// encoding).
runFuzzer { bytes in
    // The VP8 frame header reader takes the same untrusted bytes (a frame out of a file or off the network).
    if let size = VP8FrameHeader.keyframeSize(bytes), size.width <= 0 || size.height <= 0 || size.width > 0x3FFF {
        fatalError("VP8 key frame size out of range: \(size)")
    }
    guard let file = try? IVFFile(parsing: bytes) else { return }
    let encoded = file.encoded
    guard encoded.count == file.encodedSize else { fatalError("encodedSize \(file.encodedSize) != \(encoded.count)") }
    guard let reparsed = try? IVFFile(parsing: encoded) else { fatalError("re-encoded IVF does not parse") }
    guard reparsed == file else { fatalError("IVF round trip changed the file") }
    guard reparsed.encoded == encoded else { fatalError("second IVF encoding differs from the first") }
}
