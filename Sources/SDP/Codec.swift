import Wire

/// One RTP payload type of a media section with everything SDP says about it: its `a=rtpmap`, its `a=fmtp`
/// and its `a=rtcp-fb` lines joined (RFC 8829 §5.2.1 writes them together per codec).
public struct Codec: Hashable, Sendable, CustomStringConvertible {
    /// The payload type.
    public var payloadType: PayloadType
    /// The encoding name, such as `opus`, `VP8` or `rtx`.
    public var name: String
    /// RTP clock rate in Hz.
    public var clockRate: UInt32
    /// Channel count for audio (the rtpmap encoding parameter), nil when not written.
    public var channels: UInt16?
    /// The `a=fmtp` parameter text, nil when the codec has none.
    public var parameterText: String?
    /// Feedback mechanisms from `a=rtcp-fb` lines naming this payload type (wildcard `*` lines are not included;
    /// see `MediaDescription.rtcpFeedback`).
    public var feedback: [FeedbackMechanism]

    /// A codec with the given fields.
    public init(payloadType: PayloadType, name: String, clockRate: UInt32, channels: UInt16? = nil,
                parameterText: String? = nil, feedback: [FeedbackMechanism] = []) {
        self.payloadType = payloadType
        self.name = name
        self.clockRate = clockRate
        self.channels = channels
        self.parameterText = parameterText
        self.feedback = feedback
    }

    /// A codec whose fmtp is written from `parameters` in the `name=value;name=value` form.
    public init(payloadType: PayloadType, name: String, clockRate: UInt32, channels: UInt16? = nil,
                parameters: [FormatParameters.Parameter], feedback: [FeedbackMechanism] = []) {
        self.init(payloadType: payloadType, name: name, clockRate: clockRate, channels: channels,
                  parameterText: parameters.isEmpty ? nil : FormatParameters.text(of: parameters), feedback: feedback)
    }

    /// The rtpmap line's value.
    public var rtpMap: RTPMap {
        RTPMap(payloadType: payloadType, encodingName: name, clockRate: clockRate, channels: channels)
    }

    /// The fmtp line's value, when there are parameters.
    public var formatParameters: FormatParameters? {
        parameterText.map { FormatParameters(format: payloadType.description, parameterText: $0) }
    }

    /// The fmtp parameters split at `;` and `=`.
    public var parameters: [FormatParameters.Parameter] { formatParameters?.parameters ?? [] }

    /// The value of the fmtp parameter `name`, such as `apt` for RTX.
    public func parameter(_ name: String) -> String? { formatParameters?.value(of: name) }

    /// For an RTX codec (RFC 4588 §8.6), the payload type it retransmits.
    public var associatedPayloadType: PayloadType? {
        parameter("apt").flatMap { SDPText.decimal($0, as: UInt8.self) }.flatMap(PayloadType.init(rawValue:))
    }

    /// True when `name` matches `encodingName` ignoring case, as encoding names are compared (RFC 8866 §6.6).
    public func isNamed(_ encodingName: String) -> Bool { name.lowercased() == encodingName.lowercased() }

    /// The codec's lines in the order browsers write them: rtpmap, rtcp-fb, fmtp.
    var lines: [SDPLine] {
        [rtpMap.line] + feedback.map { RTCPFeedback(payloadType: payloadType, mechanism: $0).line }
            + (formatParameters.map { [$0.line] } ?? [])
    }

    /// `111 opus/48000/2`.
    public var description: String { rtpMap.attributeValue }

    /// Static payload types of RFC 3551 §6 (tables 4 and 5), used when a format has no rtpmap line.
    static let staticPayloadTypes: [UInt8: (name: String, clockRate: UInt32)] = [
        0: ("PCMU", 8000), 3: ("GSM", 8000), 4: ("G723", 8000), 5: ("DVI4", 8000), 6: ("DVI4", 16000),
        7: ("LPC", 8000), 8: ("PCMA", 8000), 9: ("G722", 8000), 10: ("L16", 44100), 11: ("L16", 44100),
        12: ("QCELP", 8000), 13: ("CN", 8000), 14: ("MPA", 90000), 15: ("G728", 8000), 16: ("DVI4", 11025),
        17: ("DVI4", 22050), 18: ("G729", 8000), 25: ("CelB", 90000), 26: ("JPEG", 90000), 28: ("nv", 90000),
        31: ("H261", 90000), 32: ("MPV", 90000), 33: ("MP2T", 90000), 34: ("H263", 90000),
    ]
}

extension Codec {
    /// Opus at 48 kHz stereo (RFC 7587 §7), with in-band FEC as browsers offer it.
    public static func opus(_ payloadType: PayloadType) -> Codec {
        Codec(payloadType: payloadType, name: "opus", clockRate: 48000, channels: 2,
              parameterText: "minptime=10;useinbandfec=1", feedback: [.transportCC])
    }

    /// VP8 (RFC 7741 §6.1) with the feedback browsers use.
    public static func vp8(_ payloadType: PayloadType) -> Codec {
        Codec(payloadType: payloadType, name: "VP8", clockRate: 90000,
              feedback: [.remb, .transportCC, .fir, .nack, .pli])
    }

    /// RTX (RFC 4588 §8.6) retransmitting `associated`.
    public static func rtx(_ payloadType: PayloadType, associated: PayloadType, clockRate: UInt32 = 90000) -> Codec {
        Codec(payloadType: payloadType, name: "rtx", clockRate: clockRate, parameterText: "apt=\(associated)")
    }
}
