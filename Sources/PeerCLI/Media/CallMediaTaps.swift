import Media

/// Where a person's devices plug into one call's media: the hook points of `CallMediaSender` and
/// `CallMediaReceiver`. Each closure runs on the media actor (decoded video: the decoder thread) that calls it and
/// must not block (the devices behind them take frames through bounded queues and run on threads of their own). All optional: bots and tests set none.
struct CallMediaTaps: Sendable {
    /// Each decoded picture of the remote (the window shows it).
    var decodedVideo: (@Sendable (VideoFrame) -> Void)?
    /// Each decoded or concealed 20 ms of the remote's audio with its RTP timestamp, in order (the speaker plays it).
    var decodedAudio: (@Sendable (AudioFrame, UInt32) -> Void)?
    /// Each picture about to be encoded; returns what to send instead (black with the camera off, the screen while
    /// sharing), which is also the local preview.
    var outgoingVideo: (@Sendable (VideoFrame) -> VideoFrame)?
    /// Each 20 ms about to be encoded; returns what to send (echo-cancelled, or silence while muted).
    var outgoingAudio: (@Sendable (AudioFrame) -> AudioFrame)?
}
