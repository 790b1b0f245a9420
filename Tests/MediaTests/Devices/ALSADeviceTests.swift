import Glibc
import Testing
@testable import Media

/// ALSA playback and capture against alsa-lib's built-in "null" PCM (pcm.null in alsa.conf: discards what is
/// played and records silence), which exists without any sound card.
@Suite struct ALSADeviceTests {
    @Test(arguments: [1, 2]) func playbackWritesFiftyFramesToNull(channels: Int) throws {
        let playback = try ALSAPlayback(device: "null", channels: channels)
        defer { playback.close() }
        #expect(playback.channels == channels)
        #expect(playback.periodFrames == AudioFrame.samplesPerChannel20ms)
        #expect(playback.bufferFrames >= 2 * playback.periodFrames)
        var tone = ToneSource(frequency: 440, channels: channels)
        for _ in 0..<50 { try playback.write(tone.nextFrame()) }
        #expect(playback.underruns >= 0)
        playback.drain()
    }

    @Test(arguments: [1, 2]) func captureReadsFiftyFramesFromNull(channels: Int) throws {
        let capture = try ALSACapture(device: "null", channels: channels)
        defer { capture.close() }
        for _ in 0..<50 {
            let frame = try capture.read()
            #expect(frame.channels == channels)
            #expect(frame.samplesPerChannel == AudioFrame.samplesPerChannel20ms)
            #expect(frame.samples.allSatisfy { $0 == 0 })
        }
    }

    /// An underrun (EPIPE) is recovered from with snd_pcm_recover and counted, and playback carries on; an error
    /// recovery cannot handle (the device went away) is thrown with ALSA's text.
    @Test func underrunsAreRecoveredAndCounted() throws {
        let pcm = try ALSAPCM(device: "null", playback: true, channels: 1, periods: 4)
        defer { pcm.close() }
        try pcm.write([Int16](repeating: 0, count: 960))
        try pcm.recover(fromError: -EPIPE)
        try pcm.recover(fromError: -EPIPE)
        #expect(pcm.xruns == 2)
        try pcm.write([Int16](repeating: 0, count: 960))
        #expect(throws: DeviceError.self) { try pcm.recover(fromError: -ENODEV) }
        if case let .alsa(_, operation, code, message) = ALSAPCM.error("hw:0", "open for capture", -EACCES) {
            #expect(operation == "open for capture" && code == -EACCES)
            #expect(message.hasSuffix("— is the user in the audio group?"))
        } else {
            Issue.record("expected an ALSA error")
        }
    }

    @Test func closedDevicesAndWrongFramesAreTypedErrors() throws {
        let playback = try ALSAPlayback(device: "null", channels: 1)
        #expect(throws: DeviceError.invalidFrame("frame has 2 channel(s), the playback device 1")) {
            try playback.write(AudioFrame(silenceChannels: 2))
        }
        playback.close()
        playback.close()
        #expect(throws: DeviceError.closed(path: "null")) { try playback.write(AudioFrame(silenceChannels: 1)) }
        let capture = try ALSACapture(device: "null", channels: 2)
        capture.close()
        #expect(throws: DeviceError.closed(path: "null")) { try capture.read() }
    }

    @Test func unknownDevicesAndBadSettingsAreTypedErrors() {
        do {
            _ = try ALSAPlayback(device: "linkup_no_such_pcm")
            Issue.record("opening an unknown PCM succeeded")
        } catch {
            guard case let .alsa(device, operation, code, _) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(device == "linkup_no_such_pcm" && operation == "open for playback" && code < 0)
            #expect(error.description.hasPrefix("ALSA open for playback on \"linkup_no_such_pcm\" failed: "))
        }
        #expect(throws: DeviceError.self) { try ALSACapture(device: "null", channels: 3) }
        #expect(throws: DeviceError.self) { try ALSAPlayback(device: "null", periods: 1) }
    }

    @Test func deviceListsReturnAndNameNull() throws {
        let pcms = try ALSADeviceList.pcmDevices()
        // Debian's alsa.conf gives "null" a name hint; other distributions may not, so only check it when present.
        if let null = pcms.first(where: { $0.name == "null" }) {
            #expect(null.supportsPlayback && null.supportsCapture)
            #expect(!null.description.isEmpty)
        }
        #expect(pcms.contains { $0.name == "null" || $0.name == "default" } || pcms.isEmpty)
        #expect(try ALSADeviceList.playbackDevices().count <= pcms.count)
        #expect(try ALSADeviceList.captureDevices().count <= pcms.count)
        let cards = ALSADeviceList.cards()
        #expect(cards.map(\.index) == cards.map(\.index).sorted())
    }
}
