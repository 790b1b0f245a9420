import Testing
import Wire
@testable import Media

/// The call window's pure parts: where pictures go, the newest-only frame slot, the words on the status bar.
@Suite struct CallWindowPartsTests {
    typealias Rect = CallWindowLayout.Rect

    @Test func remoteVideoKeepsItsAspect() {
        // 4:3 in 16:9: bars left and right.
        #expect(CallWindowLayout.fit(width: 640, height: 480, in: Rect(x: 0, y: 0, width: 1280, height: 720))
                == Rect(x: 160, y: 0, width: 960, height: 720))
        // 16:9 in 4:3: bars above and below.
        #expect(CallWindowLayout.fit(width: 1280, height: 720, in: Rect(x: 0, y: 0, width: 640, height: 480))
                == Rect(x: 0, y: 60, width: 640, height: 360))
        // Same aspect: the whole area.
        #expect(CallWindowLayout.fit(width: 320, height: 240, in: Rect(x: 0, y: 0, width: 640, height: 480))
                == Rect(x: 0, y: 0, width: 640, height: 480))
    }

    @Test func insetSitsBottomRightAboveTheStatusBar() {
        let inset = CallWindowLayout.inset(width: 640, height: 480, windowWidth: 640, windowHeight: 480,
                                           bottomMargin: 44)
        #expect(inset == Rect(x: 640 - 160 - 12, y: 480 - 44 - 120 - 12, width: 160, height: 120))
    }

    @Test func newestValueKeepsOnlyTheNewestAndCountsTheSkipped() {
        let slot = NewestValue<Int>()
        #expect(slot.take() == nil)
        slot.put(1)
        slot.put(2)
        slot.put(3)
        #expect(slot.take() == 3)
        #expect(slot.take() == nil)
        #expect(slot.replaced == 2)
    }

    @Test func eventQueueIsBounded() {
        let queue = EventQueue<CallWindowEvent>(capacity: 2)
        queue.post(.toggleMute)
        queue.post(.toggleCamera)
        queue.post(.hangUp)
        #expect(queue.drain() == [.toggleCamera, .hangUp])
        #expect(queue.drain().isEmpty)
    }

    @Test func statusShowsNameDurationAndBadges() {
        var status = CallWindowStatus()
        status.remoteName = "alice"
        #expect(status.title(now: .zero) == "alice")
        status.connectedAt = .milliseconds(1000)
        #expect(status.title(now: .milliseconds(84_000)) == "alice · 01:23")
        #expect(status.title(now: .milliseconds(3_700_000)) == "alice · 1:01:39")
        #expect(status.badges.isEmpty)
        status.muted = true
        status.sharingScreen = true
        #expect(status.badges == "MUTED · SHARING SCREEN")
    }

    @Test func scalerFitsAPictureOnBlack() {
        let white = VideoFrame(width: 320, height: 180, luma: 235)
        let fitted = VideoScaler.fit(white, width: 320, height: 240)
        #expect(fitted.width == 320 && fitted.height == 240)
        #expect(fitted.y[0] == 16)  // a bar above
        #expect(fitted.y[120 * 320 + 160] == 235)  // the picture in the middle
        let half = VideoScaler.scale(white, width: 160, height: 90)
        #expect(half.y.allSatisfy { $0 == 235 })
    }
}
