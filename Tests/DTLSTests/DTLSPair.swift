import DTLS
import Wire

/// Two endpoints joined by an in-memory network with seeded loss, driven by a virtual clock.
struct DTLSPair {
    let client: DTLSEndpoint
    let server: DTLSEndpoint
    var now = Instant.zero
    var random: SeededGenerator
    /// Fraction of datagrams dropped, 0...1.
    var lossRate: Double
    var clientEvents: [DTLSEndpoint.Event] = []
    var serverEvents: [DTLSEndpoint.Event] = []
    var datagramsSent = 0
    var datagramsDropped = 0
    var timeoutsFired = 0

    init(
        clientProfiles: [SRTPProtectionProfile] = SRTPProtectionProfile.preferenceOrder,
        serverProfiles: [SRTPProtectionProfile] = SRTPProtectionProfile.preferenceOrder,
        lossRate: Double = 0, seed: UInt64 = 1, serverAnnouncedFingerprint: DTLSFingerprint? = nil
    ) throws {
        random = SeededGenerator(seed: seed)
        let clientCertificate = try DTLSCertificate.generate(using: &random)
        let serverCertificate = try DTLSCertificate.generate(using: &random)
        client = try DTLSEndpoint(
            role: .client, certificate: clientCertificate,
            remoteFingerprint: serverAnnouncedFingerprint ?? serverCertificate.fingerprint, profiles: clientProfiles)
        server = try DTLSEndpoint(
            role: .server, certificate: serverCertificate, remoteFingerprint: clientCertificate.fingerprint,
            profiles: serverProfiles)
        self.lossRate = lossRate
    }

    var bothConnected: Bool { client.state == .connected && server.state == .connected }
    var anyFinished: Bool {
        [client.state, server.state].allSatisfy { $0 == .connected || $0 == .failed || $0 == .closed }
    }

    /// Runs until both sides are done or `limit` of virtual time passes; jumps the clock to the next deadline
    /// whenever the network is idle.
    mutating func run(limit: Duration = .seconds(300)) {
        client.start(now: now)
        server.start(now: now)
        let end = now + limit
        while now <= end {
            let moved = shuttle()
            if anyFinished && !moved { return }
            if moved { continue }
            guard let next = earliest(client.nextDeadline(), server.nextDeadline()) else { return }
            now = max(now, next)
            client.handleTimeout(now: now)
            server.handleTimeout(now: now)
            timeoutsFired += 1
        }
    }

    /// Delivers every queued datagram once (each direction), returns whether anything was delivered or queued.
    mutating func shuttle() -> Bool {
        var moved = false
        while true {
            var progressed = false
            while let output = client.pollOutput() {
                progressed = true
                switch output {
                case let .transmit(datagram): deliver(datagram, to: server)
                case let .event(event): clientEvents.append(event)
                }
            }
            while let output = server.pollOutput() {
                progressed = true
                switch output {
                case let .transmit(datagram): deliver(datagram, to: client)
                case let .event(event): serverEvents.append(event)
                }
            }
            if !progressed { return moved }
            moved = true
        }
    }

    private mutating func deliver(_ datagram: [UInt8], to endpoint: DTLSEndpoint) {
        datagramsSent += 1
        let draw = Double(random.next() >> 11) / Double(1 << 53)
        if draw < lossRate {
            datagramsDropped += 1
            return
        }
        // Small network delay so deadlines are measured from a moving clock.
        now = now + .milliseconds(5)
        try? endpoint.handle(datagram: datagram, now: now)
    }

    func connected(_ events: [DTLSEndpoint.Event]) -> (SRTPKeyingMaterial, SRTPProtectionProfile)? {
        for case let .connected(material, profile) in events { return (material, profile) }
        return nil
    }

    func failure(_ events: [DTLSEndpoint.Event]) -> DTLSError? {
        for case let .failed(error) in events { return error }
        return nil
    }
}
