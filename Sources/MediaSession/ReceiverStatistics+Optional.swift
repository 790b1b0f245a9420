import RTP
import Wire

extension Optional where Wrapped == ReceiverStatistics {
    /// A report block about the stream (RFC 3550 §6.4.1), once one was received; nil before.
    mutating func makeReportBlock(now: Instant) -> ReportBlock? {
        guard var reception = self else { return nil }
        let block = reception.makeReportBlock(now: now)
        self = reception
        return block
    }
}
