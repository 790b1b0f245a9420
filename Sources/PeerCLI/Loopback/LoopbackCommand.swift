import ArgumentParser
import Foundation

/// `linkup loopback`: call yourself over real UDP on 127.0.0.1 and measure the whole media path.
struct LoopbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loopback",
        abstract: "Call yourself over loopback UDP and measure setup time, PSNR, loss and latency.",
        discussion: """
            Two LinkUp peers in this process connect over UDP on 127.0.0.1 (ICE, DTLS-SRTP) and send each other a \
            VP8 test pattern and an Opus tone. The test pattern carries its frame number and capture time in the \
            picture, so the receiver matches every decoded frame to the one sent (PSNR) and measures \
            capture-to-decode latency. --loss drops that fraction of each side's outgoing datagrams, so NACK/RTX \
            and PLI have work to do. A live line goes to standard error every second; the summary goes to \
            standard output (--json: one JSON object).
            """)

    @Option(help: "How long to send media, in seconds.")
    var duration: Double = 10

    @Option(help: "Video size and frame rate, WxH@fps.")
    var video: VideoFormat = VideoFormat(width: 640, height: 480, fps: 30)

    @Option(help: "Fraction of datagrams each side loses on its way out, 0...0.5 (e.g. 0.05 for 5%).")
    var loss: Double = 0

    @Option(help: "VP8 target bitrate in bits per second.")
    var bitrate: Int = 1_000_000

    @Flag(help: "Print the summary as one JSON object (and no live line).")
    var json = false

    func validate() throws {
        guard duration > 0, duration <= 3600 else { throw ValidationError("--duration must be in (0, 3600] seconds") }
        guard (0...0.5).contains(loss) else { throw ValidationError("--loss must be between 0 and 0.5") }
        guard (50_000...20_000_000).contains(bitrate) else {
            throw ValidationError("--bitrate must be between 50000 and 20000000 bits per second")
        }
    }

    func run() async throws {
        let call = LoopbackCall(format: video, duration: duration, loss: loss, bitrate: bitrate, live: !json)
        let report: LoopbackReport
        do {
            report = try await call.run()
        } catch {
            printError("linkup loopback: \(error)")
            throw ExitCode.failure
        }
        if json {
            let data = try JSONSerialization.data(withJSONObject: report.json, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(report.text)
        }
    }
}
