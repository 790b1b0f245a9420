import NIOCore
@testable import PeerRuntime
import Testing
import Wire

/// `MachineRuntime` with real UDP sockets on 127.0.0.1 (and ::1 where it can be bound), driving `ScriptedMachine`.
@Suite("MachineRuntime over real loopback UDP")
struct RealUDPRuntimeTests {
    typealias Runtime = MachineRuntime<ScriptedMachine>

    private func makeRuntime(echo: Bool = false, on ip: IPAddress = RealUDP.loopbackV4) async throws
        -> (Runtime, TransportAddress) {
        var machine = ScriptedMachine()
        machine.echo = echo
        let runtime = Runtime(machine: machine)
        let address = try await runtime.bind(ip)
        return (runtime, address)
    }

    private static func received(_ events: [ScriptedMachine.Event]) -> [Datagram] {
        events.compactMap { if case let .received(datagram) = $0 { datagram } else { nil } }
    }

    @Test("bind on port 0 reports the port the system chose")
    func bindReportsActualPort() async throws {
        let (runtime, address) = try await makeRuntime()
        #expect(address.ip == RealUDP.loopbackV4)
        #expect(address.port != 0)
        #expect(await runtime.boundAddresses == [address])
        await runtime.close()
    }

    @Test("datagrams reach the machine in order, with the socket's and the sender's addresses")
    func datagramsArriveInOrder() async throws {
        let (sender, from) = try await makeRuntime()
        let (receiver, to) = try await makeRuntime()
        let count = 50
        await sender.withMachine { machine, _ in
            for index in 0..<count { machine.send([UInt8(index)], from: from, to: to) }
        }
        let events = try await collectEvents(from: receiver.events, waitingFor: "\(count) datagrams") {
            Self.received($0).count >= count
        }
        let datagrams = Self.received(events)
        #expect(datagrams.map(\.payload) == (0..<count).map { [UInt8($0)] })
        #expect(datagrams.allSatisfy { $0.local == to && $0.remote == from })
        await sender.close()
        await receiver.close()
    }

    @Test("large datagrams arrive whole, also when several arrive in one vector read")
    func largeDatagramsArriveWhole() async throws {
        let (sender, from) = try await makeRuntime()
        let (receiver, to) = try await makeRuntime()
        // A DTLS flight or a full RTP packet is well above the 128 bytes NIO gives each message of a vector read
        // by default; sizes up to the runtime's 4 KiB limit must not be cut.
        let sizes = [174, 1200, 1500, 4096, 1200, 1200, 1200, 1200, 1200, 1200]
        await sender.withMachine { machine, _ in
            for (index, size) in sizes.enumerated() {
                machine.send([UInt8](repeating: UInt8(index), count: size), from: from, to: to)
            }
        }
        let events = try await collectEvents(from: receiver.events, waitingFor: "\(sizes.count) datagrams") {
            Self.received($0).count >= sizes.count
        }
        #expect(Self.received(events).map(\.payload.count) == sizes)
        await sender.close()
        await receiver.close()
    }

    @Test("a reply leaves from the socket the request arrived on (127.0.0.1)")
    func echoRoundTripIPv4() async throws {
        try await echoRoundTrip(on: RealUDP.loopbackV4)
    }

    @Test("a reply leaves from the socket the request arrived on (::1)",
          .enabled("::1 cannot be bound on this host") { await RealUDP.canBindIPv6Loopback() })
    func echoRoundTripIPv6() async throws {
        try await echoRoundTrip(on: RealUDP.loopbackV6)
    }

    private func echoRoundTrip(on ip: IPAddress) async throws {
        let (client, clientAddress) = try await makeRuntime(on: ip)
        let (server, serverAddress) = try await makeRuntime(echo: true, on: ip)
        await client.withMachine { machine, _ in
            machine.send(Array("hello".utf8), from: clientAddress, to: serverAddress)
        }
        let events = try await collectEvents(from: client.events, waitingFor: "the echo") { !Self.received($0).isEmpty }
        let reply = try #require(Self.received(events).first)
        #expect(reply.payload == Array("pong".utf8) + Array("hello".utf8))
        #expect(reply.remote == serverAddress)
        #expect(reply.local == clientAddress)
        await client.close()
        await server.close()
    }

