import Media

/// What `linkup devices` found, as text or as one JSON object.
struct DevicesReport {
    var cameras: [V4L2DeviceInfo]
    /// /dev/video* nodes that could not be asked (busy, forbidden).
    var skippedCameras: [DeviceError]
    var cards: [ALSACardInfo]
    var pcms: [ALSADeviceInfo]
    /// Why the PCM list could not be read, if it could not.
    var pcmError: DeviceError?

    static let noCameras = "No cameras found (no /dev/video* device answers as a V4L2 capture device)."
    static let noCards = "No sound cards found (ALSA lists none)."

    /// Asks V4L2 and ALSA.
    static func gather() -> DevicesReport {
        let (cameras, skipped) = V4L2DeviceList.captureDevices()
        var pcms: [ALSADeviceInfo] = []
        var pcmError: DeviceError?
        do throws(DeviceError) { pcms = try ALSADeviceList.pcmDevices() } catch { pcmError = error }
        return DevicesReport(cameras: cameras, skippedCameras: skipped, cards: ALSADeviceList.cards(), pcms: pcms,
            pcmError: pcmError)
    }

    var text: String {
        var lines: [String] = ["Cameras (V4L2):"]
        if cameras.isEmpty { lines.append("  " + Self.noCameras) }
        for camera in cameras {
            lines.append("  \(camera.path)  \(camera.name) (driver \(camera.driver), \(camera.bus))")
            if camera.formats.isEmpty { lines.append("    no capture formats listed") }
            for format in camera.formats {
                let flags = [format.isEmulated ? "converted by libv4l" : nil, format.isCompressed ? "compressed" : nil]
                    .compactMap { $0 }
                let note = flags.isEmpty ? "" : " [\(flags.joined(separator: ", "))]"
                lines.append("    \(format.pixelFormat) \(format.description)\(note): \(Self.sizes(of: format))")
            }
        }
        for skipped in skippedCameras { lines.append("  skipped: \(skipped)") }
        lines.append("")
        lines.append("Sound cards (ALSA):")
        if cards.isEmpty { lines.append("  " + Self.noCards) }
        for card in cards { lines.append("  card \(card.index): \(card.name) — \(card.longName)") }
        for (title, filter) in [("Audio playback devices (ALSA PCMs): speakers, for linkup call --speaker alsa:NAME",
                                 \ALSADeviceInfo.supportsPlayback),
                                ("Audio capture devices (ALSA PCMs): microphones, for --audio alsa:NAME",
                                 \ALSADeviceInfo.supportsCapture)] {
            lines.append("")
            lines.append(title)
            if let pcmError {
                lines.append("  cannot list: \(pcmError)")
                continue
            }
            let matching = pcms.filter { $0[keyPath: filter] }
            if matching.isEmpty { lines.append("  None found.") }
            for pcm in matching {
                lines.append("  \(pcm.name)" + (pcm.description.isEmpty ? "" : "  \(pcm.description)"))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// "640x480 (30, 15 fps), 1280x720 (10 fps)" or a range.
    static func sizes(of format: V4L2FormatInfo) -> String {
        guard let sizes = format.sizes else { return "any size (the driver lists none)" }
        switch sizes {
        case let .discrete(list):
            return list.sorted().map { size in
                format.intervals[size].map { "\(size) (\($0))" } ?? size.description
            }.joined(separator: ", ")
        case let .stepwise(_, maximum, _):
            return sizes.description + (format.intervals[maximum].map { ", \($0) at \(maximum)" } ?? "")
        }
    }

    var json: [String: Any] {
        var object: [String: Any] = [
            "cameras": cameras.map { camera -> [String: Any] in
                [
                    "path": camera.path, "name": camera.name, "driver": camera.driver, "bus": camera.bus,
                    "version": camera.version, "canStream": camera.canStream,
                    "formats": camera.formats.map(Self.json(format:)),
                ]
            },
            "skippedCameras": skippedCameras.map(\.description),
            "cards": cards.map { ["index": $0.index, "name": $0.name, "longName": $0.longName] as [String: Any] },
            "pcms": pcms.map {
                [
                    "name": $0.name, "description": $0.description, "playback": $0.supportsPlayback,
                    "capture": $0.supportsCapture,
                ] as [String: Any]
            },
        ]
        if let pcmError { object["pcmError"] = pcmError.description }
        return object
    }

    private static func json(format: V4L2FormatInfo) -> [String: Any] {
        var entry: [String: Any] = [
            "fourcc": format.pixelFormat.description, "description": format.description,
            "emulated": format.isEmulated, "compressed": format.isCompressed,
        ]
        switch format.sizes {
        case let .discrete(list)?:
            entry["sizes"] = list.sorted().map { size -> [String: Any] in
                var item: [String: Any] = ["width": size.width, "height": size.height]
                if let intervals = format.intervals[size] { item["fps"] = intervals.framesPerSecond }
                return item
            }
        case let .stepwise(minimum, maximum, step)?:
            entry["sizeRange"] = [
                "minWidth": minimum.width, "minHeight": minimum.height, "maxWidth": maximum.width,
                "maxHeight": maximum.height, "stepWidth": step.width, "stepHeight": step.height,
            ]
        case nil:
            break
        }
        return entry
    }
}
