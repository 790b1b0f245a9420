import Signaling
import SignalingServer
import Testing

/// `linkup serve`'s --ice-server, --turn-user, --turn-secret and --turn-ttl, read into `RTCIceServer` entries.
@Suite struct ICEServerOptionsTests {
    @Test func groupsSTUNAndTURNByCredentials() throws {
        let options = try ICEServerOptions(urls: [
            "stun:203.0.113.10", "turn:alice:pw@[2001:db8::1]:3479?transport=tcp", "stuns:stun.example:443",
            "turn:203.0.113.10", "turns:alice:pw@turn.example", "TURN:Turn.Example?transport=TCP",
            "stun:203.0.113.10:3478",
        ], turnUser: "1700000000:alice:c2VjcmV0")
        #expect(options.iceServers == [
            ICEServer(urls: ["stun:203.0.113.10:3478", "stuns:stun.example:443"]),
            ICEServer(urls: ["turn:[2001:db8::1]:3479?transport=tcp", "turns:turn.example:5349?transport=tcp"],
                      username: "alice", credential: "pw"),
            ICEServer(urls: ["turn:203.0.113.10:3478?transport=udp", "turn:turn.example:3478?transport=tcp"],
                      username: "1700000000:alice", credential: "c2VjcmV0"),
        ])
        #expect(options.turnREST == nil)
    }

    @Test func olderFormKeepsWorking() throws {
        let options = try ICEServerOptions(urls: ["turn:user:se@cret@127.0.0.1:3479"])
        #expect(options.iceServers
            == [ICEServer(urls: ["turn:127.0.0.1:3479?transport=udp"], username: "user", credential: "se@cret")])
        #expect(try ICEServerOptions(urls: []).iceServers.isEmpty)
    }

    @Test func secretLeavesTURNEntryToBeMinted() throws {
        let options = try ICEServerOptions(urls: ["stun:203.0.113.10:3478", "turn:203.0.113.10:3478?transport=udp"],
                                           turnSecret: "S")
        #expect(options.iceServers == [ICEServer(urls: ["stun:203.0.113.10:3478"]),
                                       ICEServer(urls: ["turn:203.0.113.10:3478?transport=udp"])])
        #expect(options.turnREST == TURNRESTSecret("S", ttl: 86_400))
        #expect(try ICEServerOptions(urls: ["turns:t"], turnSecret: "S", turnTTL: 600).turnREST?.ttl == 600)
    }

    @Test(arguments: [
        (["turn:x:99999"], nil, nil, nil, #"--ice-server "turn:x:99999": the port must be 1 to 65535"#),
        (["http://x"], nil, nil, nil, #"--ice-server "http://x": the scheme "http" is not stun, stuns, turn or turns"#),
        (["stun:u:p@x"], nil, nil, nil,
         #"--ice-server "stun:u:p@x": the URL cannot carry a user name ("@"): credentials are given separately"#),
        (["turns:x?transport=udp"], "u:p", nil, nil,
         #"--ice-server "turns:x?transport=udp": turns: runs TLS over TCP, so its transport cannot be udp"#),
        (["turn:user@x"], nil, nil, nil,
         #"--ice-server "turn:user@x": the credentials before "@" must be USER:PASS, both non-empty"#),
        (["turn:x"], nil, nil, nil, #"--ice-server "turn:x": a TURN server needs credentials: add --turn-secret "#
            + "SECRET or --turn-user USER:PASS, or write turn:USER:PASS@HOST"),
        (["turn:x"], "nopassword", nil, nil, "--turn-user must be USER:PASS, both non-empty"),
        (["turn:x"], nil, "", nil, "--turn-secret must not be empty"),
        (["turn:x"], nil, "S", 0, "--turn-ttl must be a positive number of seconds, not 0"),
        (["turn:x"], nil, nil, 60, "--turn-ttl only applies with --turn-secret"),
        (["turn:x"], "u:p", "S", nil,
         "--turn-user and --turn-secret cannot be combined: TURN credentials are either static or minted"),
        (["stun:x"], nil, "S", nil,
         "--turn-secret needs an --ice-server turn: or turns: URL without credentials of its own"),
        (["turn:a:b@x"], nil, "S", nil,
         "--turn-secret needs an --ice-server turn: or turns: URL without credentials of its own"),
        ([], "u:p", nil, nil, "--turn-user needs an --ice-server turn: or turns: URL without credentials of its own"),
    ] as [([String], String?, String?, Int?, String)])
    func refusesWithASentence(urls: [String], turnUser: String?, turnSecret: String?, turnTTL: Int?,
                              message: String) {
        let error = #expect(throws: ICEServerOptionsError.self) {
            try ICEServerOptions(urls: urls, turnUser: turnUser, turnSecret: turnSecret, turnTTL: turnTTL)
        }
        #expect(error?.description == message)
    }
}
