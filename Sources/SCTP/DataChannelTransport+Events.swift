import Wire

extension DataChannelTransport {
    /// Turns the association's events into channel state and application events, at once (not when polled), so
    /// `channel(_:)` is current as soon as an input returns.
    mutating func drainAssociation(now: Instant) {
        while let event = association.pollEvent() {
            switch event {
            case .established:
                output.append(.connected)
                for id in channels.keys.sorted() where channels[id]?.state == .connecting { announce(id) }
            case let .message(stream, ppid, payload):
                receive(stream: stream, ppid: ppid, payload: payload, now: now)
            case let .bufferedAmountDecreased(stream):
                guard let channel = channels[stream], channel.aboveThreshold,
                      association.bufferedAmount(stream: stream) <= channel.lowThreshold else { continue }
                channels[stream]?.aboveThreshold = false
                output.append(.bufferedAmountLow(id: stream))
            case let .incomingStreamsReset(streams):
                for id in streams { incomingReset(id, now: now) }
            case let .outgoingStreamsReset(streams):
                for id in streams {
                    channels[id]?.outgoingReset = true
                    finishCloseIfDone(id)
                }
            case .closed:
                closeAll()
            case let .failed(error):
                closeAll()
                output.append(.failed(error))
            }
        }
    }

    /// A locally created channel opens once the association is up.
    mutating func announce(_ id: UInt16) {
        guard var channel = channels[id], !channel.announced else { return }
        channel.announced = true
        channel.state = .open
        channels[id] = channel
        output.append(.opened(id: id, label: channel.options.label, protocol: channel.options.protocol,
                              remotelyCreated: false))
    }

    private mutating func receive(stream: UInt16, ppid: UInt32, payload: [UInt8], now: Instant) {
        if ppid == DCEPMessage.ppid {
            receiveDCEP(stream: stream, payload: payload, now: now)
            return
        }
        guard let channel = channels[stream], channel.state == .open || channel.state == .closing else { return }
        let message: DataChannelMessage
        switch ppid {
        case 51, 52: message = .text(String(decoding: payload, as: UTF8.self))
        case 56: message = .text("")
        case 57: message = .binary([])
        default: message = .binary(payload)  // 53, 54 and unknown PPIDs are handed over as bytes.
        }
        channels[stream]?.messagesReceived += 1
        channels[stream]?.bytesReceived += message.byteCount
        // Any message from the peer on the stream also shows it has the channel (RFC 8832 §6).
        channels[stream]?.confirmed = true
        output.append(.message(id: stream, message))
    }

    private mutating func receiveDCEP(stream: UInt16, payload: [UInt8], now: Instant) {
        guard let message = try? DCEPMessage(parsing: payload[...]) else { return }
        switch message {
        case .ack:
            channels[stream]?.confirmed = true
        case var .open(options):
            // An OPEN for an id in use is a collision the peer should not cause (ids are split by DTLS role);
            // the existing channel wins.
            guard channels[stream] == nil else { return }
            options.id = stream
            channels[stream] = Channel(options: options, state: .open, remotelyCreated: true, confirmed: true,
                                       announced: true)
            association.send(stream: stream, ppid: DCEPMessage.ppid, payload: DCEPMessage.ack.encoded,
                             bufferedBytes: 0, now: now)
            output.append(.opened(id: stream, label: options.label, protocol: options.protocol,
                                  remotelyCreated: true))
        }
    }

    /// The peer reset its outgoing stream: it closed the channel. Reset ours too if we have not (RFC 8831 §6.7).
    private mutating func incomingReset(_ id: UInt16, now: Instant) {
        guard var channel = channels[id] else { return }
        channel.incomingReset = true
        if channel.state != .closing {
            channel.state = .closing
            channels[id] = channel
            association.resetStreams([id], now: now)
        } else {
            channels[id] = channel
        }
        finishCloseIfDone(id)
    }

    private mutating func finishCloseIfDone(_ id: UInt16) {
        guard let channel = channels[id], channel.incomingReset, channel.outgoingReset else { return }
        channels[id] = nil
        output.append(.closed(id: id))
    }

    private mutating func closeAll() {
        for id in channels.keys.sorted() where channels[id]?.announced == true { output.append(.closed(id: id)) }
        channels.removeAll()
    }
}
