internal import CALSA
internal import CShim

#if canImport(Glibc)
import Glibc
#endif

/// An open ALSA PCM configured for LinkUp's audio: interleaved S16_LE at 48 kHz, mono or stereo, periods of 20 ms
/// (960 frames) so each `AudioFrame` is one period. Shared by `ALSAPlayback` and `ALSACapture`; not thread-safe.
final class ALSAPCM {
    /// The PCM name it was opened with ("default", "hw:1,0", "null", ...).
    let device: String
    /// Playback or capture.
    let isPlayback: Bool
    /// 1 or 2.
    let channels: Int
    /// Frames per period as granted (960 asked).
    let periodFrames: Int
    /// Frames in the whole ring buffer as granted.
    let bufferFrames: Int
    /// Underruns (playback) or overruns (capture) recovered from.
    private(set) var xruns = 0
    private var pcm: OpaquePointer?

    /// Opens and configures `device`; `periods` is the ring buffer length in periods (latency versus safety).
    init(device: String, playback: Bool, channels: Int, periods: Int) throws(DeviceError) {
        guard channels == 1 || channels == 2 else {
            throw .invalidConfiguration("ALSA channels must be 1 or 2, not \(channels)")
        }
        guard (2...16).contains(periods) else {
            throw .invalidConfiguration("an ALSA buffer of \(periods) periods is out of range (2...16)")
        }
        self.device = device
        isPlayback = playback
        self.channels = channels
        var handle: OpaquePointer?
        let direction = playback ? SND_PCM_STREAM_PLAYBACK : SND_PCM_STREAM_CAPTURE
        // Opened non-blocking: a blocking open of a hardware device another program holds waits until it is free,
        // which would hang the caller; reads and writes are switched back to blocking below.
        // alsa-lib prints its own diagnostics to stderr; LinkUp reports the failure as a sentence instead.
        linkup_alsa_silence_errors()
        let opened = snd_pcm_open(&handle, device, direction, SND_PCM_NONBLOCK)
        guard opened >= 0, let handle else {
            throw Self.error(device, playback ? "open for playback" : "open for capture", opened)
        }
        do throws(DeviceError) {
            try Self.check(device, "switch to blocking I/O", snd_pcm_nonblock(handle, 0))
            (periodFrames, bufferFrames) = try Self.configure(handle, device: device, channels: channels,
                periods: periods, playback: playback)
        } catch {
            snd_pcm_close(handle)
            throw error
        }
        pcm = handle
    }

    deinit { close() }

    /// Sets the hardware parameters (access, format, channels, rate, period, buffer) and, for playback, a start
    /// threshold of two periods so a little audio is queued before the device starts consuming it.
    private static func configure(
        _ pcm: OpaquePointer, device: String, channels: Int, periods: Int, playback: Bool
    ) throws(DeviceError) -> (period: Int, buffer: Int) {
        var hardware: OpaquePointer?
        try check(device, "allocate hardware parameters", snd_pcm_hw_params_malloc(&hardware))
        defer { snd_pcm_hw_params_free(hardware) }
        try check(device, "read hardware parameters", snd_pcm_hw_params_any(pcm, hardware))
        try check(device, "enable resampling", snd_pcm_hw_params_set_rate_resample(pcm, hardware, 1))
        try check(device, "set interleaved access",
            snd_pcm_hw_params_set_access(pcm, hardware, SND_PCM_ACCESS_RW_INTERLEAVED))
        try check(device, "set format S16_LE", snd_pcm_hw_params_set_format(pcm, hardware, SND_PCM_FORMAT_S16_LE))
        try check(device, "set \(channels) channel(s)",
            snd_pcm_hw_params_set_channels(pcm, hardware, UInt32(channels)))
        var rate = UInt32(AudioFrame.sampleRate)
        var direction: Int32 = 0
        try check(device, "set rate 48000 Hz", snd_pcm_hw_params_set_rate_near(pcm, hardware, &rate, &direction))
        guard rate == UInt32(AudioFrame.sampleRate) else {
            throw .invalidConfiguration("ALSA device \"\(device)\" runs at \(rate) Hz, not 48000 Hz")
        }
        var period = snd_pcm_uframes_t(AudioFrame.samplesPerChannel20ms)
        try check(device, "set period 960 frames",
            snd_pcm_hw_params_set_period_size_near(pcm, hardware, &period, &direction))
        var buffer = period * snd_pcm_uframes_t(periods)
        try check(device, "set buffer size", snd_pcm_hw_params_set_buffer_size_near(pcm, hardware, &buffer))
        try check(device, "apply hardware parameters", snd_pcm_hw_params(pcm, hardware))
        if playback {
            var software: OpaquePointer?
            try check(device, "allocate software parameters", snd_pcm_sw_params_malloc(&software))
            defer { snd_pcm_sw_params_free(software) }
            try check(device, "read software parameters", snd_pcm_sw_params_current(pcm, software))
            try check(device, "set start threshold",
                snd_pcm_sw_params_set_start_threshold(pcm, software, min(buffer, 2 * period)))
            try check(device, "apply software parameters", snd_pcm_sw_params(pcm, software))
        }
        try check(device, "prepare", snd_pcm_prepare(pcm))
        return (Int(period), Int(buffer))
    }

