import DTLS
import ICE
import SDP
import Wire

/// Offer/answer (RFC 8829 JSEP): building this side's descriptions and applying the remote side's.
extension Peer {
    /// Creates an offer with one section per configured media kind (or the current transceivers), all in one
    /// BUNDLE group with rtcp-mux, this side's ICE credentials and gathered candidates, and `setup:actpass`.
    public mutating func createOffer() throws(PeerError) -> String {
        guard signalingState == .stable || signalingState == .haveLocalOffer else {
            throw PeerError(.invalidState, "cannot create an offer while \(signalingState.rawValue)")
        }
        if transceivers.isEmpty {
            for (index, kind) in configuration.media.enumerated() {
                transceivers.append(makeTransceiver(mid: Mid(String(index)), kind: kind,
                                                    codecs: PeerConfiguration.offeredCodecs(for: kind),
                                                    direction: configuration.direction))
            }
        }
        if dataMid == nil, configuration.offersDataChannels || !pendingDataChannels.isEmpty {
            dataMid = Mid(String(transceivers.count))
        }
        guard !transceivers.isEmpty || dataMid != nil else {
            throw PeerError(.invalidState, "nothing to offer: no media kinds configured and no data channel")
        }
        var description = baseDescription()
        for transceiver in transceivers {
            description.media.append(mediaSection(for: transceiver, setup: .actpass))
        }
        if let dataMid { description.media.append(dataSection(mid: dataMid, setup: .actpass)) }
        description.bundleGroup = .bundle(transceivers.map(\.mid) + (dataMid.map { [$0] } ?? []))
        return description.serialized()
    }

    /// Creates the answer to the remote offer that was set: each offered audio/video section is accepted with the
    /// codecs both sides support (the offer's payload type numbers kept) and the direction narrowed; other
    /// sections (data channels) are rejected with port 0. This side takes `setup:active` (DTLS client).
    public mutating func createAnswer() throws(PeerError) -> String {
        guard signalingState == .haveRemoteOffer, let offer = remoteDescription else {
            throw PeerError(.invalidState, "cannot create an answer without a remote offer (state " +
                            "\(signalingState.rawValue))")
        }
        var description = baseDescription()
        var accepted: [Mid] = []
        // A new answer takes the DTLS client role; once DTLS exists, every later answer keeps the role it has
        // (RFC 8842 §5.3: a renegotiation does not change the association).
        let setup: SetupRole = dtlsRole == .server && dtls != nil ? .passive : .active
        for section in offer.media {
            guard let mid = section.mid else { continue }
            if let transceiver = transceivers.first(where: { $0.mid == mid }), !transceiver.isStopped {
                description.media.append(mediaSection(for: transceiver, setup: setup))
                accepted.append(mid)
            } else if mid == dataMid {
                description.media.append(dataSection(mid: mid, setup: setup))
                accepted.append(mid)
            } else {
                var rejected = MediaDescription(kind: section.kind, port: 0, proto: section.proto,
                                                formats: section.formats)
                rejected.mid = mid
                description.media.append(rejected)
            }
        }
        description.bundleGroup = .bundle(accepted)
        return description.serialized()
    }

    /// Sets this side's description (the text `createOffer` or `createAnswer` returned).
    public mutating func setLocalDescription(_ text: String, type: SDPType, now: Instant) throws(PeerError) {
        let description = try parse(text, what: "local")
        switch (type, signalingState) {
        case (.offer, .stable), (.offer, .haveLocalOffer):
            if signalingState == .stable { previousLocalDescription = localDescription }
            isOfferer = true
            signalingState = .haveLocalOffer
            ice.setRole(.controlling)
        case (.answer, .haveRemoteOffer):
            signalingState = .stable
            if dtls == nil { dtlsRole = .client }
            startTransport(now: now)
        default:
            throw PeerError(.invalidState, "cannot set a local \(type.rawValue) while \(signalingState.rawValue)")
        }
        localDescription = description
    }

    /// Applies the remote description: ICE credentials and candidates, the DTLS fingerprint and role, codecs,
    /// SSRCs and header extension IDs per section.
    public mutating func setRemoteDescription(_ text: String, type: SDPType, now: Instant) throws(PeerError) {
        lastNow = now
        let description = try parse(text, what: "remote")
        switch (type, signalingState) {
        case (.offer, .stable) where isNegotiated:
            // A renegotiation (RFC 8829 §5.8): the transceivers, SSRCs and DTLS stay; new ICE credentials mean
            // the offerer restarted ICE, and the answerer restarts too (RFC 8445 §9).
            ice.setRole(.controlled)
            try checkRenegotiation(description)
            if let credentials = Self.iceCredentials(of: description), credentials != ice.remoteCredentials {
                ice.restart(now: now)
            }
            signalingState = .haveRemoteOffer
        case (.offer, .stable):
            isOfferer = false
            ice.setRole(.controlled)
            try acceptOffer(description)
            signalingState = .haveRemoteOffer
        case (.answer, .haveLocalOffer):
            try applyAnswer(description)
            signalingState = .stable
        default:
            throw PeerError(.invalidState, "cannot set a remote \(type.rawValue) while \(signalingState.rawValue)")
        }
        remoteDescription = description
        try applyTransportParameters(description, now: now)
        if signalingState == .stable { startTransport(now: now) }
        drainICE(now: now)
    }

