import Wire

/// The words the call window shows over the video: who, for how long, the live numbers, and the call's state.
public struct CallWindowStatus: Sendable, Equatable {
    /// The other side's name.
    public var remoteName = ""
    /// When the call connected (the window counts the duration from it on its own clock); nil before.
    public var connectedAt: Instant?
    /// The one-line live statistics (bitrate, RTT, loss, fps, path).
    public var statsLine = ""
    /// A state worth a banner: "connecting…", "reconnecting…", "on hold", "call ended"; empty when all is well.
    public var stateText = ""
    /// Whether the microphone is muted, the camera off, the screen shared (shown as badges).
    public var muted = false
    /// The camera is off.
    public var cameraOff = false
    /// The screen is being shared.
    public var sharingScreen = false

    /// An empty status.
    public init() {}

    /// "alice · 01:23" (or just the name before the call connected).
    public func title(now: Instant) -> String {
        guard let connectedAt else { return remoteName }
        let seconds = max(0, Int((now - connectedAt).components.seconds))
        let clock = seconds >= 3600
            ? "\(seconds / 3600):\(twoDigits(seconds / 60 % 60)):\(twoDigits(seconds % 60))"
            : "\(twoDigits(seconds / 60)):\(twoDigits(seconds % 60))"
        return remoteName.isEmpty ? clock : "\(remoteName) · \(clock)"
    }

    /// "MUTED · CAMERA OFF · SHARING SCREEN", for what is on.
    public var badges: String {
        [muted ? "MUTED" : nil, cameraOff ? "CAMERA OFF" : nil, sharingScreen ? "SHARING SCREEN" : nil]
            .compactMap { $0 }.joined(separator: " · ")
    }

    private func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
