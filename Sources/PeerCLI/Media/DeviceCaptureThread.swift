import Dispatch
import Foundation
import Media
import PeerRuntime
import Synchronization
import Wire

/// A blocking capture device (a V4L2 camera, an ALSA microphone) on a thread of its own, its frames handed to async
/// code through `frames`.
///
/// The device is opened on the capture thread and never leaves it (the device classes are not `Sendable`); `init`
/// waits for the open so a missing or busy device fails the call at once, with the device's own sentence. A device
/// that returns frames faster than their duration (ALSA's `null` PCM does not pace itself) is paced to real time.
/// Only the newest few frames are kept when the consumer falls behind: live media is not worth queueing.
final class DeviceCaptureThread<Frame: Sendable>: Sendable {
    /// How to open the device (on the capture thread): a reader that blocks until the next frame (nil: none within
    /// its timeout, try again), and how to close it.
    struct Device {
        var read: () throws -> Frame?
        var close: () -> Void
        /// How long one frame lasts, for pacing; nil when the device paces itself.
        var frameDuration: Duration?
    }

    /// The captured frames; finishes when stopped, or throws the device's error.
    let frames: AsyncThrowingStream<Frame, any Error>
    private let stopped = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)

    /// Starts the thread and waits (up to 10 s) for `open` to succeed; throws what it threw.
    init(name: String, open: @escaping @Sendable () throws -> Device) throws {
        let (stream, sink) = AsyncThrowingStream.makeStream(of: Frame.self, throwing: (any Error).self,
                                                            bufferingPolicy: .bufferingNewest(4))
        frames = stream
        let opened = OpenResult()
        let thread = Thread { [stopped = UnsafeSendableFlag(self)] in
            let device: Device
            do {
                device = try open()
                opened.set(nil)
            } catch {
                opened.set(error)
                sink.finish(throwing: error)
                stopped.owner?.done.signal()
                return
            }
            let start = RuntimeClock.now()
            var count: Int64 = 0
            while !(stopped.owner?.stopped.load(ordering: .relaxed) ?? true) {
                do {
                    guard let frame = try device.read() else { continue }
                    sink.yield(frame)
                    count += 1
                    if let duration = device.frameDuration {
                        let due = start + duration * Int(count)
                        let ahead = due - RuntimeClock.now()
                        if ahead > .zero { Thread.sleep(forTimeInterval: Double(ahead.wholeNanoseconds) / 1e9) }
                    }
                } catch {
                    sink.finish(throwing: error)
                    break
                }
            }
            device.close()
            sink.finish()
            stopped.owner?.done.signal()
        }
        thread.name = name
        thread.start()
        if let error = opened.wait(timeout: .now() + 10) { throw error }
    }

    /// Asks the thread to stop and waits (briefly) until it closed the device.
    func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        _ = done.wait(timeout: .now() + 2)
    }

    deinit { stopped.store(true, ordering: .relaxed) }
}

/// The capture thread's view of its owner: weak, so an owner that is gone stops the thread.
private struct UnsafeSendableFlag<Owner: AnyObject & Sendable>: Sendable {
    weak var owner: Owner?
    init(_ owner: Owner) { self.owner = owner }
}

/// The outcome of opening the device, handed from the capture thread to `init`.
private final class OpenResult: @unchecked Sendable {
    // Written once by the capture thread before `ready` is signalled, read by init after: the semaphore orders them.
    private var error: (any Error)?
    private var finished = false
    private let ready = DispatchSemaphore(value: 0)

    func set(_ error: (any Error)?) {
        self.error = error
        finished = true
        ready.signal()
    }

    func wait(timeout: DispatchTime) -> (any Error)? {
        guard ready.wait(timeout: timeout) == .success else {
            return CallError("the capture device did not open within 10 s")
        }
        return error
    }
}
