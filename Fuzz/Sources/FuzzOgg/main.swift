import FuzzSupport
import Media

// Parses arbitrary bytes as an Ogg stream (pages, CRCs, lacing) and as an Ogg Opus file. Pages that parse must
// re-encode to the same bytes (Ogg pages are lossless); an Ogg Opus file rewritten by OggOpusWriter must parse to
// the same headers and packets.
runFuzzer { bytes in
    guard let stream = try? OggStream(parsing: bytes) else { return }
    var offset = 0
    var reencoded: [UInt8] = []
    for page in stream.pages {
        guard page.encodedSize == page.encoded.count else { fatalError("OggPage encodedSize mismatch") }
        reencoded += page.encoded
        offset += page.encodedSize
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
