import Foundation
import Wire

/// Loads hex fixtures from `fixtures/<area>/` at the package root. Lines starting with `#` are comments.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures")

    /// Names of the `.hex` files in `fixtures/<area>/`, sorted so test order is stable.
    static func names(_ area: String) -> [String] {
        let directory = root.appendingPathComponent(area)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".hex") }.sorted()
    }

    /// The bytes of `fixtures/<area>/<name>`; crashes the test run if the fixture is missing or malformed,
    /// which is a broken checkout rather than a behaviour under test.
    static func bytes(_ area: String, _ name: String) -> [UInt8] {
        let url = root.appendingPathComponent(area).appendingPathComponent(name)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            fatalError("missing fixture \(url.path)")
        }
        let hex = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(separator: " ")
        guard let bytes = Hex.decode(hex) else { fatalError("bad hex in \(url.path)") }
        return bytes
    }

    static func rtp(_ name: String) -> [UInt8] { bytes("rtp", name) }
    static func rtcp(_ name: String) -> [UInt8] { bytes("rtcp", name) }
}

/// Hex of bytes, for readable failure messages.
func hex(_ bytes: some Sequence<UInt8>) -> String { Hex.encode(bytes) }
