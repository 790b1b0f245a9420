import Media
import PeerRuntime
import RTP
import Testing
import Wire
@testable import PeerCLI

/// A transport that records what `CallMedia` sends instead of sending it.
actor TransportLog {
    var rtp: [(mid: Mid, packet: RTPPacket)] = []
    var rtcp: [RTCPPacket] = []
    private var sequence: [Mid: UInt16] = [:]

    static let video: Mid = "0"
    static let audio: Mid = "1"
    static let layout = MediaLayout(videoMid: video, audioMid: audio, sendsVideo: true, sendsAudio: true,
                                    videoSSRC: SSRC(0x1111), audioSSRC: SSRC(0x2222))

    func send(_ mid: Mid, _ payloads: [OutgoingPayload]) -> [RTPPacket] {
        payloads.map { item in
            let number = sequence[mid, default: 0]
            sequence[mid] = number &+ 1
            let packet = RTPPacket(marker: item.marker, payloadType: PayloadType(truncating: 96),
                                   sequenceNumber: number, timestamp: item.timestamp,
                                   ssrc: mid == Self.video ? SSRC(0x1111) : SSRC(0x2222), payload: item.payload[...])
            rtp.append((mid, packet))
            return packet
        }
    }

    func sendRTCP(_ bytes: [UInt8]) {
        if let compound = try? RTCPCompound(parsing: bytes[...]) { rtcp += compound.packets }
    }

    nonisolated var transport: MediaTransport {
        MediaTransport(sendRTP: { await self.send($0, $1) }, resendRTX: { _, packets in packets.count },
                       sendRTCP: { await self.sendRTCP($0) }, layout: { Self.layout })
    }
}

@Suite struct CallMediaEchoTests {
    /// The remote's stream: its own SSRC, sequence numbers and picture IDs.
    func remotePackets(_ frames: [EncodedVideoFrame]) -> [RTPPacket] {
        var packetizer = VP8Packetizer(ssrc: SSRC(0xABCD), payloadType: PayloadType(truncating: 96),
                                       initialSequenceNumber: 40_000)
        packetizer.maxPayloadSize = 300  // several packets per frame
        return frames.enumerated().flatMap { index, frame in
            packetizer.packetize(frame: frame.data[...], timestamp: 5000 &+ UInt32(index * 3000),
                                 keyframe: frame.isKeyframe)
        }
    }

    @Test func echoesReassembledVideoFramesOnItsOwnStream() async throws {
        let frames = try TestMedia.vp8Frames(6)
        let log = TransportLog()
        let media = try CallMedia(transport: log.transport,
                                  configuration: CallMediaConfiguration(video: .echo, audio: .echo))
        for packet in remotePackets(frames) { await media.handle(.rtp(mid: TransportLog.video, packet: packet)) }

        let sent = await log.rtp.filter { $0.mid == TransportLog.video }.map(\.packet)
        #expect(sent.count >= frames.count)
        var depacketizer = VP8Depacketizer()
        var echoed: [VP8Depacketizer.Frame] = []
        for packet in sent {
            if let frame = depacketizer.push(packet).frame { echoed.append(frame) }
        }
        #expect(echoed.map(\.payload) == frames.map(\.data))
        #expect(echoed.first?.isKeyframe == true)
        // The spacing of the remote's timestamps is kept.
        let steps = zip(echoed.dropFirst(), echoed).map { $0.timestamp &- $1.timestamp }
        #expect(steps == Array(repeating: 3000, count: frames.count - 1))
        // Decoding runs on the decoder thread; stopping lets it finish what it has.
        _ = await media.stop()
        let stats = await media.stats
        #expect(stats.videoFramesSent == frames.count)
        #expect(stats.videoFramesDecoded == frames.count)
        #expect(stats.decodeQueueDrops == 0)
    }

    @Test func echoesOpusPayloads() async throws {
        let packets = try TestMedia.opusPackets(5)
        let log = TransportLog()
        let media = try CallMedia(transport: log.transport,
                                  configuration: CallMediaConfiguration(video: .echo, audio: .echo))
        for (index, payload) in packets.enumerated() {
            let packet = RTPPacket(payloadType: PayloadType(truncating: 111), sequenceNumber: UInt16(index),
                                   timestamp: 77 &+ UInt32(index * 960), ssrc: SSRC(0xAAAA), payload: payload[...])
            await media.handle(.rtp(mid: TransportLog.audio, packet: packet))
        }
        let sent = await log.rtp.filter { $0.mid == TransportLog.audio }.map(\.packet)
        #expect(sent.map { Array($0.payload) } == packets)
        #expect(zip(sent.dropFirst(), sent).allSatisfy { $0.timestamp &- $1.timestamp == 960 })
        #expect(await media.stats.audioFramesReceived == 5)
    }

    @Test func aKeyframeRequestOnTheEchoAsksTheRemote() async throws {
        let frames = try TestMedia.vp8Frames(2)
        let log = TransportLog()
        let media = try CallMedia(transport: log.transport,
                                  configuration: CallMediaConfiguration(video: .echo, audio: .none))
        for packet in remotePackets(frames) { await media.handle(.rtp(mid: TransportLog.video, packet: packet)) }
        let pli = PictureLossIndication(senderSSRC: SSRC(0x5555), mediaSSRC: SSRC(0x1111))
        await media.handle(.rtcp(RTCPCompound(packets: [.pictureLossIndication(pli)]).encoded))
        let forwarded = await log.rtcp.compactMap { packet -> PictureLossIndication? in
            if case let .pictureLossIndication(pli) = packet { return pli }
            return nil
        }
        #expect(forwarded == [PictureLossIndication(senderSSRC: SSRC(0x1111), mediaSSRC: SSRC(0xABCD))])
    }

    @Test func senderReportsPairNTPAndRTPTimeOfBothStreams() async throws {
        let log = TransportLog()
        let clock = NTPClock(referenceInstant: .zero, referenceNTP: 3_900_000_000 << 32)
        let media = try CallMedia(transport: log.transport,
                                  configuration: CallMediaConfiguration(video: .none, audio: .none), ntp: clock)
        await media.refreshLayout()
        let captured = RuntimeClock.now()
        let frame = try #require(TestMedia.vp8Frames(1).first)
        await media.sender.sendEncodedVideo(frame.data, isKeyframe: true, captureTime: captured, timestamp: 90_000)
        let packet = try TestMedia.opusPackets(1)[0]
        await media.sender.sendAudio(packet, samples: 960, captureTime: captured, timestamp: 48_000)
        await media.sendReports()
        let reports = await log.rtcp.compactMap { packet -> SenderReport? in
            if case let .senderReport(report) = packet { return report }
            return nil
        }
        #expect(reports.map(\.ssrc) == [SSRC(0x1111), SSRC(0x2222)])
        // The RTP time in each report is the packet's, advanced by the NTP time since its capture.
        for (report, rate) in zip(reports, [90_000.0, 48_000.0]) {
            // Both packets carry one second of RTP time.
            let elapsed = AVSyncEstimator.seconds(report.ntpTimestamp, minus: clock.ntp(at: captured))
            #expect(abs((Double(report.rtpTimestamp) - rate) / rate - elapsed) < 0.001)
        }
    }
}
