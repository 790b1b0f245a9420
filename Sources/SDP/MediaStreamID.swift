/// `a=msid` (RFC 8830 §2): which media stream (and track) an RTP media section belongs to.
///
/// ```
/// a=msid:<msid-id> [<msid-appdata>]
/// a=msid:- 139a05a6-f259-427e-a65b-1a86329353f8     ("-": a track in no stream, RFC 8829 §5.2.1)
/// ```
public struct MediaStreamID: SDPAttributeValue {
    /// `msid`.
    public static let attributeName = "msid"
    /// The MediaStream id, `-` for none.
    public var streamID: String
    /// The track id (the application data), when present.
    public var trackID: String?

    /// Membership in stream `streamID`, optionally naming the track.
    public init(streamID: String, trackID: String? = nil) {
        self.streamID = streamID
        self.trackID = trackID
    }

    /// Parses the text after `msid:`.
    public init(parsing value: String) throws(SDPError) {
        let fields = SDPText.fields(value)
        guard fields.count == 1 || fields.count == 2 else { throw SDPError(text: value, reason: .badMSID) }
        self.init(streamID: fields[0], trackID: fields.count == 2 ? fields[1] : nil)
    }

    /// The text after `msid:`.
    public var attributeValue: String { trackID.map { "\(streamID) \($0)" } ?? streamID }
}
