/// `a=rtcp` (RFC 3605 §2.1): the port (and address) RTCP uses when it is not RTP's port + 1.
///
/// ```
/// a=rtcp:<port> [<nettype> <addrtype> <connection-address>]
/// a=rtcp:9 IN IP4 0.0.0.0
/// ```
public struct RTCPAttribute: SDPAttributeValue {
    /// `rtcp`.
    public static let attributeName = "rtcp"
    /// The RTCP port.
    public var port: UInt16
    /// The RTCP address, when given.
    public var connection: ConnectionData?

    /// RTCP on `port`, at `connection` when given.
    public init(port: UInt16, connection: ConnectionData? = nil) {
        self.port = port
        self.connection = connection
    }

    /// Parses the text after `rtcp:`.
    public init(parsing value: String) throws(SDPError) {
        let fields = SDPText.fields(value)
        guard fields.count == 1 || fields.count == 4, let port = SDPText.decimal(fields[0], as: UInt16.self) else {
            throw SDPError(text: value, reason: .badRTCP)
        }
        let connection = fields.count == 4
            ? ConnectionData(networkType: fields[1], addressType: fields[2], address: fields[3]) : nil
        self.init(port: port, connection: connection)
    }

    /// The text after `rtcp:`.
    public var attributeValue: String { "\(port)" + (connection.map { " \($0.fieldValue)" } ?? "") }
}
