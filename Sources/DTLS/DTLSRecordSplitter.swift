/// Cuts the byte stream OpenSSL wrote into its memory BIO back into datagrams.
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
}