    // MARK: Building

    func baseDescription() -> SessionDescription {
        var description = SessionDescription(origin: Origin(sessionID: String(sessionID),
                                                            sessionVersion: sessionVersion,
                                                            unicastAddress: "127.0.0.1"))
        description.msidSemantic = MsidSemantic()
        return description
    }

    func mediaSection(for transceiver: Transceiver, setup: SetupRole) -> MediaDescription {
        var section = MediaDescription(kind: transceiver.kind)
        setTransportAttributes(of: &section, mid: transceiver.mid, setup: setup)
        if let id = transceiver.midExtensionID {
            section.extensionMaps = [ExtensionMap(id: UInt16(id), uri: ExtensionMap.midURI)]
        }
        if let id = transceiver.transportCCExtensionID {
            section.extensionMaps.append(ExtensionMap(id: UInt16(id), uri: ExtensionMap.transportCCURI))
        }
        if let id = transceiver.absSendTimeExtensionID {
            section.extensionMaps.append(ExtensionMap(id: UInt16(id), uri: ExtensionMap.absSendTimeURI))
        }
        section.direction = transceiver.direction
        if transceiver.direction.sends {
            section.msids = [MediaStreamID(streamID: transceiver.streamID, trackID: transceiver.trackID)]
        }
        section.rtcpMux = true
        section.rtcpReducedSize = true
        section.codecs = transceiver.codecs
        if transceiver.direction.sends {
            let cname = self.cname
            var ssrcs = [transceiver.localSSRC]
            if let rtx = transceiver.localRTXSSRC, transceiver.rtxPayloadType != nil {
                section.ssrcGroups = [.fid(media: transceiver.localSSRC, retransmission: rtx)]
                ssrcs.append(rtx)
            }
            section.ssrcAttributes = ssrcs.flatMap { ssrc in
                [SSRCAttribute(ssrc: ssrc, name: "cname", value: cname),
                 SSRCAttribute(ssrc: ssrc, name: "msid", value: "\(transceiver.streamID) \(transceiver.trackID)")]
            }
        }
        return section
    }

    /// What every section this side writes carries about the shared transport: connection line, ICE credentials
    /// and candidates, the DTLS fingerprint and role (RFC 8829 §5.2), and its mid.
    func setTransportAttributes(of section: inout MediaDescription, mid: Mid, setup: SetupRole) {
        section.connection = ConnectionData()
        section.iceUfrag = ice.localCredentials.ufrag
        section.icePwd = ice.localCredentials.pwd
        section.iceOptions = ["trickle"]
        section.fingerprint = Fingerprint.sha256(certificate.fingerprint.bytes)
        section.setup = setup
        section.mid = mid
        // Every gathered candidate goes into every section, so peers without trickle (aiortc) see them too.
        section.candidates = ice.localCandidates.filter { $0.type != .prflx }.map(Self.sdpCandidate)
        section.endOfCandidates = ice.localGatheringComplete
    }

    static func sdpCandidate(_ candidate: Candidate) -> SDP.ICECandidate {
        SDP.ICECandidate(foundation: candidate.foundation, component: UInt16(candidate.component),
                         priority: candidate.priority, address: candidate.address.ip.description,
                         port: candidate.address.port, type: ICECandidateType(rawValue: candidate.type.rawValue),
                         relatedAddress: candidate.relatedAddress.map { $0.ip.description },
                         relatedPort: candidate.relatedAddress?.port)
    }

    mutating func makeTransceiver(mid: Mid, kind: MediaKind, codecs: [Codec], direction: MediaDirection)
        -> Transceiver
    {
        let streamID = "linkup-\(sessionID)"
        let hasRTX = codecs.contains { $0.isNamed("rtx") }
        return Transceiver(
            mid: mid, kind: kind, direction: direction, codecs: codecs,
            localSSRC: SSRC(UInt32.random(in: 1 ... .max, using: &random)),
            localRTXSSRC: hasRTX ? SSRC(UInt32.random(in: 1 ... .max, using: &random)) : nil,
            midExtensionID: UInt8(PeerConfiguration.midExtensionID),
            transportCCExtensionID: UInt8(PeerConfiguration.transportCCExtensionID),
            absSendTimeExtensionID: kind == .video ? UInt8(PeerConfiguration.absSendTimeExtensionID) : nil,
            streamID: streamID, trackID: "\(kind.rawValue)-\(mid)",
            nextSequenceNumber: UInt16.random(in: 0 ... .max, using: &random))
    }

