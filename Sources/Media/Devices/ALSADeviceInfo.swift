/// One ALSA PCM as the configuration and the cards describe it (snd_device_name_hint).
public struct ALSADeviceInfo: Hashable, Sendable {
    /// The name to open it with, e.g. "default", "null", "hw:CARD=PCH,DEV=0".
    public var name: String
    /// The human description, lines joined with " — " (e.g. "HDA Intel PCH, ALC257 Analog — Front output").
    public var description: String
    /// It can play.
    public var supportsPlayback: Bool
    /// It can record.
    public var supportsCapture: Bool

    /// A PCM description with everything given.
    public init(name: String, description: String, supportsPlayback: Bool, supportsCapture: Bool) {
        self.name = name
        self.description = description
        self.supportsPlayback = supportsPlayback
        self.supportsCapture = supportsCapture
    }
}
