import FuzzSupport
import Peer
import Wire

// Everything a remote side can send a Peer: arbitrary datagrams of every RFC 7983 kind, fed to a peer that has
// negotiated and connected (ICE, DTLS, SRTP all live), then run through its timers. Nothing may trap.

let addressA = TransportAddress(ip: .v4(10, 0, 0, 1), port: 5000)
let addressB = TransportAddress(ip: .v4(10, 0, 0, 2), port: 6000)

/// Two peers connected by shuttling their datagrams directly, on a virtual clock.
func connectedPeer() -> Peer {
    do {
        var a = try Peer(random: SeededGenerator(seed: 1))
        var b = try Peer(random: SeededGenerator(seed: 2))
        a.addLocalHostCandidate(addressA, now: .zero)
        b.addLocalHostCandidate(addressB, now: .zero)
        let offer = try a.createOffer()
        try a.setLocalDescription(offer, type: .offer, now: .zero)
        try b.setRemoteDescription(offer, type: .offer, now: .zero)
        let answer = try b.createAnswer()
        try b.setLocalDescription(answer, type: .answer, now: .zero)
        try a.setRemoteDescription(answer, type: .answer, now: .zero)
        var now = Instant.zero
        for _ in 0..<2_000 where a.connectionState != .connected || b.connectionState != .connected {
            now = now + .milliseconds(10)
            a.handleTimeout(now: now)
            b.handleTimeout(now: now)
            while let output = a.pollOutput() {
                if case let .transmit(datagram) = output {
                    b.handle(Datagram(local: datagram.remote, remote: datagram.local, payload: datagram.payload),
                             now: now)
                }
            }
            while let output = b.pollOutput() {
                if case let .transmit(datagram) = output {
                    a.handle(Datagram(local: datagram.remote, remote: datagram.local, payload: datagram.payload),
                             now: now)
                }
            }
        }
        precondition(a.connectionState == .connected, "the fuzz fixture must start from a connected peer")
        return a
    } catch {
        fatalError("could not set up the fuzz fixture: \(error)")
    }
}

nonisolated(unsafe) var peer = connectedPeer()
nonisolated(unsafe) var clock = Instant.milliseconds(100_000)

runFuzzer { bytes in
    clock = clock + .milliseconds(5)
    // The first byte picks the first-byte range, so every demultiplexer branch is reached often.
    var payload = bytes
    if let selector = payload.first {
        let prefixes: [UInt8] = [0x00, 0x01, 0x16, 0x17, 0x40, 0x80, 0x90, 0x81]
        payload[0] = prefixes[Int(selector) % prefixes.count] | (selector & 0x03)
    }
    peer.handle(Datagram(local: addressA, remote: addressB, payload: payload), now: clock)
    peer.handleTimeout(now: clock)
    while peer.pollOutput() != nil {}
}
