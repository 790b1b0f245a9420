import Wire

/// Asks the sender for a keyframe with Picture Loss Indications (RFC 4585 §6.3.1) while the decoder needs one,
/// at most once every `minInterval`, until a keyframe arrives.
public struct KeyframeRequester: Sendable {
    /// Our SSRC, written as the PLI's packet sender.
    public var senderSSRC: SSRC
    /// The video stream we need a keyframe of.
    public var mediaSSRC: SSRC
    /// Shortest time between two PLIs.
    public var minInterval: Duration = .milliseconds(300)
    /// True while a keyframe is wanted.
    public private(set) var isPending = false
    private var lastSent: Instant?

    /// A requester for `mediaSSRC`, sending as `senderSSRC`.
    public init(senderSSRC: SSRC, mediaSSRC: SSRC) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
    }

    /// The decoder cannot continue without a keyframe (for example after `JitterBuffer.Output.keyframeNeeded`).
    public mutating func requestKeyframe() { isPending = true }

    /// A keyframe was released: stop asking.
    public mutating func keyframeReceived() {
        isPending = false
        lastSent = nil
    }

    /// A PLI when one is due now, or nil.
    public mutating func pollRequest(now: Instant) -> PictureLossIndication? {
        guard isPending else { return nil }
        if let lastSent, now < lastSent + minInterval { return nil }
        lastSent = now
        return PictureLossIndication(senderSSRC: senderSSRC, mediaSSRC: mediaSSRC)
    }

    /// When the next PLI is due.
    public func nextDeadline() -> Instant? {
        guard isPending else { return nil }
        return lastSent.map { $0 + minInterval } ?? .zero
    }
}

/// The sender's side of keyframe requests: a PLI (RFC 4585 §6.3.1) or a new FIR (RFC 5104 §4.3.1) sets
/// `keyframeRequested`, which the encoder clears when it has produced a keyframe.
public struct KeyframeRequestTracker: Sendable {
    /// The SSRC of our video stream.
    public var mediaSSRC: SSRC
    /// True when the encoder should produce a keyframe next.
    public var keyframeRequested = false

    /// A tracker for our stream `mediaSSRC`.
    public init(mediaSSRC: SSRC) { self.mediaSSRC = mediaSSRC }

    /// Looks at one received RTCP packet; returns true when it asked for a keyframe of our stream.
    @discardableResult
    public mutating func handle(_ packet: RTCPPacket) -> Bool {
        switch packet {
        case let .pictureLossIndication(pli) where pli.mediaSSRC == mediaSSRC:
            keyframeRequested = true
            return true
        case .fullIntraRequest:
            // FIR names its targets in its FCI entries; a stream with one SSRC treats any FIR as meant for it.
            keyframeRequested = true
            return true
        default:
            return false
        }
    }
}
