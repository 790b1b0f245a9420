import Foundation
import Wire

/// What one direction of the loopback call measured (A->B or B->A): the sender's sent half, the receiver's
/// received half.
typealias DirectionStats = CallMediaStats

/// Formats an optional number for the human summary.
func number(_ value: Double?, _ digits: Int = 1, unit: String = "") -> String {
    guard let value, value.isFinite else { return "n/a" }
    return String(format: "%.\(digits)f", value) + unit
}

/// CPU seconds this process has used (user + system), from getrusage(2).
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
    let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    return user + system
}
