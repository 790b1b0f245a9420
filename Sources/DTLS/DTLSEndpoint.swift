import COpenSSL
import CShim
import Wire

/// One side of a WebRTC DTLS 1.2 association (RFC 6347) carrying the DTLS-SRTP key exchange (RFC 5764), as a
/// sans-IO state machine over OpenSSL.
///
/// Feed it received DTLS datagrams with `handle(datagram:now:)`, call `handleTimeout(now:)` when `nextDeadline()`
/// passes, and drain `pollOutput()` after every call: `.transmit` datagrams go to the peer, `.event`s report the
/// outcome. It never reads a clock and never starts a timer: retransmission happens only in `handleTimeout(now:)`
/// (see `DTLSTimerBridge` for how OpenSSL's wall-clock timer is put on the injected clock).
///
/// Authentication follows WebRTC (RFC 8827 §6.5): any self-signed certificate passes OpenSSL's verification, and
/// once the handshake completes the peer certificate's SHA-256 fingerprint must equal the one from the peer's SDP.
///
/// It is a class because it owns OpenSSL objects that must not be duplicated; one owner drives it.
public final class DTLSEndpoint {
    /// What the endpoint asks its owner to do.
    public enum Output: Equatable, Sendable {
        /// Send this datagram to the peer (it is at most `mtu` bytes unless a single record is larger).
        case transmit([UInt8])
        /// Something happened.
        case event(Event)
    }

    /// The outcomes of the association.
    public enum Event: Equatable, Sendable {
        /// The handshake completed and the peer's fingerprint matched: SRTP keys for the negotiated profile.
        case connected(SRTPKeyingMaterial, SRTPProtectionProfile)
        /// The association failed for good; the endpoint accepts no more input.
        case failed(DTLSError)
        /// The association ended with close_notify (ours or the peer's).
        case closed
        /// The peer sent DTLS application data (WebRTC data channels would use this; media does not).
        case applicationData([UInt8])
    }

    /// Where the association stands.
    public enum State: Equatable, Sendable {
        /// Created; `start(now:)` not yet called.
        case new
        /// Handshake under way.
        case handshaking
        /// Handshake done but the remote fingerprint is not known yet (`setRemoteFingerprint(_:)` completes it).
        case awaitingFingerprint
        /// Keys exported; application records flow.
        case connected
        /// Failed with `.failed`.
        case failed
        /// Closed with close_notify.
        case closed
    }

    /// The side this endpoint plays.
    public let role: DTLSRole
    /// This endpoint's certificate (its fingerprint goes into the local SDP).
    public let certificate: DTLSCertificate
    /// The largest datagram this endpoint writes.
    public let mtu: Int
    /// Where the association stands.
    public private(set) var state: State = .new
    /// The fingerprint the peer's SDP announced; checked when the handshake completes.
    public private(set) var remoteFingerprint: DTLSFingerprint?
    /// The SRTP keys once connected.
    public private(set) var keyingMaterial: SRTPKeyingMaterial?

    private let context: OpaquePointer
    private let ssl: OpaquePointer
    private let writeBIO: OpaquePointer
    private let bridge: DTLSTimerBridge
    private var outputs = OutputQueue<Output>()

