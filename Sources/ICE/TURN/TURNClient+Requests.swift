import Wire

/// Requests, their retransmission, and what their answers do (RFC 8656 §7 to §12, RFC 8489 §6.2 and §9.2).
extension TURNClient {
    // MARK: Sending requests

    mutating func sendRequest(_ request: Request, now: Instant) {
        let id = TransactionID(using: &random)
        guard let bytes = encodeRequest(request, id: id) else {
            fail(TURNError(.other, "could not encode a \(request.name) request for TURN server \(server.name)"))
            return
        }
        let timeout = server.transport.isStream
            ? configuration.reliableTransactionTimeout : configuration.initialRetransmissionTimeout
        transactions[id] = Transaction(request: request, bytes: bytes, authenticated: key != nil,
                                       timeout: timeout, deadline: now + timeout)
        outputs.append(.transmit(bytes))
    }

    /// The request's bytes: its attributes, then USERNAME, REALM, NONCE and MESSAGE-INTEGRITY once the server's
    /// realm and nonce are known (long-term credentials, RFC 8489 §9.2.4), and FINGERPRINT.
    func encodeRequest(_ request: Request, id: TransactionID) -> [UInt8]? {
        var attributes: [STUNAttribute]
        let method: STUNMethod
        switch request {
        case .allocate:
            method = .allocate
            // 17 is UDP: the only relayed transport WebRTC uses (RFC 8656 §7.1).
            attributes = [.requestedTransport(17), .lifetime(configuration.requestedLifetime),
                          .software("LinkUp")]
        case let .refresh(lifetime):
            method = .refresh
            attributes = [.lifetime(lifetime)]
        case let .createPermission(ip):
            method = .createPermission
            attributes = [.xorPeerAddress(TransportAddress(ip: ip, port: 0))]
        case let .channelBind(number, peer):
            method = .channelBind
            attributes = [.channelNumber(number), .xorPeerAddress(peer)]
        }
        if let realm, let nonce, key != nil {
            attributes += [.username(username), .realm(realm), .nonce(nonce)]
        }
        let message = STUNMessage(method: method, messageClass: .request, transactionID: id, attributes: attributes)
        return try? message.encode(integrity: key, fingerprint: true)
    }

    mutating func retransmitOrExpire(_ id: TransactionID, _ transaction: Transaction, now: Instant) {
        if !server.transport.isStream, transaction.transmissions < configuration.maximumTransmissions {
            var next = transaction
            next.transmissions += 1
            next.timeout = transaction.timeout * 2
            // After the last transmission, wait Rm times the first RTO (RFC 8489 §6.2.1).
            let wait = next.transmissions == configuration.maximumTransmissions
                ? configuration.initialRetransmissionTimeout * configuration.lastTransmissionWait : next.timeout
            next.deadline = now + wait
            transactions[id] = next
            outputs.append(.transmit(transaction.bytes))
            return
        }
        transactions[id] = nil
        let error = TURNError(.serverUnreachable,
                              "TURN server \(server.name) did not answer \(transaction.request.name) " +
                              "(\(server.transport), \(transaction.transmissions) transmission(s))")
        giveUp(transaction.request, error)
    }

    // MARK: Answers

    mutating func handleResponse(_ message: STUNMessage, now: Instant) {
        guard let transaction = transactions[message.transactionID] else { return }
        // A success answer to an authenticated request must prove it knows the key (RFC 8489 §9.2.5); a forged
        // one is ignored and the request keeps waiting for the real answer.
        if transaction.authenticated, message.type.messageClass == .successResponse, let key {
            guard message.messageIntegrity != nil, (try? message.validateMessageIntegrity(key: key)) != nil
            else { return }
        }
        transactions[message.transactionID] = nil
        if message.type.messageClass == .successResponse {
            succeeded(transaction.request, message, now: now)
        } else {
            let code = message.errorCode ?? STUNErrorCode(code: 400)
            failed(transaction, code, message, now: now)
        }
    }