    // MARK: Applying

    func parse(_ text: String, what: String) throws(PeerError) -> SessionDescription {
        do {
            return try SessionDescription(parsing: text)
        } catch {
            throw PeerError(.invalidDescription, "the \(what) description is not valid SDP: \(error)")
        }
    }

    /// True once an offer/answer exchange has completed: later offers renegotiate.
    var isNegotiated: Bool { remoteDescription != nil && localDescription != nil && dtlsRole != nil }

    /// The ICE ufrag and password of a description's bundled (first usable) section.
    static func iceCredentials(of description: SessionDescription) -> ICECredentials? {
        guard let first = description.media.first(where: { $0.port != 0 }),
              let ufrag = first.iceUfrag ?? description.iceUfrag, let pwd = first.icePwd ?? description.icePwd
        else { return nil }
        return ICECredentials(ufrag: ufrag, pwd: pwd)
    }

    /// What a renegotiating offer may not change here: the DTLS certificate (a new association is not supported).
    func checkRenegotiation(_ offer: SessionDescription) throws(PeerError) {
        let first = offer.media.first { $0.port != 0 }
        let fingerprints = (first?.fingerprints.isEmpty ?? true) ? offer.fingerprints : first?.fingerprints ?? []
        if let remoteFingerprint, let offered = fingerprints.first(where: \.isSHA256),
           offered.bytes != remoteFingerprint.bytes {
            throw PeerError(.incompatible, "the new offer changes the DTLS certificate mid-call, which LinkUp does " +
                            "not support (start a new call instead)")
        }
    }

    /// Takes back this side's offer (JSEP "rollback", RFC 8829 §4.1.8.2): used when both sides offered at once and
    /// this side yields, to answer the other side's offer instead.
    public mutating func rollback() throws(PeerError) {
        guard signalingState == .haveLocalOffer else {
            throw PeerError(.invalidState, "there is no local offer to roll back (state \(signalingState.rawValue))")
        }
        signalingState = .stable
        if let previous = previousLocalDescription { localDescription = previous }
    }

    /// Restarts ICE (RFC 8445 §9) before a new offer: `createOffer` then carries new credentials, checks start
    /// again once the answer arrives, and media goes on over the old path until a new one is selected.
    public mutating func restartICE(now: Instant) {
        lastNow = now
        ice.restart(now: now)
        drainICE(now: now)
    }

    /// Builds this side's transceivers from an offer: common codecs in the offerer's order and numbering.
    mutating func acceptOffer(_ offer: SessionDescription) throws(PeerError) {
        transceivers = []
        dataMid = nil
        if let data = offer.media.first(where: Self.isDataChannelSection), let mid = data.mid {
            dataMid = mid
            applyRemoteDataSection(data)
        }
        for section in offer.media {
            guard let mid = section.mid, section.kind == .audio || section.kind == .video, section.port != 0,
                  section.proto.uppercased().contains("SAVPF") || section.proto.uppercased().contains("SAVP")
            else { continue }
            var codecs = section.codecs.filter { PeerConfiguration.supports($0, kind: section.kind) }
            // Keep RTX only for a codec we kept.
            let kept = Set(codecs.filter { !$0.isNamed("rtx") }.map(\.payloadType))
            codecs.removeAll { $0.isNamed("rtx") && !($0.associatedPayloadType.map(kept.contains) ?? false) }
            guard !kept.isEmpty else { continue }
            let offered = section.direction ?? .sendrecv
            let direction = MediaDirection(sends: offered.receives && configuration.direction.sends,
                                           receives: offered.sends && configuration.direction.receives)
            var transceiver = makeTransceiver(mid: mid, kind: section.kind, codecs: codecs, direction: direction)
            transceiver.midExtensionID = section.extensionMaps.first { $0.uri == ExtensionMap.midURI }
                .map { UInt8(truncatingIfNeeded: $0.id) }
            // One-byte header extensions carry IDs 1-14 (RFC 8285 §4.2): anything else is not taken up.
            transceiver.transportCCExtensionID = section.extensionMaps
                .first { $0.uri == ExtensionMap.transportCCURI && (1...14).contains($0.id) }
                .map { UInt8(truncatingIfNeeded: $0.id) }
            transceiver.absSendTimeExtensionID = section.kind != .video ? nil : section.extensionMaps
                .first { $0.uri == ExtensionMap.absSendTimeURI && (1...14).contains($0.id) }
                .map { UInt8(truncatingIfNeeded: $0.id) }
            transceivers.append(transceiver)
        }
        guard !transceivers.isEmpty || dataMid != nil else {
            throw PeerError(.incompatible, "the offer has no audio or video section with a codec LinkUp supports " +
                            "(Opus 48 kHz, VP8) and no data channel section")
        }
    }

