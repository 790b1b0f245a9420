import Testing
@testable import PeerCLI

@Suite struct CallMediaArgumentsTests {
    @Test func parsesVideoSources() {
        typealias Source = CallMediaConfiguration.VideoSource
        #expect(Source(argument: "pattern") == .testPattern(VideoFormat(width: 640, height: 480, fps: 30)))
        #expect(Source(argument: "pattern:320x240@15") == .testPattern(VideoFormat(width: 320, height: 240, fps: 15)))
        #expect(Source(argument: "1280x720@30") == .testPattern(VideoFormat(width: 1280, height: 720, fps: 30)))
        #expect(Source(argument: "ivf:/tmp/A.ivf") == .ivf(path: "/tmp/A.ivf"))
        #expect(Source(argument: "echo") == .echo)
        #expect(Source(argument: "none") == Source.none)
        #expect(Source(argument: "ivf:") == nil)
        #expect(Source(argument: "pattern:10x10@30") == nil)
        #expect(Source(argument: "camera") == nil)
    }

    @Test func parsesAudioSources() {
        typealias Source = CallMediaConfiguration.AudioSource
        #expect(Source(argument: "tone") == .tone(440))
        #expect(Source(argument: "tone:660") == .tone(660))
        #expect(Source(argument: "ogg:/tmp/B.ogg") == .ogg(path: "/tmp/B.ogg"))
        #expect(Source(argument: "echo") == .echo)
        #expect(Source(argument: "none") == Source.none)
        #expect(Source(argument: "tone:5") == nil)
        #expect(Source(argument: "mic") == nil)
    }
}
