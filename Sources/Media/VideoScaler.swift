internal import CYUV

/// Resizes I420 pictures with libyuv (box filtering: good for text going down in size).
public enum VideoScaler {
    /// `frame` at `width` x `height` (both even and positive), its capture time kept.
    public static func scale(_ frame: VideoFrame, width: Int, height: Int) -> VideoFrame {
        guard width != frame.width || height != frame.height else { return frame }
        var output = VideoFrame(width: width, height: height, captureTime: frame.captureTime)
        let chromaWidth = output.chromaWidth
        frame.y.withUnsafeBufferPointer { sy in
            frame.u.withUnsafeBufferPointer { su in
                frame.v.withUnsafeBufferPointer { sv in
                    output.y.withUnsafeMutableBufferPointer { dy in
                        output.u.withUnsafeMutableBufferPointer { du in
                            output.v.withUnsafeMutableBufferPointer { dv in
                                _ = I420Scale(sy.baseAddress, Int32(frame.strideY), su.baseAddress,
                                              Int32(frame.strideU), sv.baseAddress, Int32(frame.strideV),
                                              Int32(frame.width), Int32(frame.height), dy.baseAddress,
                                              Int32(width), du.baseAddress, Int32(chromaWidth), dv.baseAddress,
                                              Int32(chromaWidth), Int32(width), Int32(height), kFilterBox)
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    /// `frame` scaled to fit `width` x `height` with its aspect kept, centred on black (letterboxed).
    public static func fit(_ frame: VideoFrame, width: Int, height: Int) -> VideoFrame {
        let box = CallWindowLayout.fit(width: frame.width, height: frame.height,
                                       in: .init(x: 0, y: 0, width: width, height: height))
        let scaledWidth = max(2, box.width & ~1), scaledHeight = max(2, box.height & ~1)
        let scaled = scale(frame, width: scaledWidth, height: scaledHeight)
        var output = VideoFrame(width: width, height: height, luma: 16, captureTime: frame.captureTime)
        let left = (width - scaledWidth) / 2 & ~1, top = (height - scaledHeight) / 2 & ~1
        for row in 0..<scaledHeight {
            let source = row * scaled.strideY, target = (top + row) * output.strideY + left
            output.y.replaceSubrange(target..<target + scaledWidth, with: scaled.y[source..<source + scaledWidth])
        }
        let chromaWidth = scaledWidth / 2
        for row in 0..<scaledHeight / 2 {
            let target = (top / 2 + row) * output.strideU + left / 2
            output.u.replaceSubrange(target..<target + chromaWidth,
                                     with: scaled.u[row * scaled.strideU..<row * scaled.strideU + chromaWidth])
            output.v.replaceSubrange(target..<target + chromaWidth,
                                     with: scaled.v[row * scaled.strideV..<row * scaled.strideV + chromaWidth])
        }
        return output
    }
}
