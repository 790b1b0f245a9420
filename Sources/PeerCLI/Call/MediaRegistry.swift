import Foundation
import Media
import MediaSession
import PeerRuntime
import Signaling
import Wire

/// What every call of a `linkup call` or `linkup bot` sends and records.
struct CallMediaPlan: Sendable {
    var video: VideoSourceSpec
    var audio: AudioSourceSpec
    /// Received media goes to `<directory>/<caller name>-<caller id>.ivf/.ogg` when set.
    var recordDirectory: String?
    /// A word for log lines ("call", "bot").
    var fileTag: String
    /// Echo by forwarding packets (`MediaSession`, no decoding) instead of decoding and re-sending frames.
    var forwardsEcho = false
    /// A person's devices plugged into every call (`linkup call`); none for bots.
    var taps = CallMediaTaps()

    /// The media endpoint configuration for a call with `remoteName` (`remoteID`).
    func configuration(remoteName: String, remoteID: String) throws -> CallMediaConfiguration {
        var configuration = CallMediaConfiguration(video: try video.mediaSource(), audio: try audio.mediaSource())
        configuration.taps = taps
        if let recordDirectory {
            configuration.recording = .init(directory: recordDirectory,
                                            name: Self.fileName(remoteName: remoteName, remoteID: remoteID))
        }
        return configuration
    }

    /// Checks, before anyone is called, that the files and devices named can be used, so a typo fails at once
    /// with a sentence instead of in the middle of a call.
    func checkSources() throws {
        switch video {
        case let .ivfFile(path) where !FileManager.default.isReadableFile(atPath: path):
            throw CallError("--video file:\(path): no such readable file")
        case let .camera(path):
            do {
                guard try V4L2DeviceList.describe(path: path) != nil else {
                    throw CallError("--video v4l2:\(path): not a camera (linkup devices lists the cameras here)")
                }
            } catch let error as DeviceError {
                throw CallError("--video v4l2:\(path): \(error) (linkup devices lists the cameras here)")
            }
        case let .screen(display, _):
            do {
                try X11ScreenCapture(display: display).close()
            } catch {
                throw CallError("--video \(video): \(error)")
            }
        default:
            break
        }
        switch audio {
        case let .oggFile(path) where !FileManager.default.isReadableFile(atPath: path):
            throw CallError("--audio file:\(path): no such readable file")
        case let .microphone(device):
            do {
                try ALSACapture(device: device, channels: 1).close()
            } catch {
                throw CallError("--audio alsa:\(device): \(error) (linkup devices lists the capture devices here)")
            }
        default:
            break
        }
        if let recordDirectory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: recordDirectory, isDirectory: &isDirectory),
                  isDirectory.boolValue, FileManager.default.isWritableFile(atPath: recordDirectory) else {
                throw CallError("--record \(recordDirectory): not a writable directory")
            }
        }
    }

    /// A file name safe on any file system: the caller's name and id, other characters replaced by `_`.
    static func fileName(remoteName: String, remoteID: String) -> String {
        let safe = { (text: String) in
            String(text.prefix(64).map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" })
        }
        return "\(safe(remoteName))-\(safe(remoteID))"
    }
}

