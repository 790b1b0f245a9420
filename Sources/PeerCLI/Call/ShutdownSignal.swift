import Dispatch
import Foundation
import Synchronization

/// Ctrl-C (SIGINT) and SIGTERM as a flag a long-running subcommand polls, so it can hang up, finish its files
/// and leave cleanly instead of dying mid-write. A second signal ends the process at once.
final class ShutdownSignal: Sendable {
    private let flag = Atomic<Bool>(false)
    private let sources: [any DispatchSourceSignal]

    /// Takes over SIGINT and SIGTERM for the rest of the process.
    init() {
        let flag = self.flag
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if flag.exchange(true, ordering: .relaxed) { exit(130) }
            }
            source.resume()
            return source
        }
    }

    /// Whether a signal arrived.
    var requested: Bool { flag.load(ordering: .relaxed) }
}
