import Media
import Testing
@testable import PeerCLI

@Suite struct IVFLoopSourceTests {
    @Test func loopsAtThePaceOfTheFileTimestamps() throws {
        let frames = try TestMedia.vp8Frames(3)
        var writer = try IVFWriter(sink: MemorySink(), width: 320, height: 240, rate: 30, scale: 1)
        for (index, frame) in frames.enumerated() { try writer.write(frame.data, pts: UInt64(index)) }
        try writer.finish()
        var source = try IVFLoopSource(bytes: writer.sink.bytes)
        #expect(source.width == 320)
        let played = (0..<7).map { _ in source.next() }
        #expect(played.map { Int($0.due.milliseconds.rounded()) } == [0, 33, 67, 100, 133, 167, 200])
        #expect(played.map(\.isKeyframe) == [true, false, false, true, false, false, true])
        #expect(played[3].data == frames[0].data)
    }

    @Test func refusesAFileWithoutFrames() throws {
        var writer = try IVFWriter(sink: MemorySink(), width: 320, height: 240)
        try writer.finish()
        #expect(throws: (any Error).self) { try IVFLoopSource(bytes: writer.sink.bytes) }
    }

    @Test func readsKeyframeSizes() throws {
        let frames = try TestMedia.vp8Frames(2)
        let size = try #require(VP8FrameHeader.keyframeSize(frames[0].data))
        #expect(size.width == 320 && size.height == 240)
        #expect(VP8FrameHeader.keyframeSize(frames[1].data) == nil)
        #expect(VP8FrameHeader.keyframeSize([]) == nil)
    }
}
