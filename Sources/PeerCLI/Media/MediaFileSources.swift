import Foundation
import Media

/// VP8 frames of an IVF file, in a loop, each with the time it is due since playback started (from the file's
/// timestamps and time base), so a sender paces them as recorded.
struct IVFLoopSource: Sendable {
    /// The picture size the file declares.
    let width: Int
    let height: Int
    private let frames: [IVFFile.Frame]
    private let rate: UInt32
    private let scale: UInt32
    /// One pass through the file in time-base units: last pts - first pts + one frame's duration.
    private let period: UInt64
    private var index = 0
    private var loops: UInt64 = 0

    /// Parses `bytes` as a VP8 IVF file with at least one frame.
    init(bytes: [UInt8]) throws(MediaError) {
        let file = try IVFFile(parsing: bytes)
        guard file.fourcc == Array("VP80".utf8) else { throw .invalidFrame("the IVF file is not VP8 (VP80)") }
        guard let first = file.frames.first, let last = file.frames.last else {
            throw .invalidFrame("the IVF file has no frames")
        }
        frames = file.frames
        width = Int(file.width)
        height = Int(file.height)
        rate = max(file.rate, 1)
        scale = max(file.scale, 1)
        let span = last.pts >= first.pts ? last.pts - first.pts : 0
        // A single-frame file repeats at 30 fps.
        let frameDuration = file.frames.count > 1 ? max(span / UInt64(file.frames.count - 1), 1)
            : max(UInt64(rate) / UInt64(scale) / 30, 1)
        period = span + frameDuration
    }

    /// Reads and parses the file at `path`.
    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MediaError.io(path: path, message: "cannot read the file")
        }
        try self.init(bytes: [UInt8](data))
    }

    /// Frames in one pass through the file.
    var frameCount: Int { frames.count }

    /// The next frame, whether it is a keyframe, and when it is due after the start of playback.
    mutating func next() -> (data: [UInt8], isKeyframe: Bool, due: Duration) {
        let frame = frames[index]
        let ticks = loops * period + (frame.pts &- frames[0].pts)
        index += 1
        if index == frames.count {
            index = 0
            loops += 1
        }
        let nanoseconds = Double(ticks) * Double(scale) / Double(rate) * 1e9
        return (frame.data, VP8FrameHeader.isKeyframe(frame.data), .nanoseconds(Int64(nanoseconds)))
    }
}

/// Opus packets of an Ogg Opus file, in a loop, with each packet's duration from its TOC byte.
struct OggOpusLoopSource: Sendable {
    private let packets: [[UInt8]]
    private var index = 0

    /// Parses `bytes` as an Ogg Opus file with at least one well-formed audio packet.
    init(bytes: [UInt8]) throws(MediaError) {
        let file = try OggOpusFile(parsing: bytes)
        packets = file.packets.filter { !$0.isEmpty && OpusPacketInfo.samplesPerChannel($0) != nil }
        guard !packets.isEmpty else { throw .invalidFrame("the Ogg Opus file has no audio packets") }
    }

    /// Reads and parses the file at `path`.
    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MediaError.io(path: path, message: "cannot read the file")
        }
        try self.init(bytes: [UInt8](data))
    }

    /// Audio packets in one pass through the file.
    var packetCount: Int { packets.count }

    /// The next packet and its duration in 48 kHz samples.
    mutating func next() -> (packet: [UInt8], samples: Int) {
        let packet = packets[index]
        index = (index + 1) % packets.count
        return (packet, OpusPacketInfo.samplesPerChannel(packet) ?? 960)
    }
}
