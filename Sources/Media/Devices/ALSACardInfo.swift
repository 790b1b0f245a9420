/// One sound card as ALSA numbers and names it (snd_card_next, snd_card_get_name, snd_card_get_longname).
public struct ALSACardInfo: Hashable, Sendable {
    /// The card number (the N of "hw:N").
    public var index: Int
    /// The short name, e.g. "HDA Intel PCH".
    public var name: String
    /// The long name, e.g. "HDA Intel PCH at 0xf1e40000 irq 142".
    public var longName: String

    /// A card description with everything given.
    public init(index: Int, name: String, longName: String) {
        self.index = index
        self.name = name
        self.longName = longName
    }
}
