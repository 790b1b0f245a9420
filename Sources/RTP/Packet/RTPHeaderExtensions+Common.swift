import Wire

/// Readers and writers for the header extensions WebRTC negotiates; the id is whatever `a=extmap` assigned.
extension RTPHeaderExtensions {
    /// Absolute send time (http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time): a 24-bit 6.18
    /// fixed-point number of seconds, the middle bits of an NTP timestamp.
    public func absSendTime(id: UInt8) -> UInt32? {
        guard let data = self[id], data.count == 3 else { return nil }
        let start = data.startIndex
        return UInt32(data[start]) << 16 | UInt32(data[start + 1]) << 8 | UInt32(data[start + 2])
    }

    /// Sets absolute send time to the low 24 bits of `value`.
    public mutating func setAbsSendTime(_ value: UInt32, id: UInt8) {
        set(id: id, data: [UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8),
                           UInt8(truncatingIfNeeded: value)])
    }

    /// The 6.18 fixed-point seconds of `instant`, wrapping every 64 seconds as the abs-send-time field does.
    public static func absSendTime(of instant: Instant) -> UInt32 {
        // 2^18 units per second; nanoseconds * 2^18 / 10^9 without overflow for any Int64 input.
        let units = Int64(instant.nanoseconds / 1_000_000_000) << 18
            + (instant.nanoseconds % 1_000_000_000) * (1 << 18) / 1_000_000_000
        return UInt32(truncatingIfNeeded: units) & 0x00FF_FFFF
    }

    /// Transport-wide sequence number (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2): 16 bits.
    public func transportSequenceNumber(id: UInt8) -> UInt16? {
        guard let data = self[id], data.count == 2 else { return nil }
        return UInt16(data[data.startIndex]) << 8 | UInt16(data[data.startIndex + 1])
    }

    /// Sets the transport-wide sequence number.
    public mutating func setTransportSequenceNumber(_ value: UInt16, id: UInt8) {
        set(id: id, data: [UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)])
    }

    /// Client-to-mixer audio level (RFC 6464).
    public func audioLevel(id: UInt8) -> AudioLevel? {
        guard let data = self[id] else { return nil }
        return AudioLevel(data: data)
    }

    /// Sets the audio level element.
    public mutating func setAudioLevel(_ value: AudioLevel, id: UInt8) {
        set(id: id, data: [value.byte])
    }

    /// The media identification (RFC 9143 §15, urn:ietf:params:rtp-hdrext:sdes:mid): UTF-8 text. Nil when absent,
    /// empty or not valid UTF-8.
    public func mid(id: UInt8) -> Mid? {
        guard let data = self[id], !data.isEmpty, let text = String(validating: data, as: UTF8.self) else {
            return nil
        }
        return Mid(text)
    }

    /// Sets the MID element to the UTF-8 bytes of `mid` (at most 255 bytes fit the two-byte form).
    public mutating func setMid(_ mid: Mid, id: UInt8) {
        set(id: id, data: Array(mid.rawValue.utf8.prefix(255))[...])
    }
}
