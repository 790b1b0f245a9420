import Wire

/// Groups packets into send-time bursts and yields the delay variation between consecutive groups
/// (draft-ietf-rmcat-gcc-02 §5.1 arrival-time model and §5.2 pre-filtering).
///
/// A group is the packets sent within `burstDuration` of its first one. A packet that arrives within
/// `burstDuration` of the group's last arrival while its inter-group delay variation is negative is merged into
/// the group: that is a burst released by the network after a pause, not a change in queueing (§5.2).
public struct InterArrivalGrouping: Sendable {
    /// The variation between two consecutive groups, measured at their last packets.
    public struct Delta: Sendable, Equatable {
        /// Send time of this group minus the previous group's.
        public var sendDelta: Duration
        /// Arrival time of this group minus the previous group's.
        public var arrivalDelta: Duration
        /// Bytes in this group minus bytes in the previous group.
        public var sizeDelta: Int
        /// Arrival of this group's last packet (receiver clock).
        public var arrival: Instant
    }

    private struct Group {
        var firstSend: Instant
        var lastSend: Instant
        var firstArrival: Instant
        var lastArrival: Instant
        var size: Int
    }

    /// The burst length that defines a group (§5.1: 5 ms).
    public var burstDuration: Duration
    private var current: Group?
    private var previous: Group?

    /// A grouping with bursts of `burstDuration`.
    public init(burstDuration: Duration = .milliseconds(5)) {
        self.burstDuration = burstDuration
    }

    /// Adds a received packet (in arrival order); returns the delta when the packet closes a group that has a
    /// predecessor.
    public mutating func add(sendTime: Instant, arrival: Instant, size: Int) -> Delta? {
        guard var group = current else {
            current = Group(firstSend: sendTime, lastSend: sendTime, firstArrival: arrival, lastArrival: arrival,
                            size: size)
            return nil
        }
        // A packet sent before the current group started is reordered; it says nothing about queueing now.
        if sendTime < group.firstSend { return nil }
        if belongs(sendTime: sendTime, arrival: arrival, to: group) {
            group.lastSend = max(group.lastSend, sendTime)
            group.lastArrival = max(group.lastArrival, arrival)
            group.size += size
            current = group
            return nil
        }
        var delta: Delta?
        if let previous {
            delta = Delta(sendDelta: group.lastSend - previous.lastSend,
                          arrivalDelta: group.lastArrival - previous.lastArrival,
                          sizeDelta: group.size - previous.size, arrival: group.lastArrival)
        }
        previous = group
        current = Group(firstSend: sendTime, lastSend: sendTime, firstArrival: arrival, lastArrival: arrival,
                        size: size)
        return delta
    }

    /// Forgets all groups (after a long pause or a reset of the estimate).
    public mutating func reset() {
        current = nil
        previous = nil
    }

    private func belongs(sendTime: Instant, arrival: Instant, to group: Group) -> Bool {
        if sendTime - group.firstSend <= burstDuration { return true }
        // §5.2: a burst of arrivals with negative delay variation belongs to the group it queued behind.
        let arrivalDelta = arrival - group.lastArrival
        let variation = arrivalDelta - (sendTime - group.lastSend)
        return arrivalDelta <= burstDuration && variation < .zero && arrival - group.firstArrival < .milliseconds(100)
    }
}