    @Test("a moved deadline leaves exactly one timer, which fires at or after the new deadline")
    func timerIsRescheduled() async throws {
        let (runtime, _) = try await makeRuntime()
        // Wide margins: the first timer must not fire before the second command reaches a loaded machine.
        await runtime.withMachine { machine, now in machine.deadline = now + .milliseconds(200) }
        let moved = await runtime.withMachine { machine, now in
            machine.deadline = now + .milliseconds(400)
            return machine.deadline!
        }
        #expect(await runtime.timerDeadline == moved)
        let events = try await collectEvents(from: runtime.events, waitingFor: "the timeout") { !$0.isEmpty }
        guard case let .timedOut(now, deadline) = events.first else {
            Issue.record("expected a timeout, got \(events)")
            return
        }
        #expect(deadline == moved)
        #expect(now >= moved)
        // The 200 ms timer would have fired first had it not been cancelled.
        let calls = await runtime.withMachine { machine, _ in machine.timeoutCalls.count }
        #expect(calls == 1)
        #expect(await runtime.timer == nil)
        await runtime.close()
    }

    @Test("a deadline withdrawn before it is due never fires")
    func withdrawnDeadlineNeverFires() async throws {
        let (runtime, _) = try await makeRuntime()
        await runtime.withMachine { machine, now in machine.deadline = now + .milliseconds(200) }
        await runtime.withMachine { machine, _ in machine.deadline = nil }
        #expect(await runtime.timer == nil)
        // Later than the withdrawn one, so a timer that survived would show up as an extra call first.
        await runtime.withMachine { machine, now in machine.deadline = now + .milliseconds(400) }
        _ = try await collectEvents(from: runtime.events, waitingFor: "the timeout") { !$0.isEmpty }
        let calls = await runtime.withMachine { machine, _ in machine.timeoutCalls }
        #expect(calls.count == 1)
        #expect(calls.allSatisfy { call in call.deadline.map { call.now >= $0 } ?? false })
        await runtime.close()
    }

    @Test("a past deadline fires at once")
    func pastDeadlineFiresAtOnce() async throws {
        let (runtime, _) = try await makeRuntime()
        await runtime.withMachine { machine, _ in machine.deadline = .zero }
        let events = try await collectEvents(from: runtime.events, waitingFor: "the timeout") { !$0.isEmpty }
        #expect(events.count == 1)
        await runtime.close()
    }

    @Test("a datagram to a port nobody listens on is lost quietly; the socket keeps working")
    func unreachablePortIsHarmless() async throws {
        let (client, clientAddress) = try await makeRuntime()
        let (server, serverAddress) = try await makeRuntime(echo: true)
        let closedPort = try await RealUDP.closedPort(on: RealUDP.loopbackV4)
        let closed = TransportAddress(ip: RealUDP.loopbackV4, port: closedPort)
        await client.withMachine { machine, _ in machine.send([1, 2, 3], from: clientAddress, to: closed) }
        await client.withMachine { machine, _ in machine.send([4], from: clientAddress, to: serverAddress) }
        let events = try await collectEvents(from: client.events, waitingFor: "the echo") { !Self.received($0).isEmpty }
        #expect(Self.received(events).first?.payload == Array("pong".utf8) + [4])
        #expect(await client.boundAddresses == [clientAddress])
        await client.close()
        await server.close()
    }

    @Test("a send the kernel refuses (EMSGSIZE) fails alone; the socket keeps working")
    func oversizeDatagramFailsAlone() async throws {
        let (client, clientAddress) = try await makeRuntime()
        let (server, serverAddress) = try await makeRuntime(echo: true)
        await client.withMachine { machine, _ in
            machine.send([UInt8](repeating: 0, count: 70_000), from: clientAddress, to: serverAddress)
        }
        await client.withMachine { machine, _ in machine.send([5], from: clientAddress, to: serverAddress) }
        let events = try await collectEvents(from: client.events, waitingFor: "the echo") { !Self.received($0).isEmpty }
        #expect(Self.received(events).map(\.payload) == [Array("pong".utf8) + [5]])
        #expect(await client.boundAddresses == [clientAddress])
        #expect(await client.pendingReopens.isEmpty)
        await client.close()
        await server.close()
    }

    @Test("a socket NIO closes behind the runtime's back (as after ENETUNREACH) is bound again on the same port")
    func closedSocketIsReopened() async throws {
        let (client, clientAddress) = try await makeRuntime()
        let (server, serverAddress) = try await makeRuntime(echo: true)
        let channel = try #require(await client.sockets.first?.channel)
        try await channel.close()
        await client.socketsSettled()
        #expect(await client.boundAddresses == [clientAddress])
        await client.withMachine { machine, _ in machine.send([5], from: clientAddress, to: serverAddress) }
        let events = try await collectEvents(from: client.events, waitingFor: "the echo") { !Self.received($0).isEmpty }
        #expect(Self.received(events).first?.payload == Array("pong".utf8) + [5])
        await client.close()
        await server.close()
    }

