/// A trickled ICE candidate as the browser's `RTCIceCandidateInit` (W3C WebRTC, section 4.8.1); the `candidate`
/// event carries one, or `null` for end of candidates.
public struct ICECandidateInit: Equatable, Hashable, Sendable {
    /// The `candidate:` attribute value (RFC 8839 section 5.1), empty for an end-of-candidates marker.
    public var candidate: String
    /// The media stream id (`a=mid`) the candidate belongs to.
    public var sdpMid: String?
    /// The index of the m-line the candidate belongs to.
    public var sdpMLineIndex: Int?
    /// The ICE username fragment of the generation the candidate belongs to.
    public var usernameFragment: String?

    /// A candidate.
    public init(candidate: String, sdpMid: String? = nil, sdpMLineIndex: Int? = nil, usernameFragment: String? = nil) {
        self.candidate = candidate
        self.sdpMid = sdpMid
        self.sdpMLineIndex = sdpMLineIndex
        self.usernameFragment = usernameFragment
    }

    /// The `RTCIceCandidateInit` object; absent members are `null`, as `RTCIceCandidate.toJSON()` writes them.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "candidate": .string(candidate),
            "sdpMid": sdpMid.map { .string($0) } ?? .null,
            "sdpMLineIndex": sdpMLineIndex.map { .number(Double($0)) } ?? .null,
        ]
        if let usernameFragment { object["usernameFragment"] = .string(usernameFragment) }
        return .object(object)
    }

    /// Reads an `RTCIceCandidateInit` object; throws with a message naming the bad member.
    public init(json: JSONValue) throws(SignalingRequestError) {
        guard json.objectValue != nil else { throw SignalingRequestError("candidate must be an object or null") }
        guard let candidate = json["candidate"]?.stringValue else {
            throw SignalingRequestError("candidate.candidate must be a string")
        }
        guard candidate.utf8.count <= SignalingLimits.maximumCandidateBytes else {
            let limit = SignalingLimits.maximumCandidateBytes
            throw SignalingRequestError("candidate.candidate is longer than \(limit) bytes")
        }
        self.candidate = candidate
        self.sdpMid = try Self.optional(json["sdpMid"], "sdpMid") { $0.stringValue }
        self.sdpMLineIndex = try Self.optional(json["sdpMLineIndex"], "sdpMLineIndex") { value in
            value.intValue.flatMap { (0...65535).contains($0) ? $0 : nil }
        }
        self.usernameFragment = try Self.optional(json["usernameFragment"], "usernameFragment") { $0.stringValue }
        if let sdpMid, sdpMid.utf8.count > SignalingLimits.maximumNameCharacters {
            throw SignalingRequestError("candidate.sdpMid is too long")
        }
        if let usernameFragment, usernameFragment.utf8.count > 256 {
            throw SignalingRequestError("candidate.usernameFragment is too long")
        }
    }

    private static func optional<T>(_ value: JSONValue?, _ name: String,
                                    _ read: (JSONValue) -> T?) throws(SignalingRequestError) -> T? {
        guard let value, !value.isNull else { return nil }
        guard let result = read(value) else { throw SignalingRequestError("candidate.\(name) has the wrong type") }
        return result
    }
}