    private mutating func succeeded(_ request: Request, _ message: STUNMessage, now: Instant) {
        switch request {
        case .allocate:
            guard let relayed = message.xorRelayedAddress else {
                fail(TURNError(.other, "TURN server \(server.name) allocated without an XOR-RELAYED-ADDRESS"))
                return
            }
            relayedAddress = relayed
            mappedAddress = message.xorMappedAddress
            state = .allocated
            scheduleRefresh(lifetime: message.lifetime ?? configuration.requestedLifetime, now: now)
            outputs.append(.event(.allocated(relayed: relayed, mapped: mappedAddress)))
            // Permissions and channels asked for while allocating are requested now.
            for ip in permissions.keys { requestPermission(ip, now: now) }
            for (peer, channel) in channels { requestChannel(channel.number, peer, now: now) }
        case let .refresh(lifetime):
            guard lifetime > 0 else { return }
            reallocations = 0
            scheduleRefresh(lifetime: message.lifetime ?? lifetime, now: now)
            outputs.append(.event(.refreshed))
        case let .createPermission(ip):
            installPermission(ip, now: now)
        case let .channelBind(number, peer):
            guard var channel = channels[peer], channel.number == number else { return }
            channel.bound = true
            channel.inFlight = false
            channel.refreshAt = now + configuration.channelLifetime - configuration.refreshMargin
            channels[peer] = channel
            // A channel binding installs or refreshes the peer's permission too (RFC 8656 §12.2).
            installPermission(peer.ip, now: now)
        }
    }

    private mutating func failed(_ transaction: Transaction, _ code: STUNErrorCode, _ message: STUNMessage,
                                 now: Instant) {
        let request = transaction.request
        switch code.code {
        case 401 where !transaction.authenticated:
            // The first request goes without credentials; the 401 brings the realm and nonce (RFC 8489 §9.2.4).
            guard let realm = message.realm, let nonce = message.nonce else { break }
            self.realm = realm
            self.nonce = nonce
            key = .longTerm(username: username, realm: realm, password: password)
            sendRequest(request, now: now)
            return
        case 438 where transaction.staleNonceRetries < 3:
            guard let nonce = message.nonce else { break }
            self.nonce = nonce
            // A new realm changes the long-term key, which is derived from it (RFC 8489 §9.2.2).
            if let realm = message.realm, realm != self.realm {
                self.realm = realm
                key = .longTerm(username: username, realm: realm, password: password)
            }
            let id = TransactionID(using: &random)
            guard let bytes = encodeRequest(request, id: id) else { break }
            var retry = transaction
            retry.bytes = bytes
            retry.staleNonceRetries += 1
            retry.transmissions = 1
            retry.timeout = server.transport.isStream
                ? configuration.reliableTransactionTimeout : configuration.initialRetransmissionTimeout
            retry.deadline = now + retry.timeout
            transactions[id] = retry
            outputs.append(.transmit(bytes))
            return
        case 437 where request != .allocate && reallocations < configuration.maximumReallocations:
            // The server no longer knows this allocation (it restarted, or it expired): make a new one. Peers
            // learn the new relayed address from the `allocated` event the new allocation reports.
            reallocations += 1
            clearAllocation()
            // The nonce belonged to the lost allocation's session: start over as a new client would.
            key = nil
            nonce = nil
            state = .allocating
            sendRequest(.allocate, now: now)
            return
        default:
            break
        }
        let error = TURNError.response(code, to: request.name, server: server.name)
        giveUp(request, error)
    }

    /// What a request that failed for good costs: the allocation, or one peer's permission.
    private mutating func giveUp(_ request: Request, _ error: TURNError) {
        switch request {
        case .allocate, .refresh:
            fail(error)
        case let .createPermission(ip):
            dropPermission(ip, error)
        case let .channelBind(_, peer):
            dropPermission(peer.ip, error)
        }
    }

    // MARK: Permissions and channels

    mutating func requestPermission(_ ip: IPAddress, now: Instant) {
        permissions[ip, default: Permission()].inFlight = true
        sendRequest(.createPermission(ip), now: now)
    }

