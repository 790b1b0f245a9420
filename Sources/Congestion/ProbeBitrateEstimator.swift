import Wire

/// Turns the feedback about a probe cluster's packets into the rate the path delivered: the slower of the rate
/// they were sent at and the rate they arrived at (a probe sent faster than the bottleneck arrives at the
/// bottleneck's rate). Probing supports GCC's start-up and recovery (draft-ietf-rmcat-gcc-02 §4 and §5.5).
public struct ProbeBitrateEstimator: Sendable {
    private struct Cluster {
        var sentPackets = 0
        var minPackets: Int
        var lastSent: Instant?
        var results: [PacketResult] = []
    }

    private var clusters: [Int: Cluster] = [:]
    /// Fraction of a cluster that must arrive for a result.
    public var minReceivedFraction = 0.8

    /// An estimator with no clusters.
    public init() {}

    /// Notes a packet sent for `cluster`.
    public mutating func packetSent(cluster: ProbeCluster, now: Instant) {
        var entry = clusters[cluster.id] ?? Cluster(minPackets: cluster.minPackets)
        entry.sentPackets += 1
        entry.lastSent = now
        clusters[cluster.id] = entry
    }

    /// Adds feedback results; returns the clusters this feedback completed with the rate (bit/s) each delivered.
    public mutating func handle(_ results: [PacketResult], now: Instant) -> [(clusterID: Int, bitrate: Int)] {
        var touched: Set<Int> = []
        for result in results {
            guard let id = result.sent.probeClusterID, clusters[id] != nil else { continue }
            clusters[id]?.results.append(result)
            touched.insert(id)
        }
        var completed: [(clusterID: Int, bitrate: Int)] = []
        for id in touched.sorted() {
            guard let cluster = clusters[id], cluster.results.count >= cluster.sentPackets,
                  cluster.sentPackets >= cluster.minPackets else { continue }
            clusters[id] = nil
            if let rate = Self.rate(of: cluster.results, minReceived: minReceivedFraction) {
                completed.append((id, rate))
            }
        }
        // Clusters whose feedback never came are forgotten after a few seconds.
        clusters = clusters.filter { $0.value.lastSent.map { now - $0 < .seconds(3) } ?? false }
        return completed
    }

    private static func rate(of results: [PacketResult], minReceived: Double) -> Int? {
        let received = results.filter(\.isReceived).sorted {
            ($0.arrival ?? $0.sent.sendTime) < ($1.arrival ?? $1.sent.sendTime)
        }
        guard Double(received.count) >= minReceived * Double(results.count), received.count >= 2,
              let firstArrival = received.first?.arrival, let lastArrival = received.last?.arrival else { return nil }
        let bySend = results.sorted { $0.sent.sendTime < $1.sent.sendTime }
        guard let firstSend = bySend.first?.sent, let lastSend = bySend.last?.sent else { return nil }
        let sendInterval = (lastSend.sendTime - firstSend.sendTime).milliseconds / 1_000
        let receiveInterval = (lastArrival - firstArrival).milliseconds / 1_000
        guard sendInterval > 0, receiveInterval > 0, sendInterval < 1, receiveInterval < 1 else { return nil }
        // Each interval spans n-1 packets: leave out the last sent and the first received.
        let sentBits = Double(bySend.dropLast().reduce(0) { $0 + $1.sent.size } * 8)
        let receivedBits = Double(received.dropFirst().reduce(0) { $0 + $1.sent.size } * 8)
        let sendRate = sentBits / sendInterval
        let receiveRate = receivedBits / receiveInterval
        // Arriving clearly slower than sent: the bottleneck's rate, a little under to drain what the probe queued.
        if receiveRate < 0.9 * sendRate { return Int(0.95 * receiveRate) }
        return Int(min(sendRate, receiveRate))
    }
}
