internal import CALSA

#if canImport(Glibc)
import Glibc
#endif

/// The sound cards and PCM devices ALSA knows: its configuration's named PCMs ("default", "null", "pulse", ...) and
/// each card's devices, as snd_device_name_hint lists them.
public enum ALSADeviceList {
    /// The sound cards, in number order; empty on a machine without any.
    public static func cards() -> [ALSACardInfo] {
        var cards: [ALSACardInfo] = []
        var index: Int32 = -1
        while snd_card_next(&index) == 0, index >= 0 {
            cards.append(ALSACardInfo(index: Int(index), name: cardString(index, snd_card_get_name),
                longName: cardString(index, snd_card_get_longname)))
        }
        return cards
    }

    /// Every PCM with a name hint, in ALSA's order; a PCM whose hint names no direction supports both.
    public static func pcmDevices() throws(DeviceError) -> [ALSADeviceInfo] {
        var hints: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
        let result = snd_device_name_hint(-1, "pcm", &hints)
        guard result >= 0, let hints else {
            throw ALSAPCM.error("pcm", "list device name hints", result)
        }
        defer { snd_device_name_free_hint(hints) }
        var devices: [ALSADeviceInfo] = []
        var cursor = hints
        while let hint = cursor.pointee {
            defer { cursor += 1 }
            guard let name = hintString(hint, "NAME") else { continue }
            let description = (hintString(hint, "DESC") ?? "")
                .split(separator: "\n").map { $0.trimmingSpaces }.filter { !$0.isEmpty }.joined(separator: " — ")
            let direction = hintString(hint, "IOID")
            devices.append(ALSADeviceInfo(name: name, description: description,
                supportsPlayback: direction == nil || direction == "Output",
                supportsCapture: direction == nil || direction == "Input"))
        }
        return devices
    }

    /// The PCMs that can play.
    public static func playbackDevices() throws(DeviceError) -> [ALSADeviceInfo] {
        try pcmDevices().filter(\.supportsPlayback)
    }

    /// The PCMs that can record.
    public static func captureDevices() throws(DeviceError) -> [ALSADeviceInfo] {
        try pcmDevices().filter(\.supportsCapture)
    }

    /// One field of a hint; ALSA allocates the string and the caller frees it.
    private static func hintString(_ hint: UnsafeMutableRawPointer, _ field: String) -> String? {
        guard let value = snd_device_name_get_hint(hint, field) else { return nil }
        defer { free(value) }
        return String(cString: value)
    }

    private static func cardString(
        _ index: Int32, _ get: (Int32, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32
    ) -> String {
        var value: UnsafeMutablePointer<CChar>?
        guard get(index, &value) == 0, let value else { return "" }
        defer { free(value) }
        return String(cString: value)
    }
}

extension Substring {
    /// The text without leading and trailing spaces and tabs (Foundation-free).
    fileprivate var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
