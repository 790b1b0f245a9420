/// The client-to-mixer audio level of one packet (RFC 6464 §3): a voice-activity flag and the level in -dBov.
///
///      0                   1
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |  ID   | len=0 |V| level       |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct AudioLevel: Equatable, Hashable, Sendable {
    /// The sender's voice activity detector thought the packet held speech.
    public var voiceActivity: Bool
    /// Level as a positive number of decibels below overload: 0 is loudest, 127 is silence (-127 dBov).
    public var level: UInt8

    /// A level; `level` is clamped to 0...127 because the field has seven bits.
    public init(voiceActivity: Bool, level: UInt8) {
        self.voiceActivity = voiceActivity
        self.level = min(level, 127)
    }

    /// Reads the one-byte element value; nil when the element is empty.
    public init?(data: ArraySlice<UInt8>) {
        guard let byte = data.first else { return nil }
        voiceActivity = byte & 0x80 != 0
        level = byte & 0x7F
    }

    /// The one-byte element value.
    public var byte: UInt8 { (voiceActivity ? 0x80 : 0) | level & 0x7F }
}
