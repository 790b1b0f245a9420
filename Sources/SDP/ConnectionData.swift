/// The `c=` line (RFC 8866 §5.7), also the tail of `a=rtcp` (RFC 3605).
///
/// ```
/// c=<nettype> <addrtype> <connection-address>
/// c=IN IP4 192.0.2.2
/// ```
public struct ConnectionData: SDPFieldValue {
    /// `c`.
    public static let lineType = SDPLineType.connection
    /// `IN`.
    public var networkType: String
    /// `IP4` or `IP6`.
    public var addressType: String
    /// The address as written; multicast addresses may carry `/ttl/count`, so this stays text.
    public var address: String

    /// A connection address; the defaults give JSEP's placeholder `IN IP4 0.0.0.0` (RFC 8829 §5.2.1).
    public init(networkType: String = "IN", addressType: String = "IP4", address: String = "0.0.0.0") {
        self.networkType = networkType
        self.addressType = addressType
        self.address = address
    }

    /// Parses the text after `c=`.
    public init(parsing value: String) throws(SDPError) {
        let fields = SDPText.fields(value)
        guard fields.count == 3 else { throw SDPError(text: value, reason: .badConnection) }
        self.init(networkType: fields[0], addressType: fields[1], address: fields[2])
    }

    /// The text after `c=`.
    public var fieldValue: String { "\(networkType) \(addressType) \(address)" }
}
