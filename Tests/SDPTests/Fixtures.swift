import Foundation

/// Locates the captured SDP files under fixtures/sdp/ at the package root.
enum Fixtures {
    /// The package root: three levels above this file (Tests/SDPTests/Fixtures.swift).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static let sdp = root.appendingPathComponent("fixtures/sdp")
    static let broken = sdp.appendingPathComponent("broken")

    /// Names of the `.sdp` files directly in `directory`, sorted.
    static func names(in directory: URL) -> [String] {
        let all = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return all.filter { $0.hasSuffix(".sdp") }.sorted()
    }

    /// Every real captured description.
    static let captured = names(in: sdp)
    /// Every broken variant.
    static let brokenNames = names(in: broken)

    /// The file's text exactly as stored.
    static func text(_ name: String, in directory: URL = sdp) throws -> String {
        try String(decoding: Data(contentsOf: directory.appendingPathComponent(name)), as: UTF8.self)
    }

    /// `text` with every line ending made CRLF, as the serializer writes them (RFC 8866 §5).
    static func normalized(_ text: String) -> String {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n",
                                                                          omittingEmptySubsequences: false)
        var body = lines.joined(separator: "\r\n")
        if !body.hasSuffix("\r\n") { body += "\r\n" }
        return body
    }
}
