import ArgumentParser
import DTLS
import Foundation
import Peer
import MediaSession
import PeerRuntime
import RTP
import SDP
import Wire

/// `linkup probe`: a LinkUp peer for interop tests, driven over standard input and output with JSON lines.
///
/// The offerer prints `{"type":"offer","sdp":...}` and reads `{"type":"answer",...}`; the answerer does the
/// reverse. Once connected it prints `{"type":"connected",...}`, sends `--packets` RTP packets on every sending
/// media section (20 ms apart), and prints `{"type":"stats",...}` with what it received. It then waits for
/// `{"type":"bye"}` (or end of input) and exits. Human-readable progress goes to standard error.
///
/// With `--send-media` and/or `--record DIR` it runs real media instead of the raw packets: a `CallMedia` sends
/// `--video` and `--audio` (by default the VP8 test pattern and an Opus tone; files and echo too) for
/// `--media-seconds`, records what it receives to `DIR/remote.ivf` and `DIR/remote.ogg`, and prints
/// `{"type":"media","summary":{...}}` (a `CallMediaSummary`) before the stats.
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Interop test peer: negotiate over stdin/stdout (JSON lines), connect, exchange RTP, report.",
        shouldDisplay: false)

    @Flag(help: "Create the offer (default).")
    var offer = false

    @Flag(help: "Wait for an offer and answer it.")
    var answer = false

    @Option(help: "RTP packets to send on each sending media section.")
    var packets = 100

    @Option(help: "Local IP address to bind (repeatable). Default: 127.0.0.1.")
    var host: [String] = []

    @Flag(help: "Bind every up interface (IPv4 and IPv6, loopback included) instead of --host.")
    var allInterfaces = false

    @Option(help: "Seconds to wait for the connection before giving up.")
    var timeout: Double = 20

    @Option(help: "SRTP profile to offer in DTLS (repeatable): aes128gcm, aes256gcm, aes128cm. Default: all.")
    var srtpProfile: [String] = []

    @Flag(help: "Send real media from --video and --audio (instead of --packets raw packets).")
    var sendMedia = false

    @Option(help: "Record received video and audio to DIR/remote.ivf and DIR/remote.ogg.")
    var record: String?

    @Option(help: "Seconds of media with --send-media or --record.")
    var mediaSeconds: Double = 3

    @Option(help: "Video with --send-media: testsrc[:WxH@fps], file:PATH.ivf, echo, none.")
    var video: VideoSourceSpec = .testPattern(width: 320, height: 240, fps: 30)

    @Option(help: "Audio with --send-media: tone[:HZ], file:PATH.ogg, echo, none.")
    var audio: AudioSourceSpec = .tone(frequency: 440)

    @Flag(help: ArgumentHelp("Report every decoded video frame (decode time on the host's monotonic clock, latency, "
                             + "PSNR) in the media summary, for benchmarks; receives media even without --send-media."))
    var frameTimeline = false

    @Flag(help: ArgumentHelp("Offer (or accept) data channels, and after connecting run the data commands read on "
                             + "standard input (open, send, bulk, close, report; see ProbeDataDriver) until \"bye\"."))
    var data = false

    @Flag(help: "With --data: offer only a data channel section, no audio or video.")
    var dataOnly = false

    @Flag(help: "With --data: do not print each received message (bulk transfers), only reports.")
    var dataQuiet = false

    @OptionGroup(title: "STUN and TURN") var iceOptions: ICEServerCommandOptions

    /// Real media (CallMedia) rather than raw packets.
    var mediaMode: Bool { sendMedia || record != nil || frameTimeline }

    func validate() throws {
        if offer && answer { throw ValidationError("choose one of --offer and --answer") }
        if allInterfaces && !host.isEmpty { throw ValidationError("choose one of --host and --all-interfaces") }
        if packets < 0 { throw ValidationError("--packets must not be negative") }
        if !(0.1...600).contains(mediaSeconds) { throw ValidationError("--media-seconds must be in 0.1...600") }
        for name in srtpProfile where Self.profile(named: name) == nil {
            throw ValidationError("unknown SRTP profile \"\(name)\": use aes128gcm, aes256gcm or aes128cm")
        }
        for address in host where IPAddress(address) == nil {
            throw ValidationError("--host \"\(address)\" is not an IP address")
        }
    }

    static func profile(named name: String) -> SRTPProtectionProfile? {
        switch name.lowercased() {
        case "aes128gcm", "srtp_aead_aes_128_gcm": return .aeadAes128Gcm
        case "aes256gcm", "srtp_aead_aes_256_gcm": return .aeadAes256Gcm
        case "aes128cm", "srtp_aes128_cm_sha1_80": return .aes128CmHmacSha1_80
        default: return nil
        }
    }

    func run() async throws {
        var configuration = PeerConfiguration(media: dataOnly ? [] : [.audio, .video])
        configuration.offersDataChannels = data || dataOnly
        if !srtpProfile.isEmpty { configuration.srtpProfiles = srtpProfile.compactMap(Self.profile(named:)) }
        do {
            configuration.iceServers = try iceOptions.endpoints(for: iceOptions.servers(from: []))
        } catch {
            emit(["type": "error", "message": "\(error)"])
            throw ExitCode.failure
        }
        configuration.ice.relayOnly = iceOptions.relayOnly
        let peer = try Peer(configuration: configuration, random: SystemRandomNumberGenerator())
        let runtime = MachineRuntime(machine: CallMachine(peer: peer))
        if let caFile = iceOptions.caFile { await runtime.trustCertificateAuthorities(inFile: caFile) }
        var bound: [TransportAddress] = []
        if allInterfaces {
            bound = try await runtime.bind(try HostAddress.enumerate([.loopback]))
        } else {
            for address in (host.isEmpty ? ["127.0.0.1"] : host).compactMap(IPAddress.init) {
                bound.append(try await runtime.bind(address))
            }
        }
        let localAddresses = bound
        await runtime.withPeer { peer, now in
            for (index, address) in localAddresses.enumerated() {
                peer.addLocalHostCandidate(address, interfaceIndex: index, now: now)
            }
            peer.finishGathering(now: now)
        }
        log("bound \(bound.map(\.description).joined(separator: ", "))")

        let tracker = ProbeTracker()
        var media: CallMedia?
        if mediaMode {
            var settings = CallMediaConfiguration(video: sendMedia ? try video.mediaSource() : .none,
                                                  audio: sendMedia ? try audio.mediaSource() : .none)
            settings.keepsFrameTimeline = frameTimeline
            if let record {
                try FileManager.default.createDirectory(atPath: record, withIntermediateDirectories: true)
                settings.recording = .init(directory: record, name: "remote")
            }
            let callMedia = try await CallMedia(runtime: runtime, configuration: settings)
            await tracker.setMedia(callMedia)
            media = callMedia
        }
        let dataDriver = data || dataOnly ? ProbeDataDriver(runtime: runtime, quiet: dataQuiet) : nil
        if let dataDriver { await tracker.setDataDriver(dataDriver) }
        let consumer = Task { await tracker.consume(runtime.events) }
        let input = LineReader { candidate in
            do {
                try await runtime.withPeer { peer, now in try peer.addRemoteCandidate(candidate, now: now) }
            } catch {
                printError("linkup probe: ignoring a candidate: \(error)")
            }
        }

        let negotiatedAt: Instant
        if answer {
            let message = try await input.message(type: "offer")
            negotiatedAt = try await runtime.withPeer { peer, now in
                try peer.setRemoteDescription(message.sdp, type: .offer, now: now)
                return now
            }
            let sdp = try await runtime.withPeer { peer, now in
                let sdp = try peer.createAnswer()
                try peer.setLocalDescription(sdp, type: .answer, now: now)
                return sdp
            }
            emit(["type": "answer", "sdp": sdp])
            await tracker.descriptionEmitted()
        } else {
            let sdp = try await runtime.withPeer { peer, now in
                let sdp = try peer.createOffer()
                try peer.setLocalDescription(sdp, type: .offer, now: now)
                return sdp
            }
            emit(["type": "offer", "sdp": sdp])
            await tracker.descriptionEmitted()
            let message = try await input.message(type: "answer")
            negotiatedAt = try await runtime.withPeer { peer, now in
                try peer.setRemoteDescription(message.sdp, type: .answer, now: now)
                return now
            }
        }

        guard let connectedAt = await tracker.waitForConnection(timeout: timeout) else {
            let reason = await tracker.failure ?? "no connection within \(timeout) s"
            emit(["type": "error", "message": reason])
            await runtime.close()
            throw ExitCode.failure
        }
        let (profile, kinds, pair) = await runtime.withPeer { peer, _ in
            (peer.negotiatedProfile?.description ?? "?",
             Dictionary(uniqueKeysWithValues: peer.transceivers.map { ($0.mid.rawValue, $0.kind.rawValue) }),
             peer.pathDescription)
        }
        await tracker.setKinds(kinds)
        let setup = connectedAt - negotiatedAt
        log("connected in \(Int(setup.milliseconds)) ms with \(profile) over \(pair)")
        emit(["type": "connected", "setupMs": setup.milliseconds, "profile": profile, "pair": pair])

        if let media {
            let end = RuntimeClock.now() + .milliseconds(Int64(mediaSeconds * 1000))
            // Half a second more of receiving after sending stops, for frames in flight.
            // With --frame-timeline, the sender's congestion control every 250 ms, for the benchmark's story.
            let sampler = !frameTimeline ? nil : Task {
                var samples: [SendRateSample] = []
                while !Task.isCancelled {
                    let s = await media.engineStats
                    samples.append(SendRateSample(at: Double(RuntimeClock.now().nanoseconds) / 1e9,
                                                  bytesSent: s.bytesSent, target: s.targetBitrate,
                                                  delayBased: s.delayBasedEstimate, lossBased: s.lossBasedEstimate,
                                                  usage: s.bandwidthUsage, step: s.videoStep,
                                                  skipped: s.framesSkipped, paddingPackets: s.paddingPacketsSent,
                                                  packetsResent: s.packetsResent, rttMs: s.roundTripMs))
                    try? await Task.sleep(for: .milliseconds(250))
                }
                return samples
            }
            await media.run(until: end + .milliseconds(500), sendingUntil: end)
            if let sampler {
                sampler.cancel()
                let samples = try JSONSerialization.jsonObject(with: JSONEncoder().encode(await sampler.value))
                emit(["type": "sendTimeline", "samples": samples])
            }
            let summary = await media.stop()
            log(summary.text)
            let data = try JSONEncoder().encode(summary)
            emit(["type": "media", "summary": try JSONSerialization.jsonObject(with: data)])
        } else if let dataDriver {
            if !dataOnly, packets > 0 {
                // Media sections bundled with the data channel: RTP first, its counts in a "stats" line.
                try await sendPackets(runtime: runtime)
                try await Task.sleep(for: .milliseconds(500))
                emit(["type": "stats", "received": await tracker.snapshot(), "sent": packets])
            }
            // Data commands until "bye" (or the end of input), each run to its end before the next.
            while let message = await input.nextMessage(), message.type != "bye" {
                await dataDriver.run(message.line)
            }
            await dataDriver.run(#"{"type":"report"}"#)
            await runtime.withPeer { peer, now in peer.close(now: now) }
            await runtime.close()
            consumer.cancel()
            return
        } else {
            try await sendPackets(runtime: runtime)
            try await Task.sleep(for: .seconds(1))
        }
        let stats = await tracker.snapshot()
        let dropped = await runtime.withPeer { peer, _ in peer.droppedPackets }
        let state = await runtime.withPeer { peer, _ in peer.connectionState.rawValue }
        emit(["type": "stats", "received": stats, "dropped": dropped, "state": state, "sent": mediaMode ? 0 : packets])

        _ = try? await input.message(type: "bye", allowEOF: true)
        await runtime.withPeer { peer, now in peer.close(now: now) }
        await runtime.close()
        consumer.cancel()
    }

    /// Sends `packets` RTP packets per sending section: a real Opus silence frame for audio (RFC 6716 §3.1,
    /// TOC 0xF8: CELT fullband 20 ms), and a small VP8-described payload for video (RFC 7741 §4.2).
    func sendPackets(runtime: MachineRuntime<CallMachine>) async throws {
        for index in 0..<packets {
            try await runtime.withPeer { peer, _ in
                for transceiver in peer.transceivers where transceiver.direction.sends && !transceiver.isStopped {
                    let isAudio = transceiver.kind == .audio
                    let payload: [UInt8] = isAudio ? [0xF8, 0xFF, 0xFE]
                        : [0x10, 0x00, 0x9D, 0x01, 0x2A] + Array(repeating: 0, count: 32)
                    let timestamp = UInt32(truncatingIfNeeded: index) &* (isAudio ? 960 : 3000)
                    try peer.sendRTP(mid: transceiver.mid, payload: payload[...], timestamp: timestamp,
                                     marker: !isAudio)
                }
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func log(_ message: String) { printError("linkup probe: \(message)") }
}

/// Writes one JSON object as a line on standard output.
func emit(_ object: [String: Any]) {
    guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
    data.append(0x0A)
    // Unbuffered, so the driving process sees each message at once.
    FileHandle.standardOutput.write(data)
}
