import Wire

/// The typed JSEP attributes of a media section (RFC 8829 §5.2.1 lists them).
extension MediaDescription {
    /// `a=mid` (RFC 5888 §4): the section's tag in BUNDLE groups and in the RTP MID header extension.
    public var mid: Mid? {
        get { stringAttribute("mid").map(Mid.init(rawValue:)) }
        set { setStringAttribute("mid", to: newValue?.rawValue) }
    }

    /// The direction attribute, nil when absent (then the session's, or sendrecv, applies).
    public var direction: MediaDirection? {
        get { lines.compactMap { $0.attributeName.flatMap(MediaDirection.init(rawValue:)) }.last }
        set {
            replaceAttributes(named: Set(MediaDirection.allCases.map(\.rawValue)),
                              with: newValue.map { [SDPLine(SDPAttribute(name: $0.rawValue))] } ?? [])
        }
    }

    /// The `a=msid` lines.
    public var msids: [MediaStreamID] {
        get { values(MediaStreamID.self) }
        set { setValues(newValue) }
    }

    /// The `a=rtpmap` lines.
    public var rtpMaps: [RTPMap] {
        get { values(RTPMap.self) }
        set { setValues(newValue) }
    }

    /// The `a=fmtp` lines.
    public var formatParameters: [FormatParameters] {
        get { values(FormatParameters.self) }
        set { setValues(newValue) }
    }

    /// The `a=rtcp-fb` lines, wildcard ones included.
    public var rtcpFeedback: [RTCPFeedback] {
        get { values(RTCPFeedback.self) }
        set { setValues(newValue) }
    }

    /// The RTP codecs in `m=` line order, each with its rtpmap, fmtp and rtcp-fb lines joined. A format without
    /// an rtpmap is included when it is a static payload type of RFC 3551 (PCMU is 0 without saying so).
    ///
    /// Setting it rewrites every rtpmap, fmtp and non-wildcard rtcp-fb line (rtpmap, rtcp-fb, fmtp per codec) and
    /// sets the `m=` formats to the codecs' payload types.
    public var codecs: [Codec] {
        get {
            let maps = rtpMaps, parameters = formatParameters, feedback = rtcpFeedback
            var seen = Set<PayloadType>()
            return payloadTypes.compactMap { payloadType -> Codec? in
                guard seen.insert(payloadType).inserted else { return nil }
                var codec: Codec
                if let map = maps.first(where: { $0.payloadType == payloadType }) {
                    codec = Codec(payloadType: payloadType, name: map.encodingName, clockRate: map.clockRate,
                                  channels: map.channels)
                } else if let known = Codec.staticPayloadTypes[payloadType.rawValue] {
                    codec = Codec(payloadType: payloadType, name: known.name, clockRate: known.clockRate)
                } else {
                    return nil
                }
                codec.parameterText = parameters.first { $0.payloadType == payloadType }?.parameterText
                codec.feedback = feedback.filter { $0.payloadType == payloadType }.map(\.mechanism)
                return codec
            }
        }
        set {
            // Wildcard `rtcp-fb:*` lines belong to no codec, so they stay where they are.
            replaceLines(where: { line in
                switch line.attributeName {
                case RTPMap.attributeName, FormatParameters.attributeName: return true
                case RTCPFeedback.attributeName:
                    return (try? RTCPFeedback(parsing: line.attribute?.value ?? ""))?.payloadType != nil
                default: return false
                }
            }, with: newValue.flatMap(\.lines))
            formats = newValue.map(\.payloadType.description)
        }
    }

    /// The codec with `payloadType`.
    public func codec(_ payloadType: PayloadType) -> Codec? { codecs.first { $0.payloadType == payloadType } }

    /// The `a=extmap` lines.
    public var extensionMaps: [ExtensionMap] {
        get { values(ExtensionMap.self) }
        set { setValues(newValue) }
    }

    /// The `a=ssrc` lines.
    public var ssrcAttributes: [SSRCAttribute] {
        get { values(SSRCAttribute.self) }
        set { setValues(newValue) }
    }

    /// The SSRCs that `a=ssrc` lines describe, each once, in order of first mention.
    public var ssrcs: [SSRC] {
        var seen = Set<SSRC>()
        return ssrcAttributes.map(\.ssrc).filter { seen.insert($0).inserted }
    }

