import Media
import Synchronization
import Wire

/// The devices of the person at a `linkup call`: the call window, the speaker, echo cancellation on the
/// microphone, mute, camera off, and sharing the screen in the middle of the call. Each device runs on its own
/// thread; the call reaches them only through `taps` (frames in and out) and `pollWindow` / `updateWindow`.
final class PersonDevices: Sendable {
    /// How `--window` was given.
    enum WindowMode: String, Sendable, CaseIterable {
        case auto, on, off
    }

    /// The window, when one is open.
    let window: CallWindow?
    /// The speaker, when one is open.
    let playout: AudioPlayout?
    /// Whether the video source is the screen already (`s` then has nothing to switch).
    let screenIsSource: Bool
    private let echo: Mutex<EchoCanceller?>
    private let reference: EchoReference?
    private let muted = Atomic<Bool>(false)
    private let cameraOff = Atomic<Bool>(false)
    private let share = Mutex<ScreenShareSource?>(nil)
    /// The last screen picture scaled for sending: the screen changes 5 times a second, the camera's clock asks 30.
    private let scaledScreen = Mutex<VideoFrame?>(nil)
    /// What the devices said while opening (a speaker that could not open with the default setting, ...).
    let notes: [String]

    /// Opens what the options ask for. An explicitly requested window or speaker that cannot open is an error;
    /// the defaults (`--window auto`, the `default` speaker) fall back to none with a note.
    init(window mode: WindowMode, title: String, speaker: String?, speakerExplicit: Bool, echoCancellation: Bool,
         microphone: Bool, screenIsSource: Bool) throws {
        var notes: [String] = []
        var window: CallWindow?
        if mode == .on || (mode == .auto && CallWindow.displayAvailable) {
            var options = CallWindow.Options()
            options.title = title
            do {
                window = try CallWindow(options: options)
            } catch {
                if mode == .on { throw CallError("--window on: \(error)") }
                notes.append("no call window: \(error)")
            }
        }
        self.window = window
        var playout: AudioPlayout?
        var reference: EchoReference?
        if let speaker {
            // What the speaker played, by the time it was heard: the microphone's frames find their echo's source
            // by their capture time.
            reference = microphone && echoCancellation ? EchoReference() : nil
            do {
                playout = try AudioPlayout(device: speaker, reference: reference)
            } catch {
                window?.close()
                if speakerExplicit { throw CallError("--speaker alsa:\(speaker): \(error) (linkup devices lists them)") }
                notes.append("no sound out: \(error)")
                reference = nil
            }
        }
        self.playout = playout
        self.reference = reference
        echo = Mutex(reference != nil ? EchoCanceller() : nil)
        self.screenIsSource = screenIsSource
        self.notes = notes
    }

    /// Whether echo cancellation runs on the microphone.
    var cancelsEcho: Bool { reference != nil }

    /// The hook points for the call's media.
    var taps: CallMediaTaps {
        var taps = CallMediaTaps()
        if let window {
            taps.decodedVideo = { @Sendable (frame: VideoFrame) in window.showRemote(frame) }
        }
        if let playout {
            taps.decodedAudio = { @Sendable (frame: AudioFrame, timestamp: UInt32) in
                playout.push(frame.samples, rtpTimestamp: timestamp)
            }
        }
        taps.outgoingVideo = { @Sendable [self] (frame: VideoFrame) -> VideoFrame in outgoingVideo(frame) }
        taps.outgoingAudio = { @Sendable [self] (frame: AudioFrame) -> AudioFrame in outgoingAudio(frame) }
        return taps
    }

    private func outgoingVideo(_ frame: VideoFrame) -> VideoFrame {
        var sent = frame
        if let screen = share.withLock({ $0?.latest }) {
            sent = scaledScreen.withLock { cached in
                if let scaled = cached, scaled.captureTime == screen.captureTime, scaled.width == frame.width,
                   scaled.height == frame.height {
                    return scaled
                }
                let scaled = VideoScaler.fit(screen, width: frame.width, height: frame.height)
                cached = scaled
                return scaled
            }
            sent.captureTime = frame.captureTime
        } else if cameraOff.load(ordering: .relaxed) {
            sent = VideoFrame(width: frame.width, height: frame.height, luma: 16, captureTime: frame.captureTime)
        }
        window?.showLocal(sent)
        return sent
    }

    private func outgoingAudio(_ frame: AudioFrame) -> AudioFrame {
        var sent = frame
        if let reference, frame.channels == 1 {
            let played = reference.reference(count: frame.samples.count, at: frame.timestamp)
            sent.samples = echo.withLock { $0?.process(captured: frame.samples, played: played) } ?? frame.samples
        }
        if muted.load(ordering: .relaxed) {
            sent.samples = [Int16](repeating: 0, count: frame.samples.count)
        }
        return sent
    }

    /// Acts on what the person pressed since the last call; true when they hung up (q, Esc, window closed).
    func pollWindow() -> Bool {
        guard let window else { return false }
        if window.isClosed { return true }
        for event in window.events() {
            switch event {
            case .hangUp:
                return true
            case .toggleMute:
                let now = !muted.load(ordering: .relaxed)
                muted.store(now, ordering: .relaxed)
                window.update { $0.muted = now }
                printError("linkup call: microphone \(now ? "muted" : "on")")
            case .toggleCamera:
                let now = !cameraOff.load(ordering: .relaxed)
                cameraOff.store(now, ordering: .relaxed)
                window.update { $0.cameraOff = now }
                printError("linkup call: camera \(now ? "off (sending black)" : "on")")
            case .toggleScreenShare:
                toggleScreenShare(window)
            case .toggleFullScreen:
                break
            }
        }
        return false
    }

    private func toggleScreenShare(_ window: CallWindow) {
        guard !screenIsSource else {
            printError("linkup call: the screen is the video source already")
            return
        }
        if let running = share.withLock({ source -> ScreenShareSource? in defer { source = nil }; return source }) {
            running.stop()
            window.update { $0.sharingScreen = false }
            printError("linkup call: screen sharing stopped")
            return
        }
        do {
            let source = try ScreenShareSource(framesPerSecond: 5)
            share.withLock { $0 = source }
            window.update { $0.sharingScreen = true }
            printError("linkup call: sharing the screen")
        } catch {
            printError("linkup call: cannot share the screen: \(error)")
        }
    }

    /// Puts new words on the window (no-op without one).
    func updateWindow(_ change: (inout CallWindowStatus) -> Void) { window?.update(change) }

    /// Closes everything.
    func stop() {
        share.withLock { $0 }?.stop()
        playout?.stop()
        window?.close()
    }
}
