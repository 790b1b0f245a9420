import SignalingServer
import Testing

@Test func webClientDirectoryIsNamed() {
    #expect(SignalingServerModule.webDirectory == "Web")
}
