import RTP
import Testing
import Wire

/// LinkUp's own SRTP (`NativeSRTPContext`) against libsrtp 2 (`SRTPContext`) as the oracle: the same master key
/// and salt and the same packets give byte-identical SRTP and SRTCP, each side unprotects the other's output, and
/// both refuse the same replays. Packets vary in size, CSRC count and header extension, with seeded random payloads.
@Suite struct NativeSRTPOracleTests {
    /// Four contexts keyed alike: own and libsrtp, each sending and receiving.
    struct Contexts {
        let ownOut: NativeSRTPContext
        let ownIn: NativeSRTPContext
        let libOut: SRTPContext
        let libIn: SRTPContext

        init(_ profile: SRTPProfile, seed: UInt64) throws {
            var random = SeededGenerator(seed: seed)
            let key = random.bytes(profile.masterKeyLength)
            let salt = random.bytes(profile.masterSaltLength)
            ownOut = try NativeSRTPContext(profile: profile, masterKey: key, masterSalt: salt, direction: .outbound)
            ownIn = try NativeSRTPContext(profile: profile, masterKey: key, masterSalt: salt, direction: .inbound)
            libOut = try SRTPContext(profile: profile, masterKey: key, masterSalt: salt, direction: .outbound)
            libIn = try SRTPContext(profile: profile, masterKey: key, masterSalt: salt, direction: .inbound)
        }

        /// Protects `packet` with both senders, checks they agree, and has each receiver unprotect the other's
        /// output. Returns the protected packet.
        @discardableResult
        func exchangeRTP(_ packet: [UInt8]) throws -> [UInt8] {
            let own = try ownOut.protect(rtp: packet)
            let lib = try libOut.protect(rtp: packet)
            #expect(own == lib)
            #expect(try libIn.unprotect(srtp: own) == packet)
            #expect(try ownIn.unprotect(srtp: lib) == packet)
            return own
        }

        /// The same for RTCP.
        @discardableResult
        func exchangeRTCP(_ packet: [UInt8]) throws -> [UInt8] {
            let own = try ownOut.protectRTCP(packet)
            let lib = try libOut.protectRTCP(packet)
            #expect(own == lib)
            #expect(try libIn.unprotectRTCP(own) == packet)
            #expect(try ownIn.unprotectRTCP(lib) == packet)
            return own
        }

        /// Both receivers refuse `packet` as a replay.
        func expectReplayRefused(rtp packet: [UInt8]) {
            #expect(throws: SRTPError.replayed) { try ownIn.unprotect(srtp: packet) }
            #expect(throws: SRTPError.replayed) { try libIn.unprotect(srtp: packet) }
        }
    }

