import Wire

/// A session description (RFC 8866) as a list of lines, with a typed JSEP model (RFC 8829) on top.
///
/// The lines are the truth: parsing keeps every line in order, unknown attributes and line types included, so
/// `serialized()` gives back the parsed text (with CRLF line endings, RFC 8866 §5). The typed properties read the
/// lines and their setters rewrite them, placing new lines in the usual order (see `LineOrder`), so the same type
/// both reads a remote description and builds a local one:
///
/// ```swift
/// var offer = SessionDescription(origin: Origin(sessionID: "1", sessionVersion: 1))
/// var audio = MediaDescription(kind: .audio)
/// audio.mid = "0"
/// audio.codecs = [.opus(PayloadType(rawValue: 111)!)]
/// offer.media = [audio]
/// offer.bundleGroup = .bundle(["0"])
/// let text = offer.serialized()
/// ```
public struct SessionDescription: Hashable, Sendable, CustomStringConvertible, LineContainer {
    /// The session-level lines, `v=` first, up to the first `m=`.
    public internal(set) var lines: [SDPLine]
    /// The media sections, in order.
    public var media: [MediaDescription]

    /// A new description with the lines every description needs: `v=0`, `o=`, `s=` and `t=`.
    public init(origin: Origin, sessionName: String = "-", timing: Timing = Timing()) {
        lines = [SDPLine(.version, "0"), origin.line, SDPLine(.sessionName, sessionName), timing.line]
        media = []
    }

    /// Already checked lines, from the parser.
    init(checkedLines: [SDPLine], media: [MediaDescription]) {
        lines = checkedLines
        self.media = media
    }

    /// Session-level rank, for `LineContainer`.
    static func rank(of line: SDPLine) -> Int { LineOrder.sessionRank(line) }

    /// The description as text, every line ending in CRLF.
    public func serialized() -> String {
        var text = ""
        for line in lines { text += line.text + "\r\n" }
        for section in media {
            for line in section.lines { text += line.text + "\r\n" }
        }
        return text
    }

    /// Same as `serialized()`.
    public var description: String { serialized() }

    // MARK: Fixed lines

    /// The protocol version from `v=`; always 0 in a parsed description.
    public var version: Int { field(VersionField.self).map { Int($0.value) } ?? 0 }

    /// The `o=` line.
    public var origin: Origin {
        get { field(Origin.self) ?? Origin(sessionID: "0", sessionVersion: 0) }
        set { setLines(of: .origin, to: [newValue.line]) }
    }

    /// The `s=` line; JSEP writes `-`.
    public var sessionName: String {
        get { lines.first { $0.type == .sessionName }?.value ?? "-" }
        set { setLines(of: .sessionName, to: [SDPLine(.sessionName, newValue)]) }
    }

    /// The session title, `i=`.
    public var information: String? {
        get { lines.first { $0.type == .information }?.value }
        set { setLines(of: .information, to: newValue.map { [SDPLine(.information, $0)] } ?? []) }
    }

    /// The first `t=` line; setting it replaces all of them.
    public var timing: Timing {
        get { field(Timing.self) ?? Timing() }
        set { setLines(of: .timing, to: [newValue.line]) }
    }

    /// Session-level `c=`, used by media sections without their own.
    public var connection: ConnectionData? {
        get { field(ConnectionData.self) }
        set { setLines(of: .connection, to: newValue.map { [$0.line] } ?? []) }
    }

    /// Session-level `b=` lines.
    public var bandwidths: [Bandwidth] {
        get { fields(Bandwidth.self) }
        set { setLines(of: .bandwidth, to: newValue.map(\.line)) }
    }

    // MARK: Attributes

    /// Every session-level attribute, in order.
    public var attributes: [SDPAttribute] { allAttributes }

    /// The session-level attributes called `name`.
    public func attributes(named name: String) -> [SDPAttribute] { allAttributes.filter { $0.name == name } }

    /// Adds a session-level attribute in its usual place. Throws when it is one the model knows and its value
    /// does not follow its grammar, so the typed views always read what is added.
    public mutating func addAttribute(_ attribute: SDPAttribute) throws(SDPError) { try insertAttribute(attribute) }

    /// Removes every session-level attribute called `name`.
    public mutating func removeAttributes(named name: String) { replaceAttributes(named: [name], with: []) }

