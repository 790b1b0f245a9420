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

    /// The default split.
    public init() {}

    /// The audio and video bitrates (bit/s) for `target`.
    public func split(target: Int) -> (audio: Int, video: Int) {
        let audio = min(max(Int(Double(target) * audioShare), audioMin), audioMax)
        let rest = max(target - audio, 0)
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
