import ArgumentParser

/// A subcommand that is announced in `--help` but not built yet. Running it prints which piece of work will bring
/// it and exits with status 2, so scripts can tell "not there" from "failed".
protocol PlannedCommand: ParsableCommand {
    /// What the subcommand will do, in one sentence, shown in `linkup --help`.
    static var purpose: String { get }
    /// The issue whose work brings the subcommand.
    static var arrivesWith: String { get }
}

extension PlannedCommand {
    static func plannedConfiguration(_ name: String) -> CommandConfiguration {
        CommandConfiguration(
            commandName: name,
            abstract: "(not available yet) \(purpose)",
            discussion: "This subcommand arrives with \(arrivesWith). Nothing is run today."
        )
    }

    func run() throws {
        let name = Self.configuration.commandName ?? "this subcommand"
        printError("linkup \(name) is not available yet: it arrives with \(Self.arrivesWith).")
        throw ExitCode(2)
    }
}

/// Writes a line to standard error.
func printError(_ message: String) {
    var stream = StandardError()
    print(message, to: &stream)
}

/// Standard error as a `TextOutputStream`.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        var bytes = Array(string.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
            guard written > 0 else { return }
            offset += written
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
