@preconcurrency import Dispatch
import Foundation
import Synchronization

/// Ctrl-C (SIGINT) and SIGTERM as a flag a long-running subcommand polls, so it can hang up, finish its files
/// and leave cleanly instead of dying mid-write. A second signal ends the process at once.
final class ShutdownSignal: @unchecked Sendable {
    /// The flag, in a class of its own so the signal handlers can share it.
    private final class Flag: Sendable {
        let raised = Atomic<Bool>(false)
    }

    private let flag = Flag()
    /// Kept alive for the process's lifetime; only touched in `init` (hence `@unchecked Sendable`).
    private let sources: [any DispatchSourceSignal]

    /// Takes over SIGINT and SIGTERM for the rest of the process.
    init() {
        let flag = self.flag
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if flag.raised.exchange(true, ordering: .relaxed) { exit(130) }
            }
            source.resume()
            return source
        }
    }

    /// Whether a signal arrived.
    var requested: Bool { flag.raised.load(ordering: .relaxed) }
}
