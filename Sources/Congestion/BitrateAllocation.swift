/// Splits the congestion controller's target (draft-ietf-rmcat-gcc-02 §1: one estimate for the whole path)
/// between the Opus audio stream and the VP8 video stream.
///
/// Audio is served first, between `audioMin` and `audioMax`, at `audioShare` of the target: speech stays
/// intelligible when video has to give way. Video gets the rest, and is paused (0) below `videoMin`.
public struct BitrateAllocation: Sendable, Equatable {
    /// Opus's floor, bit/s.
    public var audioMin = 16_000
    /// Opus's ceiling, bit/s.
    public var audioMax = 64_000
    /// Fraction of the target audio takes between its floor and ceiling.
    public var audioShare = 0.1
    /// Below this the video stream is better paused, bit/s.
    public var videoMin = 30_000
    /// The video encoder's ceiling, bit/s.
    public var videoMax = 2_500_000
    /// Bytes each packet costs on the path besides the codec's payload (RTP header and extensions, SRTP tag,
    /// UDP and IP headers), when the target counts them (the controller is fed whole packet sizes): the codecs
    /// then get what is left. At 50 Opus packets a second this is most of a low-rate call's audio budget again.
    public var packetOverhead = 0
    /// Opus packets per second (20 ms frames), for the audio stream's overhead.
    public var audioPacketsPerSecond = 50
    /// A full video packet's payload, bytes: video's overhead is `packetOverhead` per this much payload.
    public var videoPacketPayload = 1_100

    /// The default split.
    public init() {}

    /// The audio and video bitrates (bit/s) for `target`.
    public func split(target: Int) -> (audio: Int, video: Int) {
        let audio = min(max(Int(Double(target) * audioShare), audioMin), audioMax)
        let audioOverhead = audioPacketsPerSecond * packetOverhead * 8
        let rest = max(target - audio - audioOverhead, 0) * videoPacketPayload / (videoPacketPayload + packetOverhead)
        let video = rest < videoMin ? 0 : min(rest, videoMax)
        return (audio, video)
    }

    /// Opus's expected packet loss setting (percent) and whether in-band FEC is worth turning on, from the loss
    /// fraction the controller measured: FEC above 1% loss.
    public func opusLossSettings(lossFraction: Double) -> (expectedLossPercent: Int, fec: Bool) {
        let percent = min(max(Int((lossFraction * 100).rounded()), 0), 100)
        return (percent, lossFraction > 0.01)
    }
}
