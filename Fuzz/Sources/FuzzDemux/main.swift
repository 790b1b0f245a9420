import FuzzSupport
import Wire

// Classifies arbitrary datagrams (RFC 7983) and walks them with ByteReader; neither may trap on any input.
runFuzzer { bytes in
    _ = DatagramKind(classifying: bytes)
    var reader = ByteReader(bytes)
    while !reader.isAtEnd {
        guard let length = try? reader.readUInt8(), (try? reader.readBytes(Int(length))) != nil else { break }
    }
}
