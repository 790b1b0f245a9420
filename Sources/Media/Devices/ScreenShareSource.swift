import Synchronization
import Wire

/// The screen, captured on a thread of its own at a steady rate while sharing is on, its newest picture always
/// available (`latest`) to whoever sends video. Used for sharing the screen in the middle of a call (`s` in the
/// call window); `--video screen` captures through `X11ScreenCapture` directly.
public final class ScreenShareSource: Sendable {
    /// The display captured.
    public let display: String?
    /// Pictures per second captured.
    public let framesPerSecond: Int
    private let newest = Mutex<VideoFrame?>(nil)
    private let running = Atomic<Bool>(true)
    private let finished = Atomic<Bool>(false)

    /// Starts capturing `display` (nil: DISPLAY) at `framesPerSecond`; throws when the display cannot be opened.
    public init(display: String? = nil, framesPerSecond: Int = 5) throws(DeviceError) {
        self.display = display
        self.framesPerSecond = max(1, min(framesPerSecond, 60))
        let opened = DeviceOpenResult()
        let interval = Duration.nanoseconds(1_000_000_000 / Int64(self.framesPerSecond))
        DeviceThread.start(name: "linkup screen") { [self] in
            let capture: X11ScreenCapture
            do throws(DeviceError) {
                capture = try X11ScreenCapture(display: display)
            } catch {
                opened.report(error)
                finished.store(true, ordering: .releasing)
                return
            }
            opened.report(nil)
            var due = DeviceClock.now()
            while running.load(ordering: .acquiring) {
                guard let frame = try? capture.nextFrame() else { break }
                newest.withLock { $0 = frame }
                due = due + interval
                DeviceThread.sleep(due - DeviceClock.now())
            }
            capture.close()
            finished.store(true, ordering: .releasing)
        }
        try opened.wait(what: "the screen capture of \(display ?? "DISPLAY")")
    }

    /// The newest picture of the screen (nil until the first arrived).
    public var latest: VideoFrame? { newest.withLock { $0 } }

    /// Stops capturing (waits up to half a second for the thread).
    public func stop() {
        running.store(false, ordering: .releasing)
        let start = DeviceClock.now()
        while !finished.load(ordering: .acquiring), DeviceClock.now() - start < .milliseconds(500) {
            DeviceThread.sleep(.milliseconds(2))
        }
    }
}
