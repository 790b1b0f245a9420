import COpenSSL

/// Helpers around OpenSSL's thread-local error queue.
enum OpenSSLErrors {
    /// Drains the error queue into one "; "-joined string (or `fallback` when the queue is empty), so a failure
    /// reports OpenSSL's own reason and leaves no stale entry behind for the next call.
    static func drain(fallback: String) -> String {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.isEmpty ? fallback : messages.joined(separator: "; ")
    }
}
