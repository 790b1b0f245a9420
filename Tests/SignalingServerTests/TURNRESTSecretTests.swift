import SignalingServer
import Testing

/// TURN REST credentials (coturn `use-auth-secret`). The expected credentials were computed apart from LinkUp:
/// `printf %s 1700000000:abc | openssl dgst -sha1 -hmac s3cret -binary | base64`, and Python's
/// `base64.b64encode(hmac.new(b"s3cret", b"1700000000:abc", hashlib.sha1).digest())`.
@Suite struct TURNRESTSecretTests {
    @Test func credentialMatchesKnownVector() {
        #expect(TURNRESTSecret.credential(secret: "s3cret", username: "1700000000:abc")
            == "7fjbb9kXxh7Rto8MZNnWJnSP8uE=")
        #expect(TURNRESTSecret.credential(secret: "", username: "") == "+9sdGxiqbAgyS31ktx+3Y3BpDh0=")
    }

    @Test func mintsExpiryColonParticipant() throws {
        let secret = TURNRESTSecret("s3cret")
        #expect(secret.ttl == 86_400)
        let minted = try #require(secret.credentials(for: "s1", unixTime: 1_700_000_000))
        #expect(minted.username == "1700086400:s1")
        #expect(minted.credential == "60riIgtM27agtbL9iSnrGMbTw1M=")
        let short = try #require(TURNRESTSecret("s3cret", ttl: 60).credentials(for: "abc", unixTime: 1_699_999_940))
        #expect(short.username == "1700000000:abc" && short.credential == "7fjbb9kXxh7Rto8MZNnWJnSP8uE=")
    }

    @Test func extremesDoNotTrap() throws {
        let far = try #require(TURNRESTSecret("k", ttl: .max).credentials(for: "x", unixTime: .max))
        #expect(far.username == "\(Int.max):x")
        #expect(TURNRESTSecret("k", ttl: -5).ttl == 1)
        #expect(!"\(TURNRESTSecret("hunter2"))".contains("hunter2"))
    }
}
