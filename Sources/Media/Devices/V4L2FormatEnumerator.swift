internal import CShim
internal import CV4L2

/// Walks a capture device's formats, sizes and intervals with VIDIOC_ENUM_FMT, VIDIOC_ENUM_FRAMESIZES and
/// VIDIOC_ENUM_FRAMEINTERVALS: each is called with index 0, 1, 2, ... until the driver answers EINVAL (V4L2 API §7).
enum V4L2FormatEnumerator {
    /// Drivers list a handful of formats and sizes; a bound keeps a misbehaving driver from looping forever.
    static let maximumEntries: UInt32 = 256

    /// V4L2_FMT_FLAG_COMPRESSED and V4L2_FMT_FLAG_EMULATED (linux/videodev2.h).
    static let flagCompressed: UInt32 = 0x0001
    static let flagEmulated: UInt32 = 0x0002

    /// Every single-planar capture format with its sizes and, per size, intervals.
    static func formats(of handle: any V4L2DeviceIO) -> [V4L2FormatInfo] {
        var formats: [V4L2FormatInfo] = []
        for index in 0..<maximumEntries {
            var description = v4l2_fmtdesc()
            description.index = index
            description.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
            guard handle.ioctl(linkup_vidioc_enum_fmt(), &description) == 0 else { break }
            let format = V4L2PixelFormat(rawValue: description.pixelformat)
            var info = V4L2FormatInfo(
                pixelFormat: format, description: V4L2Handle.string(&description.description),
                isEmulated: description.flags & flagEmulated != 0,
                isCompressed: description.flags & flagCompressed != 0)
            info.sizes = sizes(of: handle, format: format)
            for size in sizesWithIntervals(info.sizes) {
                if let found = intervals(of: handle, format: format, size: size) { info.intervals[size] = found }
            }
            formats.append(info)
        }
        return formats
    }

    /// Every discrete size, or the largest size of a range (intervals of a range are asked for at one size only).
    private static func sizesWithIntervals(_ sizes: V4L2FrameSizes?) -> [V4L2Size] {
        switch sizes {
        case let .discrete(list)?: return list
        case let .stepwise(_, maximum, _)?: return [maximum]
        case nil: return []
        }
    }

    /// The sizes offered for `format`; nil when the driver does not enumerate sizes.
    static func sizes(of handle: any V4L2DeviceIO, format: V4L2PixelFormat) -> V4L2FrameSizes? {
        var discrete: [V4L2Size] = []
        for index in 0..<maximumEntries {
            var entry = v4l2_frmsizeenum()
            entry.index = index
            entry.pixel_format = format.rawValue
            guard handle.ioctl(linkup_vidioc_enum_framesizes(), &entry) == 0 else { break }
            if entry.type == V4L2_FRMSIZE_TYPE_DISCRETE.rawValue {
                discrete.append(V4L2Size(width: Int(entry.discrete.width), height: Int(entry.discrete.height)))
                continue
            }
            // STEPWISE or CONTINUOUS: only index 0 is valid and describes the whole range.
            let range = entry.stepwise
            let continuous = entry.type == V4L2_FRMSIZE_TYPE_CONTINUOUS.rawValue
            return .stepwise(
                minimum: V4L2Size(width: Int(range.min_width), height: Int(range.min_height)),
                maximum: V4L2Size(width: Int(range.max_width), height: Int(range.max_height)),
                step: continuous
                    ? V4L2Size(width: 1, height: 1)
                    : V4L2Size(width: Int(range.step_width), height: Int(range.step_height)))
        }
        return discrete.isEmpty ? nil : .discrete(discrete)
    }

    /// The intervals offered for `format` at `size`; nil when the driver does not enumerate intervals.
    static func intervals(of handle: any V4L2DeviceIO, format: V4L2PixelFormat, size: V4L2Size) -> V4L2FrameIntervals? {
        var discrete: [V4L2Fraction] = []
        for index in 0..<maximumEntries {
            var entry = v4l2_frmivalenum()
            entry.index = index
            entry.pixel_format = format.rawValue
            entry.width = UInt32(clamping: size.width)
            entry.height = UInt32(clamping: size.height)
            guard handle.ioctl(linkup_vidioc_enum_frameintervals(), &entry) == 0 else { break }
            if entry.type == V4L2_FRMIVAL_TYPE_DISCRETE.rawValue {
                discrete.append(fraction(entry.discrete))
                continue
            }
            let range = entry.stepwise
            if entry.type == V4L2_FRMIVAL_TYPE_CONTINUOUS.rawValue {
                return .continuous(minimum: fraction(range.min), maximum: fraction(range.max))
            }
            return .stepwise(minimum: fraction(range.min), maximum: fraction(range.max), step: fraction(range.step))
        }
        return discrete.isEmpty ? nil : .discrete(discrete)
    }

    private static func fraction(_ value: v4l2_fract) -> V4L2Fraction {
        V4L2Fraction(numerator: value.numerator, denominator: value.denominator)
    }
}
