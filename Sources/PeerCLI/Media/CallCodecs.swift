import Media
import MediaSession
import PeerRuntime
import RTP
import Synchronization
import Wire

/// The codecs of one call, each on a thread of its own behind a bounded queue that drops the oldest job
/// (`CodecWorker`; ARCHITECTURE.md: the network path never waits for a codec). The call's engine asks for codec
/// work through its events; `take(_:)` hands each request to its worker right on the call's event loop, and the
/// encoders hand their frames back to the engine in order (`CallAccess.enqueue`). Recording happens on the
/// decoder threads too, so no file is written on the event loop.
final class CallCodecs: Sendable {
    private let call: CallAccess
    private let ntp: NTPClock
    private let videoEncoder: CodecWorker<VideoEncodeRequest>?
    private let audioEncoder: CodecWorker<AudioEncodeRequest>?
    private let videoDecoder: CodecWorker<VideoDecodeRequest>
    private let audioDecoder: CodecWorker<AudioDecodeRequest>
    /// What the codec threads measured.
    let measurements = LockedValue(MediaMeasurements())
    private let recorder: LockedValue<CallRecorder<FileSink>?>

    /// Frames a decoder may fall behind by before the oldest is dropped (and, for video, a keyframe asked for).
    static let videoDecodeQueue = 8
    static let audioDecodeQueue = 16
    /// Pictures waiting for the encoder: live video is not worth queueing, the newest pictures win.
    static let videoEncodeQueue = 2
    static let audioEncodeQueue = 8

    /// Starts the codec threads `configuration` needs: encoders for what is encoded live, decoders always.
    init(call: CallAccess, configuration: CallMediaConfiguration, ntp: NTPClock) throws {
        self.call = call
        self.ntp = ntp
        _ = try VP8Decoder()  // fails here, with libvpx's sentence, rather than on a codec thread
        _ = try OpusDecoder(channels: 1)
        let measurements = self.measurements
        if configuration.keepsFrameTimeline { measurements.withLock { $0.frameTimeline = [] } }
        switch configuration.video {
        case .testPattern, .camera, .screen:
            _ = try VP8Encoder(VP8EncoderConfiguration(width: 64, height: 64, bitrate: configuration.videoBitrate))
            let bitrate = configuration.videoBitrate, frameRate = configuration.video.frameRate
            let keepsResolution = if case .screen = configuration.video { true } else { false }
            videoEncoder = CodecWorker(name: "linkup VP8 encoder", capacity: Self.videoEncodeQueue,
                                       makeState: {
                                           VideoEncodeState(bitrate: bitrate, frameRate: frameRate,
                                                            keepsResolution: keepsResolution)
                                       },
                                       handle: { state, request in
                let started = processThreadCPU()
                let encoded = state.encode(request)
                measurements.withLock { $0.encodeSeconds += processThreadCPU() - started }
                let captureTime = request.frame.captureTime
                for frame in encoded {
                    call.enqueue { machine, now in
                        machine.videoEncoded(frame.data, isKeyframe: frame.isKeyframe, captureTime: captureTime,
                                             now: now)
                    }
                }
            })
        default:
            videoEncoder = nil
        }
        switch configuration.audio {
        case .tone, .microphone:
            let bitrate = configuration.audioBitrate
            _ = try OpusEncoder(channels: 1, bitrate: bitrate)  // its sentence here, not on the codec thread
            audioEncoder = CodecWorker(name: "linkup Opus encoder", capacity: Self.audioEncodeQueue,
                                       makeState: { AudioEncodeState(bitrate: bitrate) },
                                       handle: { state, request in
                let frame = request.frame
                let started = processThreadCPU()
                let packet = state.encode(request)
                measurements.withLock { $0.encodeSeconds += processThreadCPU() - started }
                guard let packet else { return }
                call.enqueue { machine, now in
                    machine.audioEncoded(packet, samples: frame.samplesPerChannel, captureTime: frame.timestamp,
                                         now: now)
                }
            })
        default:
            audioEncoder = nil
        }
        var recording: CallRecorder<FileSink>?
        if let target = configuration.recording {
            recording = CallRecorder(serialNumber: UInt32.random(in: 1...UInt32.max)) { kind in
                try FileSink(path: kind == .video ? target.videoPath : target.audioPath)
            }
        }
        let recorder = LockedValue(recording)
        self.recorder = recorder
        videoDecoder = CodecWorker(name: "linkup VP8 decoder", capacity: Self.videoDecodeQueue,
                                   makeState: { [tap = configuration.taps.decodedVideo] in
                                       VideoDecodeState(decodedVideo: tap)
                                   }, handle: { state, request in
            recorder.withLock { $0?.recordVideo(request.frame, rtpTimestamp: request.rtpTimestamp) }
            let outcome = state.decode(request)
            measurements.withLock { $0.videoDecoded(outcome, ntp: ntp) }
        })
        audioDecoder = CodecWorker(name: "linkup Opus decoder", capacity: Self.audioDecodeQueue,
                                   makeState: { [tone = configuration.remoteToneFrequency,
                                                 tap = configuration.taps.decodedAudio] in
                                       AudioDecodeState(remoteToneFrequency: tone, decodedAudio: tap)
                                   }, handle: { state, request in
            recorder.withLock { $0?.recordAudio(request.payload) }
            let result = state.decode(request, ntp: ntp)
            measurements.withLock { result.apply(to: &$0) }
        })
    }

