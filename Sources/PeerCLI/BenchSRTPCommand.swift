import ArgumentParser
import RTP
import Wire

/// `linkup bench-srtp`: SRTP throughput of LinkUp's own implementation (`NativeSRTPContext`, OpenSSL EVP) against
/// libsrtp 2 (`SRTPContext`) in one run, for every profile: protect+unprotect pairs of RTP packets per second.
///
/// Run from `make bench` (Benchmarks/srtp_throughput) in a release build; the numbers from a debug build are only
/// indicative.
struct BenchSRTPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-srtp",
        abstract: "Benchmark SRTP protect+unprotect throughput: own (OpenSSL EVP) vs libsrtp2.",
        shouldDisplay: false)

    @Option(help: "Protect+unprotect pairs per implementation and profile.")
    var pairs = 200_000

    @Option(help: "RTP packet size in bytes (12-byte header included).")
    var size = 1200

    @Option(help: "Only this profile (its IANA name, e.g. SRTP_AEAD_AES_128_GCM); all by default.")
    var profile: String?

    @Option(help: "Only this implementation (own or libsrtp2), e.g. under a profiler; both by default.")
    var implementation: String?

    @Flag(help: "Print one JSON object per line instead of sentences.")
    var json = false

    /// One implementation's protect and unprotect, behind closures so both run through the same loop.
    private struct Subject {
        let name: String
        let protect: ([UInt8], inout [UInt8]) throws -> Void
        let unprotect: ([UInt8], inout [UInt8]) throws -> Void
    }

    func run() throws {
        guard size >= 12, size <= 1400, pairs > 0 else {
            throw ValidationError("--size must be 12...1400 and --pairs positive.")
        }
        try SRTPContext.prepareLibrary()
        for profile in SRTPProfile.allCases where self.profile == nil || self.profile == profile.openSSLName {
            var random = SeededGenerator(seed: UInt64(profile.rawValue))
            let key = random.bytes(profile.masterKeyLength)
            let salt = random.bytes(profile.masterSaltLength)
            let ownOut = try NativeSRTPContext(profile: profile, masterKey: key, masterSalt: salt, direction: .outbound)
            let ownIn = try NativeSRTPContext(profile: profile, masterKey: key, masterSalt: salt, direction: .inbound)
            let libOut = try SRTPContext(profile: profile, masterKey: key, masterSalt: salt, direction: .outbound)
            let libIn = try SRTPContext(profile: profile, masterKey: key, masterSalt: salt, direction: .inbound)
            let subjects = [
                Subject(
                    name: "own", protect: { try ownOut.protect(rtp: $0, into: &$1) },
                    unprotect: { try ownIn.unprotect(srtp: $0, into: &$1) }),
                Subject(
                    name: "libsrtp2", protect: { try libOut.protect(rtp: $0, into: &$1) },
                    unprotect: { try libIn.unprotect(srtp: $0, into: &$1) }),
            ]
            var rates: [String: Double] = [:]
            for subject in subjects where implementation == nil || implementation == subject.name {
                rates[subject.name] = try measure(subject, payload: random.bytes(size - 12))
            }
            let own = rates["own"] ?? 0
            let lib = rates["libsrtp2"] ?? 0
            if json {
                print(
                    #"{"profile":"\#(profile)","size":\#(size),"pairs":\#(pairs),"#
                        + #""own_pairs_per_second":\#(Int(own)),"libsrtp2_pairs_per_second":\#(Int(lib))}"#)
            } else {
                let ratio = lib > 0 ? own / lib : 0
                print(
                    "\(profile), \(size)-byte packets: own \(Int(own)) pairs/s, libsrtp2 \(Int(lib)) pairs/s "
                        + "(own is \(String(format: ratio))× libsrtp2).")
            }
        }
    }

    /// Pairs per second for `pairs` protect+unprotect round trips, sequence numbers counting up through wraps.
    private func measure(_ subject: Subject, payload: [UInt8]) throws -> Double {
        var packet: [UInt8] = [0x80, 111, 0, 0, 0, 0, 0, 0, 0xCA, 0xFE, 0xBA, 0xBE] + payload
        var protected: [UInt8] = []
        protected.reserveCapacity(size + 64)
        var plain: [UInt8] = []
        plain.reserveCapacity(size + 64)
        let clock = ContinuousClock()
        let start = clock.now
        for index in 0..<pairs {
            let sequence = UInt16(truncatingIfNeeded: index)
            packet[2] = UInt8(sequence >> 8)
            packet[3] = UInt8(sequence & 0xFF)
            try subject.protect(packet, &protected)
            try subject.unprotect(protected, &plain)
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Double(pairs) / max(seconds, 1e-9)
    }
}

extension String {
    /// `value` with two decimals.
    fileprivate init(format value: Double) {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        self = "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
