import RTP
import Wire

/// A load-generating caller's media, sans-IO: replays a `ReplayProgram` on its own schedule and measures what an
/// echo sends back: packets echoed, loss on the return stream (the echo keeps the source's sequence gaps, so this
/// is the loss of both legs), interarrival jitter (RFC 3550 §6.4.1) and the round trip of each packet, matched by
/// a fingerprint of its payload (an echo rewrites SSRC, sequence number and timestamp but not the payload).
public struct LoadReplay {
    /// A packet to send: payload (shared with the program, not copied), RTP timestamp and marker, on `mid`.
    public struct Send: Sendable {
        /// The section it goes on.
        public var mid: Mid
        /// The payload.
        public var payload: ArraySlice<UInt8>
        /// The RTP timestamp.
        public var timestamp: UInt32
        /// The marker bit (last packet of a video frame).
        public var marker: Bool
    }

    private let program: ReplayProgram
    private let videoMid: Mid?
    private let audioMid: Mid?
    private let start: Instant
    private let end: Instant
    private var videoIndex = 0, videoLoops: Int64 = 0
    private var audioIndex = 0, audioLoops: Int64 = 0
    private let videoBase: UInt32, audioBase: UInt32
    private var outputs = OutputQueue<Send>()
    /// Payload fingerprint → when it was sent, for the round trip; entries older than 2 s are dropped.
    private var inFlight: [UInt64: Instant] = [:]
    private var nextSweep: Instant
    private var echoStreams: [SSRC: ReceiverStatistics] = [:]
    /// What the replay measured so far.
    public private(set) var stats = LoadReplayStats()
    /// Round trips of packets sent this long after the start are also kept apart: the steady state, once every
    /// caller of a load run has connected and the signaling storm of their arrival is over.
    public static let settlingTime: Duration = .seconds(5)

    /// A replay of `program` on `videoMid` and `audioMid` (nil: that medium is not sent) from `phase` after `now`
    /// until `duration` after that; `random` picks the RTP timestamps' random origin. Callers of one load run
    /// start at different phases so their keyframes and frame ticks do not all fall on the same instants, as
    /// independent callers' would not.
    public init(program: ReplayProgram, videoMid: Mid?, audioMid: Mid?, now: Instant, duration: Duration,
                phase: Duration = .zero, random: inout some RandomNumberGenerator) {
        self.program = program
        self.videoMid = program.video.isEmpty ? nil : videoMid
        self.audioMid = program.audio.isEmpty ? nil : audioMid
        start = now + phase
        end = start + duration
        nextSweep = start + .seconds(1)
        videoBase = UInt32.random(in: 0...UInt32.max, using: &random)
        audioBase = UInt32.random(in: 0...UInt32.max, using: &random)
    }

    /// Whether the replay has sent everything it was to send.
    public var isFinished: Bool { nextDue() == nil }

    /// Sends what is due at `now`.
    public mutating func handleTimeout(now: Instant) {
        while let mid = videoMid, let due = videoDue(), due <= now, due < end {
            let frame = program.video[videoIndex]
            let timestamp = videoBase &+ frame.timestamp &+ UInt32(truncatingIfNeeded: videoLoops * loopTicks(90_000))
            for (index, payload) in frame.payloads.enumerated() {
                outputs.append(Send(mid: mid, payload: payload[...], timestamp: timestamp,
                                    marker: index == frame.payloads.count - 1))
                sent(payload, now: now)
            }
            videoIndex += 1
            if videoIndex == program.video.count { videoIndex = 0; videoLoops += 1 }
        }
        while let mid = audioMid, let due = audioDue(), due <= now, due < end {
            let packet = program.audio[audioIndex]
            let timestamp = audioBase &+ packet.timestamp &+ UInt32(truncatingIfNeeded: audioLoops * loopTicks(48_000))
            outputs.append(Send(mid: mid, payload: packet.payload[...], timestamp: timestamp, marker: false))
            sent(packet.payload, now: now)
            audioIndex += 1
            if audioIndex == program.audio.count { audioIndex = 0; audioLoops += 1 }
        }
        if now >= nextSweep {
            nextSweep = now + .seconds(1)
            let horizon = now - .seconds(2)
            inFlight = inFlight.filter { $0.value >= horizon }
        }
    }

