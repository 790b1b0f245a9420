import FuzzSupport
import ICE
import Wire

// STUN (RFC 8489) and TURN ChannelData (RFC 8656 §12.4) parsers must never trap. A parsed STUN message re-encodes
// losslessly at the attribute level (padding content and RFFU bits are not kept, so bytes may differ), so a
// mismatch after encode + parse is a real bug.
runFuzzer { bytes in
    if let message = try? STUNMessage(parsing: bytes) {
        _ = message.description
        _ = message.unknownComprehensionRequired
        _ = message.xorMappedAddress
        _ = message.errorCode
        _ = try? message.validateFingerprint()
        _ = try? message.validateMessageIntegrity(key: STUNKey.shortTerm(password: "fuzz"))
        _ = try? message.validateMessageIntegritySHA256(key: STUNKey.shortTerm(password: "fuzz"))
        let encoded: [UInt8]
        do {
            encoded = try message.encode()
        } catch {
            fatalError("encoding a parsed message failed: \(error)")
        }
        guard encoded.count == message.encodedSize else {
            fatalError("encodedSize \(message.encodedSize) but wrote \(encoded.count) bytes")
        }
        do {
            let again = try STUNMessage(parsing: encoded)
            if again != message { fatalError("STUN round trip changed the message: \(message) -> \(again)") }
        } catch {
            fatalError("re-encoded STUN message does not parse: \(error)")
        }
    }
    if let frame = try? ChannelData(parsing: bytes) {
        for padded in [false, true] {
            guard let encoded = try? frame.encode(padded: padded) else {
                fatalError("a parsed ChannelData frame failed to encode")
            }
            guard let again = try? ChannelData(parsing: encoded), again == frame else {
                fatalError("ChannelData round trip failed (padded: \(padded))")
            }
        }
    }
}
