import FuzzSupport
import RESP

// The RESP3 parser on arbitrary bytes, whole and split in two: it must never crash, must agree with itself however
// the bytes arrive, and every value it parses must encode to bytes that parse back equal (NaN aside).
runFuzzer { bytes in
    var whole = RESPParser(maxBulkLength: 1 << 16, maxElements: 1 << 12, maxDepth: 16)
    whole.append(bytes)
    var values: [RESPValue] = []
    while let value = try? whole.next() { values.append(value) }

    var split = RESPParser(maxBulkLength: 1 << 16, maxElements: 1 << 12, maxDepth: 16)
    let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    split.append(bytes[..<cut])
    var splitValues: [RESPValue] = []
    while let value = try? split.next() { splitValues.append(value) }
    split.append(bytes[cut...])
    while let value = try? split.next() { splitValues.append(value) }
    if "\(values)".contains("nan") == false, splitValues.count >= values.count,
       Array(splitValues.prefix(values.count)) != values {
        fatalError("split input parsed differently: \(values) vs \(splitValues)")
    }

    for value in values where !"\(value)".contains("nan") {
        var again = RESPParser()
        again.append(RESPEncoder.encode(value))
        guard let back = try? again.next() else { fatalError("encoding of \(value) does not parse") }
        if case .simpleString(let text) = value, text.utf8.contains(13) || text.utf8.contains(10) { continue }
        if case .error = value { continue }
        guard back == value else { fatalError("\(value) encodes to something that parses as \(back)") }
    }
}
