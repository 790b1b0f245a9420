import Media
import PeerRuntime
import RTP
import Testing
import Wire
@testable import PeerCLI

/// Connects two `CallMedia`s in memory: what one sends is handed to the other's `handle` as a peer event.
actor MemoryLink {
    private var target: CallMedia?
    private var sequence: [Mid: UInt16] = [:]
    let videoSSRC: SSRC
    let audioSSRC: SSRC

    init(videoSSRC: SSRC, audioSSRC: SSRC) {
        self.videoSSRC = videoSSRC
        self.audioSSRC = audioSSRC
    }

    func connect(to target: CallMedia) { self.target = target }

    func send(_ mid: Mid, _ payloads: [OutgoingPayload]) async -> [RTPPacket] {
        var packets: [RTPPacket] = []
        for item in payloads {
            let number = sequence[mid, default: 0]
            sequence[mid] = number &+ 1
            packets.append(RTPPacket(marker: item.marker, payloadType: PayloadType(truncating: 96),
                                     sequenceNumber: number, timestamp: item.timestamp,
                                     ssrc: mid == TransportLog.video ? videoSSRC : audioSSRC,
                                     payload: item.payload[...]))
        }
        for packet in packets { await target?.handle(.rtp(mid: mid, packet: packet)) }
        return packets
    }

    func sendRTCP(_ bytes: [UInt8]) async { await target?.handle(.rtcp(bytes)) }

    nonisolated var transport: MediaTransport {
        let layout = MediaLayout(videoMid: TransportLog.video, audioMid: TransportLog.audio, sendsVideo: true,
                                 sendsAudio: true, videoSSRC: videoSSRC, audioSSRC: audioSSRC)
        return MediaTransport(sendRTP: { await self.send($0, $1) }, resendRTX: { _, _ in 0 },
                              sendRTCP: { await self.sendRTCP($0) }, layout: { layout })
    }
}

@Suite struct CallMediaPairTests {
    func side(_ link: MemoryLink, tone: Double, remoteTone: Double) throws -> CallMedia {
        var configuration = CallMediaConfiguration(video: .testPattern(VideoFormat(width: 320, height: 240, fps: 30)),
                                                   audio: .tone(tone))
        configuration.videoBitrate = 400_000
        configuration.remoteToneFrequency = remoteTone
        return try CallMedia(transport: link.transport, configuration: configuration)
    }

    @Test func twoEndpointsExchangeMeasuredMediaAndReports() async throws {
        let linkA = MemoryLink(videoSSRC: SSRC(0xA1), audioSSRC: SSRC(0xA2))
        let linkB = MemoryLink(videoSSRC: SSRC(0xB1), audioSSRC: SSRC(0xB2))
        let a = try side(linkA, tone: 440, remoteTone: 660)
        let b = try side(linkB, tone: 660, remoteTone: 440)
        await linkA.connect(to: b)
        await linkB.connect(to: a)
        for media in [a, b] {
            await media.refreshLayout()
            await media.sender.startMedia(at: RuntimeClock.now())
        }
        // 2 s of media, sent as fast as it can be made (the RTP clocks follow the capture times given).
        let start = RuntimeClock.now()
        for frame in 0..<60 {
            for media in [a, b] {
                await media.sender.sendPatternFrame(number: UInt32(frame))
                for half in 0..<2 {
                    let offset = Int64(frame) * 33_333_333 + Int64(half) * 20_000_000
                    _ = await media.sender.sendNextAudioFrame(captureTime: start + .nanoseconds(offset))
                }
            }
            if frame % 20 == 10 {
                await a.sendReports()
                await b.sendReports()
            }
        }
        for (media, name) in [(a, "A"), (b, "B")] {
            let summary = await media.stop()
            #expect(summary.videoFramesSent == 60, "\(name)")
            #expect(summary.videoFramesDecoded == 60, "\(name)")
            #expect(summary.videoFramesDropped == 0, "\(name)")
            #expect((summary.psnrDb ?? 0) > 35, "\(name): PSNR \(String(describing: summary.psnrDb))")
            #expect(summary.latencyP50Ms != nil, "\(name)")
            #expect(summary.audioFramesSent == 120 && summary.audioFramesReceived == 120, "\(name)")
            #expect((summary.audioSnrDb ?? 0) > 15, "\(name): SNR \(String(describing: summary.audioSnrDb))")
            #expect(summary.rttMs != nil, "\(name): RTT from the other's report blocks")
            #expect(summary.avSyncOffsetMs != nil, "\(name): A/V offset from the other's sender reports")
            #expect(summary.receivedLoss == 0, "\(name)")
            #expect(summary.firstVideoFrameMs != nil && summary.firstAudioFrameMs != nil, "\(name)")
        }
    }
}
