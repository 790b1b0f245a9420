import Wire

extension STUNMessage {
    /// A Binding request (RFC 8489 §3; with PRIORITY, ICE-CONTROLLING etc. for ICE connectivity checks).
    public static func bindingRequest(transactionID: TransactionID, attributes: [STUNAttribute] = []) -> STUNMessage {
        STUNMessage(method: .binding, messageClass: .request, transactionID: transactionID, attributes: attributes)
    }

    /// A Binding indication, e.g. an ICE keepalive (RFC 8445 §11).
    public static func bindingIndication(transactionID: TransactionID, attributes: [STUNAttribute] = [])
        -> STUNMessage
    {
        STUNMessage(method: .binding, messageClass: .indication, transactionID: transactionID,
                    attributes: attributes)
    }

    /// A success response to `request`: same method and transaction ID (RFC 8489 §6.3.1).
    public static func successResponse(to request: STUNMessage, attributes: [STUNAttribute] = []) -> STUNMessage {
        STUNMessage(method: request.type.method, messageClass: .successResponse,
                    transactionID: request.transactionID, attributes: attributes)
    }

    /// An error response to `request` with ERROR-CODE first, then `attributes` (RFC 8489 §6.3.1.1). A nil `reason`
    /// uses the RFC's phrase for the code.
    public static func errorResponse(to request: STUNMessage, code: Int, reason: String? = nil,
                                     attributes: [STUNAttribute] = []) -> STUNMessage
    {
        errorResponse(to: request, error: STUNErrorCode(code: code, reason: reason), attributes: attributes)
    }

    /// An error response to `request` carrying `error` (see `errorResponse(to:code:reason:attributes:)`).
    public static func errorResponse(to request: STUNMessage, error: STUNErrorCode,
                                     attributes: [STUNAttribute] = []) -> STUNMessage
    {
        STUNMessage(method: request.type.method, messageClass: .errorResponse, transactionID: request.transactionID,
                    attributes: [.errorCode(error)] + attributes)
    }

    /// The 420 Unknown Attribute response RFC 8489 §6.3.1.1 asks for when `request` carries comprehension-required
    /// attributes this agent does not know; nil when there are none.
    public static func unknownAttributeResponse(to request: STUNMessage) -> STUNMessage? {
        let unknown = request.unknownComprehensionRequired
        guard !unknown.isEmpty else { return nil }
        return errorResponse(to: request, error: .unknownAttribute, attributes: [.unknownAttributes(unknown)])
    }
}

extension STUNMessage {
    /// The attributes that count: everything up to the first MESSAGE-INTEGRITY(-SHA256), then only the integrity
    /// attributes and FINGERPRINT (RFC 8489 §14.5: others after MESSAGE-INTEGRITY are ignored).
    public var effectiveAttributes: [STUNAttribute] {
        guard let boundary = attributes.firstIndex(where: {
            $0.type == .messageIntegrity || $0.type == .messageIntegritySHA256
        }) else { return attributes }
        let tail = attributes[boundary...].filter {
            [.messageIntegrity, .messageIntegritySHA256, .fingerprint].contains($0.type)
        }
        return Array(attributes[..<boundary]) + tail
    }

    /// The first effective attribute of `type`, if any.
    public func attribute(_ type: STUNAttributeType) -> STUNAttribute? {
        effectiveAttributes.first { $0.type == type }
    }

    /// Types of comprehension-required attributes (0x0000...0x7FFF) this codec does not know, in order and without
    /// duplicates: what a server lists in UNKNOWN-ATTRIBUTES with a 420 response (RFC 8489 §14.13).
    public var unknownComprehensionRequired: [UInt16] {
        var result: [UInt16] = []
        for case let .other(type, _) in effectiveAttributes where type < 0x8000 && !result.contains(type) {
            result.append(type)
        }
        return result
    }

