import Wire
@testable import RTP

/// Helpers shared by the RTP media tests.
enum MediaTestSupport {
    static let ssrc = SSRC(0x1234_5678)
    static let vp8Type = PayloadType(rawValue: 96)!
    static let rtxType = PayloadType(rawValue: 97)!

    /// Random VP8-looking bytes: the first byte's P bit says key or delta frame (RFC 7741 §4.3).
    static func frame(size: Int, keyframe: Bool, using generator: inout SeededGenerator) -> [UInt8] {
        var bytes = generator.bytes(max(size, 1))
        bytes[0] = keyframe ? bytes[0] & 0xFE : bytes[0] | 0x01
        return bytes
    }

    /// Drains a jitter buffer's outputs.
    static func drain(_ buffer: inout JitterBuffer) -> [JitterBuffer.Output] {
        var outputs: [JitterBuffer.Output] = []
        while let output = buffer.pollOutput() { outputs.append(output) }
        return outputs
    }

    static func frames(_ outputs: [JitterBuffer.Output]) -> [JitterBuffer.Frame] {
        outputs.compactMap { if case let .frame(frame) = $0 { frame } else { nil } }
    }
}
