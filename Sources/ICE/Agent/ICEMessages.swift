import Wire

/// The STUN Binding messages ICE exchanges (RFC 8445 §7.2.2, §7.3), built and read with the STUN codec.
enum ICEMessages {
    /// What the agent needs to know of a received Binding message.
    struct Parsed {
        enum Kind { case request, successResponse, errorResponse }
        var kind: Kind
        var transactionID: [UInt8]
        var username: String?
        var priority: UInt32?
        var iceControlling: UInt64?
        var iceControlled: UInt64?
        var useCandidate: Bool
        var mappedAddress: TransportAddress?
        var errorCode: Int?
        var integrityCheck: (String) -> Bool

        func hasValidIntegrity(password: String) -> Bool { integrityCheck(password) }
    }

    static func parse(_ bytes: [UInt8]) -> Parsed? { nil }

    static func bindingRequest(transactionID: [UInt8], username: String, password: String, priority: UInt32,
                               role: ICERole, tieBreaker: UInt64, useCandidate: Bool) -> [UInt8] { [] }

    static func bindingSuccess(transactionID: [UInt8], mapped: TransportAddress, password: String) -> [UInt8] { [] }

    static func bindingError(transactionID: [UInt8], code: Int, reason: String, password: String) -> [UInt8] { [] }
}
