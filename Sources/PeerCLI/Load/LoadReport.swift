import Foundation
import MediaSession
import Signaling

/// The outcome of a `linkup load` run: a table for people, JSON for scripts.
struct LoadReport: Sendable {
    var results: [LoadCallResult]
    var seconds: Double

    var connected: [LoadCallResult] { results.filter { $0.connectMs != nil } }
    var allRoundTrips: [Double] { results.flatMap { $0.stats?.roundTripsMs ?? [] }.sorted() }
    /// Round trips of packets sent 5 s or more after their call connected.
    var settledRoundTrips: [Double] { results.flatMap { $0.stats?.settledRoundTripsMs ?? [] }.sorted() }
    var packetsSent: Int { results.reduce(0) { $0 + ($1.stats?.packetsSent ?? 0) } }
    var packetsEchoed: Int { results.reduce(0) { $0 + ($1.stats?.packetsEchoed ?? 0) } }
    var expected: UInt64 { results.reduce(0) { $0 + ($1.stats?.echoPacketsExpected ?? 0) } }
    var lost: Int64 { results.reduce(0) { $0 + max($1.stats?.echoPacketsLost ?? 0, 0) } }
    /// Packets lost on the echoed streams over packets expected on them, all calls together.
    var lossFraction: Double { expected > 0 ? Double(lost) / Double(expected) : 0 }

    /// The `p` quantile (0...1) of sorted `values` (nearest rank), nil when empty.
    static func percentile(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let rank = Int((p * Double(values.count)).rounded(.up)) - 1
        return values[min(max(rank, 0), values.count - 1)]
    }

    var text: String {
        let connects = connected.compactMap(\.connectMs).sorted()
        let rtts = allRoundTrips
        let jitters = results.compactMap { $0.stats?.jitterMs }.sorted()
        let settled = settledRoundTrips
        func ms(_ value: Double?) -> String { value.map { String(format: "%.1f ms", $0) } ?? "n/a" }
        var lines = [
            "linkup load: \(connected.count) of \(results.count) calls connected in \(String(format: "%.1f", seconds)) s",
            "  connect  median \(ms(Self.percentile(connects, 0.5))), p95 \(ms(Self.percentile(connects, 0.95))), " +
                "max \(ms(connects.last))",
            "  packets  sent \(packetsSent), echoed \(packetsEchoed), lost on the echo " +
                String(format: "%.2f%%", lossFraction * 100) + " (\(lost) of \(expected))",
            "  echo RTT median \(ms(Self.percentile(rtts, 0.5))), p95 \(ms(Self.percentile(rtts, 0.95))), " +
                "p99 \(ms(Self.percentile(rtts, 0.99))) over \(rtts.count) packets",
            "  after 5 s median \(ms(Self.percentile(settled, 0.5))), p95 \(ms(Self.percentile(settled, 0.95))), " +
                "p99 \(ms(Self.percentile(settled, 0.99))) over \(settled.count) packets",
            "  jitter   median \(ms(Self.percentile(jitters, 0.5))), max \(ms(jitters.last))",
        ]
        let failures = results.filter { $0.failure != nil }
        for failure in failures.prefix(10) {
            lines.append("  \(failure.name): \(failure.failure ?? "")")
        }
        if failures.count > 10 { lines.append("  ... and \(failures.count - 10) more failures") }
        return lines.joined(separator: "\n")
    }

    var json: JSONValue {
        let connects = connected.compactMap(\.connectMs).sorted()
        let rtts = allRoundTrips
        func number(_ value: Double?) -> JSONValue { value.map { .number($0) } ?? .null }
        let calls: [JSONValue] = results.map { result in
            var object: [String: JSONValue] = ["name": .string(result.name), "connectMs": number(result.connectMs)]
            if let stats = result.stats {
                let sorted = stats.roundTripsMs.sorted()
                object["packetsSent"] = .number(Double(stats.packetsSent))
                object["packetsEchoed"] = .number(Double(stats.packetsEchoed))
                object["lossFraction"] = .number(stats.lossFraction)
                object["rttP50Ms"] = number(Self.percentile(sorted, 0.5))
                object["rttP95Ms"] = number(Self.percentile(sorted, 0.95))
                object["jitterMs"] = number(stats.jitterMs)
            }
            if let failure = result.failure { object["failure"] = .string(failure) }
            return .object(object)
        }
        return .object([
            "calls": .number(Double(results.count)), "connected": .number(Double(connected.count)),
            "seconds": .number(seconds),
            "connectMedianMs": number(Self.percentile(connects, 0.5)),
            "connectP95Ms": number(Self.percentile(connects, 0.95)),
            "packetsSent": .number(Double(packetsSent)), "packetsEchoed": .number(Double(packetsEchoed)),
            "lossFraction": .number(lossFraction),
            "rttP50Ms": number(Self.percentile(rtts, 0.5)), "rttP95Ms": number(Self.percentile(rtts, 0.95)),
            "rttP99Ms": number(Self.percentile(rtts, 0.99)),
            "settledRttP50Ms": number(Self.percentile(settledRoundTrips, 0.5)),
            "settledRttP95Ms": number(Self.percentile(settledRoundTrips, 0.95)),
            "perCall": .array(calls),
        ])
    }
}
