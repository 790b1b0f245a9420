@preconcurrency import Dispatch
import Foundation
import Synchronization

/// SIGUSR1 as a request to restart ICE (`kill -USR1 <pid of linkup call>`): a user who knows the network changed
/// (a new Wi-Fi, a VPN) need not wait for consent checks to notice.
final class RestartSignal: @unchecked Sendable {
    private final class Flag: Sendable {
        let raised = Atomic<Bool>(false)
    }

    private let flag = Flag()
    /// Kept alive as long as the object; only touched in `init` and `deinit` (hence `@unchecked Sendable`).
    private let source: any DispatchSourceSignal

    /// Takes over SIGUSR1 while the object lives.
    init() {
        let flag = self.flag
        signal(SIGUSR1, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGUSR1, queue: .global())
        source.setEventHandler { flag.raised.store(true, ordering: .relaxed) }
        source.resume()
    }

    deinit { source.cancel() }

    /// True once per SIGUSR1 received since the last call.
    func take() -> Bool { flag.raised.exchange(false, ordering: .relaxed) }
}
