import Wire

/// One RTCP packet of any type this module knows, or an unknown one kept verbatim.
public enum RTCPPacket: Equatable, Sendable {
    /// Sender report (RFC 3550 §6.4.1).
    case senderReport(SenderReport)
    /// Receiver report (RFC 3550 §6.4.2).
    case receiverReport(ReceiverReport)
    /// Source description (RFC 3550 §6.5).
    case sourceDescription(SourceDescription)
    /// Goodbye (RFC 3550 §6.6).
    case goodbye(Goodbye)
    /// Generic NACK (RFC 4585 §6.2.1).
    case genericNack(GenericNack)
    /// Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01).
    case transportFeedback(TransportFeedback)
    /// Picture loss indication (RFC 4585 §6.3.1).
    case pictureLossIndication(PictureLossIndication)
    /// Full intra request (RFC 5104 §4.3.1).
    case fullIntraRequest(FullIntraRequest)
    /// Receiver estimated maximum bitrate (draft-alvestrand-rmcat-remb).
    case receiverEstimatedMaxBitrate(ReceiverEstimatedMaxBitrate)
    /// Anything else (APP, XR, other feedback messages).
    case unknown(UnknownRTCPPacket)

    /// Parses one stand-alone packet spanning all of `bytes`.
    public init(parsing bytes: ArraySlice<UInt8>) throws(RTPError) {
        var reader = ByteReader(bytes)
        let (header, body) = try RTCPHeader.readPacket(from: &reader)
        guard reader.isAtEnd else { throw .invalidLength("\(reader.remaining) bytes follow the packet") }
        try self.init(header: header, body: body)
    }

    /// Dispatches on packet type and feedback format; the body has had its padding removed.
    init(header: RTCPHeader, body: ArraySlice<UInt8>) throws(RTPError) {
        switch (header.packetType, header.count) {
        case (RTCPHeader.senderReport, _):
            self = .senderReport(try SenderReport(count: header.count, body: body))
        case (RTCPHeader.receiverReport, _):
            self = .receiverReport(try ReceiverReport(count: header.count, body: body))
        case (RTCPHeader.sourceDescription, _):
            self = .sourceDescription(try SourceDescription(count: header.count, body: body))
        case (RTCPHeader.goodbye, _):
            self = .goodbye(try Goodbye(count: header.count, body: body))
        case (RTCPHeader.transportFeedback, GenericNack.format):
            self = .genericNack(try GenericNack(body: body))
        case (RTCPHeader.transportFeedback, TransportFeedback.format):
            self = .transportFeedback(try TransportFeedback(body: body))
        case (RTCPHeader.payloadFeedback, PictureLossIndication.format):
            self = .pictureLossIndication(try PictureLossIndication(body: body))
        case (RTCPHeader.payloadFeedback, FullIntraRequest.format):
            self = .fullIntraRequest(try FullIntraRequest(body: body))
        case (RTCPHeader.payloadFeedback, ReceiverEstimatedMaxBitrate.format)
            where ReceiverEstimatedMaxBitrate.matches(body: body):
            self = .receiverEstimatedMaxBitrate(try ReceiverEstimatedMaxBitrate(body: body))
        default:
            self = .unknown(UnknownRTCPPacket(count: header.count, packetType: header.packetType, body: body))
        }
    }

    /// The packet type field.
    public var packetType: UInt8 {
        switch self {
        case .senderReport: return RTCPHeader.senderReport
        case .receiverReport: return RTCPHeader.receiverReport
        case .sourceDescription: return RTCPHeader.sourceDescription
        case .goodbye: return RTCPHeader.goodbye
        case .genericNack, .transportFeedback: return RTCPHeader.transportFeedback
        case .pictureLossIndication, .fullIntraRequest, .receiverEstimatedMaxBitrate:
            return RTCPHeader.payloadFeedback
        case let .unknown(packet): return packet.packetType
        }
    }

    /// Bytes the packet occupies without padding.
    public var encodedSize: Int {
        switch self {
        case let .senderReport(packet): return packet.encodedSize
        case let .receiverReport(packet): return packet.encodedSize
        case let .sourceDescription(packet): return packet.encodedSize
        case let .goodbye(packet): return packet.encodedSize
        case let .genericNack(packet): return packet.encodedSize
        case let .transportFeedback(packet): return packet.encodedSize
        case let .pictureLossIndication(packet): return packet.encodedSize
        case let .fullIntraRequest(packet): return packet.encodedSize
        case let .receiverEstimatedMaxBitrate(packet): return packet.encodedSize
        case let .unknown(packet): return packet.encodedSize
        }
    }

    /// Writes the packet with its header.
    public func encode(into writer: inout ByteWriter) { encode(into: &writer, paddingLength: 0) }

    /// Writes the packet followed by `paddingLength` bytes of padding (a multiple of four; P bit set when > 0).
    func encode(into writer: inout ByteWriter, paddingLength: Int) {
        switch self {
        case let .senderReport(packet): packet.encode(into: &writer, paddingLength: paddingLength)
        case let .receiverReport(packet): packet.encode(into: &writer, paddingLength: paddingLength)
        case let .sourceDescription(packet): packet.encode(into: &writer, paddingLength: paddingLength)
        case let .goodbye(packet): packet.encode(into: &writer, paddingLength: paddingLength)
        case let .genericNack(packet): packet.encode(into: &writer, paddingLength: paddingLength)
        case let .transportFeedback(packet): packet.encode(into: &writer, paddingLength: paddingLength)
        case let .pictureLossIndication(packet): packet.encode(into: &writer, paddingLength: paddingLength)
        case let .fullIntraRequest(packet): packet.encode(into: &writer, paddingLength: paddingLength)
        case let .receiverEstimatedMaxBitrate(packet): packet.encode(into: &writer, paddingLength: paddingLength)
        case let .unknown(packet): packet.encode(into: &writer, paddingLength: paddingLength)
        }
    }
}
