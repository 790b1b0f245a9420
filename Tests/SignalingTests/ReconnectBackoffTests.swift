import Signaling
import Testing

@Test func delaysDoubleWithinTheirJitterBandAndStopAtTheMaximum() {
    var backoff = ReconnectBackoff(base: .milliseconds(100), maximum: .seconds(1))
    var random = SystemRandomNumberGenerator()
    let steps: [Int64] = [100, 200, 400, 800, 1000, 1000, 1000]
    for step in steps {
        let delay = backoff.nextDelay(using: &random)
        #expect(delay >= .milliseconds(step / 2))
        #expect(delay <= .milliseconds(step))
    }
    #expect(backoff.attempt == steps.count)
}

@Test func successStartsOverFromTheBase() {
    var backoff = ReconnectBackoff(base: .milliseconds(100), maximum: .seconds(10))
    var random = SystemRandomNumberGenerator()
    for _ in 0..<5 { _ = backoff.nextDelay(using: &random) }
    backoff.reset()
    #expect(backoff.attempt == 0)
    #expect(backoff.nextDelay(using: &random) <= .milliseconds(100))
}

@Test func manyAttemptsNeitherOverflowNorExceedTheMaximum() {
    var backoff = ReconnectBackoff(base: .seconds(1), maximum: .seconds(30))
    var random = SystemRandomNumberGenerator()
    for attempt in 0..<200 {
        let delay = backoff.nextDelay(using: &random)
        #expect(delay <= .seconds(30))
        // From the sixth attempt on, the step (2^5 s) is past the maximum: half of it is the floor.
        if attempt >= 5 { #expect(delay >= .seconds(15)) }
    }
}
