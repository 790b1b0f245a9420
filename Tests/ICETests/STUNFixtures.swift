import Foundation
import Wire

/// Loads hex fixtures from `fixtures/` at the package root (Foundation is allowed in tests only).
enum STUNFixtures {
    /// The package root, found from this file's path: Tests/ICETests/STUNFixtures.swift.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The bytes of `fixtures/stun/<name>`: hex digits with whitespace, lines starting with "#" ignored.
    static func hex(_ name: String) throws -> [UInt8] {
        let url = root.appendingPathComponent("fixtures/stun/\(name)")
        let text = try String(contentsOf: url, encoding: .utf8)
        let digits = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(separator: "\n")
        guard let bytes = Hex.decode(digits) else { throw FixtureError.badHex(name) }
        return bytes
    }

    /// A fixture that is not valid hex.
    enum FixtureError: Error { case badHex(String) }
}
