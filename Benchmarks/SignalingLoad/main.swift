// The load client of Benchmarks/signaling_load.py (issue #13): raw Engine.IO v4 / Socket.IO v5 WebSocket clients on
// one SwiftNIO event loop (one core at most), fast enough that the server, not the client, limits the relay figure.
//
//   signaling-load --url ws://127.0.0.1:PORT[,ws://...] --clients 100 --room bench [--senders 10 --messages 2000]
//   signaling-load --url ws://127.0.0.1:PORT --clients 10000 --room-each idle
//
// It connects and joins every client (client i on the i-th URL, round robin), prints one JSON line
// {"event":"ready",...}, and waits for a line on standard input. With --messages it then floods the room (the first
// --senders clients send --messages chats in all, each as fast as the socket takes them), waits until every member
// has received every chat (or --timeout seconds), and prints {"event":"done","delivered":N,"seconds":S,
// "client_cpu_s":C}. Then it closes its connections and exits. All traffic goes to the URLs given (loopback).
import Foundation
import NIOCore
import NIOPosix

func option(_ name: String) -> String? {
    guard let index = CommandLine.arguments.firstIndex(of: name), index + 1 < CommandLine.arguments.count else {
        return nil
    }
    return CommandLine.arguments[index + 1]
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func emit(_ object: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

var limit = rlimit()
getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
limit.rlim_cur = limit.rlim_max
setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)

let targets: [(host: String, port: Int)] = (option("--url") ?? "ws://127.0.0.1:3000").split(separator: ",").map {
    let hostPort = $0.replacingOccurrences(of: "ws://", with: "").split(separator: ":")
    return (String(hostPort[0]), Int(hostPort[1]) ?? 80)
}
let clients = Int(option("--clients") ?? "100") ?? 100
let sharedRoom = option("--room")
let roomPrefix = option("--room-each") ?? "idle"
let senders = Int(option("--senders") ?? "10") ?? 10
let messages = Int(option("--messages") ?? "0") ?? 0
let textSize = Int(option("--text-size") ?? "64") ?? 64
let timeout = Int64(option("--timeout") ?? "120") ?? 120

let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let room: @Sendable (Int) -> String = { [sharedRoom, roomPrefix] index in sharedRoom ?? "\(roomPrefix)-\(index)" }
let coordinator = LoadCoordinator(loop: group.next(),
                                  plan: .init(targets: targets, clients: clients, room: room))
let connectStart = Date()
do {
    try coordinator.connectAll().wait()
} catch {
    emit(["event": "failed", "reason": "\(error)"])
    exit(1)
}
emit(["event": "ready", "clients": clients, "connect_seconds": Date().timeIntervalSince(connectStart)])
_ = readLine()
if messages > 0, let sharedRoom {
    let perSender = messages / senders
    let text = String(repeating: "x", count: textSize)
    let chat = "42[\"chat\",{\"room\":\"\(sharedRoom)\",\"text\":\"\(text)\"}]"
    let frame = WebSocketFrame.clientFrame(opcode: 1, payload: Array(chat.utf8), allocator: ByteBufferAllocator())
    let cpuBefore = cpuSeconds()
    let started = Date()
    let delivered = try coordinator.flood(frame: frame, senders: senders, perSender: perSender,
                                          expected: perSender * senders * clients,
                                          timeout: .seconds(timeout)).wait()
    emit(["event": "done", "messages": perSender * senders, "delivered": delivered,
          "seconds": Date().timeIntervalSince(started), "client_cpu_s": cpuSeconds() - cpuBefore])
    _ = readLine()
}
try? coordinator.closeAll().wait()
try? group.syncShutdownGracefully()
