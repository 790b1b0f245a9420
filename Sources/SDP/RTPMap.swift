import Wire

/// `a=rtpmap` (RFC 8866 §6.6): which codec a dynamic RTP payload type stands for.
///
/// ```
/// a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]
/// a=rtpmap:111 opus/48000/2
/// a=rtpmap:96 VP8/90000
/// ```
public struct RTPMap: SDPAttributeValue {
    /// `rtpmap`.
    public static let attributeName = "rtpmap"
    /// The payload type being described.
    public var payloadType: PayloadType
    /// The codec name, such as `opus` or `VP8` (compare case-insensitively; RFC 8866 §6.6).
    public var encodingName: String
    /// RTP clock rate in Hz.
    public var clockRate: UInt32
    /// The encoding parameters: the channel count for audio, absent for video.
    public var channels: UInt16?

    /// A mapping of `payloadType` to `encodingName`/`clockRate`[/`channels`].
    public init(payloadType: PayloadType, encodingName: String, clockRate: UInt32, channels: UInt16? = nil) {
        self.payloadType = payloadType
        self.encodingName = encodingName
        self.clockRate = clockRate
        self.channels = channels
    }

    /// Parses the text after `rtpmap:`.
    public init(parsing value: String) throws(SDPError) {
        let fields = SDPText.fields(value)
        guard fields.count == 2, let number = SDPText.decimal(fields[0], as: UInt8.self),
              let payloadType = PayloadType(rawValue: number) else {
            throw SDPError(text: value, reason: .badRTPMap)
        }
        let parts = SDPText.pieces(fields[1], separator: SDPText.slash)
        guard parts.count == 2 || parts.count == 3, !parts[0].isEmpty,
              let clockRate = SDPText.decimal(parts[1], as: UInt32.self) else {
            throw SDPError(text: value, reason: .badRTPMap)
        }
        var channels: UInt16?
        if parts.count == 3 {
            guard let parsed = SDPText.decimal(parts[2], as: UInt16.self) else {
                throw SDPError(text: value, reason: .badRTPMap)
            }
            channels = parsed
        }
        self.init(payloadType: payloadType, encodingName: parts[0], clockRate: clockRate, channels: channels)
    }

    /// The text after `rtpmap:`.
    public var attributeValue: String {
        "\(payloadType) \(encodingName)/\(clockRate)" + (channels.map { "/\($0)" } ?? "")
    }
}
