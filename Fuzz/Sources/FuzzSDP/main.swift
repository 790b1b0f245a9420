import FuzzSupport
import SDP

// SDP is lossless: whatever parses must serialize to the input (line endings made CRLF, trailing blank lines
// dropped), parse again to an equal description, and every typed value must write text that reads back equal.

/// The input as the serializer should write it back.
func normalized(_ bytes: [UInt8]) -> [UInt8] {
    var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        .map { $0.last == UInt8(ascii: "\r") ? $0.dropLast() : $0 }
    while let last = lines.last, last.isEmpty { lines.removeLast() }
    return lines.flatMap { Array($0) + [UInt8(ascii: "\r"), UInt8(ascii: "\n")] }
}

func expectStable<T: SDPAttributeValue>(_ values: [T]) {
    for value in values where (try? T(parsing: value.attributeValue)) != value {
        fatalError("\(T.self) does not read back its own text: \(value.attributeValue)")
    }
}

func expectStable<T: SDPFieldValue>(_ value: T?) {
    if let value, (try? T(parsing: value.fieldValue)) != value {
        fatalError("\(T.self) does not read back its own text: \(value.fieldValue)")
    }
}

runFuzzer { bytes in
    let text = String(decoding: bytes, as: UTF8.self)
    guard let description = try? SessionDescription(parsing: text) else { return }
    let serialized = description.serialized()
    if Array(serialized.utf8) != normalized(Array(text.utf8)) {
        fatalError("serialization is not lossless:\n\(text)\n---\n\(serialized)")
    }
    guard let again = try? SessionDescription(parsing: serialized), again == description,
          again.serialized() == serialized else {
        fatalError("serialized text does not parse back equal:\n\(serialized)")
    }

    expectStable(description.origin)
    expectStable(description.timing)
    expectStable(description.connection)
    expectStable(description.groups)
    expectStable(description.fingerprints)
    expectStable(description.msidSemantic.map { [$0] } ?? [])
    var edited = description
    for (index, section) in description.media.enumerated() {
        expectStable(section.mediaLine)
        expectStable(section.connection)
        expectStable(section.rtpMaps)
        expectStable(section.formatParameters)
        expectStable(section.rtcpFeedback)
        expectStable(section.extensionMaps)
        expectStable(section.ssrcAttributes)
        expectStable(section.ssrcGroups)
        expectStable(section.msids)
        expectStable(section.fingerprints)
        expectStable(section.candidates)
        expectStable(section.rtcp.map { [$0] } ?? [])
        for candidate in section.candidates where (try? ICECandidate(parsing: candidate.candidateString)) != candidate {
            fatalError("candidate string does not read back: \(candidate.candidateString)")
        }
        // Rewriting through the typed setters must keep the description valid and the values the same.
        let codecs = section.codecs
        if !codecs.isEmpty {
            edited.media[index].codecs = codecs
            if edited.media[index].codecs != codecs { fatalError("codecs changed when rewritten: \(codecs)") }
        }
        edited.media[index].candidates = section.candidates
        edited.media[index].direction = section.direction ?? .sendrecv
    }
    guard let reparsed = try? SessionDescription(parsing: edited.serialized()), reparsed == edited else {
        fatalError("edited description does not parse back equal:\n\(edited.serialized())")
    }
}
