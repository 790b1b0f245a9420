/// Reads a single logical Ogg bitstream (RFC 3533) back into packets: pages are parsed and CRC-checked in order,
/// and packets split across pages by lacing are joined again.
public struct OggStream: Sendable, Equatable {
    /// One packet and the granule position of the page on which it ended (the page's, for every packet ending there).
    public struct Packet: Sendable, Equatable {
        /// The packet bytes.
        public var data: [UInt8]
        /// The granule position of the page where this packet ends.
        public var granulePosition: UInt64
    }

    /// The stream's serial number (from its first page).
    public var serialNumber: UInt32
    /// The pages in file order.
    public var pages: [OggPage]
    /// The complete packets in order (a trailing unterminated packet is dropped, as RFC 3533 allows).
    public var packets: [Packet]

    /// Parses every page in `bytes`; throws on a bad page, a CRC mismatch, a second serial number or a page that
    /// continues a packet that was never started.
    public init(parsing bytes: [UInt8]) throws(MediaError) {
        var offset = 0
        pages = []
        packets = []
        // The packet being assembled, and whether one is open (a packet may be empty, so the array cannot say).
        var partial: [UInt8] = []
        var isOpen = false
        var serial: UInt32? = nil
        while offset < bytes.count {
            let pageStart = offset
            let page = try OggPage(parsing: bytes, offset: &offset)
            if let serial, serial != page.serialNumber {
                throw .malformed(offset: pageStart, reason: "a second logical stream (multiplexed Ogg) is unsupported")
            }
            serial = page.serialNumber
            let continues = page.headerType & OggPage.continued != 0
            if continues != isOpen {
                throw .malformed(offset: pageStart, reason: "continued-packet flag disagrees with the previous page")
            }
            var position = 0
            for lacing in page.segmentTable {
                let end = position + Int(lacing)
                partial += page.body[position..<end]
                isOpen = true
                position = end
                if lacing < 255 {
                    packets.append(Packet(data: partial, granulePosition: page.granulePosition))
                    partial.removeAll(keepingCapacity: true)
                    isOpen = false
                }
            }
            pages.append(page)
        }
        serialNumber = serial ?? 0
    }
}