    /// The `a=ssrc-group` lines.
    public var ssrcGroups: [SSRCGroup] {
        get { values(SSRCGroup.self) }
        set { setValues(newValue) }
    }

    /// `a=ice-ufrag` of the section.
    public var iceUfrag: String? {
        get { stringAttribute("ice-ufrag") }
        set { setStringAttribute("ice-ufrag", to: newValue) }
    }

    /// `a=ice-pwd` of the section.
    public var icePwd: String? {
        get { stringAttribute("ice-pwd") }
        set { setStringAttribute("ice-pwd", to: newValue) }
    }

    /// `a=ice-options` tokens, such as `trickle`; empty when absent.
    public var iceOptions: [String] {
        get { stringAttribute("ice-options").map { SDPText.fields($0) } ?? [] }
        set { setStringAttribute("ice-options", to: newValue.isEmpty ? nil : newValue.joined(separator: " ")) }
    }

    /// The `a=fingerprint` lines.
    public var fingerprints: [Fingerprint] {
        get { values(Fingerprint.self) }
        set { setValues(newValue) }
    }

    /// The first fingerprint; setting it replaces them all.
    public var fingerprint: Fingerprint? {
        get { fingerprints.first }
        set { fingerprints = newValue.map { [$0] } ?? [] }
    }

    /// `a=setup`.
    public var setup: SetupRole? {
        get { values(SetupRole.self).first }
        set { setValues(newValue.map { [$0] } ?? []) }
    }

    /// `a=rtcp-mux` (RFC 5761 §5.1.3): RTP and RTCP share a port.
    public var rtcpMux: Bool {
        get { flag("rtcp-mux") }
        set { setFlag("rtcp-mux", newValue) }
    }

    /// `a=rtcp-rsize` (RFC 5506 §5): reduced-size RTCP is allowed.
    public var rtcpReducedSize: Bool {
        get { flag("rtcp-rsize") }
        set { setFlag("rtcp-rsize", newValue) }
    }

    /// `a=rtcp`.
    public var rtcp: RTCPAttribute? {
        get { values(RTCPAttribute.self).first }
        set { setValues(newValue.map { [$0] } ?? []) }
    }

    /// The `a=candidate` lines.
    public var candidates: [ICECandidate] {
        get { values(ICECandidate.self) }
        set { setValues(newValue) }
    }

    /// Adds one candidate after the others (and before `a=end-of-candidates`), as trickle ICE does.
    public mutating func addCandidate(_ candidate: ICECandidate) {
        let position = lines.lastIndex { $0.attributeName == ICECandidate.attributeName }.map { $0 + 1 }
        if let position {
            lines.insert(candidate.line, at: position)
        } else {
            replaceAttributes(named: [ICECandidate.attributeName], with: [candidate.line])
        }
    }

    /// `a=end-of-candidates` (RFC 8838 §8.2): no more candidates will be trickled.
    public var endOfCandidates: Bool {
        get { flag("end-of-candidates") }
        set { setFlag("end-of-candidates", newValue) }
    }

    /// `a=bundle-only` (RFC 9143 §6): the section is only usable inside its BUNDLE group.
    public var bundleOnly: Bool {
        get { flag("bundle-only") }
        set { setFlag("bundle-only", newValue) }
    }

    /// `a=extmap-allow-mixed` at media level (RFC 8285 §6).
    public var extmapAllowMixed: Bool {
        get { flag("extmap-allow-mixed") }
        set { setFlag("extmap-allow-mixed", newValue) }
    }

    /// `a=sctp-port` (RFC 8841 §5.2) of a data channel section.
    public var sctpPort: UInt16? {
        get { stringAttribute("sctp-port").flatMap { SDPText.decimal($0, as: UInt16.self) } }
        set { setStringAttribute("sctp-port", to: newValue.map { "\($0)" }) }
    }

    /// `a=max-message-size` (RFC 8841 §6) of a data channel section.
    public var maxMessageSize: UInt64? {
        get { stringAttribute("max-message-size").flatMap { SDPText.decimal($0, as: UInt64.self) } }
        set { setStringAttribute("max-message-size", to: newValue.map { "\($0)" }) }
    }
}