/// The media endpoints of a participant's calls: made when a leg starts, finished when it ends, their
/// summaries kept.
actor MediaRegistry {
    /// A finished call's media.
    struct Result: Sendable {
        var remoteName: String
        var remoteID: String
        var reason: String
        var summary: MediaSummaryText
        var firstVideoFrameAt: Instant?
        /// The SRTP profile and the path the call ended on (`... over relay (udp) via ...`).
        var transport: String
        /// ICE restarts this side asked for.
        var iceRestarts: Int
        var json: JSONValue {
            ["remote": .string(remoteName), "remoteId": .string(remoteID), "endReason": .string(reason),
             "media": summary.json, "transport": .string(transport), "iceRestarts": .number(Double(iceRestarts))]
        }
    }

    private let plan: CallMediaPlan
    private let onEnd: @Sendable (Result) -> Void
    /// The media of a call in progress: a decoding endpoint, or the forwarding engine inside the leg's machine.
    private enum ActiveMedia {
        case endpoint(CallMedia)
        case forwarding(startedAt: Instant)
    }
    private var active: [String: (leg: CallLeg, media: ActiveMedia)] = [:]
    private(set) var results: [Result] = []

    init(plan: CallMediaPlan, onEnd: @escaping @Sendable (Result) -> Void = { _ in }) {
        self.plan = plan
        self.onEnd = onEnd
    }

    /// The hooks a `CallRouter` calls.
    nonisolated var hooks: CallRouter.MediaHooks {
        CallRouter.MediaHooks(start: { leg in try await self.start(leg) },
                              end: { leg, reason in await self.end(leg, reason: reason) })
    }

    /// Calls in progress.
    var activeCount: Int { active.count }

    private func start(_ leg: CallLeg) async throws {
        if plan.forwardsEcho {
            // The echo runs inside the leg's machine, on its event loop: nothing per packet comes out here.
            let ntp = CallMedia.wallClock()
            await leg.runtime.withMachine { machine, _ in
                machine.startEcho(ntp: ntp, random: SystemRandomNumberGenerator())
            }
            active[leg.remoteID] = (leg, .forwarding(startedAt: RuntimeClock.now()))
        } else {
            let configuration = try plan.configuration(remoteName: leg.remoteName, remoteID: leg.remoteID)
            let media = try await CallMedia(runtime: leg.runtime, configuration: configuration)
            active[leg.remoteID] = (leg, .endpoint(media))
            await leg.attach(media)
            // Media starts once the path is up: a keyframe sent before DTLS completes would be lost.
            Task {
                if await leg.waitForConnection(timeout: .seconds(30)) { await media.start() }
            }
        }
        printError("linkup \(plan.fileTag): call with \(leg.remoteName) (\(leg.remoteID)) started")
    }

    private func end(_ leg: CallLeg, reason: String) async {
        guard let entry = active.removeValue(forKey: leg.remoteID) else { return }
        let summary: MediaSummaryText
        var firstVideo: Instant?
        switch entry.media {
        case let .endpoint(media):
            summary = MediaSummaryText(await media.stop())
            firstVideo = await media.firstVideoDecodedAt
        case let .forwarding(startedAt):
            let stats = await leg.runtime.withMachine { machine, _ in machine.currentMediaStats() }
            summary = MediaSummaryText(forwarded: stats ?? MediaSessionStats(),
                                       seconds: (RuntimeClock.now() - startedAt).milliseconds / 1000)
        }
        let result = Result(remoteName: leg.remoteName, remoteID: leg.remoteID, reason: reason,
                            summary: summary, firstVideoFrameAt: firstVideo,
                            transport: await leg.transportDescription, iceRestarts: await leg.restarts)
        results.append(result)
        onEnd(result)
    }

    /// The forwarding engines' counters summed over the calls in progress, and how many calls there are.
    func forwardingTotals() async -> (calls: Int, stats: MediaSessionStats) {
        var total = MediaSessionStats()
        for (_, entry) in active {
            guard case .forwarding = entry.media,
                  let stats = await entry.leg.runtime.withMachine({ machine, _ in machine.media?.stats })
            else { continue }
            total.packetsReceived += stats.packetsReceived
            total.packetsForwarded += stats.packetsForwarded
            total.bytesForwarded += stats.bytesForwarded
            total.packetsDropped += stats.packetsDropped
            total.packetsResent += stats.packetsResent
            total.nacksReceived += stats.nacksReceived
            total.keyframeRequestsRelayed += stats.keyframeRequestsRelayed
        }
        return (active.count, total)
    }

    /// The first call in progress with a decoding endpoint: its numbers and the path it takes (for the call
    /// window's overlay).
    func firstCallStats() async -> (stats: CallMediaStats, path: String, leg: CallLeg)? {
        for (_, entry) in active.sorted(by: { $0.key < $1.key }) {
            guard case let .endpoint(media) = entry.media else { continue }
            let path = await entry.leg.runtime.withPeer { peer, _ in peer.pathDescription }
            return (await media.stats, path, entry.leg)
        }
        return nil
    }

    /// One live line per call in progress.
    func liveLines() async -> [String] {
        var lines: [String] = []
        for (_, entry) in active.sorted(by: { $0.key < $1.key }) {
            let path = await entry.leg.runtime.withPeer { peer, _ in peer.pathDescription }
            switch entry.media {
            case let .endpoint(media):
                lines.append("\(entry.leg.remoteName): \(await media.liveLine()) · \(path)")
            case .forwarding:
                let stats = await entry.leg.runtime.withMachine { machine, _ in machine.media?.stats }
                lines.append("\(entry.leg.remoteName): forwarded \(stats?.packetsForwarded ?? 0) packets · \(path)")
            }
        }
        return lines
    }
}

extension CallMedia: CallLegMedia {}
