import Signaling
import Testing

@Test func speaksEngineIOVersion4() {
    #expect(SignalingModule.engineIOVersion == 4)
}
