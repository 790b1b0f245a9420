import Wire

/// The STUN Binding messages ICE exchanges (RFC 8445 §7.2.2, §7.3), built and read with the STUN codec.
/// Every message carries MESSAGE-INTEGRITY keyed with the short-term password and a FINGERPRINT (§7.2.2, §7.3).
enum ICEMessages {
    /// What the agent needs to know of a received Binding message.
    struct Parsed {
        enum Kind { case request, successResponse, errorResponse }
        var kind: Kind
        var message: STUNMessage
        var transactionID: [UInt8] { message.transactionID.bytes }
        var username: String? { message.username }
        var priority: UInt32? { message.priority }
        var iceControlling: UInt64? { message.iceControlling }
        var iceControlled: UInt64? { message.iceControlled }
        var useCandidate: Bool { message.useCandidate }
        var mappedAddress: TransportAddress? { message.xorMappedAddress ?? message.mappedAddress }
        var errorCode: Int? { message.errorCode?.code }

        /// MESSAGE-INTEGRITY must be present and verify with `password` (short-term credential, RFC 8489 §9.1).
        func hasValidIntegrity(password: String) -> Bool {
            guard message.messageIntegrity != nil else { return false }
            return (try? message.validateMessageIntegrity(key: .shortTerm(password: password))) != nil
        }
    }

    /// A Binding request, success or error response with a valid FINGERPRINT if it has one; nil for anything else.
    static func parse(_ bytes: [UInt8]) -> Parsed? {
        guard let message = try? STUNMessage(parsing: bytes), message.type.method == .binding else { return nil }
        if message.fingerprint != nil, !message.hasValidFingerprint { return nil }
        switch message.type.messageClass {
        case .request: return Parsed(kind: .request, message: message)
        case .successResponse: return Parsed(kind: .successResponse, message: message)
        case .errorResponse: return Parsed(kind: .errorResponse, message: message)
        default: return nil
        }
    }

    static func bindingRequest(transactionID: [UInt8], username: String, password: String, priority: UInt32,
                               role: ICERole, tieBreaker: UInt64, useCandidate: Bool) -> [UInt8] {
        var attributes: [STUNAttribute] = [.username(username), .priority(priority)]
        attributes.append(role == .controlling ? .iceControlling(tieBreaker) : .iceControlled(tieBreaker))
        if useCandidate { attributes.append(.useCandidate) }
        let id = TransactionID(bytes: transactionID) ?? TransactionID(high: 0, low: 0)
        return encode(.bindingRequest(transactionID: id, attributes: attributes), password: password)
    }

    static func bindingSuccess(to request: Parsed, mapped: TransportAddress, password: String) -> [UInt8] {
        encode(.successResponse(to: request.message, attributes: [.xorMappedAddress(mapped)]), password: password)
    }

    static func bindingError(to request: Parsed, code: Int, reason: String, password: String) -> [UInt8] {
        encode(.errorResponse(to: request.message, code: code, reason: reason), password: password)
    }

    private static func encode(_ message: STUNMessage, password: String) -> [UInt8] {
        // Encoding fails only for values past STUN's 16-bit lengths, which ICE's small messages never reach.
        (try? message.encode(integrity: .shortTerm(password: password), fingerprint: true)) ?? []
    }
}
