import Simulation
import Testing
import Wire

/// Whole video calls (real VP8, SRTP, NACK/RTX, PLI) over the simulated network, deterministic per seed.
@Suite struct VideoCallOverLossyNetwork {
    @Test func cleanPathDecodesEveryFrame() throws {
        var call = try MediaCall(seed: 1, conditions: .perfect)
        call.run(seconds: 5)
        let receiver = call.receiver
        #expect(call.sender.framesSent >= 149)
        #expect(receiver.decodedNumbers.count == call.sender.framesSent)
        #expect(receiver.decodedNumbers == receiver.decodedNumbers.sorted())
        #expect(receiver.psnr.min() ?? 0 > 30)
        #expect(receiver.nacksSent == 0 && receiver.plisSent == 0)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func fivePercentLossIsRepairedByNackAndRTX(seed: UInt64) throws {
        var call = try MediaCall(seed: seed, conditions: NetworkConditions(loss: 0.05, delay: .milliseconds(20)))
        call.run(seconds: 8)
        let sent = call.sender.framesSent, decoded = call.receiver.decodedNumbers.count
        #expect(call.receiver.nacksSent > 0)
        #expect(call.sender.retransmitted > 0)
        #expect(Double(decoded) >= 0.95 * Double(sent), "decoded \(decoded) of \(sent)")
        #expect(call.receiver.longestFreeze <= 15, "freezes stay under half a second")
        #expect(call.receiver.psnr.min() ?? 0 > 30)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func fifteenPercentLossRecoversWithKeyframesWhenNeeded(seed: UInt64) throws {
        var call = try MediaCall(seed: seed, conditions: NetworkConditions(loss: 0.15, delay: .milliseconds(20)))
        call.run(seconds: 8)
        let sent = call.sender.framesSent, decoded = call.receiver.decodedNumbers
        #expect(call.sender.retransmitted > 0)
        #expect(Double(decoded.count) >= 0.75 * Double(sent), "decoded \(decoded.count) of \(sent)")
        // Whatever was lost, the picture comes back: the last second of frames decodes.
        #expect(decoded.contains { $0 >= UInt32(sent - 30) })
        if call.receiver.plisSent > 0 { #expect(call.sender.keyframesSent > 1, "PLI answered with a keyframe") }
        #expect(call.receiver.psnr.min() ?? 0 > 30)
    }

    @Test func reorderingAndJitterDoNotLoseFrames() throws {
        let jittery = NetworkConditions(delay: .milliseconds(20), jitter: .milliseconds(25))
        var call = try MediaCall(seed: 4, conditions: jittery)
        call.run(seconds: 5)
        #expect(call.receiver.decodedNumbers.count == call.sender.framesSent)
        #expect(call.receiver.decodedNumbers == call.receiver.decodedNumbers.sorted())
    }
}

/// A burst longer than the sender's retransmission history makes frames unrecoverable: the receiver asks for a keyframe (PLI) and
/// the picture comes back with it.
@Suite struct VideoCallRecoversFromALossBurst {
    @Test func burstLossIsRecoveredByPLIAndAKeyframe() throws {
        var call = try MediaCall(seed: 5, conditions: NetworkConditions(delay: .milliseconds(20)))
        call.loop.run(for: .seconds(10)) { $0.endpoints.allSatisfy { $0.peer.connectionState == .connected } }
        call.loop.endpoints[0].stopSendingAt = call.loop.now + .seconds(8)
        call.loop.run(for: .seconds(2))
        let decodedBefore = call.receiver.decodedNumbers.count
        let keyframesBefore = call.sender.keyframesSent
        call.loop.network.setConditions(NetworkConditions(loss: 1, delay: .milliseconds(20)),
                                        from: MediaCall.senderAddress.ip, to: MediaCall.receiverAddress.ip)
        call.loop.run(for: .milliseconds(2_500))
        call.loop.network.setConditions(NetworkConditions(delay: .milliseconds(20)),
                                        from: MediaCall.senderAddress.ip, to: MediaCall.receiverAddress.ip)
        call.loop.run(for: .seconds(6))
        #expect(call.receiver.plisSent >= 1)
        #expect(call.sender.keyframesSent > keyframesBefore, "the PLI was answered with a keyframe")
        let after = call.receiver.decodedNumbers.dropFirst(decodedBefore)
        #expect(after.count > 40, "decoding resumed after the burst (\(after.count) frames)")
        #expect(call.receiver.longestFreeze < 100, "the freeze lasted about the burst plus one PLI round trip")
        #expect(call.receiver.psnr.suffix(30).min() ?? 0 > 30)
    }
}
