import Testing
import Wire

@Suite struct InstantTests {
    @Test func arithmeticAndOrdering() {
        let start = Instant.milliseconds(1_000)
        let later = start + .milliseconds(250)
        #expect(later - start == .milliseconds(250))
        #expect(later > start)
        #expect(later - .milliseconds(250) == start)
        #expect(start.description == "1.000s")
        #expect(later.description == "1.250s")
        #expect(Instant.milliseconds(-1_500).description == "-1.500s")
        #expect(Duration.milliseconds(3).wholeNanoseconds == 3_000_000)
        #expect(Duration.seconds(2).milliseconds == 2_000)
    }

    @Test func earliestIgnoresMissingDeadlines() {
        #expect(earliest(nil, nil) == nil)
        #expect(earliest(.milliseconds(5), nil, .milliseconds(3)) == .milliseconds(3))
    }
}
