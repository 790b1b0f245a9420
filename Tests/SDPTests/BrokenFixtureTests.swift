import Foundation
import SDP
import Testing

/// Each fixtures/sdp/broken/*.sdp (a real description with one line broken, made by
/// Tests/Interop/make_broken_sdp.py) fails with the error and line its .expected file names.
@Suite struct BrokenFixtureTests {
    @Test func thereAreBrokenFixtures() {
        #expect(Fixtures.brokenNames.count >= 20)
    }

    @Test(arguments: Fixtures.brokenNames)
    func failsOnTheExpectedLine(name: String) throws {
        let text = try Fixtures.text(name, in: Fixtures.broken)
        let note = try Fixtures.text(name.replacingOccurrences(of: ".sdp", with: ".expected"), in: Fixtures.broken)
        let parts = note.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        let expectedLine = try #require(Int(parts[0]))
        do {
            _ = try SessionDescription(parsing: text)
            Issue.record("\(name) parsed but should fail with \(note)")
        } catch {
            #expect(error.line == expectedLine, "\(error)")
            #expect("\(error.reason)" == parts[1], "\(error)")
            // The error quotes the offending line as it is in the file.
            let fileLines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n",
                                                                                   omittingEmptySubsequences: false)
            #expect(error.text == String(fileLines[expectedLine - 1]))
            #expect(error.description.hasPrefix("line \(expectedLine) \""))
        }
    }
}
