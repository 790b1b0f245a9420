import Testing
@testable import Media

/// Choosing the offered size and frame interval nearest a request.
@Suite struct V4L2ModeSelectionTests {
    let webcamSizes = V4L2FrameSizes.discrete([
        V4L2Size(width: 1280, height: 720), V4L2Size(width: 320, height: 240), V4L2Size(width: 640, height: 480),
        V4L2Size(width: 1920, height: 1080), V4L2Size(width: 640, height: 360),
    ])

    @Test func discreteSizesPickTheClosest() {
        #expect(webcamSizes.nearest(to: V4L2Size(width: 640, height: 480)) == V4L2Size(width: 640, height: 480))
        #expect(webcamSizes.nearest(to: V4L2Size(width: 1280, height: 700)) == V4L2Size(width: 1280, height: 720))
        #expect(webcamSizes.nearest(to: V4L2Size(width: 100, height: 100)) == V4L2Size(width: 320, height: 240))
        #expect(webcamSizes.nearest(to: V4L2Size(width: 4000, height: 3000)) == V4L2Size(width: 1920, height: 1080))
        // 640x420 is 60 away from both 640x360 and 640x480: the larger wins.
        #expect(webcamSizes.nearest(to: V4L2Size(width: 640, height: 420)) == V4L2Size(width: 640, height: 480))
        #expect(V4L2FrameSizes.discrete([]).nearest(to: V4L2Size(width: 1, height: 1)) == nil)
    }

    @Test func steppedSizesClampAndRoundToTheStep() {
        let range = V4L2FrameSizes.stepwise(minimum: V4L2Size(width: 48, height: 32),
            maximum: V4L2Size(width: 1920, height: 1080), step: V4L2Size(width: 16, height: 8))
        #expect(range.nearest(to: V4L2Size(width: 640, height: 480)) == V4L2Size(width: 640, height: 480))
        #expect(range.nearest(to: V4L2Size(width: 650, height: 485)) == V4L2Size(width: 656, height: 488))
        #expect(range.nearest(to: V4L2Size(width: 10, height: 10)) == V4L2Size(width: 48, height: 32))
        #expect(range.nearest(to: V4L2Size(width: 5000, height: 5000)) == V4L2Size(width: 1920, height: 1080))
        // The maximum is not on the step grid: rounding up past it falls back one step.
        #expect(V4L2FrameSizes.snap(100, minimum: 10, maximum: 99, step: 20) == 90)
        #expect(V4L2FrameSizes.snap(5, minimum: 1, maximum: 9, step: 0) == 5)
    }

    @Test func discreteIntervalsPickTheClosestRate() {
        let intervals = V4L2FrameIntervals.discrete([
            V4L2Fraction(numerator: 1, denominator: 30), V4L2Fraction(numerator: 1, denominator: 15),
            V4L2Fraction(numerator: 2, denominator: 15), V4L2Fraction(numerator: 0, denominator: 0),
        ])
        #expect(intervals.nearest(toFramesPerSecond: 30) == V4L2Fraction(numerator: 1, denominator: 30))
        #expect(intervals.nearest(toFramesPerSecond: 60) == V4L2Fraction(numerator: 1, denominator: 30))
        #expect(intervals.nearest(toFramesPerSecond: 20) == V4L2Fraction(numerator: 1, denominator: 15))
        #expect(intervals.nearest(toFramesPerSecond: 1) == V4L2Fraction(numerator: 2, denominator: 15))
        // 22.5 is 7.5 away from both 30 and 15: the faster wins.
        #expect(intervals.nearest(toFramesPerSecond: 22.5) == V4L2Fraction(numerator: 1, denominator: 30))
        #expect(intervals.framesPerSecond == [30, 15, 7.5])
        #expect(intervals.description == "30, 15, 7.5 fps")
        #expect(intervals.nearest(toFramesPerSecond: 0) == nil)
    }

    @Test func steppedAndContinuousIntervals() {
        // 1/60 s to 1 s in steps of 1/60 s.
        let stepped = V4L2FrameIntervals.stepwise(minimum: V4L2Fraction(numerator: 1, denominator: 60),
            maximum: V4L2Fraction(numerator: 1, denominator: 1), step: V4L2Fraction(numerator: 1, denominator: 60))
        #expect(stepped.nearest(toFramesPerSecond: 30) == V4L2Fraction(numerator: 1, denominator: 30))
        #expect(stepped.nearest(toFramesPerSecond: 120) == V4L2Fraction(numerator: 1, denominator: 60))
        #expect(stepped.nearest(toFramesPerSecond: 0.5) == V4L2Fraction(numerator: 1, denominator: 1))
        // 24 fps is off the grid: 1/20 s (20 fps) is closer in rate than 1/30 s.
        #expect(stepped.nearest(toFramesPerSecond: 24) == V4L2Fraction(numerator: 1, denominator: 20))
        let continuous = V4L2FrameIntervals.continuous(minimum: V4L2Fraction(numerator: 1, denominator: 60),
            maximum: V4L2Fraction(numerator: 1, denominator: 5))
        #expect(continuous.nearest(toFramesPerSecond: 29.97)?.framesPerSecond == 29.97)
        #expect(continuous.nearest(toFramesPerSecond: 100) == V4L2Fraction(numerator: 1, denominator: 60))
        #expect(continuous.nearest(toFramesPerSecond: 1) == V4L2Fraction(numerator: 1, denominator: 5))
        #expect(continuous.description == "5 to 60 fps")
    }

    @Test func cameraPrefersYU12SizesThenConvertibleOnes() {
        let yuyvOnly = [V4L2FormatInfo(pixelFormat: .mjpeg, description: "Motion-JPEG", isCompressed: true,
                                       sizes: .discrete([V4L2Size(width: 1920, height: 1080)])),
                        V4L2FormatInfo(pixelFormat: .yuyv, description: "YUYV 4:2:2", sizes: webcamSizes)]
        #expect(V4L2Camera.chooseSize(formats: yuyvOnly, target: V4L2Size(width: 1000, height: 700))
            == V4L2Size(width: 1280, height: 720))
        let withEmulated = yuyvOnly + [V4L2FormatInfo(pixelFormat: .yuv420, description: "Planar YUV 4:2:0",
            isEmulated: true, sizes: .discrete([V4L2Size(width: 320, height: 240)]))]
        #expect(V4L2Camera.chooseSize(formats: withEmulated, target: V4L2Size(width: 1000, height: 700))
            == V4L2Size(width: 320, height: 240))
        #expect(V4L2Camera.chooseSize(formats: [], target: V4L2Size(width: 1000, height: 700))
            == V4L2Size(width: 1000, height: 700))
    }
}
