/// The size limits of PROTOCOL.md ("Rules the server enforces").
public enum SignalingLimits {
    /// Longest `sdp`, in UTF-8 bytes (64 KiB).
    public static let maximumSDPBytes = 64 * 1024
    /// Longest chat `text`, in UTF-8 bytes (4 KiB).
    public static let maximumTextBytes = 4 * 1024
    /// Longest room or participant name, in characters.
    public static let maximumNameCharacters = 64
    /// Longest room or name in UTF-8 bytes, so 64 characters cannot hide kilobytes of combining marks.
    public static let maximumNameBytes = 256
    /// Longest `to` id; socket ids are 20 characters.
    public static let maximumIDCharacters = 64
    /// Longest ICE candidate line, in UTF-8 bytes.
    public static let maximumCandidateBytes = 4 * 1024
    /// Longest rejection `reason`, in UTF-8 bytes.
    public static let maximumReasonBytes = 1024
}

/// Why a request payload was refused; the server answers `{ok:false, error:"bad-request", message}`.
public struct SignalingRequestError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong, for a human.
    public var message: String

    /// A refusal with `message`.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
