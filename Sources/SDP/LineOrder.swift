/// Where each kind of line goes, so descriptions built or edited through the typed model come out in the usual
/// order (RFC 8866 §5 for the fixed lines, the order browsers write for attributes).
///
/// Session: v o s i u e p c b t r z k, then a=group, a=extmap-allow-mixed, a=msid-semantic, a=ice-lite,
/// a=ice-options, a=ice-ufrag, a=ice-pwd, a=fingerprint, a=setup, other attributes.
///
/// Media: m i c b k, then a=rtcp, a=ice-ufrag, a=ice-pwd, a=ice-options, a=fingerprint, a=setup, a=mid,
/// a=sctp-port, a=max-message-size, a=extmap, a=extmap-allow-mixed, direction, a=msid, a=rtcp-mux, a=rtcp-rsize,
/// the codecs (a=rtpmap, a=rtcp-fb, a=fmtp per payload type), a=ssrc-group, a=ssrc, other attributes,
/// a=candidate, a=end-of-candidates.
enum LineOrder {
    static let sessionAttributeRanks: [String: Int] = [
        "group": 20, "extmap-allow-mixed": 21, "msid-semantic": 22, "ice-lite": 23, "ice-options": 24,
        "ice-ufrag": 25, "ice-pwd": 26, "fingerprint": 27, "setup": 28,
    ]
    static let sessionOtherAttribute = 29

    static let mediaAttributeRanks: [String: Int] = [
        "rtcp": 10, "ice-ufrag": 11, "ice-pwd": 12, "ice-options": 13, "fingerprint": 14, "setup": 15, "mid": 16,
        "sctp-port": 17, "max-message-size": 18, "extmap": 19, "extmap-allow-mixed": 20,
        "sendrecv": 21, "sendonly": 21, "recvonly": 21, "inactive": 21, "msid": 22, "rtcp-mux": 23,
        "rtcp-rsize": 24, "rtpmap": 25, "rtcp-fb": 25, "fmtp": 25, "ssrc-group": 26, "ssrc": 27,
        "candidate": 29, "end-of-candidates": 30,
    ]
    static let mediaOtherAttribute = 28

    /// The session-level rank of `line`.
    static func sessionRank(_ line: SDPLine) -> Int {
        if let name = line.attributeName { return sessionAttributeRanks[name] ?? sessionOtherAttribute }
        let order: [SDPLineType] = [.version, .origin, .sessionName, .information, .uri, .email, .phone, .connection,
                                    .bandwidth, .timing, .repeatTimes, .timeZones, .encryptionKey]
        return order.firstIndex(of: line.type) ?? order.count
    }

    /// The media-level rank of `line`.
    static func mediaRank(_ line: SDPLine) -> Int {
        if let name = line.attributeName { return mediaAttributeRanks[name] ?? mediaOtherAttribute }
        let order: [SDPLineType] = [.media, .information, .connection, .bandwidth, .encryptionKey]
        return order.firstIndex(of: line.type) ?? order.count
    }
}

/// A list of lines edited through the typed model: shared by `SessionDescription` and `MediaDescription`.
protocol LineContainer {
    /// The lines, in order.
    var lines: [SDPLine] { get set }
    /// Where a line of this kind belongs.
    static func rank(of line: SDPLine) -> Int
}

extension LineContainer {
    /// Replaces every line matching `matches` with `newLines`. The new lines take the place of the first old one,
    /// so an edited description keeps its layout; when there was none they go after the last line that ranks
    /// no later than they do.
    mutating func replaceLines(where matches: (SDPLine) -> Bool, with newLines: [SDPLine]) {
        if let first = lines.firstIndex(where: matches) {
            lines.removeAll(where: matches)
            lines.insert(contentsOf: newLines, at: first)
            return
        }
        guard let rank = newLines.first.map(Self.rank(of:)) else { return }
        let position = (lines.lastIndex { Self.rank(of: $0) <= rank }).map { $0 + 1 } ?? 0
        lines.insert(contentsOf: newLines, at: position)
    }

    /// Replaces all attributes called `name` with `newLines`.
    mutating func replaceAttributes(named names: Set<String>, with newLines: [SDPLine]) {
        replaceLines(where: { $0.attributeName.map(names.contains) ?? false }, with: newLines)
    }

    /// All attributes, in order.
    var allAttributes: [SDPAttribute] { lines.compactMap(\.attribute) }

    /// The values of attributes called `name`.
    func attributeValues(_ name: String) -> [String?] {
        lines.compactMap { line in
            guard let attribute = line.attribute, attribute.name == name else { return nil }
            return .some(attribute.value)
        }
    }

    /// The typed values of every `T` attribute. Lines that do not parse are skipped: a parsed description has
    /// none, and `addAttribute` checks what it adds.
    func values<T: SDPAttributeValue>(_ type: T.Type) -> [T] {
        attributeValues(T.attributeName).compactMap { try? T(parsing: $0 ?? "") }
    }

    /// Replaces every `T` attribute with `values`.
    mutating func setValues<T: SDPAttributeValue>(_ values: [T]) {
        replaceAttributes(named: [T.attributeName], with: values.map(\.line))
    }

    /// The value of the first attribute called `name`, when it has one.
    func stringAttribute(_ name: String) -> String? { attributeValues(name).first ?? nil }

    /// Sets (or with nil removes) the single attribute called `name`.
    mutating func setStringAttribute(_ name: String, to value: String?) {
        replaceAttributes(named: [name], with: value.map { [SDPLine(SDPAttribute(name: name, value: $0))] } ?? [])
    }

    /// True when a property attribute called `name` is present.
    func flag(_ name: String) -> Bool { lines.contains { $0.attributeName == name } }

    /// Adds or removes the property attribute `name`.
    mutating func setFlag(_ name: String, _ on: Bool) {
        replaceAttributes(named: [name], with: on ? [SDPLine(SDPAttribute(name: name))] : [])
    }

    /// The typed value of the first line of field type `T`.
    func field<T: SDPFieldValue>(_ type: T.Type) -> T? {
        lines.first { $0.type == T.lineType }.flatMap { try? T(parsing: $0.value) }
    }

    /// The typed values of every line of field type `T`.
    func fields<T: SDPFieldValue>(_ type: T.Type) -> [T] {
        lines.filter { $0.type == T.lineType }.compactMap { try? T(parsing: $0.value) }
    }

    /// Replaces every line of `type` with `newLines`.
    mutating func setLines(of type: SDPLineType, to newLines: [SDPLine]) {
        replaceLines(where: { $0.type == type }, with: newLines)
    }

    /// Checks `attribute` and adds it after the last line of its rank.
    mutating func insertAttribute(_ attribute: SDPAttribute) throws(SDPError) {
        // Check what will be written: SDPLine turns line breaks into spaces, which may change the meaning.
        let line = SDPLine(attribute)
        try AttributeValidator.validate(SDPAttribute(parsing: line.value))
        let rank = Self.rank(of: line)
        let position = (lines.lastIndex { Self.rank(of: $0) <= rank }).map { $0 + 1 } ?? lines.count
        lines.insert(line, at: position)
    }
}
