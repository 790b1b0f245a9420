internal import CShim
import Synchronization
import Wire

#if canImport(Glibc)
import Glibc
#endif

/// A plain POSIX thread for a device (the call window, the speaker, the screen), so Media needs neither Foundation
/// nor Dispatch; and a one-shot hand-off of "the device opened (or why not)" from that thread to its creator.
public enum DeviceThread {
    /// Starts `body` on a new detached thread named `name` (at most 15 characters are kept).
    public static func start(name: String, _ body: @escaping @Sendable () -> Void) {
        final class Box: @unchecked Sendable {
            // Handed whole to the new thread, which takes it back with takeRetainedValue: no sharing.
            let name: String
            let body: @Sendable () -> Void
            init(name: String, body: @escaping @Sendable () -> Void) {
                self.name = name
                self.body = body
            }
        }
        let box = Unmanaged.passRetained(Box(name: name, body: body)).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { argument in
            guard let argument else { return nil }
            let box = Unmanaged<Box>.fromOpaque(argument).takeRetainedValue()
            linkup_set_thread_name(String(box.name.prefix(15)))
            box.body()
            return nil
        }, box)
        if created == 0 {
            pthread_detach(thread)
        } else {
            // No thread: run nothing, release the box; the caller's open wait times out with a sentence.
            Unmanaged<Box>.fromOpaque(box).release()
        }
    }

    /// Sleeps the calling (device) thread for `duration`.
    public static func sleep(_ duration: Duration) {
        guard duration > .zero else { return }
        let nanoseconds = duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0, errno == EINTR { request = remaining }
    }
}

/// The outcome of opening a device on its thread, waited for by the thread that asked.
public final class DeviceOpenResult: Sendable {
    private let state = Mutex<(done: Bool, error: DeviceError?)>((false, nil))

    /// Nothing reported yet.
    public init() {}

    /// The device thread reports success (nil) or the error.
    public func report(_ error: DeviceError?) {
        state.withLock { $0 = (true, error) }
    }

    /// Waits (polling every millisecond) until the device thread reports, at most `timeout`; throws its error.
    public func wait(timeout: Duration = .seconds(10), what: String) throws(DeviceError) {
        let start = DeviceClock.now()
        while true {
            let (done, error) = state.withLock { $0 }
            if done {
                if let error { throw error }
                return
            }
            if DeviceClock.now() - start > timeout {
                throw .invalidConfiguration("\(what) did not open within \(timeout)")
            }
            DeviceThread.sleep(.milliseconds(1))
        }
    }
}
