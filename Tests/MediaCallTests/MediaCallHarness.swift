import Media
import Peer
import RTP
import SDP
import Simulation
import Wire

/// A peer on the simulated network that sends the VP8 test pattern (when `sends`) and decodes what it receives,
/// with the real codecs, NACK/RTX and PLI: a deterministic video call on a virtual clock.
struct MediaPeerEndpoint: SimulatedEndpoint {
    var peer: Peer
    var addresses: [TransportAddress]
    let sends: Bool
    let frameInterval: Duration = .milliseconds(33)
    var pattern = TestPatternSource(width: 320, height: 240)
    let encoder: VP8Encoder
    let decoder: VP8Decoder
    var packetizer = VP8Packetizer(ssrc: SSRC(0), payloadType: PayloadType(truncating: 0), initialSequenceNumber: 0)
    var jitterBuffer: VideoJitterBuffer?
    var history: [UInt16: RTPPacket] = [:]
    let historyLength = 30
    var nextFrameAt: Instant?
    var frameNumber: UInt32 = 0
    var forceKeyframe = false
    var stopSendingAt: Instant = .milliseconds(3_600_000)
    private var pending: [Datagram] = []

    // What happened.
    var framesSent = 0, keyframesSent = 0, retransmitted = 0, nacksSent = 0, plisSent = 0
    var decodedNumbers: [UInt32] = []
    var psnr: [Double] = []

    init(seed: UInt64, address: TransportAddress, sends: Bool) throws {
        peer = try Peer(random: SeededGenerator(seed: seed))
        addresses = [address]
        self.sends = sends
        var configuration = VP8EncoderConfiguration(width: 320, height: 240, bitrate: 500_000)
        configuration.frameRate = 30
        encoder = try VP8Encoder(configuration)
        decoder = try VP8Decoder()
        peer.addLocalHostCandidate(address, now: .zero)
        peer.finishGathering(now: .zero)
    }

    var videoMid: Mid? { peer.transceivers.first { $0.kind == .video }?.mid }

    mutating func receive(_ datagram: Datagram, now: Instant) {
        peer.handle(datagram, now: now)
        drain(now: now)
    }

    mutating func handleTimeout(now: Instant) {
        peer.handleTimeout(now: now)
        if sends, peer.connectionState == .connected {
            if nextFrameAt == nil { nextFrameAt = now }
            if let due = nextFrameAt, now >= due, now < stopSendingAt {
                sendFrame(now: now)
                nextFrameAt = due + frameInterval
            }
        }
        jitterBuffer?.handleTimeout(now: now)
        drain(now: now)
    }

    mutating func pollTransmit() -> Datagram? { pending.isEmpty ? nil : pending.removeFirst() }

    func nextDeadline() -> Instant? {
        var deadline = earliest(peer.nextDeadline(), jitterBuffer?.nextDeadline())
        if sends, peer.connectionState == .connected {
            let next = nextFrameAt ?? .zero
            if next < stopSendingAt { deadline = earliest(deadline, next) }
        }
        return deadline
    }

    mutating func sendFrame(now: Instant) {
        guard let mid = videoMid else { return }
        let frame = pattern.frame(number: frameNumber, captureTime: now)
        let key = forceKeyframe
        forceKeyframe = false
        guard let encoded = try? encoder.encode(frame, forceKeyframe: key) else { return }
        for output in encoded {
            if output.isKeyframe { keyframesSent += 1 }
            let timestamp = frameNumber &* 3000
            for payload in packetizer.packetize(frame: output.data[...], timestamp: timestamp,
                                                keyframe: output.isKeyframe) {
                if let packet = try? peer.sendRTP(mid: mid, payload: payload.payload,
                                                  timestamp: timestamp, marker: payload.marker) {
                    history[packet.sequenceNumber] = packet
                    // A sender keeps about a second of packets for retransmission, not the whole call.
                    history[packet.sequenceNumber &- UInt16(historyLength)] = nil
                }
            }
        }
        framesSent += 1
        frameNumber += 1
    }

