import Media

/// Writes what a call receives from one remote: VP8 frames as reassembled into an IVF file (90 kHz time base, pts
/// from the RTP timestamps) and Opus packets as received into an Ogg Opus file. Each file is started by its first
/// usable input (the IVF header needs the size of the first keyframe; frames before it could not be decoded
/// anyway), and `finish()` finalizes both (IVF frame count, Ogg end-of-stream page).
struct CallRecorder<Sink: ByteSink> {
    /// Opens the sink for the video (`.ivf`) or audio (`.ogg`) file.
    typealias SinkFactory = (_ kind: Kind) throws -> Sink

    /// Which of the two files.
    enum Kind: Sendable { case video, audio }

    private let makeSink: SinkFactory
    private(set) var video: IVFWriter<Sink>?
    private(set) var audio: OggOpusWriter<Sink>?
    private var firstVideoTimestamp: UInt32?
    private var lastVideoPTS: UInt64?
    /// Frames written to the IVF file, and Opus packets to the Ogg file.
    private(set) var videoFrames = 0
    private(set) var audioPackets = 0
    /// Frames skipped while waiting for the first keyframe.
    private(set) var videoFramesSkipped = 0
    /// The first write error, if any (recording then stops for that file).
    private(set) var error: (any Error)?
    private let serialNumber: UInt32

    init(serialNumber: UInt32, makeSink: @escaping SinkFactory) {
        self.serialNumber = serialNumber
        self.makeSink = makeSink
    }

    /// Records one reassembled VP8 frame with its RTP timestamp.
    mutating func recordVideo(_ frame: [UInt8], rtpTimestamp: UInt32) {
        if video == nil {
            guard error == nil, let size = VP8FrameHeader.keyframeSize(frame) else {
                videoFramesSkipped += 1
                return
            }
            do {
                video = try IVFWriter(sink: try makeSink(.video), width: size.width, height: size.height,
                                      rate: 90_000, scale: 1)
                firstVideoTimestamp = rtpTimestamp
            } catch {
                self.error = error
                return
            }
        }
        guard let first = firstVideoTimestamp else { return }
        // Signed difference from the first frame: handles RTP wrap-around; IVF pts must not go backwards.
        let offset = Int64(Int32(bitPattern: rtpTimestamp &- first))
        var pts = UInt64(max(offset, 0))
        if let last = lastVideoPTS, pts <= last { pts = last + 1 }
        do {
            try video?.write(frame, pts: pts)
            lastVideoPTS = pts
            videoFrames += 1
        } catch {
            self.error = error
        }
    }

    /// Records one Opus packet (its TOC byte says its duration, which advances the Ogg granule position).
    mutating func recordAudio(_ packet: [UInt8]) {
        guard !packet.isEmpty, OpusPacketInfo.samplesPerChannel(packet) != nil else { return }
        if audio == nil {
            guard error == nil else { return }
            // RFC 6716 §3.1: bit 2 of the TOC byte marks a stereo packet.
            let channels = packet[0] & 0x04 != 0 ? 2 : 1
            do {
                audio = try OggOpusWriter(sink: try makeSink(.audio), serialNumber: serialNumber, channels: channels)
            } catch {
                self.error = error
                return
            }
        }
        do {
            try audio?.append(packet)
            audioPackets += 1
        } catch {
            self.error = error
        }
    }

    /// Finalizes both files and returns their sinks (for example to close `FileSink`s or read `MemorySink`s).
    mutating func finish() -> (video: Sink?, audio: Sink?) {
        do {
            try video?.finish()
            try audio?.finish()
        } catch {
            if self.error == nil { self.error = error }
        }
        return (video?.sink, audio?.sink)
    }
}
