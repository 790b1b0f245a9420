import Media
import Peer
import RTP
import SDP
import Wire

/// What a `CallMachine` tells its owner: the peer's events (state, candidates, and RTP/RTCP until media is
/// started), and the media engine's codec work and reports.
public enum CallEvent: Sendable {
    /// An event of the call's peer.
    case peer(PeerEvent)
    /// Something the media engine asks of its owner (encode, decode, a remote sender report).
    case media(MediaEvent)
}

/// The next thing a `CallMachine` wants done.
public enum CallOutput: Sendable {
    /// Send this datagram.
    case transmit(Datagram)
    /// Tell the owner this.
    case event(CallEvent)
    /// Open, write to or close a TCP/TLS connection to a TURN server.
    case stream(StreamCommand)
}

/// One call as one sans-IO machine: its `Peer` and, once started, its `MediaSession`, driven together so that a
/// packet goes from the socket through SRTP, the peer and the media engine and back out in one step, on the
/// call's own event loop, with no hop to another task (ARCHITECTURE.md, "Where time, threads and codecs live").
///
/// Until media is started, everything the peer reports (RTP included) goes to the owner. Once it is, the peer's
/// RTP and RTCP go to the media session and never reach the owner, which hears about connection state,
/// candidates and failures, and gets the engine's codec work (`CallEvent.media`): the per-packet path stays inside
/// the machine. Media starts as an endpoint (`startEndpoint`: the owner hands in pictures and audio and runs the
/// codecs), an echo (`startEcho`: forwarding, optionally decoding too) or a load replay (`startReplay`).
public struct CallMachine {
    /// The call's peer: the owner negotiates through it (offer, answer, candidates, ICE restarts).
    public var peer: Peer
    /// The media engine, once started.
    public private(set) var media: MediaSession?
    private var mediaRequested: (mode: MediaMode, ntp: NTPClock, random: any RandomNumberGenerator)?
    private var pendingEvents = OutputQueue<CallEvent>()
    /// The replayed media of a load-generating caller, once started.
    public private(set) var replay: LoadReplay?
    private var replayRequested: (program: ReplayProgram, duration: Duration, phase: Duration,
                                  random: any RandomNumberGenerator)?
    private var now: Instant = .zero

    /// A machine around `peer`, with no media engine yet.
    public init(peer: Peer) {
        self.peer = peer
    }

    /// What kind of media engine to start once the sections are negotiated.
    private enum MediaMode {
        case echo(decoding: Bool)
        case endpoint(receive: Bool)
    }

    /// Echoes every received stream back on its own section, without decoding (`MediaSession` forwarding); with
    /// `decoding`, what arrives is also handed to the owner's decoders (`CallEvent.media`). Starts at once when
    /// the sections are negotiated, or as soon as they are.
    public mutating func startEcho(ntp: NTPClock, decoding: Bool = false, random: some RandomNumberGenerator) {
        mediaRequested = (.echo(decoding: decoding), ntp, random)
        configureMediaIfReady()
    }

    /// Runs the call as an endpoint (`MediaSession(endpoint:)`): the owner hands in pictures and audio
    /// (`submitVideo`, `submitAudio`) and runs the codecs the engine asks for. With `receive` false, what arrives
    /// is not decoded (nor NACKed). Starts at once when the sections are negotiated, or as soon as they are.
    public mutating func startEndpoint(ntp: NTPClock, receive: Bool = true, random: some RandomNumberGenerator) {
        mediaRequested = (.endpoint(receive: receive), ntp, random)
        configureMediaIfReady()
    }

    private mutating func configureMediaIfReady() {
        guard media == nil, let request = mediaRequested, peer.remoteDescription != nil,
              peer.localDescription != nil else { return }
        switch request.mode {
        case let .echo(decoding):
            let routes = ForwardingRoute.echo(peer.transceivers)
            guard !routes.isEmpty else { return }
            let decoded = decoding ? EndpointLayout(peer.transceivers).inbound : []
            media = MediaSession(routes: routes, decoding: decoded, ntp: request.ntp, cname: peer.cname,
                                 random: request.random)
        case let .endpoint(receive):
            let layout = EndpointLayout(peer.transceivers, receive: receive)
            guard !layout.outbound.isEmpty || !layout.inbound.isEmpty else { return }
            media = MediaSession(endpoint: layout, ntp: request.ntp, cname: peer.cname, random: request.random)
        }
        mediaRequested = nil
    }

    // MARK: Endpoint media

    /// A picture to send (see `MediaSession.submitVideo`); dropped before media started.
    public mutating func submitVideo(_ frame: VideoFrame, now: Instant) {
        self.now = now
        media?.submitVideo(frame, now: now)
        drainMedia()
    }

    /// 20 ms of audio to send (see `MediaSession.submitAudio`); dropped before media started.
    public mutating func submitAudio(_ frame: AudioFrame, now: Instant) {
        self.now = now
        media?.submitAudio(frame, now: now)
        drainMedia()
    }

    /// An encoded VP8 frame to send (see `MediaSession.videoEncoded`).
    public mutating func videoEncoded(_ frame: [UInt8], isKeyframe: Bool, captureTime: Instant, now: Instant) {
        self.now = now
        media?.videoEncoded(frame, isKeyframe: isKeyframe, captureTime: captureTime, now: now)
        drainMedia()
    }

    /// An encoded Opus packet to send (see `MediaSession.audioEncoded`).
    public mutating func audioEncoded(_ packet: [UInt8], samples: Int, captureTime: Instant, now: Instant) {
        self.now = now
        media?.audioEncoded(packet, samples: samples, captureTime: captureTime, now: now)
        drainMedia()
    }

    /// The owner's decoder dropped frames: ask the remote for a keyframe (see `MediaSession.requestKeyframe`).
    public mutating func requestKeyframe(now: Instant) {
        self.now = now
        media?.requestKeyframe(now: now)
        drainMedia()
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

    /// The next output for the runtime: the peer's transmits, the events the owner hears, and the media
    /// engine's requests. RTP and RTCP of a started media engine are consumed here and answered through the peer.
    public mutating func pollOutput() -> CallOutput? {
        if let event = pendingEvents.next() { return .event(event) }
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
                configureMediaIfReady()
                startReplayIfRequested()
                return .event(.peer(.connectionStateChanged(.connected)))
            case let .event(event):
                return .event(.peer(event))
            case let .transmit(datagram):
                return .transmit(datagram)
            case let .stream(command):
                return .stream(command)
            }
            if let event = pendingEvents.next() { return .event(event) }
        }
        return pendingEvents.next().map { .event($0) }
    }

    /// Takes back the payload of a datagram the runtime has written (see `Peer.recycle(_:)`).
    public mutating func recycle(_ payload: consuming [UInt8]) { peer.recycle(payload) }

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
            case let .event(event): pendingEvents.append(.media(event))
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
