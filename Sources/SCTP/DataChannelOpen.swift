import Wire

/// A DCEP message (RFC 8832 §5), carried with PPID 50 on the channel's stream.
///
/// DATA_CHANNEL_OPEN (§5.1):
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |  Message Type |  Channel Type |            Priority           |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                    Reliability Parameter                      |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |         Label Length          |       Protocol Length         |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     \                                                               /
///     |                             Label                             |
///     /                                                               \
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     \                                                               /
///     |                            Protocol                           |
///     /                                                               \
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///
/// DATA_CHANNEL_ACK (§5.2) is the single byte 0x02.
public enum DCEPMessage: Equatable, Sendable {
    /// DATA_CHANNEL_OPEN, read into the options it describes (the id is the stream it arrived on).
    case open(DataChannelOptions)
    /// DATA_CHANNEL_ACK.
    case ack

    /// The payload protocol identifier of DCEP (RFC 8831 §8).
    public static let ppid: UInt32 = 50
    static let openType: UInt8 = 0x03
    static let ackType: UInt8 = 0x02

    /// Parses a DCEP message.
    public init(parsing bytes: ArraySlice<UInt8>) throws(SCTPParseError) {
        var reader = ByteReader(bytes)
        switch try reader.u8() {
        case Self.ackType:
            self = .ack
        case Self.openType:
            let channelType = try reader.u8()
            let priority = try reader.u16()
            let reliability = try reader.u32()
            let labelLength = Int(try reader.u16())
            let protocolLength = Int(try reader.u16())
            let label = String(decoding: try reader.bytes(labelLength), as: UTF8.self)
            let subprotocol = String(decoding: try reader.bytes(protocolLength), as: UTF8.self)
            // §5.1: the high bit means unordered; the low bits pick the reliability kind.
            var options = DataChannelOptions(label: label, protocol: subprotocol, ordered: channelType & 0x80 == 0,
                                             priority: priority)
            switch channelType & 0x7F {
            case 0x00: break
            case 0x01: options.maxRetransmits = UInt16(clamping: reliability)
            case 0x02: options.maxPacketLifeTime = UInt16(clamping: reliability)
            default: throw .invalidField("DATA_CHANNEL_OPEN channel type 0x\(String(channelType, radix: 16))")
            }
            self = .open(options)
        case let type:
            throw .invalidField("DCEP message type 0x\(String(type, radix: 16))")
        }
    }

    /// The message as bytes.
    public var encoded: [UInt8] {
        switch self {
        case .ack:
            return [Self.ackType]
        case let .open(options):
            let label = Array(options.label.utf8.prefix(Int(UInt16.max)))
            let subprotocol = Array(options.protocol.utf8.prefix(Int(UInt16.max)))
            var writer = ByteWriter(capacity: 12 + label.count + subprotocol.count)
            var channelType: UInt8 = options.ordered ? 0x00 : 0x80
            var reliability: UInt32 = 0
            if let retransmits = options.maxRetransmits {
                channelType |= 0x01
                reliability = UInt32(retransmits)
            } else if let lifetime = options.maxPacketLifeTime {
                channelType |= 0x02
                reliability = UInt32(lifetime)
            }
            writer.write(Self.openType)
            writer.write(channelType)
            writer.write(options.priority)
            writer.write(reliability)
            writer.write(UInt16(label.count))
            writer.write(UInt16(subprotocol.count))
            writer.write(bytes: label)
            writer.write(bytes: subprotocol)
            return writer.bytes
        }
    }
}
