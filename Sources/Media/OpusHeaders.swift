/// The Ogg Opus identification header, the first packet of the stream (RFC 7845 section 5.1). Little-endian.
///
/// ```
///   0                   1                   2                   3
///   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///  |      'O'      |      'p'      |      'u'      |      's'      |
///  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///  |      'H'      |      'e'      |      'a'      |      'd'      |
///  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///  |  Version = 1  | Channel Count |           Pre-skip            |
///  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///  |                     Input Sample Rate (Hz)                    |
///  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///  |   Output Gain (Q7.8 in dB)    | Mapping Family|               |
///  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+               :
///  :               Optional Channel Mapping Table...               :
///  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// LinkUp reads and writes mapping family 0 only (mono or stereo, no mapping table).
public struct OpusHead: Sendable, Equatable {
    /// 1 or 2.
    public var channels: UInt8
    /// Samples (at 48 kHz) to discard from the start of the decoded output: the encoder's delay.
    public var preSkip: UInt16
    /// The original input's sample rate (informational).
    public var inputSampleRate: UInt32
    /// Gain to apply on output, Q7.8 dB.
    public var outputGain: Int16

    /// A family-0 header; 312 samples is libopus's encoder delay at 48 kHz.
    public init(channels: UInt8, preSkip: UInt16 = 312, inputSampleRate: UInt32 = 48_000, outputGain: Int16 = 0) {
        self.channels = channels
        self.preSkip = preSkip
        self.inputSampleRate = inputSampleRate
        self.outputGain = outputGain
    }

    /// Parses the header packet; throws unless it is version 1.x, family 0, with 1 or 2 channels.
    public init(parsing packet: [UInt8]) throws(MediaError) {
        var reader = LittleEndianReader(packet)
        guard Array(try reader.readBytes(8)) == Array("OpusHead".utf8) else {
            throw .malformed(offset: 0, reason: "first Ogg packet is not OpusHead")
        }
        let version = try reader.readUInt8()
        guard version & 0xF0 == 0, version != 0 else {
            throw .malformed(offset: 8, reason: "OpusHead version \(version) is unsupported")
        }
        channels = try reader.readUInt8()
        preSkip = try reader.readUInt16()
        inputSampleRate = try reader.readUInt32()
        outputGain = Int16(bitPattern: try reader.readUInt16())
        let family = try reader.readUInt8()
        guard family == 0, channels == 1 || channels == 2 else {
            throw .malformed(offset: 18, reason: "only mapping family 0 with 1 or 2 channels is supported")
        }
    }

    /// The 19-byte header packet.
    public var encoded: [UInt8] {
        var out: [UInt8] = []
        out.appendASCII("OpusHead")
        out.append(1)
        out.append(channels)
        out.appendLittleEndian(preSkip)
        out.appendLittleEndian(inputSampleRate)
        out.appendLittleEndian(UInt16(bitPattern: outputGain))
        out.append(0)
        return out
    }
}

/// The Ogg Opus comment header, the second packet (RFC 7845 section 5.2): a vendor string and user comments
/// ("TAG=value"), each as a little-endian 32-bit length and UTF-8 bytes.
///
/// ```
///  | 'O' 'p' 'u' 's' 'T' 'a' 'g' 's' | vendor length (32) | vendor string ... |
///  | comment count (32) | comment 0 length (32) | comment 0 ... | comment 1 length | ...
/// ```
public struct OpusTags: Sendable, Equatable {
    /// Who wrote the stream.
    public var vendor: String
    /// User comments, "TAG=value".
    public var comments: [String]

    /// Tags from their parts.
    public init(vendor: String = "LinkUp", comments: [String] = []) {
        self.vendor = vendor
        self.comments = comments
    }

    /// Parses the comment packet (invalid UTF-8 is replaced, not rejected: tags are informational).
    public init(parsing packet: [UInt8]) throws(MediaError) {
        var reader = LittleEndianReader(packet)
        guard Array(try reader.readBytes(8)) == Array("OpusTags".utf8) else {
            throw .malformed(offset: 0, reason: "second Ogg packet is not OpusTags")
        }
        vendor = String(decoding: try reader.readBytes(Int(try reader.readUInt32())), as: UTF8.self)
        let count = try reader.readUInt32()
        comments = []
        // Each comment takes at least 4 bytes, so a huge count fails on truncation long before memory runs out.
        for _ in 0..<count {
            comments.append(String(decoding: try reader.readBytes(Int(try reader.readUInt32())), as: UTF8.self))
        }
    }

    /// The comment packet.
    public var encoded: [UInt8] {
        var out: [UInt8] = []
        out.appendASCII("OpusTags")
        let vendorBytes = Array(vendor.utf8)
        out.appendLittleEndian(UInt32(truncatingIfNeeded: vendorBytes.count))
        out += vendorBytes
        out.appendLittleEndian(UInt32(truncatingIfNeeded: comments.count))
        for comment in comments {
            let bytes = Array(comment.utf8)
            out.appendLittleEndian(UInt32(truncatingIfNeeded: bytes.count))
            out += bytes
        }
        return out
    }
}

/// Facts read from an Opus packet's TOC byte (RFC 6716 section 3.1), without decoding it.
public enum OpusPacketInfo {
    /// Samples per channel at 48 kHz the packet decodes to, or nil for an empty or malformed packet.
    ///
    /// ```
    ///   0 1 2 3 4 5 6 7
    ///  +-+-+-+-+-+-+-+-+
    ///  | config  |s| c |     config: mode and frame duration; c: 0 one frame, 1-2 two frames,
    ///  +-+-+-+-+-+-+-+-+     3 an arbitrary count in the next byte's low six bits
    /// ```
    public static func samplesPerChannel(_ packet: [UInt8]) -> Int? {
        guard let toc = packet.first else { return nil }
        let config = Int(toc >> 3)
        let frameSamples: Int
        switch config {
        case 0..<12: frameSamples = [480, 960, 1920, 2880][config % 4]  // SILK 10/20/40/60 ms
        case 12..<16: frameSamples = [480, 960][config % 2]  // hybrid 10/20 ms
        default: frameSamples = [120, 240, 480, 960][config % 4]  // CELT 2.5/5/10/20 ms
        }
        let frames: Int
        switch toc & 0x03 {
        case 0: frames = 1
        case 1, 2: frames = 2
        default:
            guard packet.count >= 2 else { return nil }
            frames = Int(packet[1] & 0x3F)
        }
        let total = frames * frameSamples
        // RFC 6716 section 3.2.5: a packet holds at least one frame and at most 120 ms.
        guard frames > 0, total <= 5760 else { return nil }
        return total
    }
}