    /// Narrows this side's transceivers to what the answer accepted.
    mutating func applyAnswer(_ answer: SessionDescription) throws(PeerError) {
        for index in transceivers.indices {
            guard let section = answer.media(withMid: transceivers[index].mid), section.port != 0 else {
                transceivers[index].isStopped = true
                continue
            }
            let answered = Set(section.codecs.map(\.payloadType))
            transceivers[index].codecs.removeAll { !answered.contains($0.payloadType) }
            let remote = section.direction ?? .sendrecv
            transceivers[index].direction = MediaDirection(
                sends: transceivers[index].direction.sends && remote.receives,
                receives: transceivers[index].direction.receives && remote.sends)
            if !section.extensionMaps.contains(where: { $0.uri == ExtensionMap.midURI }) {
                transceivers[index].midExtensionID = nil
            }
            if !section.extensionMaps.contains(where: { $0.uri == ExtensionMap.transportCCURI }) {
                transceivers[index].transportCCExtensionID = nil
            }
            if !section.extensionMaps.contains(where: { $0.uri == ExtensionMap.absSendTimeURI }) {
                transceivers[index].absSendTimeExtensionID = nil
            }
            if transceivers[index].sendCodec == nil { transceivers[index].isStopped = true }
        }
        if let mid = dataMid {
            if let section = answer.media(withMid: mid), Self.isDataChannelSection(section) {
                applyRemoteDataSection(section)
            } else {
                dataMid = nil  // data channels refused: channels asked for are not opened
            }
        }
        guard transceivers.contains(where: { !$0.isStopped }) || dataMid != nil else {
            throw PeerError(.incompatible, "the answer accepted no media section")
        }
    }

    /// ICE credentials, candidates, fingerprint, DTLS role and SSRC routing from a remote description.
    mutating func applyTransportParameters(_ description: SessionDescription, now: Instant) throws(PeerError) {
        let bundled = description.bundleGroup?.mids.first.flatMap { description.media(withMid: $0) }
        guard let first = bundled ?? description.media.first(where: { $0.port != 0 }) else {
            throw PeerError(.incompatible, "the remote description has no usable media section")
        }
        guard let ufrag = first.iceUfrag ?? description.iceUfrag, let pwd = first.icePwd ?? description.icePwd else {
            throw PeerError(.invalidDescription, "the remote description has no a=ice-ufrag / a=ice-pwd")
        }
        let fingerprints = first.fingerprints.isEmpty ? description.fingerprints : first.fingerprints
        guard let fingerprint = fingerprints.first(where: \.isSHA256) else {
            throw PeerError(.invalidDescription, "the remote description has no sha-256 a=fingerprint")
        }
        guard first.rtcpMux || first.kind == .application else {
            throw PeerError(.incompatible, "the remote side does not support rtcp-mux, which LinkUp requires")
        }
        remoteFingerprint = DTLSFingerprint(algorithm: "sha-256", bytes: fingerprint.bytes)
        // Once DTLS runs, its role is fixed: a renegotiation's setup attribute does not change it.
        if dtls == nil {
            switch first.setup ?? description.setup ?? .actpass {
            case .active: dtlsRole = .server
            case .passive: dtlsRole = .client
            case .actpass: dtlsRole = isOfferer ? .server : .client
            default: dtlsRole = .client
            }
        }
        ice.setRemoteCredentials(ICECredentials(ufrag: ufrag, pwd: pwd), now: now)

        ssrcToMid = [:]
        payloadTypeToMid = [:]
        for section in description.media where section.port != 0 {
            guard let mid = section.mid, let index = transceivers.firstIndex(where: { $0.mid == mid }) else {
                continue
            }
            transceivers[index].remoteSSRCs = section.ssrcs
            for ssrc in section.ssrcs { ssrcToMid[ssrc] = mid }
            for payloadType in section.payloadTypes { payloadTypeToMid[payloadType] = mid }
        }
        // Candidates of the bundled transport (the first section); the others would duplicate them.
        for candidate in first.candidates { addRemote(candidate, now: now) }
        if first.endOfCandidates { ice.setRemoteGatheringComplete(now: now) }
    }
}
