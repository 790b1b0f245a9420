/// Cuts the byte stream OpenSSL wrote into its memory BIO back into datagrams, and screens received datagrams
/// record by record before OpenSSL sees them.
///
/// An OpenSSL memory BIO concatenates writes, so the boundaries between records are found again from the DTLS
/// record header (RFC 6347 §4.1):
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | ContentType   |   ProtocolVersion (major, minor)  |   epoch   :
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// :  (epoch)      |          sequence_number (48 bits)            :
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// :               |            length             |  fragment ...
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
///
/// Whole records are then packed into datagrams of at most `mtu` bytes (RFC 6347 §4.1.1 allows several records per
/// datagram; a record is never split). OpenSSL already keeps each record within the MTU it was given.
enum DTLSRecordSplitter {
    /// The fixed DTLS record header length.
    static let headerLength = 13

    /// The datagrams carrying `stream`, in order. A trailing partial record (which OpenSSL never writes) is sent as
    /// it is rather than dropped, so nothing OpenSSL produced is lost.
    static func datagrams(from stream: [UInt8], mtu: Int) -> [[UInt8]] {
        var result: [[UInt8]] = []
        var current: [UInt8] = []
        var offset = 0
        while offset < stream.count {
            var end = stream.count
            if stream.count - offset >= headerLength {
                let length = Int(stream[offset + 11]) << 8 | Int(stream[offset + 12])
                end = min(stream.count, offset + headerLength + length)
            }
            let recordLength = end - offset
            if !current.isEmpty && current.count + recordLength > mtu {
                result.append(current)
                current = []
            }
            current.append(contentsOf: stream[offset..<end])
            offset = end
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// The records of a received datagram that OpenSSL can safely be shown, re-joined; nil when none is left.
    ///
    /// Dropped: a trailing record whose length runs past the datagram (RFC 6347 §4.1.2.7: invalid records are
    /// discarded), and any record of a non-zero epoch shorter than `minimumEncryptedLength` -- the explicit nonce plus
    /// tag of the cipher in use -- because OpenSSL 3.0 wedges its record layer on such a record (it reports a
    /// "syscall" error with an empty error queue and then processes no further record), so one forged datagram
    /// would otherwise silence the association.
    static func sanitized(_ datagram: [UInt8], minimumEncryptedLength: Int) -> [UInt8]? {
        var kept: [UInt8] = []
        var offset = 0
        var changed = false
        while datagram.count - offset >= headerLength {
            let epoch = Int(datagram[offset + 3]) << 8 | Int(datagram[offset + 4])
            let length = Int(datagram[offset + 11]) << 8 | Int(datagram[offset + 12])
            let end = offset + headerLength + length
            guard end <= datagram.count else { break }
            if epoch != 0 && length < minimumEncryptedLength {
                changed = true
            } else {
                kept.append(contentsOf: datagram[offset..<end])
            }
            offset = end
        }
        if offset != datagram.count { changed = true }  // a truncated trailing record or stray bytes
        if !changed { return datagram }
        return kept.isEmpty ? nil : kept
    }
}
