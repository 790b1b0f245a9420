/// Parsing text into a `SessionDescription` (RFC 8866 §5, §9).
///
/// ```
/// session-description = version-field          v=0
///                       origin-field           o=<username> <sess-id> <sess-version> <nettype> <addrtype> <addr>
///                       session-name-field     s=<session name>
///                       [information-field]    i=  u=  e=  p=  c=  b=
///                       [uri-field] *email-fields *phone-fields [connection-field] *bandwidth-fields
///                       time-description       t=<start> <stop>  (r= z=)
///                       [key-field] *attribute-fields
///                       *media-description     m=<media> <port> <proto> <fmt> ...
///                                              then i= c= b= k= a= lines of the section
/// ```
///
/// Deliberate leniencies, each kept losslessly: LF as well as CRLF line ends; trailing empty lines are ignored;
/// lines with an unknown lower-case type letter are kept (RFC 8866 asks to reject the whole description); the
/// order of the optional session-level lines is not enforced; several `t=` lines are allowed.
extension SessionDescription {
    /// Parses a session description. Every line is kept, and every attribute the typed model reads is checked, so
    /// a broken line fails here with its line number rather than later.
    public init(parsing text: String) throws(SDPError) {
        var rawLines = Array(text.utf8).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map { $0.last == UInt8(ascii: "\r") ? $0.dropLast() : $0 }
        // A final line break leaves an empty last piece; blank lines at the very end are tolerated the same way.
        while let last = rawLines.last, last.isEmpty { rawLines.removeLast() }
        guard !rawLines.isEmpty else { throw SDPError(line: 1, text: "", reason: .empty) }

        var sessionLines = [SDPLine]()
        var sections = [[SDPLine]]()
        var sawTiming = false
        for (index, bytes) in rawLines.enumerated() {
            let number = index + 1
            let line = try SessionDescription.line(from: bytes, number: number)
            func fail(_ reason: SDPError.Reason) -> SDPError { SDPError(line: number, text: line.text, reason: reason) }
            switch number {
            case 1:
                guard line.type == .version else { throw fail(.missingVersion) }
            case 2:
                guard line.type == .origin else { throw fail(.missingOrigin) }
            case 3:
                guard line.type == .sessionName else { throw fail(.missingSessionName) }
            default:
                let inMedia = !sections.isEmpty || line.type == .media
                if line.type == .media, !sawTiming { throw fail(.missingTiming) }
                guard SessionDescription.isAllowed(line.type, inMedia: inMedia) else { throw fail(.misplacedLine) }
                if line.type == .timing { sawTiming = true }
            }
            do {
                try SessionDescription.check(line)
            } catch {
                throw SDPError(line: number, text: line.text, reason: error.reason)
            }
            if line.type == .media {
                sections.append([line])
            } else if sections.isEmpty {
                sessionLines.append(line)
            } else {
                sections[sections.count - 1].append(line)
            }
        }
        if !sawTiming {
            let number = rawLines.count
            throw SDPError(line: number, text: sessionLines.last?.text ?? "", reason: .missingTiming)
        }
        self.init(checkedLines: sessionLines, media: sections.map(MediaDescription.init(checkedLines:)))
    }

    /// Splits one line (without its line ending) into type and value.
    private static func line(from bytes: ArraySlice<UInt8>, number: Int) throws(SDPError) -> SDPLine {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let first = bytes.first else { throw SDPError(line: number, text: text, reason: .emptyLine) }
        guard let type = SDPLineType(rawValue: first) else {
            throw SDPError(line: number, text: text, reason: .badLineType)
        }
        guard bytes.dropFirst().first == UInt8(ascii: "=") else {
            throw SDPError(line: number, text: text, reason: .missingEquals)
        }
        let value = bytes.dropFirst(2)
        guard !value.contains(0), !value.contains(UInt8(ascii: "\r")) else {
            throw SDPError(line: number, text: text, reason: .badCharacter)
        }
        return SDPLine(type, String(decoding: value, as: UTF8.self))
    }

    /// Whether a line of `type` may appear after the first three lines, at session level or in a media section.
    private static func isAllowed(_ type: SDPLineType, inMedia: Bool) -> Bool {
        switch type {
        case .version, .origin, .sessionName: return false
        case .uri, .email, .phone, .timing, .repeatTimes, .timeZones: return !inMedia
        default: return true  // i c b k a m, and unknown letters which are kept as they are
        }
    }

    /// Checks the grammar of the lines the typed model reads.
    private static func check(_ line: SDPLine) throws(SDPError) {
        switch line.type {
        case .version: _ = try VersionField(parsing: line.value)
        case .origin: _ = try Origin(parsing: line.value)
        case .timing: _ = try Timing(parsing: line.value)
        case .connection: _ = try ConnectionData(parsing: line.value)
        case .bandwidth: _ = try Bandwidth(parsing: line.value)
        case .media: _ = try MediaLine(parsing: line.value)
        case .attribute: try AttributeValidator.validate(SDPAttribute(parsing: line.value))
        default: break
        }
    }
}
