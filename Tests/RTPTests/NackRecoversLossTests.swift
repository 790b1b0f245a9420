import Testing
import Wire
@testable import RTP

/// A sender and a receiver over a seeded lossy path (media, retransmissions and NACKs all lose packets): NACK and
/// RTX recover almost every frame; what cannot be recovered is dropped and a keyframe is asked for.
@Suite struct NackRecoversLossTests {
    enum InFlight {
        case media(RTPPacket)
        case feedback(RTCPPacket)
    }

    struct Outcome {
        var frames = 0
        var delivered = Set<UInt32>()
        var dropped = 0
        var keyframeNeeded = 0
        var plisSent = 0
    }

    static func run(lossPercent: UInt64, seed: UInt64, frameCount: Int) -> Outcome {
        var generator = SeededGenerator(seed: seed)
        let mediaSSRC = SSRC(0x1111), rtxSSRC = SSRC(0x2222), receiverSSRC = SSRC(0x3333)
        var packetizer = VP8Packetizer(
            ssrc: mediaSSRC, payloadType: MediaTestSupport.vp8Type, initialSequenceNumber: 65_000)
        var history = RetransmissionHistory(
            capacity: 600, rtx: .init(ssrc: rtxSSRC, payloadType: MediaTestSupport.rtxType))
        history.maxResendBytesPerSecond = 1_000_000
        var keyframes = KeyframeRequestTracker(mediaSSRC: mediaSSRC)
        let rtx = RTXDepacketizer(originalSSRC: mediaSSRC, originalPayloadType: MediaTestSupport.vp8Type)
        var buffer = JitterBuffer(codec: .vp8, maxWait: .milliseconds(400))
        var nacks = NackGenerator(senderSSRC: receiverSSRC, mediaSSRC: mediaSSRC)
        nacks.retryInterval = .milliseconds(50)
        var requester = KeyframeRequester(senderSSRC: receiverSSRC, mediaSSRC: mediaSSRC)
        var outcome = Outcome()
        var network: [(at: Int64, item: InFlight)] = []
        let delay: Int64 = 20

        func send(_ item: InFlight, at now: Int64, generator: inout SeededGenerator) {
            guard generator.next() % 100 >= lossPercent else { return }
            // Up to 5 ms of extra delay reorders packets a little.
            network.append((now + delay + Int64(generator.next() % 6), item))
        }

        let end = Int64(frameCount) * 33 + 2000
        var frameIndex = 0
        for tick in 0...end {
            let now = Instant.milliseconds(tick)
            // Sender: one frame every 33 ms.
            if tick % 33 == 0 && frameIndex < frameCount {
                let key = frameIndex == 0 || keyframes.keyframeRequested
                keyframes.keyframeRequested = false
                let size = key ? 12_000 : Int(generator.next() % 4000) + 300
                let frame = MediaTestSupport.frame(size: size, keyframe: key, using: &generator)
                for packet in packetizer.packetize(frame: frame[...], timestamp: UInt32(frameIndex) * 3000) {
                    history.packetSent(packet)
                    send(.media(packet), at: tick, generator: &generator)
                }
                frameIndex += 1
            }
            // Deliveries due now.
            let due = network.filter { $0.at == tick }
            network.removeAll { $0.at == tick }
            for delivery in due {
                switch delivery.item {
                case var .media(packet):
                    if packet.ssrc == rtxSSRC {
                        guard let original = rtx.unwrap(packet) else { continue }
                        packet = original
                    }
                    nacks.packetReceived(sequenceNumber: packet.sequenceNumber, now: now)
                    buffer.insert(packet, now: now)
                case let .feedback(.genericNack(nack)):
                    for resend in history.handle(nack, now: now) {
                        send(.media(resend), at: tick, generator: &generator)
                    }
                case let .feedback(rtcp):
                    keyframes.handle(rtcp)
                }
            }
            // Receiver timers and outputs.
            buffer.handleTimeout(now: now)
            while let output = buffer.pollOutput() {
                switch output {
                case let .frame(frame):
                    outcome.delivered.insert(frame.timestamp)
                    if frame.isKeyframe { requester.keyframeReceived() }
                case .frameDropped:
                    outcome.dropped += 1
                case .keyframeNeeded:
                    outcome.keyframeNeeded += 1
                    requester.requestKeyframe()
                }
            }
            if let nack = nacks.pollNack(now: now) {
                send(.feedback(.genericNack(nack)), at: tick, generator: &generator)
            }
            if let pli = requester.pollRequest(now: now) {
                outcome.plisSent += 1
                send(.feedback(.pictureLossIndication(pli)), at: tick, generator: &generator)
            }
        }
        outcome.frames = frameCount
        return outcome
    }

    // 5% and 15% recover every frame here; 40% (NACKs lost too) leaves gaps that must be detected.
    @Test(arguments: [(UInt64(5), 0.99), (UInt64(15), 0.95), (UInt64(40), 0.5)])
    func recoversMostFrames(lossPercent: UInt64, required: Double) {
        let outcome = Self.run(lossPercent: lossPercent, seed: 42 + lossPercent, frameCount: 300)
        let ratio = Double(outcome.delivered.count) / Double(outcome.frames)
        #expect(ratio > required, "delivered \(outcome.delivered.count) of \(outcome.frames)")
        if outcome.delivered.count < outcome.frames {
            // Whatever was not delivered was noticed, and a keyframe asked for.
            #expect(outcome.dropped > 0)
            #expect(outcome.keyframeNeeded > 0 && outcome.plisSent > 0)
        }
    }
}
