import FuzzSupport
import Signaling

// One input exercises every Signaling parser: JSON, an Engine.IO polling payload (and each record as a packet), a
// Socket.IO packet with the assembler, and the LinkUp request validation. Whatever parses must encode to text that
// parses back equal.
runFuzzer { bytes in
    if let json = try? JSONValue(parsing: bytes) {
        guard let again = try? JSONValue(parsing: json.serialized), again == json else {
            fatalError("JSON does not read back its own text: \(json.serialized)")
        }
    }

    if let packets = try? EngineIOPayload.decode(bytes) {
        let encoded = EngineIOPayload.encode(packets)
        guard let again = try? EngineIOPayload.decode(encoded), again == packets else {
            fatalError("polling payload does not read back its own encoding: \(encoded)")
        }
    }

    let text = String(decoding: bytes, as: UTF8.self)
    if let packet = try? EngineIOPacket(text: text), let packetText = packet.text {
        guard (try? EngineIOPacket(text: packetText)) == packet else {
            fatalError("Engine.IO packet does not read back its own text: \(packetText)")
        }
    }

    var assembler = SocketIOPacketAssembler()
    if let packet = try? SocketIOPacket(text: text) {
        guard (try? SocketIOPacket(text: packet.encoded)) == packet else {
            fatalError("Socket.IO packet does not read back its own text: \(packet.encoded)")
        }
        if let event = packet.event, let request = try? SignalingRequest(eventName: event.name,
                                                                          payload: event.arguments.first) {
            guard (try? SignalingRequest(eventName: request.eventName, payload: request.payload)) == request else {
                fatalError("request does not read back its own payload: \(request)")
            }
        }
        if packet.kind == .ack, let ack = packet.data?[0].flatMap(SignalingAck.init(json:)) {
            guard SignalingAck(json: ack.json) == ack else { fatalError("ack does not read back: \(ack)") }
        }
    }
    for chunk in bytes.split(separator: 0x1E, omittingEmptySubsequences: false) {
        if chunk.first == UInt8(ascii: "b") {
            _ = try? assembler.receive(binary: Array(chunk.dropFirst()))
        } else {
            _ = try? assembler.receive(text: String(decoding: chunk, as: UTF8.self))
        }
    }
}