    /// A new endpoint. `remoteFingerprint` may be nil when the answer has not arrived yet; `profiles` is offered in
    /// that order of preference; `initialRetransmitTimeout` is the first flight timeout (doubling to 60 s).
    public init(
        role: DTLSRole, certificate: DTLSCertificate, remoteFingerprint: DTLSFingerprint?, mtu: Int = 1200,
        profiles: [SRTPProtectionProfile] = SRTPProtectionProfile.preferenceOrder,
        initialRetransmitTimeout: Duration = .seconds(1)
    ) throws(DTLSError) {
        self.role = role
        self.certificate = certificate
        self.remoteFingerprint = remoteFingerprint
        self.mtu = mtu
        bridge = DTLSTimerBridge(initialTimeout: initialRetransmitTimeout)
        ERR_clear_error()
        guard let context = SSL_CTX_new(DTLS_method()) else {
            throw .setupFailed(OpenSSLErrors.drain(fallback: "SSL_CTX_new failed"))
        }
        self.context = context
        func failure(_ step: String) -> DTLSError {
            .setupFailed(OpenSSLErrors.drain(fallback: step))
        }
        let version = linkup_dtls1_2_version()
        guard linkup_ssl_ctx_set_min_proto_version(context, version) == 1,
            linkup_ssl_ctx_set_max_proto_version(context, version) == 1
        else { SSL_CTX_free(context); throw failure("cannot restrict the context to DTLS 1.2") }
        // ECDHE with ECDSA only: our certificate is ECDSA, and WebRTC requires forward secrecy (RFC 8827 §6.5).
        let ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305"
            + ":ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA"
        let profileList = profiles.map(\.openSSLName).joined(separator: ":")
        guard SSL_CTX_set_cipher_list(context, ciphers) == 1,
            SSL_CTX_set_tlsext_use_srtp(context, profileList) == 0,  // 0 is success for this one
            SSL_CTX_use_certificate(context, certificate.storage.certificate) == 1,
            SSL_CTX_use_PrivateKey(context, certificate.storage.privateKey) == 1
        else { SSL_CTX_free(context); throw failure("cannot configure ciphers, use_srtp or the certificate") }
        // Accept any certificate, self-signed included: the fingerprint check after the handshake authenticates.
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT) { _, _ in 1 }
        guard let ssl = SSL_new(context) else { SSL_CTX_free(context); throw failure("SSL_new failed") }
        guard let readBIO = DatagramReadBIO.make(bridge: bridge), let writeBIO = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            SSL_CTX_free(context)
            throw failure("cannot create the datagram BIOs")
        }
        // An empty write BIO reports "retry", not end of file.
        _ = linkup_bio_set_mem_eof_return(writeBIO, -1)
        SSL_set_bio(ssl, readBIO, writeBIO)  // The SSL object owns both BIOs from here on.
        self.ssl = ssl
        self.writeBIO = writeBIO
        SSL_set_ex_data(ssl, 0, Unmanaged.passUnretained(bridge).toOpaque())
        DTLS_set_timer_cb(ssl) { ssl, previous in
            guard let bridge = DTLSTimerBridge.from(SSL_get_ex_data(ssl, 0)) else { return 1_000_000 }
            return bridge.nextDuration(previousMicroseconds: previous)
        }
        // Never ask the (memory) BIO for a path MTU: use ours. SSL_OP_NO_QUERY_MTU is SSL_OP_BIT(12).
        _ = linkup_ssl_set_options(ssl, UInt64(1) << 12)
        _ = linkup_dtls_set_link_mtu(ssl, mtu)
        if role == .client { SSL_set_connect_state(ssl) } else { SSL_set_accept_state(ssl) }
    }

    deinit {
        SSL_free(ssl)  // frees both BIOs
        SSL_CTX_free(context)
    }

    /// The fingerprint of this endpoint's certificate, for the local SDP.
    public var localFingerprint: DTLSFingerprint { certificate.fingerprint }

    /// Starts the handshake: a client sends its ClientHello, a server starts waiting for one.
    public func start(now: Instant) {
        guard state == .new else { return }
        state = .handshaking
        bridge.lastNow = now
        if role == .client { _ = try? advance() }
    }

    /// Sets (or replaces) the peer's fingerprint; completes a handshake that finished before the answer arrived.
    public func setRemoteFingerprint(_ fingerprint: DTLSFingerprint) {
        remoteFingerprint = fingerprint
        if state == .awaitingFingerprint { _ = try? completeHandshake() }
    }

    /// Processes one received DTLS datagram (RFC 7983: first byte 20...63). Garbage is dropped by OpenSSL as DTLS
    /// requires (RFC 6347 §4.1.2.7); a fatal handshake problem throws the error it also queues as `.failed`.
    public func handle(datagram: [UInt8], now: Instant) throws(DTLSError) {
        switch state {
        case .failed, .closed: throw .notOpen
        case .new: state = .handshaking  // a server may see the ClientHello before start(now:)
        default: break
        }
        bridge.lastNow = now
        guard let records = DTLSRecordSplitter.sanitized(datagram, minimumEncryptedLength: minimumEncryptedLength)
        else { return }
        bridge.pendingDatagram = records
        defer { bridge.pendingDatagram = nil }
        try advance()
    }

    /// Retransmits the current flight if its deadline (on the injected clock) has passed.
    public func handleTimeout(now: Instant) {
        bridge.lastNow = now
        guard state == .handshaking || state == .connected || state == .awaitingFingerprint,
            let deadline = bridge.deadline, deadline <= now
        else { return }
        ERR_clear_error()
        bridge.expireOpenSSLTimer()
        let result = linkup_dtls_handle_timeout(ssl)
        flushOutgoing()
        if result < 0 { fail(.retransmissionLimitReached) }
    }

    /// The next queued output, or nil when drained.
    public func pollOutput() -> Output? {
        outputs.next()
    }

    /// When `handleTimeout(now:)` should next be called: the retransmission deadline of the flight in progress,
    /// measured from the `now` at which OpenSSL (re)started its timer. Nil when no timer runs.
    public func nextDeadline() -> Instant? {
        guard state != .failed, state != .closed else { return nil }
        var seconds = 0
        var microseconds = 0
        guard linkup_dtls_get_timeout(ssl, &seconds, &microseconds) == 1 else { return nil }
        return bridge.deadline
    }

    /// Sends application data in one DTLS record once connected (WebRTC media does not use this; data channels
    /// would carry SCTP here).
    public func send(applicationData: [UInt8]) throws(DTLSError) {
        guard state == .connected else { throw .notOpen }
        ERR_clear_error()
        let written = SSL_write(ssl, applicationData, Int32(applicationData.count))
        flushOutgoing()
        if written <= 0 {
            let error = SSL_get_error(ssl, written)
            throw fail(.handshakeFailed(OpenSSLErrors.drain(fallback: "SSL_write failed with \(error)")))
        }
    }

    /// Sends close_notify (RFC 5246 §7.2.1) and queues `.closed`.
    public func close() {
        guard state != .failed, state != .closed else { return }
        if state != .new {
            ERR_clear_error()
            _ = SSL_shutdown(ssl)
            flushOutgoing()
        }
        state = .closed
        enqueue(.event(.closed))
    }

    /// The shortest valid protected record for the negotiated cipher: explicit nonce plus tag (AES-GCM 8 + 16,
    /// RFC 5288 §3), tag only (ChaCha20-Poly1305, RFC 7905 §2), IV plus one MAC-and-padding block (AES-CBC-SHA).
    /// Before a cipher is known, the AES-GCM figure.
    private var minimumEncryptedLength: Int {
        guard let cipher = SSL_get_current_cipher(ssl) else { return 24 }
        switch SSL_CIPHER_get_cipher_nid(cipher) {
        case NID_aes_128_gcm, NID_aes_256_gcm: return 24
        case NID_chacha20_poly1305: return 16
        default: return 48
        }
    }

    // MARK: Driving OpenSSL

    /// Runs the handshake or reads application records, whichever the state calls for.
    private func advance() throws(DTLSError) {
        ERR_clear_error()
        if state == .handshaking {
            let result = SSL_do_handshake(ssl)
            flushOutgoing()
            if result == 1 {
                try completeHandshake()
            } else {
                let error = SSL_get_error(ssl, result)
                if error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE { return }
                throw fail(.handshakeFailed(OpenSSLErrors.drain(fallback: "OpenSSL error \(error)")))
            }
        }
        if state == .connected || state == .awaitingFingerprint { try readRecords() }
    }

    /// Reads whatever application data or alerts the pending datagram holds.
    private func readRecords() throws(DTLSError) {
        var buffer = [UInt8](repeating: 0, count: 2048)
        while true {
            let count = SSL_read(ssl, &buffer, Int32(buffer.count))
            flushOutgoing()
            if count > 0 {
                if state == .connected { enqueue(.event(.applicationData(Array(buffer.prefix(Int(count)))))) }
                continue
            }
            let error = SSL_get_error(ssl, count)
            switch error {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                return
            case SSL_ERROR_SYSCALL where ERR_peek_error() == 0:
                // OpenSSL discarded a record it could not use (bad MAC, stray epoch) and reports it as a "syscall"
                // error with an empty error queue; DTLS must ignore invalid records (RFC 6347 §4.1.2.7).
                return
            case SSL_ERROR_ZERO_RETURN:
                _ = SSL_shutdown(ssl)  // answer the peer's close_notify with ours
                flushOutgoing()
                state = .closed
                enqueue(.event(.closed))
                return
            default:
                throw fail(.handshakeFailed(OpenSSLErrors.drain(fallback: "OpenSSL error \(error)")))
            }
        }
    }

    /// Checks the peer's fingerprint and exports the SRTP keys (RFC 5764 §4.2).
    private func completeHandshake() throws(DTLSError) {
        guard let expected = remoteFingerprint else {
            state = .awaitingFingerprint
            return
        }
        guard let peer = linkup_ssl_get_peer_certificate(ssl) else { throw fail(.noPeerCertificate) }
        defer { X509_free(peer) }
        // Hash with the function the peer announced (RFC 8122 §5); an unknown one is reported with SHA-256.
        let announced: DTLSFingerprint?
        let sha256: DTLSFingerprint?
        do {
            announced = try DTLSCertificate.fingerprint(of: peer, algorithm: expected.algorithm)
            sha256 = try DTLSCertificate.fingerprint(of: peer)
        } catch { throw fail(error) }
        guard let actual = announced ?? sha256 else { throw fail(.noPeerCertificate) }
        guard actual == expected else { throw fail(.fingerprintMismatch(expected: expected, actual: actual)) }
        guard let selected = SSL_get_selected_srtp_profile(ssl),
            let profile = SRTPProtectionProfile(rawValue: UInt16(truncatingIfNeeded: selected.pointee.id))
        else { throw fail(.noSRTPProfile) }
        let label = "EXTRACTOR-dtls_srtp"
        var exported = [UInt8](repeating: 0, count: 2 * (profile.masterKeyLength + profile.masterSaltLength))
        let status = SSL_export_keying_material(ssl, &exported, exported.count, label, label.utf8.count, nil, 0, 0)
        guard status == 1, let material = SRTPKeyingMaterial(exported: exported, profile: profile) else {
            throw fail(.handshakeFailed(OpenSSLErrors.drain(fallback: "keying material export failed")))
        }
        keyingMaterial = material
        state = .connected
        enqueue(.event(.connected(material, profile)))
    }

    /// Moves everything OpenSSL wrote into `.transmit` outputs, one datagram each.
    private func flushOutgoing() {
        let pending = linkup_bio_pending(writeBIO)
        guard pending > 0 else { return }
        var stream = [UInt8](repeating: 0, count: pending)
        let read = BIO_read(writeBIO, &stream, Int32(pending))
        guard read > 0 else { return }
        stream.removeLast(stream.count - Int(read))
        for datagram in DTLSRecordSplitter.datagrams(from: stream, mtu: mtu) { enqueue(.transmit(datagram)) }
    }

    /// Enters `.failed`, queues the event, and returns the error for the caller to throw.
    @discardableResult
    private func fail(_ error: DTLSError) -> DTLSError {
        if state != .failed && state != .closed {
            state = .failed
            enqueue(.event(.failed(error)))
        }
        return error
    }

    private func enqueue(_ output: Output) { outputs.append(output) }
}
