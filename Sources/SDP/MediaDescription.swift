import Wire

/// One media section (RFC 8866 §5.14): the `m=` line and the lines after it, with a typed view of the attributes
/// JSEP uses (RFC 8829 §5.2).
///
/// Like `SessionDescription`, the lines are kept exactly as parsed and the typed setters rewrite them, putting
/// new lines where browsers put them (see `LineOrder`), so a section built from typed parts serializes in the
/// usual order whatever order the properties are set in.
public struct MediaDescription: Hashable, Sendable, LineContainer {
    /// The section's lines, `m=` first.
    public internal(set) var lines: [SDPLine]

    /// A new section with just its `m=` line. An RTP section gets its formats from `codecs`; a section needs at
    /// least one format before it can be parsed back.
    public init(kind: MediaKind, port: UInt16 = 9, proto: String = "UDP/TLS/RTP/SAVPF", formats: [String] = []) {
        self.init(mediaLine: MediaLine(kind: kind, port: port, proto: proto, formats: formats))
    }

    /// A new section with just `mediaLine`.
    public init(mediaLine: MediaLine) {
        lines = [mediaLine.line]
    }

    /// A data channel section (RFC 8841 §5.1): `m=application 9 UDP/DTLS/SCTP webrtc-datachannel` with
    /// `a=sctp-port` and `a=max-message-size`.
    public static func dataChannel(sctpPort: UInt16 = 5000, maxMessageSize: UInt64? = 262_144) -> MediaDescription {
        var section = MediaDescription(kind: .application, proto: "UDP/DTLS/SCTP", formats: ["webrtc-datachannel"])
        section.sctpPort = sctpPort
        section.maxMessageSize = maxMessageSize
        return section
    }

    /// Already checked lines, `m=` first, from the parser.
    init(checkedLines: [SDPLine]) {
        lines = checkedLines
    }

    /// Media-level rank, for `LineContainer`.
    static func rank(of line: SDPLine) -> Int { LineOrder.mediaRank(line) }

    // MARK: The m= line

    /// The `m=` line.
    public var mediaLine: MediaLine {
        get {
            // The first line is always the m= line: the parser starts sections with it and every init writes one.
            lines.first.flatMap { try? MediaLine(parsing: $0.value, minimumFormats: 0) }
                ?? MediaLine(kind: "", formats: [])
        }
        set {
            if lines.first?.type == .media { lines[0] = newValue.line } else { lines.insert(newValue.line, at: 0) }
        }
    }

    /// What the section carries.
    public var kind: MediaKind {
        get { mediaLine.kind }
        set { mediaLine.kind = newValue }
    }

    /// The `m=` port: 9 with ICE, 0 when the section is rejected.
    public var port: UInt16 {
        get { mediaLine.port }
        set { mediaLine.port = newValue }
    }

    /// The transport protocol, such as `UDP/TLS/RTP/SAVPF`.
    public var proto: String {
        get { mediaLine.proto }
        set { mediaLine.proto = newValue }
    }

    /// The formats on the `m=` line.
    public var formats: [String] {
        get { mediaLine.formats }
        set { mediaLine.formats = newValue }
    }

    /// The `m=` formats that are RTP payload types, in preference order.
    public var payloadTypes: [PayloadType] { mediaLine.payloadTypes }

    /// True when the port is 0: the section was rejected or stopped (RFC 8829 §5.2.2).
    public var isRejected: Bool { port == 0 }

    // MARK: Other fixed lines

    /// The section title, `i=`.
    public var information: String? {
        get { lines.first { $0.type == .information }?.value }
        set { setLines(of: .information, to: newValue.map { [SDPLine(.information, $0)] } ?? []) }
    }

    /// The section's `c=` line.
    public var connection: ConnectionData? {
        get { field(ConnectionData.self) }
        set { setLines(of: .connection, to: newValue.map { [$0.line] } ?? []) }
    }

    /// The section's `b=` lines.
    public var bandwidths: [Bandwidth] {
        get { fields(Bandwidth.self) }
        set { setLines(of: .bandwidth, to: newValue.map(\.line)) }
    }

    // MARK: Generic attributes

    /// Every attribute of the section, in order.
    public var attributes: [SDPAttribute] { allAttributes }

    /// The attributes called `name`.
    public func attributes(named name: String) -> [SDPAttribute] { allAttributes.filter { $0.name == name } }

    /// The value of the first attribute called `name` (nil when absent or a property attribute).
    public func attributeValue(_ name: String) -> String? { stringAttribute(name) }

    /// True when an attribute called `name` is present.
    public func hasAttribute(_ name: String) -> Bool { flag(name) }

    /// Adds an attribute in its usual place. Throws when it is one the model knows and its value does not follow
    /// its grammar, so the typed views always read what is added.
    public mutating func addAttribute(_ attribute: SDPAttribute) throws(SDPError) { try insertAttribute(attribute) }

    /// Removes every attribute called `name`.
    public mutating func removeAttributes(named name: String) { replaceAttributes(named: [name], with: []) }
}
