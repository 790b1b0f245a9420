import Media
import Testing
import Wire
@testable import PeerCLI

@Suite struct CallRecorderTests {
    @Test func recordsReassembledVP8FramesAsIVFWithRTPTimePTS() throws {
        let frames = try TestMedia.vp8Frames(10)
        var recorder = CallRecorder<MemorySink>(serialNumber: 7) { _ in MemorySink() }
        let base: UInt32 = 4_294_960_000  // wraps around during the recording
        for (index, frame) in frames.enumerated() {
            recorder.recordVideo(frame.data, rtpTimestamp: base &+ UInt32(index * 3000))
        }
        let sinks = recorder.finish()
        let file = try IVFFile(parsing: try #require(sinks.video).bytes)
        #expect(file.width == 320 && file.height == 240)
        #expect(file.rate == 90_000)
        #expect(file.declaredFrameCount == 10)
        #expect(file.frames.map(\.pts) == (0..<10).map { UInt64($0 * 3000) })
        #expect(file.frames.map(\.data) == frames.map(\.data))
        #expect(recorder.videoFrames == 10)

        // What was recorded decodes.
        let decoder = try VP8Decoder()
        let decoded = try file.frames.compactMap { try decoder.decode($0.data) }
        #expect(decoded.count == 10)
    }

    @Test func skipsFramesBeforeTheFirstKeyframe() throws {
        let frames = try TestMedia.vp8Frames(4)
        var recorder = CallRecorder<MemorySink>(serialNumber: 7) { _ in MemorySink() }
        for (index, frame) in frames.enumerated().dropFirst() {
            recorder.recordVideo(frame.data, rtpTimestamp: UInt32(index * 3000))
        }
        #expect(recorder.videoFrames == 0)
        #expect(recorder.videoFramesSkipped == 3)
        #expect(recorder.finish().video == nil)
    }

    @Test func recordsOpusPacketsAsOggOpus() throws {
        let packets = try TestMedia.opusPackets(25)
        var recorder = CallRecorder<MemorySink>(serialNumber: 7) { _ in MemorySink() }
        for packet in packets { recorder.recordAudio(packet) }
        recorder.recordAudio([])  // ignored
        let sinks = recorder.finish()
        let file = try OggOpusFile(parsing: try #require(sinks.audio).bytes)
        #expect(file.head.channels == 1)
        #expect(file.packets == packets)
        #expect(file.finalGranulePosition == 25 * 960)
        #expect(recorder.audioPackets == 25)
    }
}
