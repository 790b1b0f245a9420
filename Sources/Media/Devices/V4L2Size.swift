/// A picture size in pixels, as V4L2 enumerates and negotiates it.
public struct V4L2Size: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int

    /// The size `width` x `height`.
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Pixels in the picture.
    public var area: Int { width * height }

    /// Orders by area, then width, so lists print smallest first.
    public static func < (lhs: V4L2Size, rhs: V4L2Size) -> Bool {
        (lhs.area, lhs.width) < (rhs.area, rhs.width)
    }

    /// "640x480".
    public var description: String { "\(width)x\(height)" }
}
