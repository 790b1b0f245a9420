import Signaling

/// The text messages of LinkUp's file transfer over a data channel (the web client's datachannel.js speaks the
/// same). Each file goes over its own ordered reliable channel labelled `file`:
///
/// ```
/// sender                                               receiver
///   {"type":"file","name":"x.bin","size":N,"sha256":"<hex>"}   ->
///   binary chunks of 16 KiB                                   ->
///   {"type":"end"}                                            ->
///                    <- {"type":"received","sha256":"<hex>","ok":true|false}
///   closes the channel
/// ```
enum FileTransferMessage: Equatable, Sendable {
    /// The header: what follows, its size in bytes and its SHA-256 (64 hex digits).
    case header(name: String, size: Int, sha256: String)
    /// Every chunk has been sent.
    case end
    /// The receiver's verdict: the SHA-256 of what it got, and whether size and digest matched the header.
    case received(sha256: String, ok: Bool)

    /// The label of a file channel.
    static let channelLabel = "file"
    /// The label of the chat channel the caller opens before its offer.
    static let chatLabel = "chat"
    /// Bytes in each binary chunk.
    static let chunkBytes = 16 * 1024
    /// The sender's `bufferedAmountLowThreshold`: sending resumes when the buffer drains to this.
    static let lowWater = 1024 * 1024
    /// The sender queues nothing more while more than this is buffered.
    static let highWater = 4 * 1024 * 1024
    /// Announced sizes above this are refused (as the web client does).
    static let maxFileBytes = 1024 * 1024 * 1024
    /// Names are cut to this many characters.
    static let maxNameLength = 255

    /// Reads one text message; nil when it is not JSON, not an object, or not a well-formed message of the
    /// protocol (a header needs a string name, a whole size in 0...1 GiB and 64 hex digits of SHA-256).
    init?(parsing text: String) {
        guard let value = try? JSONValue(parsing: text), value.objectValue != nil,
              let type = value["type"]?.stringValue else { return nil }
        switch type {
        case "file":
            guard let name = value["name"]?.stringValue, let size = value["size"]?.intValue,
                  (0...Self.maxFileBytes).contains(size), let sha256 = value["sha256"]?.stringValue,
                  Self.isSHA256Hex(sha256) else { return nil }
            self = .header(name: name, size: size, sha256: sha256.lowercased())
        case "end":
            self = .end
        case "received":
            guard let ok = value["ok"]?.boolValue else { return nil }
            self = .received(sha256: (value["sha256"]?.stringValue ?? "").lowercased(), ok: ok)
        default:
            return nil
        }
    }

    /// The message as the JSON text sent on the channel.
    var text: String {
        let value: JSONValue = switch self {
        case let .header(name, size, sha256):
            ["type": "file", "name": .string(name), "size": .number(Double(size)), "sha256": .string(sha256)]
        case .end:
            ["type": "end"]
        case let .received(sha256, ok):
            ["type": "received", "sha256": .string(sha256), "ok": .bool(ok)]
        }
        return value.serialized
    }

    /// Whether `text` is 64 hexadecimal digits.
    static func isSHA256Hex(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (65...70).contains($0)
            || (97...102).contains($0) }
    }
}
