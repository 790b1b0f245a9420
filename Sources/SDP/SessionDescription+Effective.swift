/// Values that a media section may carry itself or inherit from the session level (RFC 8866 §5: media-level
/// values override session-level ones; RFC 8839 §5.4, RFC 8122 §5 for ICE credentials and fingerprints).
extension SessionDescription {
    /// The section's ICE username fragment, else the session's.
    public func iceUfrag(for section: MediaDescription) -> String? { section.iceUfrag ?? iceUfrag }

    /// The section's ICE password, else the session's.
    public func icePwd(for section: MediaDescription) -> String? { section.icePwd ?? icePwd }

    /// The section's ICE options, else the session's.
    public func iceOptions(for section: MediaDescription) -> [String] {
        section.iceOptions.isEmpty ? iceOptions : section.iceOptions
    }

    /// The section's fingerprints, else the session's.
    public func fingerprints(for section: MediaDescription) -> [Fingerprint] {
        section.fingerprints.isEmpty ? fingerprints : section.fingerprints
    }

    /// The section's DTLS setup role, else the session's.
    public func setup(for section: MediaDescription) -> SetupRole? { section.setup ?? setup }

    /// The section's direction, else the session's, else sendrecv (RFC 8866 §6.7).
    public func direction(for section: MediaDescription) -> MediaDirection {
        section.direction ?? direction ?? .sendrecv
    }

    /// The section's connection address, else the session's.
    public func connection(for section: MediaDescription) -> ConnectionData? { section.connection ?? connection }
}
