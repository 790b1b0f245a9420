/// The delay-based signal (draft-ietf-rmcat-gcc-02 §5.4).
public enum BandwidthUsage: Sendable, Equatable {
    /// Queueing delay is stable.
    case normal
    /// Queueing delay is growing: the path is over-used.
    case overusing
    /// Queueing delay is shrinking: queues are draining.
    case underusing
}

/// Compares the delay trend with an adaptive threshold (draft-ietf-rmcat-gcc-02 §5.4).
///
/// Two sets of gains are offered: the draft's (K_u = 0.01, K_d = 0.00018), chosen for the scale of its Kalman
/// filter's output, and the ones libwebrtc uses with the trendline's larger, scaled output (0.0087 and 0.039).
/// With the trendline, the draft's slow K_d leaves the threshold high for many seconds after a delay spike,
/// and the detector then misses a slow over-use; `CongestionController` therefore uses `.trendline`.
///
/// The threshold follows |trend| with gain `kUp` when the trend is above it and `kDown` when below, per
/// millisecond, so it stays above noise yet lets a real trend through; it is kept within 6–600 ms and not adapted
/// for outliers more than 15 ms above it. Over-use is signalled only after the trend stayed above the threshold
/// for `overuseTimeThreshold` ms and at least two updates, and did not decrease.
public struct OveruseDetector: Sendable {
    /// The threshold's gains.
    public struct Gains: Sendable, Equatable {
        /// Gain when |trend| is above the threshold.
        public var up: Double
        /// Gain when |trend| is below the threshold.
        public var down: Double

        /// Gains from their values, per millisecond.
        public init(up: Double, down: Double) {
            self.up = up
            self.down = down
        }

        /// §5.4: K_u = 0.01, K_d = 0.00018.
        public static let draft = Gains(up: 0.01, down: 0.00018)
        /// Tuned for the trendline's output (libwebrtc's values): 0.0087 up, 0.039 down.
        public static let trendline = Gains(up: 0.0087, down: 0.039)
    }

    /// Gain when |trend| is above the threshold (K_u).
    public var kUp: Double
    /// Gain when |trend| is below the threshold (K_d).
    public var kDown: Double
    /// How long the trend must stay above the threshold (§5.4: overuse_time_th = 10 ms).
    public var overuseTimeThresholdMs: Double
    /// The current threshold (§5.4: del_var_th, starting at 12.5 ms).
    public private(set) var threshold: Double
    /// The latest signal.
    public private(set) var state: BandwidthUsage = .normal

    private var timeOverusingMs = -1.0
    private var overuseCount = 0
    private var previousTrend = 0.0
    private var lastUpdateMs: Double?

    /// A detector with the draft's parameters unless told otherwise.
    public init(gains: Gains = .draft, overuseTimeThresholdMs: Double = 10, initialThreshold: Double = 12.5) {
        kUp = gains.up
        kDown = gains.down
        self.overuseTimeThresholdMs = overuseTimeThresholdMs
        threshold = initialThreshold
    }

    /// Feeds the modified trend computed at `nowMs` over a group whose send delta was `sendDeltaMs`; returns the
    /// new signal.
    @discardableResult
    public mutating func detect(trend: Double, sendDeltaMs: Double, nowMs: Double) -> BandwidthUsage {
        if trend > threshold {
            timeOverusingMs = timeOverusingMs < 0 ? sendDeltaMs / 2 : timeOverusingMs + sendDeltaMs
            overuseCount += 1
            if timeOverusingMs > overuseTimeThresholdMs, overuseCount > 1, trend >= previousTrend {
                timeOverusingMs = 0
                overuseCount = 0
                state = .overusing
            }
        } else if trend < -threshold {
            timeOverusingMs = -1
            overuseCount = 0
            state = .underusing
        } else {
            timeOverusingMs = -1
            overuseCount = 0
            state = .normal
        }
        previousTrend = trend
        adaptThreshold(trend: trend, nowMs: nowMs)
        return state
    }

    private mutating func adaptThreshold(trend: Double, nowMs: Double) {
        let last = lastUpdateMs ?? nowMs
        lastUpdateMs = nowMs
        let magnitude = abs(trend)
        // §5.4: a sudden spike (a route change, a burst) should not drag the threshold up.
        if magnitude > threshold + 15 { return }
        let gain = magnitude < threshold ? kDown : kUp
        let elapsed = min(max(nowMs - last, 0), 100)
        threshold += gain * (magnitude - threshold) * elapsed
        threshold = min(max(threshold, 6), 600)
    }
}
