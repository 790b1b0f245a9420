import Dispatch
import Synchronization
import Testing

import PeerRuntime

/// The codec thread's queue keeps only the newest frames when the codec falls behind, and counts what it drops.
@Suite struct CodecWorkerTests {
    final class Log: Sendable {
        let handled = Mutex<[Int]>([])
        let started = DispatchSemaphore(value: 0)
        let gate = DispatchSemaphore(value: 0)
    }

    @Test func aSlowCodecLosesTheOldestWaitingJobsAndCountsThem() {
        let log = Log()
        let worker = CodecWorker<Int>(name: "test codec", capacity: 3, makeState: { 0 }, handle: { count, job in
            if job == 0 {
                log.started.signal()
                log.gate.wait()  // the codec is stuck on its first job
            }
            count += 1
            log.handled.withLock { $0.append(job) }
        })
        #expect(worker.submit(0))
        log.started.wait()
        // Ten more arrive while it is stuck: the queue keeps the newest three.
        let kept = (1...10).map { worker.submit($0) }
        #expect(kept == [true, true, true, false, false, false, false, false, false, false])
        #expect(worker.dropped == 7)
        log.gate.signal()
        worker.finish()
        #expect(log.handled.withLock { $0 } == [0, 8, 9, 10])
        #expect(worker.handled == 4)
        // Finished: later jobs are refused.
        #expect(!worker.submit(11))
    }

    @Test func jobsAreHandledInOrderWhenTheCodecKeepsUp() {
        let log = Log()
        let worker = CodecWorker<Int>(name: "test codec", capacity: 64, makeState: { () }, handle: { _, job in
            log.handled.withLock { $0.append(job) }
        })
        for job in 0..<50 { #expect(worker.submit(job)) }
        worker.finish()
        #expect(log.handled.withLock { $0 } == Array(0..<50))
        #expect(worker.dropped == 0)
    }
}