    mutating func addChannel(for peer: TransportAddress, now: Instant) {
        guard ChannelData.channelRange.contains(nextChannelNumber) else {
            // All 4096 channel numbers are taken: this peer gets Send indications, which need its permission.
            if permissions[peer.ip] == nil {
                permissions[peer.ip] = Permission()
                if state == .allocated { requestPermission(peer.ip, now: now) }
            }
            return
        }
        let number = nextChannelNumber
        nextChannelNumber += 1
        channels[peer] = Channel(number: number)
        peerByChannel[number] = peer
        if permissions[peer.ip] == nil { permissions[peer.ip] = Permission() }
        if state == .allocated { requestChannel(number, peer, now: now) }
    }

    mutating func requestChannel(_ number: UInt16, _ peer: TransportAddress, now: Instant) {
        channels[peer]?.inFlight = true
        sendRequest(.channelBind(number, peer), now: now)
    }

    private mutating func installPermission(_ ip: IPAddress, now: Instant) {
        var permission = permissions[ip] ?? Permission()
        permission.installed = true
        permission.inFlight = transactions.values.contains { $0.request == .createPermission(ip) }
        permission.refreshAt = now + configuration.permissionLifetime - configuration.refreshMargin
        permissions[ip] = permission
        // What waited for the permission goes out now, over the channel if it is already bound.
        for (peer, payload) in pending.removeValue(forKey: ip) ?? [] {
            if let channel = channels[peer], channel.bound {
                transmitChannelData(channel.number, payload)
            } else {
                transmitSendIndication(payload, to: peer)
            }
        }
    }

    private mutating func dropPermission(_ ip: IPAddress, _ error: TURNError) {
        permissions[ip] = nil
        pending[ip] = nil
        for (peer, channel) in channels where peer.ip == ip {
            channels[peer] = nil
            peerByChannel[channel.number] = nil
        }
        outputs.append(.event(.permissionFailed(peer: ip, error)))
    }

    // MARK: Data

    mutating func transmitChannelData(_ number: UInt16, _ payload: [UInt8]) {
        // Over TCP and TLS every ChannelData message is padded to four bytes (RFC 8656 §12.5).
        guard let bytes = try? ChannelData(channel: number, data: payload).encode(padded: server.transport.isStream)
        else { return }
        outputs.append(.transmit(bytes))
    }

    mutating func transmitSendIndication(_ payload: [UInt8], to peer: TransportAddress) {
        // Indications are not authenticated (RFC 8656 §10.1).
        let message = STUNMessage(method: .send, messageClass: .indication, transactionID: TransactionID(using: &random),
                                  attributes: [.xorPeerAddress(peer), .data(payload)])
        guard let bytes = try? message.encode() else { return }
        outputs.append(.transmit(bytes))
    }

    // MARK: Lifetime

    private mutating func scheduleRefresh(lifetime: UInt32, now: Instant) {
        // A server granting no lifetime at all would have us refresh in a loop: a second is the floor.
        let lifetime = Duration.seconds(Int64(max(lifetime, 1)))
        // Short lifetimes are refreshed at half-time, long ones a margin before they end.
        refreshAt = now + max(lifetime - configuration.refreshMargin, lifetime / 2)
    }

    mutating func clearAllocation() {
        transactions.removeAll()
        refreshAt = nil
        relayedAddress = nil
        // Permissions and channels die with the allocation; the peers they were for are asked again.
        let ips = Array(permissions.keys)
        permissions = Dictionary(uniqueKeysWithValues: ips.map { ($0, Permission()) })
        for peer in channels.keys { channels[peer] = Channel(number: channels[peer]!.number) }
    }

    mutating func fail(_ error: TURNError) {
        guard state != .failed, state != .closed else { return }
        failure = error
        state = .failed
        transactions.removeAll()
        permissions.removeAll()
        channels.removeAll()
        peerByChannel.removeAll()
        pending.removeAll()
        refreshAt = nil
        outputs.append(.event(.failed(error)))
    }
}
