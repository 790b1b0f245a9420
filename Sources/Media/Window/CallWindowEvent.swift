/// What the person at the call window asked for, from the keyboard or the window manager.
public enum CallWindowEvent: Sendable, Equatable {
    /// `m`: mute or unmute the microphone.
    case toggleMute
    /// `v`: turn the camera off or on.
    case toggleCamera
    /// `s`: start or stop sharing the screen.
    case toggleScreenShare
    /// `f`: full screen on or off (the window does it itself; reported for the record).
    case toggleFullScreen
    /// `q`, Esc, or closing the window: hang up.
    case hangUp
}
