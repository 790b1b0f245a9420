/// An Ogg Opus file (RFC 7845): OpusHead, OpusTags, then audio packets whose page granule positions count 48 kHz
/// samples from the start of decoding (pre-skip included).
public struct OggOpusFile: Sendable, Equatable {
    /// The identification header.
    public var head: OpusHead
    /// The comment header.
    public var tags: OpusTags
    /// The audio packets in order.
    public var packets: [[UInt8]]
    /// The last page's granule position: pre-skip plus playable samples (0 when there is no audio).
    public var finalGranulePosition: UInt64
    /// The logical stream's serial number.
    public var serialNumber: UInt32

    /// Parses a whole file (checking every page's CRC).
    public init(parsing bytes: [UInt8]) throws(MediaError) {
        let stream = try OggStream(parsing: bytes)
        guard stream.packets.count >= 2 else {
            throw .malformed(offset: 0, reason: "Ogg Opus needs OpusHead and OpusTags packets")
        }
        head = try OpusHead(parsing: stream.packets[0].data)
        tags = try OpusTags(parsing: stream.packets[1].data)
        packets = stream.packets.dropFirst(2).map(\.data)
        finalGranulePosition = stream.pages.last.map { $0.granulePosition } ?? 0
        if packets.isEmpty { finalGranulePosition = 0 }
        serialNumber = stream.serialNumber
    }
}

/// Streams Opus packets into an Ogg Opus file through a `ByteSink`: a BOS page with OpusHead, a page with
/// OpusTags, then one audio packet per page. The newest packet is held back so that `finish()` can mark its page
/// EOS.
public struct OggOpusWriter<Sink: ByteSink> {
    /// Where the bytes go (read a `MemorySink`'s bytes from here after `finish()`).
    public private(set) var sink: Sink
    /// The stream's serial number (callers pick it from their injected random generator).
    public let serialNumber: UInt32
    private var sequence: UInt32 = 0
    private var granule: UInt64 = 0
    private var pending: [UInt8]?
    private var finished = false

    /// Writes the two header pages for `channels` channels with `preSkip` samples of encoder delay.
    public init(
        sink: Sink, serialNumber: UInt32, channels: Int, preSkip: UInt16 = 312, tags: OpusTags = OpusTags()
    ) throws(MediaError) {
        guard channels == 1 || channels == 2 else { throw .invalidConfiguration("Ogg Opus channels must be 1 or 2") }
        self.sink = sink
        self.serialNumber = serialNumber
        try writePage([OpusHead(channels: UInt8(channels), preSkip: preSkip).encoded],
            flags: OggPage.beginningOfStream, granule: 0)
        try writePage([tags.encoded], flags: 0, granule: 0)
    }

    /// Appends one Opus packet; its duration comes from its TOC byte (RFC 6716 section 3.1) and advances the
    /// granule position. Throws `MediaError.invalidFrame` for a packet whose TOC is malformed.
    public mutating func append(_ packet: [UInt8]) throws(MediaError) {
        guard !finished else { throw .invalidConfiguration("Ogg Opus stream already finished") }
        guard OpusPacketInfo.samplesPerChannel(packet) != nil else {
            throw .invalidFrame("not a well-formed Opus packet (TOC)")
        }
        if let previous = pending { try flush(previous, flags: 0) }
        pending = packet
    }

    /// Writes the last packet's page with the EOS flag (or an empty EOS page if there was no audio).
    public mutating func finish() throws(MediaError) {
        guard !finished else { return }
        finished = true
        if let last = pending {
            try flush(last, flags: OggPage.endOfStream)
        } else {
            try writePage([], flags: OggPage.endOfStream, granule: granule)
        }
        pending = nil
    }

    private mutating func flush(_ packet: [UInt8], flags: UInt8) throws(MediaError) {
        granule += UInt64(OpusPacketInfo.samplesPerChannel(packet) ?? 0)
        try writePage([packet], flags: flags, granule: granule)
    }

    private mutating func writePage(_ packets: [[UInt8]], flags: UInt8, granule: UInt64) throws(MediaError) {
        let page = try OggPage(packets: packets, headerType: flags, granulePosition: granule,
            serialNumber: serialNumber, sequenceNumber: sequence)
        try sink.write(page.encoded)
        sequence &+= 1
    }
}