    mutating func drain(now: Instant) {
        while let output = peer.pollOutput() {
            switch output {
            case let .transmit(datagram):
                pending.append(datagram)
            case let .event(.rtp(mid, packet)) where mid == videoMid:
                if jitterBuffer == nil {
                    let rtx = peer.transceivers.first { $0.mid == mid }?.rtxPayloadType
                    jitterBuffer = VideoJitterBuffer(rtxPayloadType: rtx)
                }
                jitterBuffer?.receive(packet, now: now)
            case let .event(.rtcp(bytes)):
                handleFeedback(bytes)
            default:
                break
            }
        }
        guard var buffer = jitterBuffer else { return }
        let output = buffer.poll(now: now)
        jitterBuffer = buffer
        for data in output.frames {
            guard let decoded = try? decoder.decode(data),
                  let (number, captureTime) = TestPatternReader.read(decoded) else { continue }
            decodedNumbers.append(number)
            psnr.append(Quality.psnr(reference: pattern.frame(number: number, captureTime: captureTime),
                                     decoded: decoded))
        }
        nacksSent += output.nacks
        plisSent += output.plis
        if !output.feedback.isEmpty {
            try? peer.sendRTCP(output.feedback)
            drainTransmitsOnly()
        }
    }

    private mutating func drainTransmitsOnly() {
        while let output = peer.pollOutput() {
            if case let .transmit(datagram) = output { pending.append(datagram) }
        }
    }

    mutating func handleFeedback(_ bytes: [UInt8]) {
        guard let compound = try? RTCPCompound(parsing: bytes), let mid = videoMid else { return }
        for packet in compound.packets {
            switch packet {
            case let .genericNack(nack):
                for sequence in nack.lostSequenceNumbers {
                    if let original = history[sequence], (try? peer.resendRTX(original, mid: mid)) != nil {
                        retransmitted += 1
                    }
                }
            case .pictureLossIndication, .fullIntraRequest:
                forceKeyframe = true
            default:
                break
            }
        }
    }

    /// The longest run of frame numbers that never reached the screen.
    var longestFreeze: Int {
        var longest = 0, previous: UInt32?
        for number in decodedNumbers {
            if let previous, number > previous + 1 { longest = max(longest, Int(number - previous - 1)) }
            previous = number
        }
        return longest
    }
}

/// An offerer that sends video to an answerer over a simulated network.
struct MediaCall {
    var loop: SimulationLoop<MediaPeerEndpoint>
    static let senderAddress = TransportAddress(ip: .v4(10, 0, 0, 1), port: 5000)
    static let receiverAddress = TransportAddress(ip: .v4(10, 0, 0, 2), port: 6000)

    init(seed: UInt64, conditions: NetworkConditions) throws {
        var sender = try MediaPeerEndpoint(seed: seed &* 3 &+ 1, address: Self.senderAddress, sends: true)
        var receiver = try MediaPeerEndpoint(seed: seed &* 3 &+ 2, address: Self.receiverAddress, sends: false)
        let offer = try sender.peer.createOffer()
        try sender.peer.setLocalDescription(offer, type: .offer, now: .zero)
        try receiver.peer.setRemoteDescription(offer, type: .offer, now: .zero)
        let answer = try receiver.peer.createAnswer()
        try receiver.peer.setLocalDescription(answer, type: .answer, now: .zero)
        try sender.peer.setRemoteDescription(answer, type: .answer, now: .zero)
        sender.drain(now: .zero)
        receiver.drain(now: .zero)
        loop = SimulationLoop(endpoints: [sender, receiver],
                              network: SimulatedNetwork(seed: seed, conditions: conditions))
    }

    var sender: MediaPeerEndpoint { loop.endpoints[0] }
    var receiver: MediaPeerEndpoint { loop.endpoints[1] }

    /// Connects, sends video for `seconds` of virtual time, then lets the last frames arrive.
    mutating func run(seconds: Int) {
        loop.run(for: .seconds(10)) { $0.endpoints.allSatisfy { $0.peer.connectionState == .connected } }
        loop.endpoints[0].stopSendingAt = loop.now + .seconds(Int64(seconds))
        loop.run(for: .seconds(Int64(seconds) + 2))
    }
}
