import Synchronization
import Wire

/// The window of a person's call: the remote video scaled with its aspect kept, the local preview as an inset, the
/// other side's name and the call's duration, a line of live statistics, and state banners ("reconnecting…",
/// "on hold"). Keys `m` `v` `s` `f` `q`/Esc and closing the window become `CallWindowEvent`s.
///
/// SDL2 runs on a thread of its own (created here, never touched by anyone else). The call hands it frames through
/// `NewestValue` slots that keep only the newest picture, so a slow display skips frames instead of stalling the
/// call; events come back through a bounded `EventQueue` that the call drains (`events()`). Everything here may be
/// called from any thread.
public final class CallWindow: Sendable {
    /// How the window starts.
    public struct Options: Sendable {
        /// The title bar's text.
        public var title = "LinkUp call"
        /// The size before the first remote picture arrives; the window then takes the picture's size (at most
        /// 1280x720) unless someone resized it.
        public var width = 960
        /// See `width`.
        public var height = 540
        /// A TrueType font for the text; nil: the first DejaVu Sans found. Without a font the window shows no text.
        public var fontPath: String?

        /// The defaults.
        public init() {}
    }

    let remote = NewestValue<VideoFrame>()
    let local = NewestValue<VideoFrame>()
    let status = Mutex(CallWindowStatus())
    let statusVersion = Atomic<Int>(0)
    let queue = EventQueue<CallWindowEvent>(capacity: 64)
    let stopped = Atomic<Bool>(false)
    let finished = Atomic<Bool>(false)
    let presented = Atomic<Int>(0)

    /// Opens the window on its own thread; throws when there is no display or SDL cannot open one (the sentence
    /// names the reason, e.g. "no DISPLAY").
    public init(options: Options = Options()) throws(DeviceError) {
        let opened = DeviceOpenResult()
        DeviceThread.start(name: "linkup window") { [self] in
            let renderer: SDLCallRenderer
            do throws(DeviceError) {
                renderer = try SDLCallRenderer(options: options)
            } catch {
                opened.report(error)
                finished.store(true, ordering: .releasing)
                return
            }
            opened.report(nil)
            renderer.run(window: self)
            renderer.close()
            finished.store(true, ordering: .releasing)
        }
        try opened.wait(what: "the call window")
    }

    /// Whether a window can be opened here at all: an X11 `DISPLAY` or a Wayland display is set (what
    /// `--window auto` checks).
    public static var displayAvailable: Bool {
        ["DISPLAY", "WAYLAND_DISPLAY"].contains { name in
            guard let value = getenv(name) else { return false }
            return value.pointee != 0
        }
    }

    /// A decoded picture of the other side (only the newest waiting one is drawn).
    public func showRemote(_ frame: VideoFrame) { remote.put(frame) }

    /// A picture of what this side sends, for the inset.
    public func showLocal(_ frame: VideoFrame) { local.put(frame) }

    /// Changes the words shown (name, statistics, state, badges).
    public func update(_ change: (inout CallWindowStatus) -> Void) {
        status.withLock { change(&$0) }
        statusVersion.add(1, ordering: .releasing)
    }

    /// The current words.
    public var currentStatus: CallWindowStatus { status.withLock { $0 } }

    /// What the person asked for since the last call, oldest first.
    public func events() -> [CallWindowEvent] { queue.drain() }

    /// Remote pictures the display skipped because newer ones came first.
    public var framesSkipped: Int { remote.replaced }
    /// Times the window was redrawn.
    public var framesPresented: Int { presented.load(ordering: .relaxed) }
    /// Whether the window is gone (closed, or its thread ended).
    public var isClosed: Bool { finished.load(ordering: .acquiring) }

    /// Closes the window (waits up to a second for its thread).
    public func close() {
        stopped.store(true, ordering: .releasing)
        let start = DeviceClock.now()
        while !finished.load(ordering: .acquiring), DeviceClock.now() - start < .seconds(1) {
            DeviceThread.sleep(.milliseconds(2))
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
