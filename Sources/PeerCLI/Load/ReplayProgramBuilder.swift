import Foundation
import Media
import MediaSession
import RTP
import Wire

/// Builds the `ReplayProgram` every caller of `linkup load` replays: packets of an IVF and an Ogg Opus file, or
/// of the test pattern and a tone encoded once, here, before any call starts (so no caller encodes anything).
enum ReplayProgramBuilder {
    /// The program for `video` and `audio`, looping every `seconds` for generated media (files loop at their own
    /// length).
    static func build(video: VideoSourceSpec, audio: AudioSourceSpec, videoBitrate: Int, seconds: Int = 4) throws
        -> ReplayProgram
    {
        let videoFrames: [ReplayProgram.VideoFrame]
        var loop: Duration = .seconds(seconds)
        switch video {
        case let .testPattern(width, height, fps, _):
            videoFrames = try encodedPattern(width: width, height: height, fps: fps, bitrate: videoBitrate,
                                             frames: fps * seconds)
        case let .ivfFile(path):
            let (frames, length) = try ivfFrames(path: path)
            videoFrames = frames
            loop = length
        case .none:
            videoFrames = []
        default:
            throw CallError("--video for linkup load is testsrc[:WxH@fps], file:PATH.ivf or none")
        }
        let audioPackets: [ReplayProgram.AudioPacket]
        switch audio {
        case let .tone(frequency):
            audioPackets = try encodedTone(frequency: frequency, duration: loop)
        case let .oggFile(path):
            audioPackets = try oggPackets(path: path, duration: video == .none ? nil : loop)
            if video == .none, let last = audioPackets.last { loop = last.due + .milliseconds(20) }
        case .none:
            audioPackets = []
        default:
            throw CallError("--audio for linkup load is tone[:Hz], file:PATH.ogg or none")
        }
        guard !videoFrames.isEmpty || !audioPackets.isEmpty else { throw CallError("nothing to send: no video, no audio") }
        return ReplayProgram(video: videoFrames, audio: audioPackets, loopDuration: loop)
    }

    private static func packetize(_ packetizer: inout VP8Packetizer, _ data: [UInt8], isKeyframe: Bool)
        -> [[UInt8]]
    {
        packetizer.packetize(frame: data[...], timestamp: 0, keyframe: isKeyframe).map { Array($0.payload) }
    }

    private static func encodedPattern(width: Int, height: Int, fps: Int, bitrate: Int, frames: Int) throws
        -> [ReplayProgram.VideoFrame]
    {
        var settings = VP8EncoderConfiguration(width: width, height: height, bitrate: bitrate)
        settings.frameRate = fps
        let encoder = try VP8Encoder(settings)
        let pattern = TestPatternSource(width: width, height: height)
        var packetizer = VP8Packetizer(ssrc: SSRC(0), payloadType: PayloadType(truncating: 0),
                                       initialSequenceNumber: 0)
        var result: [ReplayProgram.VideoFrame] = []
        for number in 0..<frames {
            let due = Duration.nanoseconds(Int64(number) * 1_000_000_000 / Int64(fps))
            let frame = pattern.frame(number: UInt32(number), captureTime: .zero + due)
            // The loop starts with a keyframe and has one every 2 s, so a late joiner or a lost one recovers.
            let force = number % (fps * 2) == 0
            for output in try encoder.encode(frame, forceKeyframe: force) {
                result.append(.init(due: due, timestamp: UInt32(number * 90_000 / fps),
                                    payloads: packetize(&packetizer, output.data, isKeyframe: output.isKeyframe)))
            }
        }
        return result
    }

    private static func encodedTone(frequency: Double, duration: Duration) throws -> [ReplayProgram.AudioPacket] {
        var tone = ToneSource(frequency: frequency)
        let encoder = try OpusEncoder(channels: 1, bitrate: 32_000)
        var result: [ReplayProgram.AudioPacket] = []
        let count = Int(duration.components.seconds * 50)
        for index in 0..<count {
            let due = Duration.milliseconds(20 * index)
            let packet = try encoder.encode(tone.nextFrame(timestamp: .zero + due))
            result.append(.init(due: due, timestamp: UInt32(index * 960), payload: packet))
        }
        return result
    }

    private static func ivfFrames(path: String) throws -> ([ReplayProgram.VideoFrame], Duration) {
        var source = try IVFLoopSource(path: path)
        var packetizer = VP8Packetizer(ssrc: SSRC(0), payloadType: PayloadType(truncating: 0),
                                       initialSequenceNumber: 0)
        var frames: [ReplayProgram.VideoFrame] = []
        for _ in 0..<source.frameCount {
            let next = source.next()
            let ticks = next.due.components.seconds * 90_000 + next.due.components.attoseconds / 11_111_111_111_111
            frames.append(.init(due: next.due, timestamp: UInt32(truncatingIfNeeded: ticks),
                                payloads: packetize(&packetizer, next.data, isKeyframe: next.isKeyframe)))
        }
        // The first frame of the second pass is due exactly one loop after the first of the first.
        return (frames, source.next().due)
    }

    private static func oggPackets(path: String, duration: Duration?) throws -> [ReplayProgram.AudioPacket] {
        var source = try OggOpusLoopSource(path: path)
        var result: [ReplayProgram.AudioPacket] = []
        var samples = 0
        repeat {
            let next = source.next()
            result.append(.init(due: .nanoseconds(Int64(samples) * 1_000_000_000 / 48_000),
                                timestamp: UInt32(truncatingIfNeeded: samples), payload: next.packet))
            samples += next.samples
        } while duration.map { Duration.nanoseconds(Int64(samples) * 1_000_000_000 / 48_000) < $0 }
            ?? (result.count < source.packetCount)
        return result
    }
}
