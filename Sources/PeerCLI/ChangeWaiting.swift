/// An actor whose tasks wait for its state to change: it calls `wakeWaiters()` after every change that matters,
/// and `waitForChange(upTo:)` returns after the next one, or after `limit` at the latest, so a waiter also notices a
/// deadline passing while nothing happens.
protocol ChangeWaiting: Actor {
    /// The tasks waiting; only `wakeWaiters()` and `waitForChange(upTo:)` touch it.
    var waiters: [CheckedContinuation<Void, Never>] { get set }
}

extension ChangeWaiting {
    /// Resumes every waiting task.
    func wakeWaiters() {
        let waiting = waiters
        waiters.removeAll()
        for waiter in waiting { waiter.resume() }
    }

    /// Waits until the next `wakeWaiters()`, or `limit` at most.
    func waitForChange(upTo limit: Duration) async {
        let timer = Task { [weak self] in
            try? await Task.sleep(for: limit)
            await self?.wakeWaiters()
        }
        await withCheckedContinuation { waiters.append($0) }
        timer.cancel()
    }
}