    /// An RTP packet with 0-3 CSRCs, an optional RFC 8285 one-byte header extension, a random payload.
    static func randomRTP(
        _ random: inout SeededGenerator, sequence: UInt16, ssrc: UInt32, payloadLength: Int? = nil
    ) -> [UInt8] {
        let csrcCount = Int(random.next() % 4)
        let hasExtension = random.next() % 2 == 0
        var packet: [UInt8] = [
            0x80 | (hasExtension ? 0x10 : 0) | UInt8(csrcCount), UInt8(random.next() % 128),
            UInt8(sequence >> 8), UInt8(sequence & 0xFF),
        ]
        packet += random.bytes(4)  // timestamp
        packet += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: ssrc >> $0) }
        packet += random.bytes(4 * csrcCount)
        if hasExtension {
            let words = Int(random.next() % 4)
            packet += [0xBE, 0xDE, 0, UInt8(words)] + random.bytes(4 * words)
        }
        packet += random.bytes(payloadLength ?? Int(random.next() % 1201))
        return packet
    }

    /// A receiver report (RFC 3550 §6.4.2) with `blocks` random report blocks, optionally followed by an SDES.
    static func randomRTCP(_ random: inout SeededGenerator, ssrc: UInt32) -> [UInt8] {
        let blocks = Int(random.next() % 4)
        let words = 1 + 6 * blocks
        var packet: [UInt8] = [0x80 | UInt8(blocks), 201, 0, UInt8(words)]
        packet += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: ssrc >> $0) }
        packet += random.bytes(24 * blocks)
        if random.next() % 2 == 0 {  // SDES with a 6-byte CNAME: SSRC, type 1, length 6, text, end, pad
            packet += [0x81, 202, 0, 3] + [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: ssrc >> $0) }
            packet += [1, 6] + random.bytes(6) + [0, 0, 0, 0]
        }
        return packet
    }

    /// Two SSRCs sending across a sequence-number wrap (65535 → 0), with RTCP every 50 packets whose SRTCP index
    /// counts up from 1 per SSRC.
    @Test(arguments: SRTPProfile.allCases)
    func identicalOutputAcrossSequenceWrap(profile: SRTPProfile) throws {
        let contexts = try Contexts(profile, seed: 3711 + UInt64(profile.rawValue))
        var random = SeededGenerator(seed: 42)
        let ssrcs: [UInt32] = [0x1234_5678, 0xCAFE_BABE]
        var rtcpSent = [0, 0]
        for step in 0..<600 {
            for (which, ssrc) in ssrcs.enumerated() {
                let sequence = UInt16(truncatingIfNeeded: 65_200 + step + 1000 * which)
                try contexts.exchangeRTP(Self.randomRTP(&random, sequence: sequence, ssrc: ssrc))
                if step % 50 == which {
                    let srtcp = try contexts.exchangeRTCP(Self.randomRTCP(&random, ssrc: ssrc))
                    rtcpSent[which] += 1
                    let trailerOffset = profile == .aes128CmHmacSha1_80 ? srtcp.count - 14 : srtcp.count - 4
                    let trailer = srtcp[trailerOffset..<(trailerOffset + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                    #expect(trailer == 0x8000_0000 | UInt32(rtcpSent[which]))  // E = 1, index 1, 2, 3, ...
                }
            }
        }
    }

    /// Sequence numbers stepping by 1000 wrap three times: the ROC reaches 3 on both sides, with the same output.
    @Test(arguments: SRTPProfile.allCases)
    func rolloverCounterAdvancesThroughManyWraps(profile: SRTPProfile) throws {
        let contexts = try Contexts(profile, seed: 65_536)
        var random = SeededGenerator(seed: 9)
        for step in 0..<220 {
            let sequence = UInt16(truncatingIfNeeded: 1000 * step)
            try contexts.exchangeRTP(Self.randomRTP(&random, sequence: sequence, ssrc: 0xABCD, payloadLength: 200))
        }
        // Reordering inside the window across a wrap is still accepted by both.
        var held: [[UInt8]] = []
        for sequence in [UInt16(65_530), 65_531, 65_532, 65_533, 65_534, 65_535, 0, 1, 2] {
            let packet = Self.randomRTP(&random, sequence: sequence, ssrc: 0x0BAD_F00D, payloadLength: 64)
            held.append(packet)
        }
        for packet in held.reversed() { try contexts.exchangeRTP(packet) }
    }

    /// A repeated packet and one older than the 128-packet window are refused by both receivers; SRTCP replays
    /// too. Packets arriving late but inside the window are accepted by both.
    @Test(arguments: SRTPProfile.allCases)
    func bothRefuseTheSameReplays(profile: SRTPProfile) throws {
        let contexts = try Contexts(profile, seed: 128)
        var random = SeededGenerator(seed: 5)
        var protected: [UInt16: [UInt8]] = [:]
        var plain: [UInt16: [UInt8]] = [:]
        for sequence in UInt16(65_400)...65_535 {
            plain[sequence] = Self.randomRTP(&random, sequence: sequence, ssrc: 7, payloadLength: 100)
        }
        for sequence in UInt16(0)...200 {
            plain[sequence] = Self.randomRTP(&random, sequence: sequence, ssrc: 7, payloadLength: 100)
        }
        let order = Array(UInt16(65_400)...65_535) + Array(UInt16(0)...200)
        let heldBack: Set<UInt16> = [65_500, 150]
        var late: [UInt8] = []
        var tooOld: [UInt8] = []
        for sequence in order {
            guard heldBack.contains(sequence) else {
                protected[sequence] = try contexts.exchangeRTP(plain[sequence]!)
                continue
            }
            // Sent in order, but held back from both receivers.
            let own = try contexts.ownOut.protect(rtp: plain[sequence]!)
            #expect(try contexts.libOut.protect(rtp: plain[sequence]!) == own)
            if sequence == 150 { late = own } else { tooOld = own }
        }
        // Within the window (50 behind the highest): accepted once by each receiver, then a replay.
        #expect(try contexts.ownIn.unprotect(srtp: late) == plain[150])
        #expect(try contexts.libIn.unprotect(srtp: late) == plain[150])
        contexts.expectReplayRefused(rtp: late)
        // 236 behind the highest: older than the window.
        contexts.expectReplayRefused(rtp: tooOld)
        // Repeats of the newest and of an older packet still in the window.
        contexts.expectReplayRefused(rtp: protected[200]!)
        contexts.expectReplayRefused(rtp: protected[100]!)
        // Senders refuse to reuse an index.
        #expect(throws: SRTPError.replayed) { try contexts.ownOut.protect(rtp: plain[200]!) }
        #expect(throws: SRTPError.replayed) { try contexts.libOut.protect(rtp: plain[200]!) }
        // SRTCP: the same packet twice is refused by both.
        let srtcp = try contexts.exchangeRTCP(Self.randomRTCP(&random, ssrc: 7))
        #expect(throws: SRTPError.replayed) { try contexts.ownIn.unprotectRTCP(srtcp) }
        #expect(throws: SRTPError.replayed) { try contexts.libIn.unprotectRTCP(srtcp) }
    }

    /// Tampering is caught by both, and neither receiver's window moves on a forged packet.
    @Test(arguments: SRTPProfile.allCases)
    func bothRejectTamperedPackets(profile: SRTPProfile) throws {
        let contexts = try Contexts(profile, seed: 77)
        var random = SeededGenerator(seed: 77)
        let packet = Self.randomRTP(&random, sequence: 10, ssrc: 99, payloadLength: 300)
        var forged = try contexts.ownOut.protect(rtp: packet)
        _ = try contexts.libOut.protect(rtp: packet)
        let original = forged
        forged[forged.count / 2] ^= 0x04
        #expect(throws: SRTPError.authenticationFailed) { try contexts.ownIn.unprotect(srtp: forged) }
        #expect(throws: SRTPError.authenticationFailed) { try contexts.libIn.unprotect(srtp: forged) }
        #expect(try contexts.ownIn.unprotect(srtp: original) == packet)
        #expect(try contexts.libIn.unprotect(srtp: original) == packet)
        let report = Self.randomRTCP(&random, ssrc: 99)
        var srtcp = try contexts.ownOut.protectRTCP(report)
        srtcp[9] ^= 0x01
        #expect(throws: SRTPError.authenticationFailed) { try contexts.ownIn.unprotectRTCP(srtcp) }
        #expect(throws: SRTPError.authenticationFailed) { try contexts.libIn.unprotectRTCP(srtcp) }
    }

    /// Garbage never traps the native context; short or non-version-2 input is refused as malformed.
    @Test func malformedInputIsRejectedWithoutTrapping() throws {
        let contexts = try Contexts(.aes128CmHmacSha1_80, seed: 1)
        #expect(throws: SRTPError.malformedPacket) { try contexts.ownOut.protect(rtp: [0x80, 0x00]) }
        #expect(throws: SRTPError.malformedPacket) { try contexts.ownIn.unprotect(srtp: []) }
        #expect(throws: SRTPError.malformedPacket) { try contexts.ownIn.unprotectRTCP([0x00, 0, 0, 0, 0, 0, 0, 0]) }
        // A header extension longer than the packet.
        let overlong: [UInt8] =
            [0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE, 0xFF, 0xFF] + [UInt8](repeating: 0, count: 20)
        #expect(throws: SRTPError.malformedPacket) { try contexts.ownOut.protect(rtp: overlong) }
        var random = SeededGenerator(seed: 11)
        for _ in 0..<2000 {
            var bytes = random.bytes(Int(random.next() % 200))
            if !bytes.isEmpty { bytes[0] = 0x80 | (bytes[0] & 0x3F) }
            _ = try? contexts.ownIn.unprotect(srtp: bytes)
            _ = try? contexts.ownIn.unprotectRTCP(bytes)
            _ = try? contexts.ownOut.protect(rtp: bytes)
            _ = try? contexts.ownOut.protectRTCP(bytes)
        }
    }

    /// Slices of a larger buffer go in; the caller's output array is reused without growing.
    @Test(arguments: SRTPProfile.allCases)
    func slicesAndReusedOutput(profile: SRTPProfile) throws {
        let contexts = try Contexts(profile, seed: 2)
        let packet = SRTPContextTests.rtpPacket(sequence: 77, payloadLength: 1200)
        let buffer = [0xFF, 0xFF] + packet + [0xEE]
        var protected: [UInt8] = []
        protected.reserveCapacity(1500)
        let capacity = protected.capacity
        try contexts.ownOut.protect(rtp: buffer[2..<(2 + packet.count)], into: &protected)
        #expect(protected == (try contexts.libOut.protect(rtp: packet)))
        let received = [0x00] + protected
        var plain: [UInt8] = []
        try contexts.ownIn.unprotect(srtp: received.dropFirst(), into: &plain)
        #expect(plain == packet)
        let next = SRTPContextTests.rtpPacket(sequence: 78, payloadLength: 1200)
        try contexts.ownOut.protect(rtp: next, into: &protected)
        #expect(protected.capacity == capacity)
    }
}
