import Foundation

/// The lines typed (or piped) on standard input, read on a thread of their own so that nothing async blocks on
/// the terminal. The stream finishes at end of input; the thread never ends the call.
enum StandardInputLines {
    /// Starts reading; each line (without its newline) comes out in order.
    static func start() -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        let thread = Thread {
            while let line = readLine(strippingNewline: true) { continuation.yield(line) }
            continuation.finish()
        }
        thread.name = "linkup-stdin"
        thread.start()
        return stream
    }
}
