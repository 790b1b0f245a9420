import Wire

/// One STUN Binding transaction from a host socket to a STUN server, asking for this side's server-reflexive
/// address (RFC 8445 §5.1.1.2, RFC 8489 §6.2.1: retransmitted over UDP with a doubling timeout).
struct ServerReflexiveQuery {
    /// The host socket the request leaves from: the base of the candidate it finds.
    let base: TransportAddress
    /// The STUN server.
    let server: ICEServerEndpoint
    let transactionID: TransactionID
    let bytes: [UInt8]
    var transmissions = 1
    var timeout: Duration
    var deadline: Instant
    /// Answered or given up on.
    var done = false

    init(base: TransportAddress, server: ICEServerEndpoint, random: inout some RandomNumberGenerator,
         initialTimeout: Duration, now: Instant) {
        self.base = base
        self.server = server
        transactionID = TransactionID(using: &random)
        // A plain Binding request, with FINGERPRINT so the server can tell it from media (RFC 8489 §14.7).
        bytes = (try? STUNMessage.bindingRequest(transactionID: transactionID).encode(fingerprint: true)) ?? []
        timeout = initialTimeout
        deadline = now + initialTimeout
    }

    /// The mapped address in `response`, if it answers this query.
    func mappedAddress(in response: STUNMessage) -> TransportAddress? {
        guard response.transactionID == transactionID, response.type.method == .binding,
              response.type.messageClass == .successResponse else { return nil }
        return response.xorMappedAddress ?? response.mappedAddress
    }
}
