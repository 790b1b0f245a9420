import Wire

/// The kind of media an `m=` section carries.
public struct MediaKind: RawRepresentable, Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The token as written: `audio`, `video`, `application`, ...
    public var rawValue: String
    /// Wraps a token.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// A kind written as a literal.
    public init(stringLiteral value: String) { rawValue = value }
    /// Audio.
    public static let audio: MediaKind = "audio"
    /// Video.
    public static let video: MediaKind = "video"
    /// Non-RTP application data, such as WebRTC data channels over SCTP.
    public static let application: MediaKind = "application"
    /// Real-time text.
    public static let text: MediaKind = "text"
    /// Messages (MSRP).
    public static let message: MediaKind = "message"
    /// The token.
    public var description: String { rawValue }
}

/// The `m=` line (RFC 8866 §5.14) that opens a media section.
///
/// ```
/// m=<media> <port>[/<number of ports>] <proto> <fmt> ...
/// m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8
/// m=application 9 UDP/DTLS/SCTP webrtc-datachannel
/// ```
public struct MediaLine: SDPFieldValue {
    /// `m`.
    public static let lineType = SDPLineType.media
    /// What the section carries.
    public var kind: MediaKind
    /// The transport port; 9 (discard) when ICE picks the real one, 0 for a rejected section (RFC 8829 §5.2.1).
    public var port: UInt16
    /// The `/<number of ports>` suffix, rarely used.
    public var portCount: UInt16?
    /// The transport protocol, such as `UDP/TLS/RTP/SAVPF`.
    public var proto: String
    /// The formats: RTP payload types in preference order, or a token such as `webrtc-datachannel`.
    public var formats: [String]

    /// A media line with the given fields; the defaults are JSEP's for RTP media (RFC 8829 §5.2.1).
    public init(kind: MediaKind, port: UInt16 = 9, portCount: UInt16? = nil, proto: String = "UDP/TLS/RTP/SAVPF",
                formats: [String]) {
        self.kind = kind
        self.port = port
        self.portCount = portCount
        self.proto = proto
        self.formats = formats
    }

    /// Parses the text after `m=`.
    public init(parsing value: String) throws(SDPError) {
        try self.init(parsing: value, minimumFormats: 1)
    }

    /// Parses the text after `m=`, accepting a line with fewer formats than the grammar's one: a section being
    /// built has none until its codecs are set.
    init(parsing value: String, minimumFormats: Int) throws(SDPError) {
        let fields = SDPText.fields(value)
        guard fields.count >= 3 + minimumFormats else { throw SDPError(text: value, reason: .badMediaLine) }
        let (portText, countText) = SDPText.splitOnce(fields[1], at: SDPText.slash)
        guard let port = SDPText.decimal(portText, as: UInt16.self) else {
            throw SDPError(text: value, reason: .badPort)
        }
        var count: UInt16?
        if let countText {
            guard let parsed = SDPText.decimal(countText, as: UInt16.self) else {
                throw SDPError(text: value, reason: .badPort)
            }
            count = parsed
        }
        self.init(kind: MediaKind(rawValue: fields[0]), port: port, portCount: count, proto: fields[2],
                  formats: Array(fields[3...]))
    }

    /// The formats that are RTP payload types, in order.
    public var payloadTypes: [PayloadType] {
        formats.compactMap { SDPText.decimal($0, as: UInt8.self).flatMap(PayloadType.init(rawValue:)) }
    }

    /// The text after `m=`.
    public var fieldValue: String {
        let portText = portCount.map { "\(port)/\($0)" } ?? "\(port)"
        return ([kind.rawValue, portText, proto] + formats).joined(separator: " ")
    }
}
