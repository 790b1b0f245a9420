import FuzzSupport
import ICE
import Wire

// Whatever a TURN server sends must never trap the client (RFC 8656): the input goes through `TURNStreamFramer` as
// a TCP/TLS byte stream, or in one piece as a UDP datagram, into `TURNClient.handle` of a client that holds an
// allocation, a bound channel and a permission and waits on four requests. A STUN-looking input gets the
// transaction ID of one of those requests, so error answers reach live transactions. Then the client's timers
// run, and it must never keep a deadline it has already passed.
//
// The first input byte steers: bit 0 picks the stream, bits 1-3 the transaction whose ID is spliced in (none
// when out of range), bits 4-7 where the stream is cut in two reads.

let serverAddress = TransportAddress(ip: .v4(192, 0, 2, 1), port: 3478)
let peer = TransportAddress(ip: .v4(192, 0, 2, 2), port: 6000)
let realm = "fuzz.test"
let key = STUNKey.longTerm(username: "fuzz", realm: realm, password: "fuzz")

/// A server answer of the fixture; they are small and always encode.
func encoded(_ message: STUNMessage, integrity: STUNKey?) -> ArraySlice<UInt8> {
    guard let bytes = try? message.encode(integrity: integrity, fingerprint: true) else {
        fatalError("the fixture could not encode \(message)")
    }
    return bytes[...]
}

/// The requests the client sent since the last call.
func requests(_ client: inout TURNClient) -> [STUNMessage] {
    var messages: [STUNMessage] = []
    while let output = client.pollOutput() {
        if case let .transmit(bytes) = output, let message = try? STUNMessage(parsing: bytes),
           message.type.messageClass == .request {
            messages.append(message)
        }
    }
    return messages
}

/// A client over `transport` with an allocation, a channel bound to `peer` and its permission, waiting at 540 s on
/// the Refresh, CreatePermission and ChannelBind refreshes and a CreatePermission for another peer, whose
/// transaction IDs come back with it.
func allocatedClient(_ transport: ICEServerTransport) -> (client: TURNClient, pending: [TransactionID]) {
    let server = ICEServerEndpoint(kind: .turn(username: "fuzz", password: "fuzz"), address: serverAddress,
                                   transport: transport)
    var client = TURNClient(server: server, random: SeededGenerator(seed: 1))
    client.start(now: .zero)
    for request in requests(&client) {
        let challenge = STUNMessage.errorResponse(to: request, code: 401, attributes: [.realm(realm), .nonce("n")])
        _ = client.handle(encoded(challenge, integrity: nil), now: .zero)
    }
    let relayed = TransportAddress(ip: serverAddress.ip, port: 49_152)
    for request in requests(&client) {
        let success = STUNMessage.successResponse(to: request, attributes: [
            .xorRelayedAddress(relayed), .lifetime(600), .xorMappedAddress(peer),
        ])
        _ = client.handle(encoded(success, integrity: key), now: .zero)
    }
    client.send([0], to: peer, now: .zero)
    for request in requests(&client) {
        _ = client.handle(encoded(.successResponse(to: request), integrity: key), now: .zero)
    }
    // The fixture is fixed: if these do not hold, the client's happy path itself is broken.
    precondition(client.state == .allocated, "the fuzz fixture must start from an allocation")
    let now = Instant.zero + .seconds(540)
    client.handleTimeout(now: now)
    client.createPermission(for: .v4(192, 0, 2, 3), now: now)
    let pending = requests(&client).map(\.transactionID)
    precondition(pending.count == 4, "the fuzz fixture must wait on four requests")
    return (client, pending)
}

let overUDP = allocatedClient(.udp)
let overTCP = allocatedClient(.tcp)

runFuzzer { bytes in
    guard let control = bytes.first else { return }
    let input = Array(bytes.dropFirst())
    let overStream = control & 1 == 1
    var client = overStream ? overTCP.client : overUDP.client
    let pending = overStream ? overTCP.pending : overUDP.pending
    let now = Instant.zero + .seconds(540)

    func spliced(_ message: [UInt8]) -> ArraySlice<UInt8> {
        let choice = Int(control >> 1) & 0x7
        guard choice < pending.count, message.count >= 20, message[0] < 0x40 else { return message[...] }
        var message = message
        message.replaceSubrange(8..<20, with: pending[choice].bytes)
        return message[...]
    }

    if overStream {
        var framer = TURNStreamFramer()
        let cut = Int(control >> 4) % (input.count + 1)
        reading: for part in [input[..<cut], input[cut...]] {
            framer.append(part)
            while true {
                let message: [UInt8]?
                do {
                    message = try framer.nextMessage()
                } catch {
                    client.connectionLost("fuzz: \(error)")
                    break reading
                }
                guard let message else { break }
                guard let first = message.first, first < 0x50 else {
                    fatalError("the framer let through a message that is neither STUN nor ChannelData")
                }
                _ = client.handle(spliced(message), now: now)
            }
        }
    } else {
        _ = client.handle(spliced(input), now: now)
    }

    if client.state == .allocated, client.relayedAddress == nil {
        fatalError("allocated without a relayed address")
    }
    client.send([1, 2, 3], to: peer, now: now)
    // Every timer that fires must move the next deadline past the time it fired at.
    for _ in 0..<8 {
        guard let deadline = client.nextDeadline() else { break }
        client.handleTimeout(now: deadline)
        if let next = client.nextDeadline(), next <= deadline {
            fatalError("TURNClient keeps a deadline it has passed: \(next) after handling \(deadline)")
        }
    }
    client.close(now: now + .seconds(600))
    while let output = client.pollOutput() {
        // Over a stream every ChannelData message is padded to four bytes (RFC 8656 §12.5).
        if overStream, case let .transmit(bytes) = output, let first = bytes.first, first & 0xF0 == 0x40,
           bytes.count % 4 != 0 {
            fatalError("unpadded ChannelData over a stream: \(bytes.count) bytes")
        }
    }
}
