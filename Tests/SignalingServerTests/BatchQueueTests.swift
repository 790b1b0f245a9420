@testable import SignalingServer
import Testing

/// The many-producer, one-consumer queue of WebSocket events and Redis messages: batches in order, then the end.
@Suite struct BatchQueueTests {
    @Test func takesEverythingQueuedAtOnceThenEnds() async {
        let queue = BatchQueue<Int>()
        queue.push(1)
        queue.push(2)
        queue.push(3)
        #expect(await queue.next() == [1, 2, 3])
        queue.push(4)
        queue.finish()
        queue.push(5)  // after the end: dropped
        #expect(await queue.next() == [4])
        #expect(await queue.next() == nil)
    }

    @Test func aWaitingConsumerGetsTheNextElement() async {
        let queue = BatchQueue<String>()
        async let batch = queue.next()
        // Whether the consumer is already waiting or not, it gets the element.
        queue.push("a")
        #expect(await batch == ["a"])
    }
}