    /// The `a=group` lines.
    public var groups: [MediaGroup] {
        get { values(MediaGroup.self) }
        set { setValues(newValue) }
    }

    /// The first BUNDLE group; setting it replaces every BUNDLE group and keeps other groups.
    public var bundleGroup: MediaGroup? {
        get { groups.first(where: \.isBundle) }
        set {
            var others = groups.filter { !$0.isBundle }
            if let newValue { others.insert(newValue, at: 0) }
            groups = others
        }
    }

    /// Every BUNDLE group (a description may bundle sections into several transports).
    public var bundleGroups: [MediaGroup] { groups.filter(\.isBundle) }

    /// `a=msid-semantic`.
    public var msidSemantic: MsidSemantic? {
        get { values(MsidSemantic.self).first }
        set { setValues(newValue.map { [$0] } ?? []) }
    }

    /// Session-level `a=ice-options` tokens, such as `trickle`; empty when absent.
    public var iceOptions: [String] {
        get { stringAttribute("ice-options").map { SDPText.fields($0) } ?? [] }
        set { setStringAttribute("ice-options", to: newValue.isEmpty ? nil : newValue.joined(separator: " ")) }
    }

    /// Session-level `a=ice-ufrag`.
    public var iceUfrag: String? {
        get { stringAttribute("ice-ufrag") }
        set { setStringAttribute("ice-ufrag", to: newValue) }
    }

    /// Session-level `a=ice-pwd`.
    public var icePwd: String? {
        get { stringAttribute("ice-pwd") }
        set { setStringAttribute("ice-pwd", to: newValue) }
    }

    /// `a=ice-lite` (RFC 8839 §5.3).
    public var iceLite: Bool {
        get { flag("ice-lite") }
        set { setFlag("ice-lite", newValue) }
    }

    /// Session-level `a=fingerprint` lines.
    public var fingerprints: [Fingerprint] {
        get { values(Fingerprint.self) }
        set { setValues(newValue) }
    }

    /// The first session-level fingerprint; setting it replaces them all.
    public var fingerprint: Fingerprint? {
        get { fingerprints.first }
        set { fingerprints = newValue.map { [$0] } ?? [] }
    }

    /// Session-level `a=setup`.
    public var setup: SetupRole? {
        get { values(SetupRole.self).first }
        set { setValues(newValue.map { [$0] } ?? []) }
    }

    /// `a=extmap-allow-mixed` (RFC 8285 §6).
    public var extmapAllowMixed: Bool {
        get { flag("extmap-allow-mixed") }
        set { setFlag("extmap-allow-mixed", newValue) }
    }

    /// A session-level direction attribute (Firefox writes one), the default for every media section.
    public var direction: MediaDirection? {
        get { lines.compactMap { $0.attributeName.flatMap(MediaDirection.init(rawValue:)) }.last }
        set {
            replaceAttributes(named: Set(MediaDirection.allCases.map(\.rawValue)),
                              with: newValue.map { [SDPLine(SDPAttribute(name: $0.rawValue))] } ?? [])
        }
    }

    // MARK: Media

    /// The `a=mid` of every media section that has one, in order.
    public var mids: [Mid] { media.compactMap(\.mid) }

    /// The media section tagged `mid`.
    public func media(withMid mid: Mid) -> MediaDescription? { media.first { $0.mid == mid } }

    /// The index of the media section tagged `mid`.
    public func mediaIndex(ofMid mid: Mid) -> Int? { media.firstIndex { $0.mid == mid } }
}

/// The `v=` line (RFC 8866 §5.1): `v=0`.
struct VersionField: SDPFieldValue {
    static let lineType = SDPLineType.version
    var value: UInt8
    init(parsing value: String) throws(SDPError) {
        guard value == "0" else { throw SDPError(text: value, reason: .unsupportedVersion) }
        self.value = 0
    }
    var fieldValue: String { "\(value)" }
}

/// What a description is for in the JSEP offer/answer exchange (RFC 8829 §4.1.8).
public enum SDPType: String, Hashable, Sendable, CaseIterable {
    /// An offer.
    case offer
    /// A provisional answer.
    case pranswer
    /// A final answer.
    case answer
    /// Return to the last stable state.
    case rollback
}
