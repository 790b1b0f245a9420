/// The `t=` line (RFC 8866 §5.9): when the session is active. WebRTC always writes `t=0 0`, an unbounded session.
///
/// ```
/// t=<start-time> <stop-time>
/// ```
public struct Timing: SDPFieldValue {
    /// `t`.
    public static let lineType = SDPLineType.timing
    /// NTP start time in seconds, 0 for "now".
    public var start: UInt64
    /// NTP stop time in seconds, 0 for "no end".
    public var stop: UInt64

    /// A time range; the default `0 0` is what JSEP writes (RFC 8829 §5.2.1).
    public init(start: UInt64 = 0, stop: UInt64 = 0) {
        self.start = start
        self.stop = stop
    }

    /// Parses the text after `t=`.
    public init(parsing value: String) throws(SDPError) {
        let fields = SDPText.fields(value)
        guard fields.count == 2, let start = SDPText.decimal(fields[0], as: UInt64.self),
              let stop = SDPText.decimal(fields[1], as: UInt64.self) else {
            throw SDPError(text: value, reason: .badTiming)
        }
        self.init(start: start, stop: stop)
    }

    /// The text after `t=`.
    public var fieldValue: String { "\(start) \(stop)" }
}