    /// An RTP packet the echo sent back on `mid`.
    public mutating func echoReceived(_ packet: RTPPacket, mid: Mid, now: Instant) {
        stats.packetsEchoed += 1
        let clockRate: UInt32 = mid == videoMid ? 90_000 : 48_000
        echoStreams[packet.ssrc, default: ReceiverStatistics(ssrc: packet.ssrc, clockRate: clockRate)]
            .packetReceived(sequenceNumber: packet.sequenceNumber, rtpTimestamp: packet.timestamp, arrival: now)
        if let sentAt = inFlight.removeValue(forKey: Self.fingerprint(packet.payload)) {
            let rtt = (now - sentAt).milliseconds
            stats.roundTripsMs.append(rtt)
            if sentAt >= start + Self.settlingTime { stats.settledRoundTripsMs.append(rtt) }
        }
    }

    /// The next thing to send, or nil.
    public mutating func pollOutput() -> Send? { outputs.next() }

    /// When the next packet is due (nil once the replay is over).
    public func nextDeadline() -> Instant? { nextDue() }

    /// The statistics with loss and jitter of the echoed streams brought up to date.
    public func currentStats() -> LoadReplayStats {
        var stats = stats
        stats.echoPacketsExpected = echoStreams.values.reduce(0) { $0 + $1.packetsExpected }
        stats.echoPacketsLost = echoStreams.values.reduce(0) { $0 + max($1.cumulativeLost, 0) }
        stats.jitterMs = echoStreams.values.map { Double($0.jitter) * 1000 / Double($0.clockRate) }.max()
        return stats
    }

    // MARK: Internals

    private mutating func sent(_ payload: [UInt8], now: Instant) {
        stats.packetsSent += 1
        stats.bytesSent += payload.count
        inFlight[Self.fingerprint(payload[...])] = now
    }

    /// The program's loop in `clockRate` ticks.
    private func loopTicks(_ clockRate: Int64) -> Int64 {
        program.loopDuration.components.seconds * clockRate
            + program.loopDuration.components.attoseconds / (1_000_000_000_000_000_000 / clockRate)
    }

    private func videoDue() -> Instant? {
        guard videoMid != nil else { return nil }
        return start + program.loopDuration * Int(videoLoops) + program.video[videoIndex].due
    }

    private func audioDue() -> Instant? {
        guard audioMid != nil else { return nil }
        return start + program.loopDuration * Int(audioLoops) + program.audio[audioIndex].due
    }

    private func nextDue() -> Instant? {
        [videoDue(), audioDue()].compactMap { $0 }.filter { $0 < end }.min()
    }

    /// FNV-1a over the payload's length and its first 64 bytes: enough to tell packets of one loop apart.
    static func fingerprint(_ payload: ArraySlice<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        hash = (hash ^ UInt64(payload.count)) &* 0x0000_0100_0000_01B3
        for byte in payload.prefix(64) { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }
}

/// What a `LoadReplay` measured.
public struct LoadReplayStats: Sendable, Equatable {
    /// RTP packets and payload bytes sent.
    public var packetsSent = 0
    public var bytesSent = 0
    /// RTP packets the echo sent back.
    public var packetsEchoed = 0
    /// Packets expected and lost on the echoed streams (RFC 3550 Appendix A.3).
    public var echoPacketsExpected: UInt64 = 0
    public var echoPacketsLost: Int64 = 0
    /// The largest interarrival jitter of the echoed streams, in milliseconds.
    public var jitterMs: Double?
    /// Round trip of every matched packet, in milliseconds, in arrival order.
    public var roundTripsMs: [Double] = []
    /// The same for packets sent after `LoadReplay.settlingTime`.
    public var settledRoundTripsMs: [Double] = []

    /// Empty statistics.
    public init() {}

    /// The share of echoed-stream packets lost (0...1).
    public var lossFraction: Double {
        echoPacketsExpected > 0 ? Double(max(echoPacketsLost, 0)) / Double(echoPacketsExpected) : 0
    }
}
