import Wire

/// A burst of packets sent at `bitrate` to find out whether the path carries it (the probing that
/// draft-ietf-rmcat-gcc-02 §4 leaves to the sending engine; libwebrtc's probe clusters).
public struct ProbeCluster: Sendable, Equatable {
    /// Identifies the cluster; packets sent for it carry it to `CongestionController.onPacketSent`.
    public var id: Int
    /// The rate to send the cluster at, bit/s.
    public var bitrate: Int
    /// Fewest packets the cluster must contain.
    public var minPackets: Int
    /// Fewest bytes the cluster must contain.
    public var minBytes: Int

    /// A cluster lasting about `duration` at `bitrate`, with at least `minPackets` packets.
    public init(id: Int, bitrate: Int, duration: Duration = .milliseconds(30), minPackets: Int = 5) {
        self.id = id
        self.bitrate = max(bitrate, 1)
        self.minPackets = minPackets
        minBytes = Int(Double(self.bitrate) / 8 * duration.milliseconds / 1_000)
    }
}
