import Foundation
import MediaSession
import Signaling

/// The bot's load once a second: calls in progress, forwarded packets per second, CPU, memory and drops, as a
/// line for standard error and as JSON for `--json`.
struct BotLoadReport: Sendable {
    var calls: Int
    var packetsPerSecond: Double
    /// CPU time the process used over the last interval, in percent of one core.
    var cpuPercent: Double
    var rssMiB: Double
    /// Packets the forwarding engines could not forward since the start.
    var dropped: Int
    var resent: Int

    var line: String {
        String(format: "linkup bot: load: %d calls, %.0f packets/s forwarded, CPU %.0f%% of a core, RSS %.0f MiB, "
               + "%d dropped, %d resent", calls, packetsPerSecond, cpuPercent, rssMiB, dropped, resent)
    }

    var json: JSONValue {
        .object(["load": .object([
            "calls": .number(Double(calls)), "packetsPerSecond": .number(packetsPerSecond),
            "cpuPercent": .number(cpuPercent), "rssMiB": .number(rssMiB), "dropped": .number(Double(dropped)),
            "resent": .number(Double(resent)),
        ])])
    }
}

/// Turns successive totals into rates.
struct BotLoadMeter {
    private var lastPackets = 0
    private var lastCPU = processCPUSeconds()
    private var lastTime = Date()

    mutating func report(calls: Int, totals: MediaSessionStats) -> BotLoadReport {
        let now = Date(), cpu = processCPUSeconds()
        let elapsed = max(now.timeIntervalSince(lastTime), 0.001)
        let report = BotLoadReport(
            calls: calls, packetsPerSecond: Double(max(totals.packetsForwarded - lastPackets, 0)) / elapsed,
            cpuPercent: (cpu - lastCPU) / elapsed * 100, rssMiB: processResidentMiB(),
            dropped: totals.packetsDropped, resent: totals.packetsResent)
        lastPackets = totals.packetsForwarded
        lastCPU = cpu
        lastTime = now
        return report
    }
}

/// Resident set size of this process in MiB (the second field of /proc/self/statm, in pages).
func processResidentMiB() -> Double {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Double(fields[1]) else { return 0 }
    return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
}
