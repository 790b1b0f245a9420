import FuzzSupport
import RTP
import Wire

// Our SRTP (RFC 3711, RFC 7714) on untrusted bytes: unprotecting anything must never trap, and whatever parses as
// RTP or RTCP must come back unchanged through protect + unprotect with the same keys, for every profile. The
// first byte picks the profile, so one corpus covers all three.
let profiles = SRTPProtectionProfile.allCases
runFuzzer { bytes in
    guard let selector = bytes.first else { return }
    let profile = profiles[Int(selector) % profiles.count]
    let key = [UInt8](repeating: 0x11, count: profile.masterKeyLength)
    let salt = [UInt8](repeating: 0x22, count: profile.masterSaltLength)
    guard let sender = try? NativeSRTPContext(profile: profile, masterKey: key, masterSalt: salt, direction: .outbound),
          let receiver = try? NativeSRTPContext(profile: profile, masterKey: key, masterSalt: salt,
                                                direction: .inbound)
    else { fatalError("no SRTP context for \(profile)") }
    let packet = Array(bytes.dropFirst())
    // Attacker-controlled ciphertext: typed errors only.
    _ = try? receiver.unprotect(srtp: packet)
    _ = try? receiver.unprotectRTCP(packet)
    // Our own output must authenticate and decrypt to what went in.
    if (try? RTPPacket(parsing: packet)) != nil, let protected = try? sender.protect(rtp: packet) {
        guard let plain = try? receiver.unprotect(srtp: protected), plain == packet else {
            fatalError("SRTP round trip failed for \(profile)")
        }
    }
    if packet.count >= 8, (try? RTCPCompound(parsing: packet)) != nil, let protected = try? sender.protectRTCP(packet) {
        guard let plain = try? receiver.unprotectRTCP(protected), plain == packet else {
            fatalError("SRTCP round trip failed for \(profile)")
        }
    }
}