    /// Takes the engine's codec work off the call's events (on the event loop: never blocks) and lets every other
    /// event through.
    func take(_ event: CallEvent) -> CallEvent? {
        guard case let .media(request) = event else { return event }
        switch request {
        case let .encodeVideo(job):
            videoEncoder?.submit(job)
        case let .encodeAudio(job):
            audioEncoder?.submit(job)
        case let .decodeVideo(job):
            // A dropped frame breaks the chain of references: the frames after it need a keyframe.
            if !videoDecoder.submit(job) { call.enqueue { machine, now in machine.requestKeyframe(now: now) } }
        case let .decodeAudio(job):
            audioDecoder.submit(job)
        case let .remoteSenderReport(report):
            measurements.withLock { $0.remoteSenderReport(report) }
        }
        return nil
    }

    /// Frames the decoders and encoders dropped because they fell behind.
    var decodeQueueDrops: Int { videoDecoder.dropped + audioDecoder.dropped }
    var encodeQueueDrops: Int { (videoEncoder?.dropped ?? 0) + (audioEncoder?.dropped ?? 0) }

    /// Finishes what the threads have queued, ends them, and closes the recordings.
    func finish() {
        videoEncoder?.finish()
        audioEncoder?.finish()
        videoDecoder.finish()
        audioDecoder.finish()
        recorder.withLock { recorder in
            guard var finishing = recorder else { return }
            let sinks = finishing.finish()
            try? sinks.video?.close()
            try? sinks.audio?.close()
            recorder = finishing
        }
    }

    /// What the recording wrote (nil when not recording).
    func recordingSummary(_ target: CallMediaConfiguration.Recording?) -> CallMediaSummary.Recording? {
        guard let target else { return nil }
        return recorder.withLock { recorder in
            CallMediaSummary.Recording(
                videoPath: recorder?.video != nil ? target.videoPath : nil, videoFrames: recorder?.videoFrames ?? 0,
                audioPath: recorder?.audio != nil ? target.audioPath : nil, audioPackets: recorder?.audioPackets ?? 0,
                error: recorder?.error.map { "\($0)" })
        }
    }
}

extension CallMediaConfiguration.VideoSource {
    /// The frame rate pictures come at (what the encoder is told), 30 when the source does not say.
    var frameRate: Int {
        switch self {
        case let .testPattern(format), let .camera(_, format): return format.fps
        case let .screen(_, fps): return fps
        default: return 30
        }
    }
}
