import Wire

/// One TURN allocation on one server (RFC 8656), as a sans-IO state machine.
///
/// The owner feeds it every message that arrives from the server (`handle(_:now:)`: a UDP datagram, or one framed
/// message of a TCP/TLS stream), calls `handleTimeout(now:)` at `nextDeadline()`, and sends the bytes `pollOutput()`
/// returns to the server over the allocation's transport. Data for a peer goes in through `send(_:to:now:)`; data
/// from peers comes back out of `handle(_:now:)`.
///
/// It allocates with long-term credentials (401 gives realm and nonce, 438 a fresh nonce: both retried), refreshes
/// the allocation before it expires and deletes it (Refresh with LIFETIME 0) on `close(now:)`. It installs a
/// permission for every peer address it is asked for or sends to and refreshes it before its 300 s expiry
/// (RFC 8656 §9), binds a channel to every peer it sends to and refreshes it before its 600 s expiry (§12), and
/// sends Send indications until the channel is bound, then ChannelData. Datagrams for a peer with no permission yet
/// wait in a small queue instead of being dropped by the server. A 437 (the server lost the allocation, e.g. after a
/// restart) makes it allocate again; other errors end it with a sentence (`TURNError`).
public struct TURNClient {
    /// Timers and limits; the defaults follow RFC 8489 §6.2 and RFC 8656.
    public struct Configuration: Sendable {
        /// RTO: the first retransmission timeout of a request over UDP; it doubles after each transmission.
        public var initialRetransmissionTimeout: Duration = .milliseconds(500)
        /// Rc: how many times a request is sent over UDP before it times out.
        public var maximumTransmissions = 7
        /// Rm: after the last transmission the client waits this many RTOs for an answer.
        public var lastTransmissionWait = 16
        /// Ti: how long a request over TCP or TLS (sent once) waits for its answer.
        public var reliableTransactionTimeout: Duration = .milliseconds(39_500)
        /// The allocation lifetime asked for in Allocate and Refresh (the server may grant less).
        public var requestedLifetime: UInt32 = 600
        /// Allocations, permissions and channels are refreshed this long before they expire.
        public var refreshMargin: Duration = .seconds(60)
        /// How long a permission lasts (RFC 8656 §9: 300 s, not negotiable).
        public var permissionLifetime: Duration = .seconds(300)
        /// How long a channel binding lasts (RFC 8656 §12: 600 s, not negotiable).
        public var channelLifetime: Duration = .seconds(600)
        /// Datagrams kept per peer while its permission is being installed; older ones are dropped first.
        public var pendingDatagramsPerPeer = 16
        /// How many times in a row a lost allocation (437) is re-made before the client gives up.
        public var maximumReallocations = 3

        /// The defaults.
        public init() {}
    }

    /// What the client reports.
    public enum Event: Hashable, Sendable {
        /// The allocation exists (again, after a re-allocation): `relayed` is the relayed transport address peers
        /// send to, `mapped` the client's address as the server saw it (a server-reflexive candidate).
        case allocated(relayed: TransportAddress, mapped: TransportAddress?)
        /// The allocation is gone for good; the error says why in a sentence.
        case failed(TURNError)
        /// A permission or channel for `peer` could not be installed; datagrams for it are dropped.
        case permissionFailed(peer: IPAddress, TURNError)
        /// A Refresh succeeded: the server still has the allocation on this 5-tuple.
        case refreshed
    }

    /// One thing for the owner to do.
    public enum Output: Hashable, Sendable {
        /// Send these bytes to the server (already framed for a stream transport).
        case transmit([UInt8])
        /// Tell the owner this.
        case event(Event)
    }

    /// Where the allocation stands.
    public enum State: String, Hashable, Sendable {
        /// `start(now:)` was not called yet.
        case idle
        /// An Allocate request is outstanding.
        case allocating
        /// The allocation exists.
        case allocated
        /// It failed (see `failure`).
        case failed
        /// It was closed by the owner.
        case closed
    }

