import Signaling

/// Who else is in the room, kept from the `join` acknowledgement and `peer-joined` / `peer-left` events.
actor RoomRoster: ChangeWaiting {
    private(set) var peers: [PeerInfo] = []
    var waiters: [CheckedContinuation<Void, Never>] = []

    /// Starts from the `join` acknowledgement's list.
    func reset(_ peers: [PeerInfo]) {
        self.peers = peers
        wakeWaiters()
    }

    func joined(_ peer: PeerInfo) {
        peers.removeAll { $0.id == peer.id }
        peers.append(peer)
        wakeWaiters()
    }

    func left(_ id: String) {
        peers.removeAll { $0.id == id }
        wakeWaiters()
    }

    /// The participant named `name` (or the first one, for nil), waiting up to `timeout` for them to join.
    func waitFor(name: String?, timeout: Duration) async -> PeerInfo? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let found = peers.first(where: { name == nil || $0.name == name }) { return found }
            guard ContinuousClock.now < deadline else { return nil }
            await waitForChange(upTo: .milliseconds(200))
        }
    }
}
