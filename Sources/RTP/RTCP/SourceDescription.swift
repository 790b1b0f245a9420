import Wire

/// An RTCP source description packet (RFC 3550 §6.5): per-source chunks of items such as the CNAME.
///
///             0                   1                   2                   3
///             0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///            +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     header |V=2|P|    SC   |  PT=SDES=202  |             length            |
///            +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///     chunk  |                          SSRC/CSRC_1                          |
///       1    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///            |    CNAME=1    |     length    | user and domain name        ...
///            +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///            |   END=0       |  null padding to a 32-bit boundary ...        |
///            +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///     chunk  |                          SSRC/CSRC_2                          |
///       2    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///            |                           SDES items                          |
///            |                              ...                              |
///            +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
public struct SourceDescription: Equatable, Sendable {
    /// One SDES item (RFC 3550 §6.5.1-§6.5.8): a type and up to 255 bytes of text.
    public struct Item: Equatable, Sendable {
        /// Canonical end-point identifier (§6.5.1).
        public static let cname: UInt8 = 1
        /// User name (§6.5.2).
        public static let name: UInt8 = 2
        /// Electronic mail address (§6.5.3).
        public static let email: UInt8 = 3
        /// Phone number (§6.5.4).
        public static let phone: UInt8 = 4
        /// Geographic location (§6.5.5).
        public static let location: UInt8 = 5
        /// Application or tool name (§6.5.6).
        public static let tool: UInt8 = 6
        /// Notice or status (§6.5.7).
        public static let note: UInt8 = 7
        /// Private extension (§6.5.8); its prefix length and prefix stay inside `value`.
        public static let privateExtension: UInt8 = 8

        /// The item type (1...255; 0 ends a chunk on the wire).
        public var type: UInt8
        /// The item's bytes, normally UTF-8 text; at most 255 are written.
        public var value: ArraySlice<UInt8>

        /// An item with raw bytes.
        public init(type: UInt8, value: ArraySlice<UInt8>) {
            self.type = type
            self.value = value
        }

        /// An item holding the UTF-8 bytes of `text`.
        public init(type: UInt8, text: String) {
            self.init(type: type, value: Array(text.utf8)[...])
        }

        /// The value as text, or nil when it is not valid UTF-8.
        public var text: String? { String(validating: value, as: UTF8.self) }
    }

    /// The items describing one source.
    public struct Chunk: Equatable, Sendable {
        /// The described source.
        public var ssrc: SSRC
        /// Its items, in wire order.
        public var items: [Item]

        /// A chunk from its fields.
        public init(ssrc: SSRC, items: [Item]) {
            self.ssrc = ssrc
            self.items = items
        }

        /// The CNAME item's text, if present.
        public var cname: String? { items.first { $0.type == Item.cname }?.text }

        /// Items, then the END byte and null padding to a 32-bit boundary: always 1...4 null bytes.
        var encodedSize: Int {
            let items = self.items.reduce(0) { $0 + 2 + min($1.value.count, 255) }
            return 4 + items + (4 - items % 4)
        }
    }

    /// The chunks (at most 31 are written).
    public var chunks: [Chunk]

    /// A packet from its chunks.
    public init(chunks: [Chunk]) {
        self.chunks = chunks
    }

    /// A packet with one chunk holding only a CNAME, as WebRTC endpoints send.
    public init(ssrc: SSRC, cname: String) {
        chunks = [Chunk(ssrc: ssrc, items: [Item(type: Item.cname, text: cname)])]
    }

    /// Parses a stand-alone SDES packet.
    public init(parsing bytes: ArraySlice<UInt8>) throws(RTPError) {
        let (header, body) = try RTCPHeader.parseSingle(bytes, packetType: RTCPHeader.sourceDescription)
        try self.init(count: header.count, body: body)
    }

    /// Parses the body that follows the common header; `count` is the SC field.
    init(count: UInt8, body: ArraySlice<UInt8>) throws(RTPError) {
        var reader = ByteReader(body)
        chunks = []
        chunks.reserveCapacity(Int(count))
        for _ in 0..<count {
            let ssrc = try reader.ssrc()
            var items: [Item] = []
            while true {
                let type = try reader.u8()
                if type == 0 { break }
                let length = Int(try reader.u8())
                items.append(Item(type: type, value: try reader.bytes(length)))
            }
            // Null padding up to the next 32-bit boundary of the body, which starts word-aligned.
            try reader.skipBytes(paddingToWord(reader.offset))
            chunks.append(Chunk(ssrc: ssrc, items: items))
        }
    }

    var chunkCount: Int { min(chunks.count, 31) }
    var bodySize: Int { chunks.prefix(chunkCount).reduce(0) { $0 + $1.encodedSize } }

    /// Bytes the packet occupies.
    public var encodedSize: Int { 4 + bodySize }

    /// Writes the packet with its header.
    public func encode(into writer: inout ByteWriter) { encode(into: &writer, paddingLength: 0) }

    func encode(into writer: inout ByteWriter, paddingLength: Int) {
        RTCPHeader.write(count: UInt8(chunkCount), packetType: RTCPHeader.sourceDescription, bodySize: bodySize,
                         paddingLength: paddingLength, into: &writer)
        for chunk in chunks.prefix(chunkCount) {
            writer.write(chunk.ssrc.rawValue)
            var itemBytes = 0
            for item in chunk.items {
                let value = item.value.prefix(255)
                writer.write(item.type)
                writer.write(UInt8(value.count))
                writer.write(bytes: value)
                itemBytes += 2 + value.count
            }
            writer.writeZeros(4 - itemBytes % 4)
        }
        RTCPHeader.writePadding(paddingLength, into: &writer)
    }
}