    @Test("from ::1, a v4-mapped destination (ENETUNREACH in the kernel) is dropped and the socket kept",
          .enabled("::1 cannot be bound on this host") { await RealUDP.canBindIPv6Loopback() })
    func v4MappedDestinationIsDropped() async throws {
        let (client, clientAddress) = try await makeRuntime(on: RealUDP.loopbackV6)
        let (server, serverAddress) = try await makeRuntime(echo: true, on: RealUDP.loopbackV6)
        let mapped = TransportAddress(ip: IPAddress("::ffff:127.0.0.1")!, port: 9)
        await client.withMachine { machine, _ in
            machine.send([1], from: clientAddress, to: mapped)
            machine.send([2], from: clientAddress, to: serverAddress)
        }
        let events = try await collectEvents(from: client.events, waitingFor: "the echo") { !Self.received($0).isEmpty }
        #expect(Self.received(events).map(\.payload) == [Array("pong".utf8) + [2]])
        #expect(await client.pendingReopens.isEmpty)
        await client.close()
        await server.close()
    }

    @Test("transmits from an address with no socket, or to another family, are dropped")
    func undeliverableTransmitsAreDropped() async throws {
        let (client, clientAddress) = try await makeRuntime()
        let (server, serverAddress) = try await makeRuntime(echo: true)
        let elsewhere = TransportAddress(ip: RealUDP.loopbackV4, port: 1)
        let v6 = TransportAddress(ip: RealUDP.loopbackV6, port: 9)
        let portZero = TransportAddress(ip: RealUDP.loopbackV4, port: 0)
        await client.withMachine { machine, _ in
            machine.send([1], from: elsewhere, to: serverAddress)
            machine.send([2], from: clientAddress, to: v6)
            machine.send([4], from: clientAddress, to: portZero)
            machine.send([3], from: clientAddress, to: serverAddress)
        }
        let events = try await collectEvents(from: client.events, waitingFor: "the echo") { !Self.received($0).isEmpty }
        #expect(Self.received(events).map(\.payload) == [Array("pong".utf8) + [3]])
        #expect(await client.pendingReopens.isEmpty)
        await client.close()
        await server.close()
    }

    @Test("an error thrown by the machine for one datagram does not stop the next")
    func machineErrorIsSurvived() async throws {
        let (client, clientAddress) = try await makeRuntime()
        var machine = ScriptedMachine()
        machine.rejectedPayload = [0xBA, 0xD0]
        let receiver = Runtime(machine: machine)
        let receiverAddress = try await receiver.bind(RealUDP.loopbackV4)
        await client.withMachine { machine, _ in
            machine.send([0xBA, 0xD0], from: clientAddress, to: receiverAddress)
            machine.send([0x60, 0x0D], from: clientAddress, to: receiverAddress)
        }
        let events = try await collectEvents(from: receiver.events, waitingFor: "the good datagram") {
            !Self.received($0).isEmpty
        }
        #expect(Self.received(events).map(\.payload) == [[0x60, 0x0D]])
        await client.close()
        await receiver.close()
    }

    @Test("close() finishes the event stream, closes the sockets and refuses new ones")
    func closeFinishesStream() async throws {
        let (runtime, address) = try await makeRuntime()
        await runtime.withMachine { machine, now in machine.deadline = now + .seconds(60) }
        await runtime.close()
        var count = 0
        for await _ in runtime.events { count += 1 }
        #expect(count == 0)
        #expect(await runtime.boundAddresses.isEmpty)
        #expect(await runtime.timer == nil)
        await runtime.withMachine { machine, _ in machine.send([1], from: address, to: address) }
        await #expect(throws: RuntimeError.self) { try await runtime.bind(RealUDP.loopbackV4) }
        await runtime.close()
    }

    @Test("a runtime its owner drops is deinitialized: no retain cycle through its channels or timer")
    func droppedRuntimeIsReleased() async throws {
        weak var weakRuntime: Runtime?
        let events: AsyncStream<ScriptedMachine.Event>
        do {
            let (runtime, _) = try await makeRuntime()
            await runtime.withMachine { machine, now in machine.deadline = now + .seconds(60) }
            weakRuntime = runtime
            events = runtime.events
        }
        #expect(weakRuntime == nil)
        var count = 0
        for await _ in events { count += 1 }
        #expect(count == 0)
    }
}