    /// MAPPED-ADDRESS.
    public var mappedAddress: TransportAddress? {
        if case let .mappedAddress(value)? = attribute(.mappedAddress) { value } else { nil }
    }
    /// XOR-MAPPED-ADDRESS: the reflexive transport address the server saw.
    public var xorMappedAddress: TransportAddress? {
        if case let .xorMappedAddress(value)? = attribute(.xorMappedAddress) { value } else { nil }
    }
    /// The first XOR-PEER-ADDRESS (a CreatePermission may carry several: see `xorPeerAddresses`).
    public var xorPeerAddress: TransportAddress? { xorPeerAddresses.first }
    /// Every XOR-PEER-ADDRESS, in order (RFC 8656 §9.1 allows several in CreatePermission).
    public var xorPeerAddresses: [TransportAddress] {
        effectiveAttributes.compactMap { if case let .xorPeerAddress(value) = $0 { value } else { nil } }
    }
    /// XOR-RELAYED-ADDRESS.
    public var xorRelayedAddress: TransportAddress? {
        if case let .xorRelayedAddress(value)? = attribute(.xorRelayedAddress) { value } else { nil }
    }
    /// ALTERNATE-SERVER.
    public var alternateServer: TransportAddress? {
        if case let .alternateServer(value)? = attribute(.alternateServer) { value } else { nil }
    }
    /// USERNAME.
    public var username: String? {
        if case let .username(value)? = attribute(.username) { value } else { nil }
    }
    /// USERHASH.
    public var userhash: [UInt8]? {
        if case let .userhash(value)? = attribute(.userhash) { value } else { nil }
    }
    /// REALM.
    public var realm: String? {
        if case let .realm(value)? = attribute(.realm) { value } else { nil }
    }
    /// NONCE.
    public var nonce: String? {
        if case let .nonce(value)? = attribute(.nonce) { value } else { nil }
    }
    /// SOFTWARE.
    public var software: String? {
        if case let .software(value)? = attribute(.software) { value } else { nil }
    }
    /// ERROR-CODE.
    public var errorCode: STUNErrorCode? {
        if case let .errorCode(value)? = attribute(.errorCode) { value } else { nil }
    }
    /// UNKNOWN-ATTRIBUTES.
    public var unknownAttributes: [UInt16]? {
        if case let .unknownAttributes(value)? = attribute(.unknownAttributes) { value } else { nil }
    }
    /// PRIORITY.
    public var priority: UInt32? {
        if case let .priority(value)? = attribute(.priority) { value } else { nil }
    }
    /// True when USE-CANDIDATE is present.
    public var useCandidate: Bool { attribute(.useCandidate) != nil }
    /// The ICE-CONTROLLED tie-breaker.
    public var iceControlled: UInt64? {
        if case let .iceControlled(value)? = attribute(.iceControlled) { value } else { nil }
    }
    /// The ICE-CONTROLLING tie-breaker.
    public var iceControlling: UInt64? {
        if case let .iceControlling(value)? = attribute(.iceControlling) { value } else { nil }
    }
    /// LIFETIME in seconds.
    public var lifetime: UInt32? {
        if case let .lifetime(value)? = attribute(.lifetime) { value } else { nil }
    }
    /// DATA.
    public var data: [UInt8]? {
        if case let .data(value)? = attribute(.data) { value } else { nil }
    }
    /// CHANNEL-NUMBER.
    public var channelNumber: UInt16? {
        if case let .channelNumber(value)? = attribute(.channelNumber) { value } else { nil }
    }
    /// REQUESTED-TRANSPORT protocol number.
    public var requestedTransport: UInt8? {
        if case let .requestedTransport(value)? = attribute(.requestedTransport) { value } else { nil }
    }
    /// True when DONT-FRAGMENT is present.
    public var dontFragment: Bool { attribute(.dontFragment) != nil }
    /// EVEN-PORT's R bit, or nil when EVEN-PORT is absent.
    public var evenPort: Bool? {
        if case let .evenPort(value)? = attribute(.evenPort) { value } else { nil }
    }
    /// RESERVATION-TOKEN.
    public var reservationToken: UInt64? {
        if case let .reservationToken(value)? = attribute(.reservationToken) { value } else { nil }
    }
    /// The received MESSAGE-INTEGRITY value.
    public var messageIntegrity: [UInt8]? {
        if case let .messageIntegrity(value)? = attribute(.messageIntegrity) { value } else { nil }
    }
    /// The received MESSAGE-INTEGRITY-SHA256 value.
    public var messageIntegritySHA256: [UInt8]? {
        if case let .messageIntegritySHA256(value)? = attribute(.messageIntegritySHA256) { value } else { nil }
    }
    /// The received FINGERPRINT value.
    public var fingerprint: UInt32? {
        if case let .fingerprint(value)? = attribute(.fingerprint) { value } else { nil }
    }
}
