import Wire

/// How a simulated path treats datagrams: loss, delay with jitter (which reorders), and an optional bandwidth cap.
public struct NetworkConditions: Sendable {
    /// Probability in 0...1 that a datagram is dropped.
    public var loss: Double
    /// One-way delay every datagram gets.
    public var delay: Duration
    /// Extra delay drawn uniformly from 0...jitter per datagram; datagrams overtake each other when it exceeds
    /// their spacing, which is how the simulator reorders.
    public var jitter: Duration
    /// Probability in 0...1 that a datagram is delivered twice.
    public var duplication: Double
    /// Bits per second the path carries; nil for unlimited. Datagrams queue behind each other at this rate.
    public var bandwidth: Int?
    /// The longest a datagram may wait in the bandwidth queue; one that would wait longer is dropped, as a
    /// drop-tail router (or `tc tbf ... latency`) drops it. Nil: the queue never drops.
    public var queueLimit: Duration?

    /// A path with the given properties; the defaults are a perfect 1 ms link.
    public init(loss: Double = 0, delay: Duration = .milliseconds(1), jitter: Duration = .zero,
                duplication: Double = 0, bandwidth: Int? = nil, queueLimit: Duration? = nil) {
        self.loss = loss
        self.delay = delay
        self.jitter = jitter
        self.duplication = duplication
        self.bandwidth = bandwidth
        self.queueLimit = queueLimit
    }

    /// A perfect 1 ms path.
    public static let perfect = NetworkConditions()
}
