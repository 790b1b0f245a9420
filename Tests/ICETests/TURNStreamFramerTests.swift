import ICE
import Testing
import Wire

/// Framing STUN and ChannelData out of a TCP/TLS byte stream (RFC 8656 §12.5).
@Suite struct TURNStreamFramerTests {
    static let id = TransactionID(high: 1, low: 2)

    /// What a server sends over a stream: STUN messages and ChannelData padded to four bytes, back to back.
    static func stream() throws -> (bytes: [UInt8], messages: [[UInt8]]) {
        let allocated = try STUNMessage(method: .allocate, messageClass: .successResponse, transactionID: id,
                                        attributes: [.lifetime(600), .software("fake")]).encode(fingerprint: true)
        let data = try STUNMessage(method: .data, messageClass: .indication, transactionID: id,
                                   attributes: [.xorPeerAddress(TURNLink.peer), .data([1, 2, 3])]).encode()
        let channelData = [[UInt8]([9, 8, 7, 6, 5]), [4, 3, 2, 1], [], [0xAA]]
        var messages = [allocated]
        var bytes = allocated
        for payload in channelData {
            let frame = ChannelData(channel: 0x4001, data: payload)
            messages.append(try frame.encode())
            bytes += try frame.encode(padded: true)
        }
        messages.append(data)
        bytes += data
        return (bytes, messages)
    }

    static func drain(_ framer: inout TURNStreamFramer) throws -> [[UInt8]] {
        var messages: [[UInt8]] = []
        while let message = try framer.nextMessage() { messages.append(message) }
        return messages
    }

    @Test func concatenatedMessagesComeOutWholeWhereverTheStreamIsCut() throws {
        let (bytes, expected) = try Self.stream()
        for cut in 0...bytes.count {
            var framer = TURNStreamFramer()
            framer.append(bytes[..<cut])
            var messages = try Self.drain(&framer)
            framer.append(bytes[cut...])
            messages += try Self.drain(&framer)
            #expect(messages == expected, "cut at \(cut)")
            #expect(framer.bufferedCount == 0)
        }
    }

    @Test func byteByByteDeliveryGivesTheSameMessages() throws {
        let (bytes, expected) = try Self.stream()
        var framer = TURNStreamFramer()
        var messages: [[UInt8]] = []
        for byte in bytes {
            framer.append([byte])
            messages += try Self.drain(&framer)
        }
        #expect(messages == expected)
        // ChannelData comes out without its padding, so it parses as one message.
        #expect(try ChannelData(parsing: messages[1]).data == [9, 8, 7, 6, 5])
    }

    /// Only 0x00...0x3F (STUN) and 0x40...0x4F (ChannelData) can start a message (RFC 7983, RFC 8656 §12).
    @Test(arguments: [UInt8(0x50), 0x7F, 0x80, 0xC0, 0xFF])
    func aFirstByteThatIsNeitherSTUNNorChannelDataThrows(first: UInt8) throws {
        var framer = TURNStreamFramer()
        framer.append([first, 0, 0, 4, 0, 0, 0, 0])
        #expect(throws: TURNStreamFramer.FramingError.unexpectedByte(first)) { try framer.nextMessage() }
    }

    @Test func garbageAfterAWholeMessageThrowsOnlyWhenReached() throws {
        let (bytes, expected) = try Self.stream()
        var framer = TURNStreamFramer()
        framer.append(bytes + [0xFF, 0xFF, 0xFF, 0xFF])
        for message in expected { #expect(try framer.nextMessage() == message) }
        #expect(throws: TURNStreamFramer.FramingError.unexpectedByte(0xFF)) { try framer.nextMessage() }
    }

    /// RFC 8489 §5: a STUN length is always a multiple of four; any other is a stream out of step.
    @Test func aSTUNLengthThatIsNotAMultipleOfFourThrows() throws {
        var framer = TURNStreamFramer()
        framer.append([0x01, 0x01, 0x00, 0x05] + [UInt8](repeating: 0, count: 30))
        #expect(throws: TURNStreamFramer.FramingError.lengthNotMultipleOfFour(5)) { try framer.nextMessage() }
    }

    @Test func aLongStreamIsCompactedAsItIsRead() throws {
        var framer = TURNStreamFramer()
        let payload = [UInt8](repeating: 7, count: 999)
        let frame = try ChannelData(channel: 0x4FFF, data: payload).encode(padded: true)
        var count = 0
        // Keep some bytes unread at every step, so the buffer is never simply emptied.
        for _ in 0..<300 {
            framer.append(frame + frame.prefix(2))
            var messages = try Self.drain(&framer)
            framer.append(frame.dropFirst(2))
            messages += try Self.drain(&framer)
            #expect(messages.allSatisfy { $0.count == 4 + 999 })
            count += messages.count
        }
        #expect(count == 600)
        #expect(framer.bufferedCount == 0)
    }

    @Test func lessThanAHeaderWaits() throws {
        var framer = TURNStreamFramer()
        framer.append([0x40, 0x00, 0x00])
        #expect(try framer.nextMessage() == nil)
        #expect(framer.bufferedCount == 3)
        framer.append([0x01, 0x42, 0, 0, 0])
        #expect(try framer.nextMessage() == [0x40, 0x00, 0x00, 0x01, 0x42])
    }
}
