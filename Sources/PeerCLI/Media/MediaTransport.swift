import MediaSession
import Peer
import PeerRuntime
import RTP
import SDP
import Wire

/// A runtime machine that has one `Peer` inside: the `Peer` itself, or a `Peer` behind a lossy path. `CallMedia`
/// reaches the peer through this, so one media endpoint serves `linkup call`, `bot`, `probe` and `loopback`.
protocol PeerHostingMachine: SansIOMachine where Event == PeerEvent {
    /// Runs `body` on the peer inside.
    mutating func withPeer<R>(_ body: (inout Peer) throws -> R) rethrows -> R
}

extension Peer: PeerHostingMachine {
    mutating func withPeer<R>(_ body: (inout Peer) throws -> R) rethrows -> R { try body(&self) }
}

extension CallMachine: PeerHostingMachine {
    mutating func withPeer<R>(_ body: (inout Peer) throws -> R) rethrows -> R { try body(&peer) }
}

extension LossyMachine: PeerHostingMachine where Machine == Peer {
    mutating func withPeer<R>(_ body: (inout Peer) throws -> R) rethrows -> R { try body(&machine) }
}

/// One RTP payload to send: what a packetizer produced, before the peer adds SSRC, sequence number and SRTP.
struct OutgoingPayload: Sendable {
    var payload: [UInt8]
    var timestamp: UInt32
    var marker: Bool
}

/// What `CallMedia` needs from the runtime that owns its peer, as closures over that runtime (an actor, so they
/// are `Sendable`). Errors (not connected yet, a section that does not send) make a send a no-op: media starts
/// flowing once the peer can carry it.
struct MediaTransport: Sendable {
    /// Sends payloads on `mid` in one runtime turn; returns the packets as sent (for the retransmission history).
    var sendRTP: @Sendable (_ mid: Mid, _ payloads: [OutgoingPayload]) async -> [RTPPacket]
    /// Resends packets this side sent on `mid` as RTX; returns how many went out.
    var resendRTX: @Sendable (_ mid: Mid, _ packets: [RTPPacket]) async -> Int
    /// Sends one RTCP compound packet.
    var sendRTCP: @Sendable (_ compound: [UInt8]) async -> Void
    /// Which sections carry what, once negotiated.
    var layout: @Sendable () async -> MediaLayout

    /// A transport over `runtime`'s peer.
    init<Machine: PeerHostingMachine>(runtime: MachineRuntime<Machine>) {
        sendRTP = { mid, payloads in
            await runtime.withMachine { machine, _ in
                machine.withPeer { peer in
                    var sent: [RTPPacket] = []
                    for item in payloads {
                        guard let packet = try? peer.sendRTP(mid: mid, payload: item.payload[...],
                                                             timestamp: item.timestamp, marker: item.marker)
                        else { break }
                        sent.append(packet)
                    }
                    return sent
                }
            }
        }
        resendRTX = { mid, packets in
            await runtime.withMachine { machine, _ in
                machine.withPeer { peer in
                    var count = 0
                    for packet in packets where (try? peer.resendRTX(packet, mid: mid)) != nil { count += 1 }
                    return count
                }
            }
        }
        sendRTCP = { compound in
            await runtime.withMachine { machine, _ in
                machine.withPeer { peer in _ = try? peer.sendRTCP(compound) }
            }
        }
        layout = {
            await runtime.withMachine { machine, _ in machine.withPeer { MediaLayout($0.transceivers) } }
        }
    }

    /// A transport made of the given closures (tests record what would be sent).
    init(sendRTP: @escaping @Sendable (Mid, [OutgoingPayload]) async -> [RTPPacket],
         resendRTX: @escaping @Sendable (Mid, [RTPPacket]) async -> Int,
         sendRTCP: @escaping @Sendable ([UInt8]) async -> Void,
         layout: @escaping @Sendable () async -> MediaLayout) {
        self.sendRTP = sendRTP
        self.resendRTX = resendRTX
        self.sendRTCP = sendRTCP
        self.layout = layout
    }
}

/// The first audio and the first video section of a negotiated peer: what `CallMedia` sends and receives on.
struct MediaLayout: Sendable, Equatable {
    var videoMid: Mid?
    var audioMid: Mid?
    /// Whether this side sends on each section (direction sendrecv or sendonly).
    var sendsVideo = false
    var sendsAudio = false
    var videoSSRC: SSRC?
    var audioSSRC: SSRC?
    /// The RTX payload type of the video section, when negotiated.
    var rtxPayloadType: PayloadType?

    init(videoMid: Mid? = nil, audioMid: Mid? = nil, sendsVideo: Bool = false, sendsAudio: Bool = false,
         videoSSRC: SSRC? = nil, audioSSRC: SSRC? = nil, rtxPayloadType: PayloadType? = nil) {
        self.videoMid = videoMid
        self.audioMid = audioMid
        self.sendsVideo = sendsVideo
        self.sendsAudio = sendsAudio
        self.videoSSRC = videoSSRC
        self.audioSSRC = audioSSRC
        self.rtxPayloadType = rtxPayloadType
    }

    init(_ transceivers: [Transceiver]) {
        let video = transceivers.first { $0.kind == .video && !$0.isStopped }
        let audio = transceivers.first { $0.kind == .audio && !$0.isStopped }
        self.init(videoMid: video?.mid, audioMid: audio?.mid, sendsVideo: video?.direction.sends ?? false,
                  sendsAudio: audio?.direction.sends ?? false, videoSSRC: video?.localSSRC,
                  audioSSRC: audio?.localSSRC, rtxPayloadType: video?.rtxPayloadType)
    }
}
