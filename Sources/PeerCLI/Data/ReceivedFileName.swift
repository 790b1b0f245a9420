/// The name a received file is saved under, made from the name its sender announced: a plain file name inside
/// the receive directory whatever the sender wrote (no directories, no `..`, no hidden or empty names, no control
/// characters), and ` (1)`, ` (2)`… before the extension when the name is taken.
struct ReceivedFileName: Equatable, Sendable {
    /// The safe name (`report.pdf`).
    let name: String

    /// The name used when nothing usable is left of the announced one.
    static let fallback = "received-file"
    /// At most this many UTF-8 bytes (file systems allow 255; room is left for ` (N)`).
    static let maxBytes = 200

    /// The safe form of `announced`.
    init(announced: String) {
        // The last path component, for `/` and `\` alike (a name from Windows may carry either).
        let base = announced.split(omittingEmptySubsequences: false) { $0 == "/" || $0 == "\\" }.last.map(String.init)
            ?? ""
        var cleaned = String(String.UnicodeScalarView(base.unicodeScalars.filter {
            !$0.properties.generalCategory.isControlOrFormat
        }))
        cleaned = cleaned.trimmingWhitespace()
        // No hidden names (nor `.` and `..`): the leading dots go.
        while cleaned.hasPrefix(".") { cleaned.removeFirst() }
        cleaned = cleaned.trimmingWhitespace()
        while cleaned.utf8.count > Self.maxBytes { cleaned.removeLast() }
        name = cleaned.isEmpty ? Self.fallback : cleaned
    }

    /// The `attempt`th name to try: the name itself first, then `stem (1).ext`, `stem (2).ext`…
    func candidate(_ attempt: Int) -> String {
        guard attempt > 0 else { return name }
        if let dot = name.lastIndex(of: "."), dot != name.startIndex {
            return "\(name[..<dot]) (\(attempt))\(name[dot...])"
        }
        return "\(name) (\(attempt))"
    }
}

private extension Unicode.GeneralCategory {
    /// Control characters (newlines, NUL, escapes) and invisible format characters (bidirectional overrides).
    var isControlOrFormat: Bool {
        switch self {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned: true
        default: false
        }
    }
}

private extension String {
    func trimmingWhitespace() -> String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
