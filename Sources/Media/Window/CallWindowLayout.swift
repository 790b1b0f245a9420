/// Where the call window puts things: the remote video as large as fits with its aspect ratio kept (bars around
/// it), the local preview as an inset in the bottom-right corner, a quarter of the window's width.
public enum CallWindowLayout {
    /// An integer rectangle in window pixels.
    public struct Rect: Sendable, Equatable {
        /// Left edge.
        public var x: Int
        /// Top edge.
        public var y: Int
        /// Width.
        public var width: Int
        /// Height.
        public var height: Int

        /// A rectangle.
        public init(x: Int, y: Int, width: Int, height: Int) {
            self.x = x
            self.y = y
            self.width = width
            self.height = height
        }
    }

    /// The largest rectangle with the aspect ratio of `width` x `height` that fits `area`, centred in it.
    public static func fit(width: Int, height: Int, in area: Rect) -> Rect {
        guard width > 0, height > 0, area.width > 0, area.height > 0 else { return area }
        // Compare area.width/area.height with width/height without floating point.
        if area.width * height <= area.height * width {
            let fittedHeight = max(1, area.width * height / width)
            return Rect(x: area.x, y: area.y + (area.height - fittedHeight) / 2, width: area.width,
                        height: fittedHeight)
        }
        let fittedWidth = max(1, area.height * width / height)
        return Rect(x: area.x + (area.width - fittedWidth) / 2, y: area.y, width: fittedWidth, height: area.height)
    }

    /// The local preview's rectangle for a `width` x `height` picture in a window of `windowWidth` x `windowHeight`:
    /// a quarter of the window's width (aspect kept), 12 pixels from the right edge and above the status bar at the
    /// bottom (`bottomMargin` pixels).
    public static func inset(width: Int, height: Int, windowWidth: Int, windowHeight: Int, bottomMargin: Int) -> Rect {
        let boxWidth = max(1, windowWidth / 4)
        let boxHeight = max(1, windowHeight / 4)
        let fitted = fit(width: width, height: height, in: Rect(x: 0, y: 0, width: boxWidth, height: boxHeight))
        return Rect(x: windowWidth - fitted.width - 12, y: windowHeight - bottomMargin - fitted.height - 12,
                    width: fitted.width, height: fitted.height)
    }
}
