import Testing
@testable import PeerCLI

@Suite struct MediaSourceSpecTests {
    @Test func parsesVideoSources() {
        #expect(VideoSourceSpec(argument: "testsrc") == .testPattern(width: 640, height: 480, fps: 30))
        #expect(VideoSourceSpec(argument: "testsrc:320x240@15") == .testPattern(width: 320, height: 240, fps: 15))
        #expect(VideoSourceSpec(argument: "file:/tmp/A.ivf") == .ivfFile("/tmp/A.ivf"))
        #expect(VideoSourceSpec(argument: "screen") == .screen(display: nil, fps: 5))
        #expect(VideoSourceSpec(argument: "screen::99") == .screen(display: ":99", fps: 5))
        #expect(VideoSourceSpec(argument: "screen:1@15") == .screen(display: ":1", fps: 15))
        #expect(VideoSourceSpec(argument: "screen@2") == .screen(display: nil, fps: 2))
        #expect(VideoSourceSpec(argument: "screen::99@0") == nil)
        #expect(VideoSourceSpec(argument: "screenx") == nil)
        #expect(VideoSourceSpec(argument: "v4l2:/dev/video2") == .camera("/dev/video2"))
        #expect(VideoSourceSpec(argument: "v4l2") == .camera("/dev/video0"))
        #expect(VideoSourceSpec(argument: "echo") == .echo)
        #expect(VideoSourceSpec(argument: "none") == VideoSourceSpec.none)
        for bad in ["file:", "testsrc:10x10@30", "camera", "echo:1", ""] { #expect(VideoSourceSpec(argument: bad) == nil) }
    }

    @Test func parsesAudioSources() {
        #expect(AudioSourceSpec(argument: "tone") == .tone(frequency: 440))
        #expect(AudioSourceSpec(argument: "tone:660") == .tone(frequency: 660))
        #expect(AudioSourceSpec(argument: "file:/tmp/B.ogg") == .oggFile("/tmp/B.ogg"))
        #expect(AudioSourceSpec(argument: "alsa:hw:0") == .microphone("hw:0"))
        #expect(AudioSourceSpec(argument: "echo") == .echo)
        #expect(AudioSourceSpec(argument: "none") == AudioSourceSpec.none)
        for bad in ["tone:5", "file:", "mic"] { #expect(AudioSourceSpec(argument: bad) == nil) }
    }

    @Test func specsBecomeMediaSources() throws {
        #expect(try VideoSourceSpec.ivfFile("a.ivf").mediaSource() == .ivf(path: "a.ivf"))
        #expect(try AudioSourceSpec.oggFile("b.ogg").mediaSource() == .ogg(path: "b.ogg"))
        #expect(try VideoSourceSpec.camera("/dev/video2").mediaSource()
            == .camera(path: "/dev/video2", format: VideoFormat(width: 640, height: 480, fps: 30)))
        #expect(try AudioSourceSpec.microphone("hw:1").mediaSource() == .microphone(device: "hw:1"))
    }

    @Test func recordingFileNamesAreSafe() {
        #expect(CallMediaPlan.fileName(remoteName: "al/ice ../x", remoteID: "id_1") == "al_ice____x-id_1")
    }
}
