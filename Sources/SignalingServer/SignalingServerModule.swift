/// The SignalingServer module: the Socket.IO signaling server on Hummingbird 2 (issue #5).
public enum SignalingServerModule {
    /// Where the web client's files are, inside the module's resource bundle.
    public static let webDirectory = "Web"
}
