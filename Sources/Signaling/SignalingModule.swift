/// The Signaling module: Engine.IO v4 / Socket.IO v5 packets, the LinkUp messages of `../shared/PROTOCOL.md`, and a
/// Socket.IO client over WebSocket. Its types arrive with the signaling work (issue #5).
public enum SignalingModule {
    /// The Engine.IO protocol revision this module speaks (`EIO=4`).
    public static let engineIOVersion = 4
}
