import Peer
import RTP
import SDP
import Wire

/// One call as one sans-IO machine: its `Peer` and, once started, its `MediaSession`, driven together so that a
/// packet goes from the socket through SRTP, the peer and the media engine and back out in one step, on the
/// call's own event loop, with no hop to another task (ARCHITECTURE.md, "Where time, threads and codecs live").
///
/// Until media is started, everything the peer reports (RTP included) goes to the owner. Once it is, the peer's
/// RTP and RTCP go to the media session and never reach the owner, which only hears about connection state,
/// candidates and failures: the per-packet path stays inside the machine.
public struct CallMachine {
    /// The call's peer: the owner negotiates through it (offer, answer, candidates, ICE restarts).
    public var peer: Peer
    /// The media engine, once started.
    public private(set) var media: MediaSession?
    private var echoRequested: (ntp: NTPClock, random: any RandomNumberGenerator)?
    /// The replayed media of a load-generating caller, once started.
    public private(set) var replay: LoadReplay?
    private var replayRequested: (program: ReplayProgram, duration: Duration, phase: Duration,
                                  random: any RandomNumberGenerator)?
    private var now: Instant = .zero

    /// A machine around `peer`, with no media engine yet.
    public init(peer: Peer) {
        self.peer = peer
    }

    /// Echoes every received stream back on its own section, without decoding (`MediaSession` forwarding).
    /// Starts at once when the sections are negotiated, or as soon as they are.
    public mutating func startEcho(ntp: NTPClock, random: some RandomNumberGenerator) {
        echoRequested = (ntp, random)
        configureEchoIfReady()
    }

    private mutating func configureEchoIfReady() {
        guard media == nil, let request = echoRequested, peer.remoteDescription != nil, peer.localDescription != nil
        else { return }
        let routes = ForwardingRoute.echo(peer.transceivers)
        guard !routes.isEmpty else { return }
        media = MediaSession(routes: routes, ntp: request.ntp, cname: peer.cname, random: request.random)
        echoRequested = nil
    }

    /// Replays `program` for `duration` from `phase` after the moment the peer connects (or now, if it is
    /// connected), and measures what an echo sends back (`LoadReplay`).
    public mutating func startReplay(_ program: ReplayProgram, duration: Duration, phase: Duration = .zero,
                                     random: some RandomNumberGenerator) {
        replayRequested = (program, duration, phase, random)
        if peer.connectionState == .connected { startReplayIfRequested() }
    }

    private mutating func startReplayIfRequested() {
        guard replay == nil, var request = replayRequested else { return }
        replayRequested = nil
        let video = peer.transceivers.first { $0.kind == .video && !$0.isStopped && $0.direction.sends }
        let audio = peer.transceivers.first { $0.kind == .audio && !$0.isStopped && $0.direction.sends }
        replay = LoadReplay(program: request.program, videoMid: video?.mid, audioMid: audio?.mid, now: now,
                            duration: request.duration, phase: request.phase, random: &request.random)
        drainReplay()
    }

    private mutating func drainReplay() {
        guard replay != nil else { return }
        replay?.handleTimeout(now: now)
        while let send = replay?.pollOutput() {
            _ = try? peer.sendRTP(mid: send.mid, payload: send.payload, timestamp: send.timestamp, marker: send.marker)
        }
    }

    /// The media engine's statistics brought up to date; nil before it started.
    public mutating func currentMediaStats() -> MediaSessionStats? {
        media?.currentStats()
    }

    // MARK: Sans-IO

    /// Feeds a received datagram.
    public mutating func handle(_ datagram: Datagram, now: Instant) {
        self.now = now
        peer.handle(datagram, now: now)
    }

    /// Runs the peer's and the media engine's timers.
    public mutating func handleTimeout(now: Instant) {
        self.now = now
        peer.handleTimeout(now: now)
        if media != nil {
            media?.handleTimeout(now: now)
            drainMedia()
        }
        drainReplay()
    }

    /// Feeds what happened on a TURN stream connection.
    public mutating func handleStream(_ event: StreamEvent, now: Instant) {
        self.now = now
        peer.handleStream(event, now: now)
    }

    /// The next output for the runtime: the peer's transmits and the events the owner hears. RTP and RTCP of a
    /// started media engine are consumed here and answered through the peer.
    public mutating func pollOutput() -> PeerOutput? {
        while let output = peer.pollOutput() {
            switch output {
            case let .event(.rtp(mid, packet)) where media != nil:
                media?.receiveRTP(mid: mid, packet: packet, now: now)
                drainMedia()
            case let .event(.rtcp(bytes)) where media != nil:
                media?.receiveRTCP(bytes, now: now)
                drainMedia()
            case let .event(.rtp(mid, packet)) where replay != nil:
                replay?.echoReceived(packet, mid: mid, now: now)
            case .event(.rtcp) where replay != nil:
                break
            case .event(.connectionStateChanged(.connected)):
                configureEchoIfReady()
                startReplayIfRequested()
                return output
            default:
                return output
            }
        }
        return nil
    }

    /// The earliest deadline of the peer and the media engine.
    public func nextDeadline() -> Instant? {
        let deadlines = [peer.nextDeadline(), media?.nextDeadline(), replay?.nextDeadline()].compactMap { $0 }
        return deadlines.min()
    }

    /// Sends what the media engine produced through the peer (which queues the protected datagrams). A send that
    /// fails (the path is being restarted) is dropped, as the network would.
    private mutating func drainMedia() {
        while let output = media?.pollOutput() {
            switch output {
            case let .rtp(_, packet): _ = try? peer.sendPacket(packet)
            case let .rtcp(compound): _ = try? peer.sendRTCP(compound)
            }
        }
    }
}

extension ForwardingRoute {
    /// Routes that send every negotiated section that both receives and sends back onto itself: the echo.
    public static func echo(_ transceivers: [Transceiver]) -> [ForwardingRoute] {
        transceivers.compactMap { transceiver in
            guard !transceiver.isStopped, transceiver.direction.sends, let codec = transceiver.sendCodec else {
                return nil
            }
            let video = transceiver.kind == .video
            var rtx: RetransmissionHistory.RTX?
            if let ssrc = transceiver.localRTXSSRC, let type = transceiver.rtxPayloadType {
                rtx = RetransmissionHistory.RTX(ssrc: ssrc, payloadType: type)
            }
            return ForwardingRoute(kind: video ? .video : .audio, inboundMid: transceiver.mid,
                                   outboundMid: transceiver.mid, outboundSSRC: transceiver.localSSRC,
                                   outboundRTX: rtx, inboundRTXPayloadType: transceiver.rtxPayloadType,
                                   clockRate: codec.clockRate)
        }
    }
}
