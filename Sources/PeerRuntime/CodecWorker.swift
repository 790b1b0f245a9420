import Foundation
import Synchronization

/// A codec on a thread of its own behind a bounded queue (ARCHITECTURE.md: the network path never waits for a
/// codec). Jobs are handled in order; when the codec falls `capacity` jobs behind, the oldest waiting job is
/// dropped and counted, so latency and memory stay bounded under overload: live media is not worth queueing.
///
/// The codec's state (a decoder, say, which is not `Sendable`) is made on the worker thread by `makeState` and never
/// leaves it.
public final class CodecWorker<Job: Sendable>: Sendable {
    private struct Queue {
        var jobs: [Job] = []
        var dropped = 0
        var handled = 0
        var finishing = false
    }

    private let queue = Mutex(Queue())
    private let wake = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)
    /// Jobs waiting at most; one more may be in the codec.
    public let capacity: Int

    /// Starts the worker thread; `handle` runs there for each job, with the state `makeState` made there.
    public init<State>(name: String, capacity: Int, makeState: @escaping @Sendable () -> State,
                handle: @escaping @Sendable (inout State, Job) -> Void) {
        self.capacity = max(capacity, 1)
        // The thread keeps the worker alive until `finish()` ends it.
        let thread = Thread {
            var state = makeState()
            self.run(&state, handle)
        }
        thread.name = name
        thread.start()
    }

    private func run<State>(_ state: inout State, _ handle: (inout State, Job) -> Void) {
        while true {
            wake.wait()
            let next: Job? = queue.withLock { queue in
                guard !queue.jobs.isEmpty else { return nil }
                return queue.jobs.removeFirst()
            }
            guard let job = next else {
                // A wake-up with nothing queued is `finish()`'s.
                if queue.withLock({ $0.finishing }) { break }
                continue
            }
            handle(&state, job)
            queue.withLock { $0.handled += 1 }
        }
        exited.signal()
    }

    /// Queues `job`; returns false when the queue was full and its oldest job was dropped to make room.
    @discardableResult
    public func submit(_ job: Job) -> Bool {
        let droppedOne = queue.withLock { queue -> Bool? in
            guard !queue.finishing else { return nil }
            var dropped = false
            if queue.jobs.count >= capacity {
                queue.jobs.removeFirst()
                queue.dropped += 1
                dropped = true
            }
            queue.jobs.append(job)
            return dropped
        }
        guard let droppedOne else { return false }
        // One signal per queued job, minus the dropped one's (which already had its signal).
        if !droppedOne { wake.signal() }
        return !droppedOne
    }

    /// Jobs dropped so far because the codec fell behind.
    public var dropped: Int { queue.withLock { $0.dropped } }
    /// Jobs handled so far.
    public var handled: Int { queue.withLock { $0.handled } }

    /// Handles what is queued, then ends the thread; waits up to `timeout` for it. Later jobs are refused.
    public func finish(timeout: Duration = .seconds(5)) {
        let first = queue.withLock { queue -> Bool in
            defer { queue.finishing = true }
            return !queue.finishing
        }
        guard first else { return }
        wake.signal()
        _ = exited.wait(timeout: .now() + .milliseconds(Int(timeout.components.seconds * 1000)))
    }
}
