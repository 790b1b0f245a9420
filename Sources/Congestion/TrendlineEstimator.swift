/// Estimates the trend of the one-way queueing delay from inter-group delay variations: a least-squares slope
/// over a window of smoothed accumulated delays. It takes the place of the Kalman arrival-time filter of
/// draft-ietf-rmcat-gcc-02 §5.3 (as libwebrtc does today); its output is compared with the adaptive threshold of
/// §5.4 by `OveruseDetector`.
public struct TrendlineEstimator: Sendable {
    /// How many smoothed samples the slope is fitted over.
    public var windowSize: Int
    /// Exponential smoothing of the accumulated delay (weight of history).
    public var smoothing: Double
    /// Scale from slope to the detector's units (multiplied by the number of deltas seen, up to 60).
    public var gain: Double

    private var accumulatedDelay = 0.0
    private var smoothedDelay = 0.0
    private var firstArrivalMs: Double?
    private var samples: [(x: Double, y: Double)] = []
    private var deltaCount = 0
    /// The latest slope (ms of delay per ms of time), 0 until the window is full.
    public private(set) var slope = 0.0

    /// A trendline with the usual parameters: window 20, smoothing 0.9, gain 4.
    public init(windowSize: Int = 20, smoothing: Double = 0.9, gain: Double = 4) {
        self.windowSize = max(windowSize, 2)
        self.smoothing = smoothing
        self.gain = gain
    }

    /// Adds one inter-group delta (ms) arriving at `arrivalMs` (receiver clock) and returns the modified trend the
    /// detector compares with its threshold: slope × min(deltas, 60) × gain.
    public mutating func update(sendDeltaMs: Double, arrivalDeltaMs: Double, arrivalMs: Double) -> Double {
        deltaCount = min(deltaCount + 1, 1_000)
        accumulatedDelay += arrivalDeltaMs - sendDeltaMs
        smoothedDelay = smoothing * smoothedDelay + (1 - smoothing) * accumulatedDelay
        let origin = firstArrivalMs ?? arrivalMs
        firstArrivalMs = origin
        samples.append((arrivalMs - origin, smoothedDelay))
        if samples.count > windowSize { samples.removeFirst(samples.count - windowSize) }
        if samples.count == windowSize, let fitted = Self.leastSquaresSlope(samples) { slope = fitted }
        return modifiedTrend
    }

    /// The value the detector compares: slope × min(deltas seen, 60) × gain.
    public var modifiedTrend: Double { slope * Double(min(deltaCount, 60)) * gain }

    /// Slope of the least-squares line through `points`; nil when all x are equal.
    static func leastSquaresSlope(_ points: [(x: Double, y: Double)]) -> Double? {
        let count = Double(points.count)
        let meanX = points.reduce(0) { $0 + $1.x } / count
        let meanY = points.reduce(0) { $0 + $1.y } / count
        var numerator = 0.0
        var denominator = 0.0
        for point in points {
            numerator += (point.x - meanX) * (point.y - meanY)
            denominator += (point.x - meanX) * (point.x - meanX)
        }
        return denominator == 0 ? nil : numerator / denominator
    }
}
