import FuzzSupport
import Media

// Parses arbitrary bytes as an Ogg stream (pages, CRCs, lacing) and as an Ogg Opus file, twice: as given (so the
// CRC check itself is fuzzed) and with every page's CRC recomputed (so mutations reach lacing, packet joining and the
// OpusHead/OpusTags parsers instead of all dying at the CRC). Pages that parse must re-encode to the same bytes
// (Ogg pages are lossless); an Ogg Opus file rewritten by OggOpusWriter must parse to the same headers and packets.
runFuzzer { bytes in
    check(bytes)
    let fixed = withFixedCRCs(bytes)
    if fixed != bytes { check(fixed) }
}

func check(_ bytes: [UInt8]) {
    guard let stream = try? OggStream(parsing: bytes) else { return }
    var reencoded: [UInt8] = []
    for page in stream.pages {
        let encoded = page.encoded
        guard page.encodedSize == encoded.count else { fatalError("OggPage encodedSize mismatch") }
        reencoded += encoded
    }
    guard reencoded == bytes else { fatalError("Ogg pages did not re-encode to the input") }

    guard let file = try? OggOpusFile(parsing: bytes) else { return }
    guard var writer = try? OggOpusWriter(sink: MemorySink(), serialNumber: file.serialNumber,
        channels: Int(file.head.channels), preSkip: file.head.preSkip, tags: file.tags)
    else { fatalError("writer refused a parsed OpusHead") }
    for packet in file.packets {
        // Packets with a malformed TOC cannot be written (their duration is unknown): nothing to compare then.
        do { try writer.append(packet) } catch { return }
    }
    do { try writer.finish() } catch { fatalError("finish failed: \(error)") }
    guard let again = try? OggOpusFile(parsing: writer.sink.bytes) else { fatalError("rewritten Ogg Opus fails") }
    guard again.packets == file.packets, again.tags == file.tags, again.head.channels == file.head.channels,
        again.head.preSkip == file.head.preSkip
    else { fatalError("Ogg Opus round trip changed the stream") }
}

/// `bytes` with the CRC of every complete page (walking from the start, page after page) recomputed.
func withFixedCRCs(_ bytes: [UInt8]) -> [UInt8] {
    var out = bytes
    var offset = 0
    while offset + 27 <= out.count, out[offset..<offset + 4].elementsEqual("OggS".utf8) {
        let segments = Int(out[offset + 26])
        guard offset + 27 + segments <= out.count else { break }
        let bodySize = out[offset + 27..<offset + 27 + segments].reduce(0) { $0 + Int($1) }
        let end = offset + 27 + segments + bodySize
        guard end <= out.count else { break }
        for index in offset + 22..<offset + 26 { out[index] = 0 }
        let crc = OggCRC.checksum(out[offset..<end])
        for index in 0..<4 { out[offset + 22 + index] = UInt8(truncatingIfNeeded: crc >> (8 * index)) }
        offset = end
    }
    return out
}
