import NIOCore
import NIOPosix
@testable import PeerRuntime
import Wire

/// Helpers for the tests that open real UDP sockets, on 127.0.0.1 and ::1 only.
enum RealUDP {
    static let loopbackV4 = IPAddress.v4(127, 0, 0, 1)
    static let loopbackV6 = IPAddress("::1")!

    /// The longest any real-socket test waits for an event before failing.
    static let timeout: Duration = .seconds(10)

    /// True when a UDP socket can be bound on ::1 (containers without IPv6 cannot).
    static func canBindIPv6Loopback() async -> Bool {
        do {
            let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .bind(host: "::1", port: 0).get()
            try? await channel.close()
            return true
        } catch {
            return false
        }
    }

    /// A port on 127.0.0.1 that nothing listens on: bound, read, closed.
    static func closedPort(on ip: IPAddress) async throws -> UInt16 {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: ip.description, port: 0).get()
        let port = UInt16(channel.localAddress!.port!)
        try await channel.close()
        return port
    }
}

/// The event stream did not deliver what a test waited for in time.
struct EventTimeout: Error, CustomStringConvertible {
    var waitingFor: String
    var seen: String
    var description: String { "timed out waiting for \(waitingFor); saw \(seen)" }
}

/// Reads `events` until `done` accepts the events seen so far, racing `RealUDP.timeout`. The sleep only bounds the
/// wait: the test proceeds the moment the event arrives.
func collectEvents<Event: Sendable>(
    from events: AsyncStream<Event>, waitingFor: String, timeout: Duration = RealUDP.timeout,
    until done: @escaping @Sendable ([Event]) -> Bool
) async throws -> [Event] {
    let result = try await withThrowingTaskGroup(of: [Event]?.self) { group in
        group.addTask {
            var seen: [Event] = []
            for await event in events {
                seen.append(event)
                if done(seen) { break }
            }
            return seen
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        var first = try await group.next() ?? nil
        group.cancelAll()
        if first == nil {
            // Timed out: the cancelled reader still returns what it saw, for the failure message.
            first = try? await group.next() ?? nil
        }
        return first
    }
    guard let result, done(result) else {
        throw EventTimeout(waitingFor: waitingFor, seen: result.map { "\($0)" } ?? "nothing")
    }
    return result
}
