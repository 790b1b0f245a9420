import Media
import MediaSession
import PeerRuntime
import Synchronization
import Wire

/// The sources of one call's outgoing media, each on its own clock: the test pattern and the tone (drawn here,
/// encoded by the engine's encoder threads), IVF and Ogg files (already encoded: handed to the engine as encoded
/// frames at the pace of their timestamps), cameras, screens and microphones (on capture threads of their own).
/// Pictures and audio go to the call's engine without waiting (`CallAccess.enqueue`); the person's taps (camera
/// off, mute, echo cancellation) are applied here first.
final class MediaSources: Sendable {
    private let configuration: CallMediaConfiguration
    private let call: CallAccess
    private let camera: DeviceCaptureThread<VideoFrame>?
    private let microphone: DeviceCaptureThread<AudioFrame>?
    private let stopped = Atomic<Bool>(false)

    /// Opens the devices `configuration` names (a missing or busy device throws at once, with its own sentence)
    /// and checks its files.
    init(configuration: CallMediaConfiguration, call: CallAccess) throws {
        self.configuration = configuration
        self.call = call
        switch configuration.video {
        case let .ivf(path):
            _ = try IVFLoopSource(path: path)
            camera = nil
        case let .camera(path, format):
            camera = try DeviceCaptureThread(name: "linkup camera \(path)") {
                let device = try V4L2Camera(path: path, width: format.width, height: format.height,
                                            framesPerSecond: format.fps)
                return .init(read: { try device.nextFrame(timeout: .milliseconds(200)) }, close: { device.close() },
                             frameDuration: nil)
            }
        case let .screen(display, fps):
            camera = try DeviceCaptureThread(name: "linkup screen \(display ?? "")") {
                let screen = try X11ScreenCapture(display: display)
                return .init(read: { try screen.nextFrame() }, close: { screen.close() },
                             frameDuration: .nanoseconds(1_000_000_000 / Int64(max(1, fps))))
            }
        default:
            camera = nil
        }
        switch configuration.audio {
        case let .ogg(path):
            _ = try OggOpusLoopSource(path: path)
            microphone = nil
        case let .microphone(name):
            microphone = try DeviceCaptureThread(name: "linkup microphone \(name)") {
                let device = try ALSACapture(device: name, channels: 1)
                return .init(read: { try device.read() }, close: { device.close() }, frameDuration: .milliseconds(20))
            }
        default:
            microphone = nil
        }
    }

    /// Ends the loops and closes the capture devices.
    func stop() {
        stopped.store(true, ordering: .relaxed)
        camera?.stop()
        microphone?.stop()
    }

    private var isStopped: Bool { Task.isCancelled || stopped.load(ordering: .relaxed) }

    private func submit(_ frame: VideoFrame) {
        let sent = configuration.taps.outgoingVideo?(frame) ?? frame
        call.enqueue { machine, now in machine.submitVideo(sent, now: now) }
    }

    private func submit(_ frame: AudioFrame) {
        let sent = configuration.taps.outgoingAudio?(frame) ?? frame
        call.enqueue { machine, now in machine.submitAudio(sent, now: now) }
    }

    /// The video source until `end`: the test pattern at its frame rate, the IVF file at its own pace (on a
    /// schedule that does not drift), or the capture device's frames as they come.
    func videoLoop(until end: Instant?) async {
        switch configuration.video {
        case let .testPattern(format):
            let pattern = TestPatternSource(width: format.width, height: format.height, noise: format.noise)
            await paced(every: .nanoseconds(1_000_000_000 / Int64(max(format.fps, 1))), until: end) { number, _ in
                submit(pattern.frame(number: UInt32(truncatingIfNeeded: number), captureTime: RuntimeClock.now()))
            }
        case let .ivf(path):
            guard var file = try? IVFLoopSource(path: path) else { return }
            let start = RuntimeClock.now()
            // A file cannot make a keyframe on demand: start at its first keyframe, so the remote never gets a
            // broken chain.
            var started = false
            while !isStopped {
                let next = file.next()
                let due = start + next.due
                if let end, due >= end { return }
                await sleep(until: due)
                if !started, !next.isKeyframe { continue }
                started = true
                let data = next.data, isKeyframe = next.isKeyframe
                call.enqueue { machine, now in
                    machine.videoEncoded(data, isKeyframe: isKeyframe, captureTime: due, now: now)
                }
            }
        case .camera, .screen:
            guard let camera else { return }
            if await deviceLoop(camera.frames, until: end, send: submit) { await blackLoop(until: end) }
        case .echo, .none:
            return
        }
    }

    /// The audio source until `end`: the tone every 20 ms, the Ogg file's packets at their durations, or the
    /// microphone's frames as they come.
    func audioLoop(until end: Instant?) async {
        switch configuration.audio {
        case let .tone(frequency):
            var tone = ToneSource(frequency: frequency)
            await paced(every: .milliseconds(20), until: end) { _, due in
                submit(tone.nextFrame(timestamp: due))
            }
        case let .ogg(path):
            guard var file = try? OggOpusLoopSource(path: path) else { return }
            let start = RuntimeClock.now()
            var elapsedSamples: Int64 = 0
            while !isStopped {
                let due = start + .nanoseconds(elapsedSamples * 1_000_000_000 / 48_000)
                if let end, due >= end { return }
                await sleep(until: due)
                let next = file.next()
                let packet = next.packet, samples = next.samples
                call.enqueue { machine, now in
                    machine.audioEncoded(packet, samples: samples, captureTime: due, now: now)
                }
                elapsedSamples += Int64(max(samples, 1))
            }
        case .microphone:
            guard let microphone else { return }
            await deviceLoop(microphone.frames, until: end, send: submit)
        case .echo, .none:
            return
        }
    }

    /// Calls `body` with the tick number and its due time every `interval` from now until `end`, on a schedule
    /// that does not drift.
    private func paced(every interval: Duration, until end: Instant?, _ body: (Int64, Instant) -> Void) async {
        let start = RuntimeClock.now()
        var number: Int64 = 0
        while !isStopped {
            let due = start + interval * Int(number)
            if let end, due >= end { return }
            await sleep(until: due)
            if isStopped { return }
            body(number, due)
            number += 1
        }
    }

    /// Sends what a capture device delivers, at the device's own pace, until `end`; a device error ends the loop
    /// with a sentence in the log and returns true (the call goes on without that medium).
    @discardableResult
    private func deviceLoop<Frame: Sendable>(_ frames: AsyncThrowingStream<Frame, any Error>, until end: Instant?,
                                             send: (Frame) -> Void) async -> Bool {
        do {
            for try await frame in frames {
                if isStopped { return false }
                if let end, RuntimeClock.now() >= end { return false }
                send(frame)
            }
        } catch {
            printError("linkup: capture stopped: \(error)" +
                       (Frame.self == VideoFrame.self ? "; sending black, the call goes on" : ""))
            return !isStopped
        }
        return false
    }

    /// A camera (or screen) that went away mid-call: black pictures at 15 fps until `end`, so the remote sees the
    /// picture go dark instead of freezing, and the SDP does not change.
    private func blackLoop(until end: Instant?) async {
        var width = 640, height = 480
        if case let .camera(_, format) = configuration.video { (width, height) = (format.width, format.height) }
        await paced(every: .nanoseconds(1_000_000_000 / 15), until: end) { _, due in
            submit(VideoFrame(width: width, height: height, luma: 16, captureTime: due))
        }
    }
}
