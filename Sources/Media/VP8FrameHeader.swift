/// What the first bytes of a VP8 frame say (RFC 6386 §9.1), without decoding it: whether it is a key frame, and
/// a key frame's picture size. Used to start recordings on a keyframe and to pick keyframes from files.
///
/// ```
/// frame tag (3 bytes, little endian): bit 0 = 0 for a key frame, bits 1-3 version, bit 4 show_frame,
///                                     bits 5-23 first partition size
/// key frames only: start code 0x9d 0x01 0x2a, then 2 bytes width (14 bits + 2 bits horizontal scale),
///                  2 bytes height (14 bits + 2 bits vertical scale), little endian
/// ```
public enum VP8FrameHeader {
    /// True when the frame tag marks a key frame; false for an empty input.
    public static func isKeyframe(_ frame: [UInt8]) -> Bool {
        guard let first = frame.first else { return false }
        return first & 0x01 == 0
    }

    /// A key frame's width and height, or nil when `frame` is not a well-formed key frame header.
    public static func keyframeSize(_ frame: [UInt8]) -> (width: Int, height: Int)? {
        guard isKeyframe(frame), frame.count >= 10, frame[3] == 0x9D, frame[4] == 0x01, frame[5] == 0x2A else {
            return nil
        }
        let width = (Int(frame[6]) | Int(frame[7]) << 8) & 0x3FFF
        let height = (Int(frame[8]) | Int(frame[9]) << 8) & 0x3FFF
        guard width > 0, height > 0 else { return nil }
        return (width, height)
    }
}