    /// The server, its transport and credentials.
    public let server: ICEServerEndpoint
    /// Tunables.
    public let configuration: Configuration
    /// Where the allocation stands.
    public internal(set) var state: State = .idle
    /// The relayed transport address, once allocated.
    public internal(set) var relayedAddress: TransportAddress?
    /// The client's reflexive address as the server saw it, once allocated.
    public internal(set) var mappedAddress: TransportAddress?
    /// Why the allocation failed, once it has.
    public internal(set) var failure: TURNError?

    let username: String
    let password: String
    var random: any RandomNumberGenerator
    var realm: String?
    var nonce: String?
    var key: STUNKey?
    var transactions: [TransactionID: Transaction] = [:]
    var refreshAt: Instant?
    var permissions: [IPAddress: Permission] = [:]
    var channels: [TransportAddress: Channel] = [:]
    var peerByChannel: [UInt16: TransportAddress] = [:]
    var nextChannelNumber: UInt16 = ChannelData.channelRange.lowerBound
    var pending: [IPAddress: [(peer: TransportAddress, payload: [UInt8])]] = [:]
    var reallocations = 0
    var outputs = OutputQueue<Output>()

    /// A request this client sent and waits on.
    enum Request: Hashable {
        case allocate
        case refresh(lifetime: UInt32)
        case createPermission(IPAddress)
        case channelBind(UInt16, TransportAddress)

        var name: String {
            switch self {
            case .allocate: "Allocate"
            case .refresh: "Refresh"
            case .createPermission: "CreatePermission"
            case .channelBind: "ChannelBind"
            }
        }
    }

    struct Transaction {
        var request: Request
        var bytes: [UInt8]
        var authenticated: Bool
        var transmissions = 1
        var timeout: Duration
        var deadline: Instant
        /// 438 answers already retried for this request, so a server that always says "stale" cannot loop us.
        var staleNonceRetries = 0
    }

    /// A permission for one peer IP (RFC 8656 §9).
    struct Permission {
        var installed = false
        var inFlight = false
        var refreshAt: Instant?
    }

    /// A channel bound (or being bound) to one peer transport address (RFC 8656 §12).
    struct Channel {
        var number: UInt16
        var bound = false
        var inFlight = false
        var refreshAt: Instant?
    }

    /// A client for `server`, which must be a TURN server (a STUN server has no credentials to allocate with).
    public init(server: ICEServerEndpoint, configuration: Configuration = Configuration(),
                random: any RandomNumberGenerator) {
        self.server = server
        self.configuration = configuration
        self.random = random
        if case let .turn(username, password) = server.kind {
            self.username = username
            self.password = password
        } else {
            username = ""
            password = ""
        }
    }

    // MARK: Inputs

    /// Sends the first Allocate (without credentials: the 401 brings realm and nonce, RFC 8656 §7.1).
    public mutating func start(now: Instant) {
        guard state == .idle else { return }
        state = .allocating
        sendRequest(.allocate, now: now)
    }

    /// Installs a permission for `peer` (if it has none yet), so the peer's checks reach us before we send to it.
    public mutating func createPermission(for peer: IPAddress, now: Instant) {
        guard state == .allocated || state == .allocating, permissions[peer] == nil else { return }
        permissions[peer] = Permission()
        if state == .allocated { requestPermission(peer, now: now) }
    }

    /// Relays `payload` to `peer`: as ChannelData once its channel is bound, as a Send indication while only its
    /// permission is installed, and queued while neither is (its channel is bound on first use).
    public mutating func send(_ payload: [UInt8], to peer: TransportAddress, now: Instant) {
        guard state == .allocated || state == .allocating else { return }
        if let channel = channels[peer], channel.bound {
            transmitChannelData(channel.number, payload)
            return
        }
        if channels[peer] == nil { addChannel(for: peer, now: now) }
        if state == .allocated, permissions[peer.ip]?.installed == true {
            transmitSendIndication(payload, to: peer)
        } else {
            var queue = pending[peer.ip, default: []]
            if queue.count >= configuration.pendingDatagramsPerPeer { queue.removeFirst() }
            queue.append((peer, payload))
            pending[peer.ip] = queue
        }
    }

