import FuzzSupport
import Wire

// STUN/TURN URLs (RFC 7064, RFC 7065): whatever parses must print a canonical URL that parses back equal and prints
// the same again; whatever does not parse must fail with a typed error that reads as a sentence.
runFuzzer { bytes in
    let text = String(decoding: bytes, as: UTF8.self)
    do throws(ICEServerURLError) {
        let url = try ICEServerURL(parsing: text)
        let canonical = url.description
        guard let again = try? ICEServerURL(parsing: canonical), again == url, again.description == canonical else {
            fatalError("ICEServerURL does not read back its canonical form: \(canonical) from \(text)")
        }
        guard url.port > 0, !(url.scheme == .turns && url.transport == .udp) else {
            fatalError("ICEServerURL accepted what the RFCs forbid: \(canonical)")
        }
    } catch {
        guard !error.description.isEmpty else { fatalError("an ICEServerURLError without a sentence: \(error)") }
    }
}
