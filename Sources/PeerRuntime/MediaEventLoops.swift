import NIOCore
import NIOPosix

/// The event loops every call's runtime runs on: one per core, apart from NIO's singleton group that the signaling
/// client, the HTTP server and TURN's TCP connections use. A burst of signaling work (two hundred participants
/// joining a room, each `peer-joined` parsed on arrival) then never holds up a call's packets: the kernel
/// schedules the media threads beside it.
public enum MediaEventLoops {
    /// The group; calls are spread over its loops with `next()`.
    public static let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
}
