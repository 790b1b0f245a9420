/// Token lifetimes as `linkup token --ttl` writes them: seconds, or a number followed by s, m, h or d.
public enum TokenTTL {
    /// `text` in seconds (e.g. `3600`, `90s`, `15m`, `1h`, `7d`); nil unless it is a positive finite number.
    public static func seconds(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        var number = Substring(text)
        var unit = 1.0
        if let last = number.last, let scale = units[last] {
            unit = scale
            number = number.dropLast()
        }
        guard let value = Double(number), value > 0, value.isFinite else { return nil }
        return value * unit
    }
}
