import Wire

/// One RTP header extension element (RFC 8285 §4): a local identifier negotiated with `a=extmap` and its bytes,
/// which share the packet's storage.
public struct RTPHeaderExtension: Equatable, Sendable {
    /// The local identifier: 1...14 in the one-byte form, 1...255 in the two-byte form.
    public var id: UInt8
    /// The element's value (not copied out of the packet when parsed).
    public var data: ArraySlice<UInt8>

    /// An element with `id` and `data`.
    public init(id: UInt8, data: ArraySlice<UInt8>) {
        self.id = id
        self.data = data
    }

    /// An element with `id` and a copy of `data`.
    public init(id: UInt8, bytes data: [UInt8]) {
        self.init(id: id, data: data[...])
    }

    /// True when the element fits the one-byte form (RFC 8285 §4.2): id 1...14 and 1...16 bytes of data.
    public var fitsOneByteForm: Bool { (1...14).contains(id) && (1...16).contains(data.count) }
}

/// The header extension block of an RTP packet (RFC 3550 §5.3.1) in one of the RFC 8285 forms, or an opaque
/// block of another profile kept verbatim.
///
/// RFC 3550 §5.3.1 block, with the RFC 8285 §4.2 one-byte form as its data:
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |       0xBE    |    0xDE       |           length=3            |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |  ID   | L=0   |     data      |  ID   |  L=1  |   data...
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///           ...data   |    0 (pad)    |    0 (pad)    |  ID   | L=3   |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                          data                                 |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///
/// RFC 8285 §4.3 two-byte form (profile 0x100 plus four application bits):
///
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |       0x10    |    0x00       |           length=3            |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |      ID       |     L=0       |     ID        |     L=1       |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |       data    |    0 (pad)    |       ID      |      L=4      |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                          data                                 |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct RTPHeaderExtensions: Equatable, Sendable {
    /// The "defined by profile" value of the one-byte form.
    public static let oneByteProfile: UInt16 = 0xBEDE
    /// The two-byte form's profile value; its low four bits are "appbits" (RFC 8285 §4.3).
    public static let twoByteProfile: UInt16 = 0x1000

    /// The 16-bit "defined by profile" field as parsed or chosen: 0xBEDE, 0x1000...0x100F, or another profile.
    public var profile: UInt16
    /// The block's data for a profile other than RFC 8285's, kept verbatim.
    public var opaqueData: ArraySlice<UInt8>
    /// A parsed RFC 8285 block, validated but not turned into an array: reading an element, forwarding and
    /// re-encoding walk these bytes, so a received packet's extensions cost no allocation (nil once `elements`
    /// was set).
    private var unparsed: ArraySlice<UInt8>?
    private var stored: [RTPHeaderExtension]

    /// The elements, in wire order, for the RFC 8285 forms (empty for another profile). Reading it on a parsed
    /// block builds the array.
    public var elements: [RTPHeaderExtension] {
        get {
            guard unparsed != nil else { return stored }
            var collected: [RTPHeaderExtension] = []
            forEachElement { collected.append(RTPHeaderExtension(id: $0, data: $1)) }
            return collected
        }
        set {
            stored = newValue
            unparsed = nil
        }
    }

    /// A block holding `elements`, in the one-byte form when every element fits it and otherwise the two-byte form.
    public init(elements: [RTPHeaderExtension] = []) {
        stored = elements
        unparsed = nil
        opaqueData = []
        profile = elements.allSatisfy(\.fitsOneByteForm) ? Self.oneByteProfile : Self.twoByteProfile
    }

    /// A block of another profile whose data is kept as given (its length must be a multiple of four).
    public init(profile: UInt16, opaqueData: ArraySlice<UInt8>) {
        self.profile = profile
        self.opaqueData = opaqueData
        stored = []
        unparsed = nil
    }

    /// Same profile, same elements in the same order, same opaque data: how the block was stored does not matter.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.profile == rhs.profile && lhs.opaqueData == rhs.opaqueData && lhs.elements == rhs.elements
    }

    /// True for the RFC 8285 one-byte and two-byte forms, whose data is a list of elements.
    public var isRFC8285: Bool { profile == Self.oneByteProfile || profile & 0xFFF0 == Self.twoByteProfile }

    /// The data of the first element with `id`, if present.
    public subscript(id: UInt8) -> ArraySlice<UInt8>? {
        var found: ArraySlice<UInt8>?
        forEachElement { elementID, data in
            if found == nil, elementID == id { found = data }
        }
        return found
    }

    /// Sets the element `id` to `data`, replacing an existing one or appending.
    public mutating func set(id: UInt8, data: ArraySlice<UInt8>) {
        var elements = self.elements
        if let index = elements.firstIndex(where: { $0.id == id }) {
            elements[index].data = data
        } else {
            elements.append(RTPHeaderExtension(id: id, data: data))
        }
        self.elements = elements
        if profile == Self.oneByteProfile && !elements.allSatisfy(\.fitsOneByteForm) {
            profile = Self.twoByteProfile
        }
    }

    /// Removes every element with `id`.
    public mutating func remove(id: UInt8) {
        var elements = self.elements
        elements.removeAll { $0.id == id }
        self.elements = elements
    }

    /// Calls `body` with each element's id and data, in wire order, without building an array.
    public func forEachElement(_ body: (UInt8, ArraySlice<UInt8>) -> Void) {
        if let unparsed {
            // Validated when parsed: walking again cannot fail.
            _ = try? Self.walk(unparsed, profile: profile, body)
        } else {
            for element in stored { body(element.id, element.data) }
        }
    }

    // MARK: Parsing

    /// Parses a block from its 16-bit profile and its data (whose length the packet's header gave in words).
    public init(profile: UInt16, data: ArraySlice<UInt8>) throws(RTPError) {
        self.profile = profile
        opaqueData = []
        stored = []
        unparsed = nil
        if profile == Self.oneByteProfile || profile & 0xFFF0 == Self.twoByteProfile {
            try Self.walk(data, profile: profile) { _, _ in }
            unparsed = data
        } else {
            opaqueData = data
        }
    }

    /// Walks the elements of RFC 8285 data in the one-byte (§4.2) or two-byte (§4.3) form, throwing on a
    /// malformed element.
    private static func walk(_ data: ArraySlice<UInt8>, profile: UInt16,
                             _ body: (UInt8, ArraySlice<UInt8>) -> Void) throws(RTPError) {
        var reader = ByteReader(data)
        if profile == oneByteProfile {
            while !reader.isAtEnd {
                let first = try reader.u8()
                let id = first >> 4
                // Id 0 is reserved for padding (RFC 8285 §4.2); a padding byte is taken as one byte whatever its
                // length nibble says, as it carries no element.
                if id == 0 { continue }
                // Id 15 is reserved: "the receiver MUST stop parsing the rest of the extension" (RFC 8285 §4.2).
                if id == 15 { return }
                let length = Int(first & 0x0F) + 1
                guard reader.remaining >= length else {
                    throw .invalidHeaderExtension("one-byte element \(id) claims \(length) bytes, \(reader.remaining) left")
                }
                body(id, try reader.bytes(length))
            }
        } else {
            while !reader.isAtEnd {
                let id = try reader.u8()
                if id == 0 { continue }  // a single padding byte (RFC 8285 §4.3)
                guard !reader.isAtEnd else { throw .invalidHeaderExtension("two-byte element \(id) has no length") }
                let length = Int(try reader.u8())
                guard reader.remaining >= length else {
                    throw .invalidHeaderExtension("two-byte element \(id) claims \(length) bytes, \(reader.remaining) left")
                }
                body(id, try reader.bytes(length))
            }
        }
    }

    // MARK: Encoding

    /// The profile the encoder writes: the parsed or chosen one, moved to the two-byte form if an element no
    /// longer fits the one-byte form.
    public var encodedProfile: UInt16 {
        guard profile == Self.oneByteProfile, unparsed == nil else { return profile }
        var fits = true
        forEachElement { id, data in
            if !RTPHeaderExtension(id: id, data: data).fitsOneByteForm { fits = false }
        }
        return fits ? profile : Self.twoByteProfile
    }

    /// Length of the block's data without the four-byte profile/length header, padded to a multiple of four.
    public var encodedDataSize: Int {
        // A parsed block nobody changed goes out as it came: its length is already a whole number of words.
        if let unparsed { return unparsed.count + paddingToWord(unparsed.count) }
        var raw = 0
        switch encodedProfile {
        case Self.oneByteProfile:
            forEachElement { raw += 1 + $1.count }
        case let profile where profile & 0xFFF0 == Self.twoByteProfile:
            forEachElement { raw += 2 + min($1.count, 255) }
        default:
            raw = opaqueData.count
        }
        return raw + paddingToWord(raw)
    }

    /// Bytes the whole block occupies: profile, length and padded data.
    public var encodedSize: Int { 4 + encodedDataSize }

    /// Writes profile, length in words and the elements, padded with zeros to a 32-bit boundary. A parsed block
    /// that was not changed is written back byte for byte (forwarding keeps what the sender wrote).
    ///
    /// Elements that no form can carry (id 0, or more than 255 bytes) are clipped rather than trapping;
    /// callers build elements from negotiated ids, so this only guards against misuse.
    public func encode(into writer: inout ByteWriter) {
        let profile = encodedProfile
        let dataSize = encodedDataSize
        writer.write(profile)
        writer.write(UInt16(truncatingIfNeeded: dataSize / 4))
        let start = writer.count
        if let unparsed {
            writer.write(bytes: unparsed)
            writer.writeZeros(dataSize - (writer.count - start))
            return
        }
        switch profile {
        case Self.oneByteProfile:
            forEachElement { id, data in
                writer.write(id << 4 | UInt8(truncatingIfNeeded: data.count - 1) & 0x0F)
                writer.write(bytes: data)
            }
        case let profile where profile & 0xFFF0 == Self.twoByteProfile:
            forEachElement { id, data in
                let data = data.prefix(255)
                writer.write(id)
                writer.write(UInt8(data.count))
                writer.write(bytes: data)
            }
        default:
            writer.write(bytes: opaqueData)
        }
        writer.writeZeros(dataSize - (writer.count - start))
    }
}
