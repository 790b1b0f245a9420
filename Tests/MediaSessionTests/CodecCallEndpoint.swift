import Media
import MediaSession
import Peer
import RTP
import Simulation
import Wire

/// A call endpoint on the simulated network running the production engine (`CallMachine` with its `MediaSession`
/// as an endpoint) and real codecs: it sends the VP8 test pattern (when `sends`) and decodes what arrives, doing
/// the engine's codec work at once where the runtime would hand it to codec threads. A deterministic video call on
/// a virtual clock.
struct CodecCallEndpoint: SimulatedEndpoint {
    var machine: CallMachine
    var addresses: [TransportAddress]
    let sends: Bool
    let frameInterval: Duration = .milliseconds(33)
    let pattern: TestPatternSource
    var encoder: AdaptiveVP8Encoder
    let decoder: VP8Decoder
    var nextFrameAt: Instant?
    var frameNumber: UInt32 = 0
    var stopSendingAt: Instant = .milliseconds(3_600_000)
    private var pending: [Datagram] = []

    // What happened.
    var framesSubmitted = 0, framesEncoded = 0, keyframesEncoded = 0, audioPacketsDecoded = 0
    /// Pictures the decoder produced (read or not), and their widths.
    var picturesDecoded = 0
    var pictureWidths: [Int] = []
    /// The congestion controller's target at each picture handed in.
    var targets: [Int] = []
    /// Capture to decode of each decoded picture (virtual time), and the picture widths decoded.
    var latencies: [Duration] = []
    var decodedWidths: [Int] = []
    var decodedNumbers: [UInt32] = []
    var psnr: [Double] = []

    init(seed: UInt64, address: TransportAddress, sends: Bool, width: Int = 320, height: Int = 240) throws {
        var peer = try Peer(random: SeededGenerator(seed: seed))
        peer.addLocalHostCandidate(address, now: .zero)
        peer.finishGathering(now: .zero)
        machine = CallMachine(peer: peer)
        addresses = [address]
        self.sends = sends
        pattern = TestPatternSource(width: width, height: height)
        encoder = AdaptiveVP8Encoder(defaultBitrate: 500_000, frameRate: 30)
        decoder = try VP8Decoder()
    }

    /// Starts the engine as an endpoint.
    mutating func startMedia(seed: UInt64) {
        machine.startEndpoint(ntp: NTPClock(referenceInstant: .zero, referenceNTP: 1 << 62),
                              random: SeededGenerator(seed: seed))
    }

    var isConnected: Bool { machine.peer.connectionState == .connected }
    var stats: MediaSessionStats { machine.media?.stats ?? MediaSessionStats() }

    mutating func receive(_ datagram: Datagram, now: Instant) {
        machine.handle(datagram, now: now)
        drain(now: now)
    }

    mutating func handleTimeout(now: Instant) {
        machine.handleTimeout(now: now)
        if sends, isConnected {
            if nextFrameAt == nil { nextFrameAt = now }
            if let due = nextFrameAt, now >= due, now < stopSendingAt {
                machine.submitVideo(pattern.frame(number: frameNumber, captureTime: now), now: now)
                if let target = machine.media?.stats.targetBitrate { targets.append(target) }
                framesSubmitted += 1
                frameNumber += 1
                nextFrameAt = due + frameInterval
            }
        }
        drain(now: now)
    }

    mutating func pollTransmit() -> Datagram? { pending.isEmpty ? nil : pending.removeFirst() }

    func nextDeadline() -> Instant? {
        var deadline = machine.nextDeadline()
        if sends, isConnected, let next = nextFrameAt ?? Optional(.zero), next < stopSendingAt {
            deadline = deadline.map { min($0, next) } ?? next
        }
        return deadline
    }

    /// Sends what the machine produced and does the codec work it asked for.
    mutating func drain(now: Instant) {
        while let output = machine.pollOutput() {
            switch output {
            case let .transmit(datagram):
                pending.append(datagram)
            case let .event(.media(.encodeVideo(request))):
                let encoded = encoder.encode(request.frame, forceKeyframe: request.forceKeyframe,
                                             bitrate: request.target?.bitrate,
                                             scaleDivisor: request.target?.scaleDivisor ?? 1)
                framesEncoded += encoded.count
                for frame in encoded {
                    if frame.isKeyframe { keyframesEncoded += 1 }
                    machine.videoEncoded(frame.data, isKeyframe: frame.isKeyframe,
                                         captureTime: request.frame.captureTime, now: now)
                }
            case let .event(.media(.decodeVideo(request))):
                guard let decoded = try? decoder.decode(request.frame) else { continue }
                picturesDecoded += 1
                pictureWidths.append(decoded.width)
                // A picture congestion control scaled down is shown scaled back up, and read and compared so.
                let shown = decoded.width == pattern.width ? decoded
                    : VideoScaler.scale(decoded, width: pattern.width, height: pattern.height)
                guard let (number, captureTime) = TestPatternReader.read(shown) else { continue }
                decodedNumbers.append(number)
                decodedWidths.append(decoded.width)
                latencies.append(now - captureTime)
                psnr.append(Quality.psnr(reference: pattern.frame(number: number, captureTime: captureTime),
                                         decoded: shown))
            case .event(.media(.decodeAudio)):
                audioPacketsDecoded += 1
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

/// An offerer that sends video to an answerer over a simulated network, both running the production engine.
struct CodecCall {
    var loop: SimulationLoop<CodecCallEndpoint>
    static let senderAddress = TransportAddress(ip: .v4(10, 0, 0, 1), port: 5000)
    static let receiverAddress = TransportAddress(ip: .v4(10, 0, 0, 2), port: 6000)

    /// A call where the answerer only receives, or (`bothSend`) sends the test pattern back too.
    init(seed: UInt64, conditions: NetworkConditions, bothSend: Bool = false, width: Int = 320, height: Int = 240)
        throws
    {
        var sender = try CodecCallEndpoint(seed: seed &* 3 &+ 1, address: Self.senderAddress, sends: true,
                                           width: width, height: height)
        var receiver = try CodecCallEndpoint(seed: seed &* 3 &+ 2, address: Self.receiverAddress, sends: bothSend,
                                             width: width, height: height)
        let offer = try sender.machine.peer.createOffer()
        try sender.machine.peer.setLocalDescription(offer, type: .offer, now: .zero)
        try receiver.machine.peer.setRemoteDescription(offer, type: .offer, now: .zero)
        let answer = try receiver.machine.peer.createAnswer()
        try receiver.machine.peer.setLocalDescription(answer, type: .answer, now: .zero)
        try sender.machine.peer.setRemoteDescription(answer, type: .answer, now: .zero)
        sender.startMedia(seed: seed &+ 100)
        receiver.startMedia(seed: seed &+ 200)
        sender.drain(now: .zero)
        receiver.drain(now: .zero)
        loop = SimulationLoop(endpoints: [sender, receiver],
                              network: SimulatedNetwork(seed: seed, conditions: conditions))
    }

    var sender: CodecCallEndpoint { loop.endpoints[0] }
    var receiver: CodecCallEndpoint { loop.endpoints[1] }

    /// Connects.
    mutating func connect() {
        loop.run(for: .seconds(10)) { $0.endpoints.allSatisfy(\.isConnected) }
    }

    /// Connects, sends video for `seconds` of virtual time, then lets the last frames arrive.
    mutating func run(seconds: Int) {
        connect()
        loop.endpoints[0].stopSendingAt = loop.now + .seconds(Int64(seconds))
        loop.run(for: .seconds(Int64(seconds) + 2))
    }
}
