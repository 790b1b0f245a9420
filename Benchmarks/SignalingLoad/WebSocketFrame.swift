import NIOCore

/// The few pieces of RFC 6455 the load client needs (section 5.2, "Base Framing Protocol"):
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-------+-+-------------+-------------------------------+
///     |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
///     |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
///     |N|V|V|V|       |S|             |   (if payload len==126/127)   |
///     | |1|2|3|       |K|             |                               |
///     +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
///     |     Extended payload length continued, if payload len == 127  |
///     + - - - - - - - - - - - - - - - +-------------------------------+
///     |                               |Masking-key, if MASK set to 1  |
///     +-------------------------------+-------------------------------+
///     | Masking-key (continued)       |          Payload Data         |
///     +-------------------------------- - - - - - - - - - - - - - - - +
///
/// Client frames are masked (section 5.3); server frames are not, but a masked one is unmasked all the same.
struct WebSocketFrame {
    /// Text (1), binary (2), continuation (0), close (8), ping (9), pong (10).
    var opcode: UInt8
    /// The last fragment of a message.
    var fin: Bool
    /// The unmasked payload.
    var payload: ByteBuffer

    /// Takes one whole frame off the front of `buffer`, or nil (consuming nothing) when it is not all there yet.
    static func read(from buffer: inout ByteBuffer) -> WebSocketFrame? {
        let start = buffer.readerIndex
        guard let first = buffer.getInteger(at: start, as: UInt8.self),
              let second = buffer.getInteger(at: start + 1, as: UInt8.self) else { return nil }
        var offset = start + 2
        var length = Int(second & 0x7F)
        if length == 126 {
            guard let extended = buffer.getInteger(at: offset, as: UInt16.self) else { return nil }
            length = Int(extended)
            offset += 2
        } else if length == 127 {
            guard let extended = buffer.getInteger(at: offset, as: UInt64.self), extended < 1 << 40 else { return nil }
            length = Int(extended)
            offset += 8
        }
        var mask: [UInt8]?
        if second & 0x80 != 0 {
            guard let key = buffer.getBytes(at: offset, length: 4) else { return nil }
            mask = key
            offset += 4
        }
        guard var payload = buffer.getSlice(at: offset, length: length) else { return nil }
        buffer.moveReaderIndex(to: offset + length)
        if let mask {
            var bytes = Array(payload.readableBytesView)
            for index in bytes.indices { bytes[index] ^= mask[index & 3] }
            payload = ByteBuffer(bytes: bytes)
        }
        return WebSocketFrame(opcode: first & 0x0F, fin: first & 0x80 != 0, payload: payload)
    }

    /// A masked client frame carrying `payload` with `opcode` (1 = text, 10 = pong, 8 = close).
    static func clientFrame(opcode: UInt8, payload: some Collection<UInt8>, allocator: ByteBufferAllocator)
        -> ByteBuffer {
        let key: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
        var buffer = allocator.buffer(capacity: payload.count + 14)
        buffer.writeInteger(0x80 | opcode)
        if payload.count < 126 {
            buffer.writeInteger(UInt8(0x80 | payload.count))
        } else if payload.count <= 0xFFFF {
            buffer.writeInteger(UInt8(0x80 | 126))
            buffer.writeInteger(UInt16(payload.count))
        } else {
            buffer.writeInteger(UInt8(0x80 | 127))
            buffer.writeInteger(UInt64(payload.count))
        }
        buffer.writeBytes(key)
        var index = 0
        for byte in payload {
            buffer.writeInteger(byte ^ key[index & 3])
            index += 1
        }
        return buffer
    }
}