    /// Feeds one message from the server. Returns the peer and payload when it carried relayed data (a Data
    /// indication or ChannelData); answers to our requests update the allocation and return nil.
    public mutating func handle(_ bytes: ArraySlice<UInt8>, now: Instant)
        -> (peer: TransportAddress, payload: ArraySlice<UInt8>)? {
        guard state != .closed, state != .idle, let first = bytes.first else { return nil }
        if first & 0xF0 == 0x40 {
            guard let message = try? ChannelData(parsing: bytes), let peer = peerByChannel[message.channel]
            else { return nil }
            return (peer, message.data)
        }
        guard let message = try? STUNMessage(parsing: bytes) else { return nil }
        switch message.type.messageClass {
        case .indication:
            guard message.type.method == .data, let peer = message.xorPeerAddress, let data = message.data
            else { return nil }
            return (peer, data[...])
        case .successResponse, .errorResponse:
            handleResponse(message, now: now)
            return nil
        case .request:
            return nil
        }
    }

    /// Refreshes the allocation now rather than at its timer: the answer tells whether the server still knows this
    /// client's 5-tuple (a NAT that forgot its mapping gives a new one, and a 437 then makes a new allocation).
    /// Returns false when there is nothing to refresh, or a refresh is already under way.
    @discardableResult
    public mutating func refreshNow(now: Instant) -> Bool {
        guard state == .allocated, !transactions.values.contains(where: { $0.request.isRefresh }) else { return false }
        refreshAt = nil
        sendRequest(.refresh(lifetime: configuration.requestedLifetime), now: now)
        return true
    }

    /// Deletes the allocation (Refresh with LIFETIME 0, sent once: the owner is going away) and stops every timer.
    public mutating func close(now: Instant) {
        guard state != .closed else { return }
        if state == .allocated {
            let id = TransactionID(using: &random)
            if let bytes = encodeRequest(.refresh(lifetime: 0), id: id) { outputs.append(.transmit(bytes)) }
        }
        state = .closed
        clearAllocation()
    }

    /// The owner's connection to the server (TCP/TLS) broke, or could not be opened at all: the allocation is lost
    /// with it, or never made.
    public mutating func connectionLost(_ reason: String) {
        switch state {
        case .idle:
            // The connection never opened (refused, unreachable, TLS handshake failed): say why now, rather than
            // leave gathering to time out on a client that never started.
            fail(TURNError(.serverUnreachable,
                           "TURN server \(server.name) could not be reached over \(server.transport): \(reason)"))
        case .allocating, .allocated:
            fail(TURNError(.serverUnreachable, "the connection to TURN server \(server.name) was lost: \(reason)"))
        case .failed, .closed:
            return
        }
    }

    // MARK: Outputs

    /// The next message to send or event to report; nil when drained.
    public mutating func pollOutput() -> Output? { outputs.next() }

    /// The earliest time the client wants `handleTimeout(now:)`.
    public func nextDeadline() -> Instant? {
        guard state == .allocating || state == .allocated else { return nil }
        var deadline = transactions.values.map(\.deadline).min()
        guard state == .allocated else { return deadline }
        deadline = earliest(deadline, refreshAt)
        for permission in permissions.values where !permission.inFlight {
            deadline = earliest(deadline, permission.refreshAt)
        }
        for channel in channels.values where !channel.inFlight {
            deadline = earliest(deadline, channel.refreshAt)
        }
        return deadline
    }

    /// Retransmits or times out requests, and refreshes what is about to expire.
    public mutating func handleTimeout(now: Instant) {
        guard state == .allocating || state == .allocated else { return }
        for (id, transaction) in transactions where transaction.deadline <= now {
            retransmitOrExpire(id, transaction, now: now)
            guard state == .allocating || state == .allocated else { return }
        }
        guard state == .allocated else { return }
        if let due = refreshAt, due <= now, !transactions.values.contains(where: { $0.request.isRefresh }) {
            refreshAt = nil
            sendRequest(.refresh(lifetime: configuration.requestedLifetime), now: now)
        }
        for (ip, permission) in permissions where !permission.inFlight && (permission.refreshAt.map { $0 <= now } ?? false) {
            requestPermission(ip, now: now)
        }
        for (peer, channel) in channels where !channel.inFlight && (channel.refreshAt.map { $0 <= now } ?? false) {
            requestChannel(channel.number, peer, now: now)
        }
    }
}

extension TURNClient.Request {
    var isRefresh: Bool { if case .refresh = self { true } else { false } }
}