    /// Writes all of `samples` (interleaved), blocking while the buffer is full and recovering from underruns.
    func write(_ samples: [Int16]) throws(DeviceError) {
        guard let pcm else { throw .closed(path: device) }
        let frames = samples.count / channels
        var done = 0
        while done < frames {
            let result = samples.withUnsafeBytes { bytes in
                snd_pcm_writei(pcm, bytes.baseAddress! + done * channels * 2, snd_pcm_uframes_t(frames - done))
            }
            if result >= 0 {
                done += result
            } else {
                try recover(pcm, Int32(result), "write")
            }
        }
    }

    /// Reads exactly `frames` frames (interleaved), blocking until they have been recorded and recovering from
    /// overruns (the lost audio is gone; reading carries on with fresh samples).
    func read(frames: Int) throws(DeviceError) -> [Int16] {
        guard let pcm else { throw .closed(path: device) }
        var samples = [Int16](repeating: 0, count: frames * channels)
        var done = 0
        while done < frames {
            let result = samples.withUnsafeMutableBytes { bytes in
                snd_pcm_readi(pcm, bytes.baseAddress! + done * channels * 2, snd_pcm_uframes_t(frames - done))
            }
            if result >= 0 {
                done += result
            } else {
                try recover(pcm, Int32(result), "read")
            }
        }
        return samples
    }

    /// Frames queued for playing (playback) or recorded and not yet read (capture); 0 if the device cannot say.
    var delayFrames: Int {
        guard let pcm else { return 0 }
        var delay: snd_pcm_sframes_t = 0
        return snd_pcm_delay(pcm, &delay) == 0 ? max(0, delay) : 0
    }

    /// Underrun/overrun (EPIPE), suspend (ESTRPIPE) and interrupted calls (EINTR) are recovered from with
    /// snd_pcm_recover, which re-prepares (or resumes) the stream; anything else, such as a device unplugged (ENODEV),
    /// is thrown.
    private func recover(_ pcm: OpaquePointer, _ code: Int32, _ operation: String) throws(DeviceError) {
        if code == -EAGAIN {
            _ = snd_pcm_wait(pcm, 100)
            return
        }
        guard code == -EPIPE || code == -ESTRPIPE || code == -EINTR else { throw Self.error(device, operation, code) }
        if code == -EPIPE { xruns += 1 }
        let recovered = snd_pcm_recover(pcm, code, 1)
        if recovered < 0 { throw Self.error(device, "recover after \(operation)", recovered) }
    }

    /// Recovers from `code` as a failed read or write would (tests drive the xrun path with it, since no device
    /// here can be made to underrun on cue).
    func recover(fromError code: Int32) throws(DeviceError) {
        guard let pcm else { throw .closed(path: device) }
        try recover(pcm, code, isPlayback ? "write" : "read")
    }

    /// Lets queued playback finish, then stops (blocks for up to the buffer's length).
    func drain() {
        guard let pcm else { return }
        _ = snd_pcm_drain(pcm)
    }

    /// Stops at once, dropping anything queued, and closes the PCM. Safe to call twice.
    func close() {
        guard let pcm else { return }
        _ = snd_pcm_drop(pcm)
        snd_pcm_close(pcm)
        self.pcm = nil
    }

    private static func check(_ device: String, _ operation: String, _ code: Int32) throws(DeviceError) {
        if code < 0 { throw error(device, operation, code) }
    }

    /// `DeviceError.alsa` with `snd_strerror`'s text, and the usual fix when the sound device nodes are forbidden.
    static func error(_ device: String, _ operation: String, _ code: Int32) -> DeviceError {
        var message = String(cString: snd_strerror(code))
        if code == -EACCES || code == -EPERM { message += " — is the user in the audio group?" }
        if code == -EBUSY { message += " — another program is using the device" }
        return .alsa(device: device, operation: operation, code: code, message: message)
    }
}
