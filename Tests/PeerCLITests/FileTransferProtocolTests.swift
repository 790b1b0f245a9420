import Testing
@testable import PeerCLI

@Suite struct FileTransferProtocolTests {
    @Test(arguments: [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("/abs/path/x.bin", "x.bin"),
        ("C:\\Users\\me\\notes.txt", "notes.txt"),
        ("..", ReceivedFileName.fallback),
        (".", ReceivedFileName.fallback),
        ("", ReceivedFileName.fallback),
        ("dir/", ReceivedFileName.fallback),
        (".bashrc", "bashrc"),
        ("...hidden", "hidden"),
        ("  spaced name.txt  ", "spaced name.txt"),
        ("new\nline\u{0}.txt", "newline.txt"),
        ("a\u{202E}gpj.exe", "agpj.exe"),
        ("Grüße 📎.txt", "Grüße 📎.txt"),
    ])
    func announcedNamesBecomeSafe(announced: String, saved: String) {
        #expect(ReceivedFileName(announced: announced).name == saved)
    }

    @Test func longNamesAreCut() {
        let name = ReceivedFileName(announced: String(repeating: "é", count: 300))
        #expect(name.name.utf8.count <= ReceivedFileName.maxBytes)
        #expect(!name.name.isEmpty)
    }

    @Test func takenNamesGetANumberBeforeTheExtension() {
        let name = ReceivedFileName(announced: "photo.jpg")
        #expect(name.candidate(0) == "photo.jpg")
        #expect(name.candidate(1) == "photo (1).jpg")
        #expect(name.candidate(2) == "photo (2).jpg")
        #expect(ReceivedFileName(announced: "README").candidate(1) == "README (1)")
        #expect(ReceivedFileName(announced: "archive.tar.gz").candidate(1) == "archive.tar (1).gz")
    }

    @Test func headerRoundTripsAndMatchesTheWebClient() throws {
        let sha = String(repeating: "ab", count: 32)
        let header = FileTransferMessage.header(name: "x.bin", size: 10_485_760, sha256: sha)
        #expect(FileTransferMessage(parsing: header.text) == header)
        // What datachannel.js's JSON.stringify sends.
        let fromBrowser = #"{"type":"file","name":"x.bin","size":10485760,"sha256":"\#(sha.uppercased())"}"#
        #expect(FileTransferMessage(parsing: fromBrowser) == header)
        #expect(header.text.contains(#""size":10485760"#))
    }

    @Test func badHeadersAreRefused() {
        let sha = String(repeating: "0", count: 64)
        for text in [
            #"{"type":"file","name":"x","size":-1,"sha256":"\#(sha)"}"#,
            #"{"type":"file","name":"x","size":1.5,"sha256":"\#(sha)"}"#,
            #"{"type":"file","name":"x","size":2000000000,"sha256":"\#(sha)"}"#,
            #"{"type":"file","name":"x","size":1,"sha256":"xyz"}"#,
            #"{"type":"file","size":1,"sha256":"\#(sha)"}"#,
            #"{"type":"file","name":7,"size":1,"sha256":"\#(sha)"}"#,
            #"["file"]"#, "hello", "",
        ] {
            #expect(FileTransferMessage(parsing: text) == nil, "\(text)")
        }
    }

    @Test func endAndVerdict() {
        #expect(FileTransferMessage(parsing: FileTransferMessage.end.text) == .end)
        #expect(FileTransferMessage(parsing: #"{"type":"end"}"#) == .end)
        let verdict = FileTransferMessage.received(sha256: String(repeating: "c", count: 64), ok: true)
        #expect(FileTransferMessage(parsing: verdict.text) == verdict)
        #expect(FileTransferMessage(parsing: #"{"type":"received","sha256":"","ok":false}"#)
            == .received(sha256: "", ok: false))
        #expect(FileTransferMessage(parsing: #"{"type":"received","sha256":""}"#) == nil)
    }

    @Test func progressLine() {
        #expect(TransferProgress.formatBytes(999) == "999 B")
        #expect(TransferProgress.formatBytes(10_485_760) == "10.5 MB")
        #expect(TransferProgress.formatBytes(1_300_000) == "1.30 MB")
        #expect(TransferProgress.line(bytes: 5_000_000, total: 10_000_000, seconds: 2)
            == "5.00 MB of 10.0 MB (50%), 2.50 MB/s, 2 s left")
    }
}
