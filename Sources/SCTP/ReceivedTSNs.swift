import Wire

/// Which TSNs have arrived: the cumulative TSN plus the runs received beyond it (RFC 9260 §6.2), from which SACKs
/// are built. Runs are kept sorted and merged; arrivals almost always extend the last run, so inserting searches
/// from the back.
struct ReceivedTSNs {
    /// Every TSN up to this one has arrived (or was skipped by FORWARD TSN).
    private(set) var cumulative: UInt32
    /// Disjoint, non-adjacent runs beyond `cumulative + 1`, ascending.
    private var runs: [(first: UInt32, last: UInt32)] = []
    /// TSNs that arrived again since the last SACK (reported and then cleared).
    private(set) var duplicates: [UInt32] = []

    init(cumulative: UInt32) { self.cumulative = cumulative }

    /// True when some TSN beyond the cumulative one has arrived: a SACK would carry gap blocks.
    var hasGaps: Bool { !runs.isEmpty }
    /// The highest TSN received.
    var highest: UInt32 { runs.last?.last ?? cumulative }

    /// Whether `tsn` has already arrived.
    func contains(_ tsn: UInt32) -> Bool {
        if tsn.precedesOrEquals(cumulative) { return true }
        for run in runs.reversed() {
            if run.last.precedes(tsn) { return false }
            if run.first.precedesOrEquals(tsn) { return true }
        }
        return false
    }

    /// Records an arrival; false (and the TSN noted as a duplicate) when it had arrived before.
    mutating func insert(_ tsn: UInt32) -> Bool {
        if contains(tsn) {
            if duplicates.count < 32 { duplicates.append(tsn) }
            return false
        }
        if tsn == cumulative &+ 1 {
            cumulative = tsn
            absorbFirstRun()
            return true
        }
        // Find the first run that ends at or after tsn - 1, searching from the back.
        var index = runs.count
        while index > 0, tsn.precedes(runs[index - 1].first) { index -= 1 }
        // runs[index - 1] starts before tsn (if it exists); runs[index] starts after it.
        let joinsPrevious = index > 0 && runs[index - 1].last &+ 1 == tsn
        let joinsNext = index < runs.count && tsn &+ 1 == runs[index].first
        switch (joinsPrevious, joinsNext) {
        case (true, true):
            runs[index - 1].last = runs[index].last
            runs.remove(at: index)
        case (true, false): runs[index - 1].last = tsn
        case (false, true): runs[index].first = tsn
        case (false, false): runs.insert((tsn, tsn), at: index)
        }
        return true
    }

    /// Moves the cumulative TSN to `tsn` (FORWARD TSN, RFC 3758 §3.6), dropping runs it covers.
    mutating func advance(to tsn: UInt32) {
        guard cumulative.precedes(tsn) else { return }
        cumulative = tsn
        while let first = runs.first, first.first.precedesOrEquals(tsn &+ 1) {
            if tsn.precedes(first.last) { cumulative = first.last }
            runs.removeFirst()
        }
    }

    private mutating func absorbFirstRun() {
        if let first = runs.first, first.first == cumulative &+ 1 {
            cumulative = first.last
            runs.removeFirst()
        }
    }

    /// The SACK for the current state: at most `maxGapBlocks` blocks, then duplicates are forgotten.
    mutating func makeSack(window: Int, maxGapBlocks: Int) -> SackChunk {
        var blocks: [SackChunk.GapBlock] = []
        blocks.reserveCapacity(min(runs.count, maxGapBlocks))
        for run in runs.prefix(maxGapBlocks) {
            let start = run.first &- cumulative, end = run.last &- cumulative
            // Gap offsets are 16 bits (§3.3.4); runs further out are reported once the cumulative TSN moves up.
            guard end <= UInt32(UInt16.max) else { break }
            blocks.append(SackChunk.GapBlock(start: UInt16(start), end: UInt16(end)))
        }
        let sack = SackChunk(cumulativeTSNAck: cumulative, advertisedReceiverWindow: UInt32(max(window, 0)),
                             gapBlocks: blocks, duplicateTSNs: duplicates)
        duplicates.removeAll(keepingCapacity: true)
        return sack
    }
}
