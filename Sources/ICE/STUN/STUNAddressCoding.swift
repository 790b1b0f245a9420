import Wire

/// The address attribute value shared by MAPPED-ADDRESS, ALTERNATE-SERVER and, XOR-obfuscated, by
/// XOR-MAPPED-ADDRESS, XOR-PEER-ADDRESS and XOR-RELAYED-ADDRESS (RFC 8489 §14.1, §14.2):
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |0 0 0 0 0 0 0 0|    Family     |         Port / X-Port         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                                                               |
/// |              Address / X-Address (32 bits or 128 bits)        |
/// |                                                               |
/// +---------------------------------------------------------------+
/// ```
/// Family 0x01 is IPv4, 0x02 IPv6. X-Port is the port XOR the top 16 bits of the magic cookie; an X-Address is the
/// address XOR the magic cookie (IPv4) or XOR the cookie followed by the transaction ID (IPv6). The XOR keeps NATs
/// that rewrite addresses they find in payloads from mangling the value.
enum STUNAddressCoding {
    /// The magic cookie, RFC 8489 §5.
    static let magicCookie: UInt32 = 0x2112_A442

    /// The 16 bytes an address is XORed with: the cookie, then the transaction ID (only the first 4 for IPv4).
    static func xorMask(_ transactionID: TransactionID) -> [UInt8] {
        var writer = ByteWriter(capacity: 16)
        writer.write(magicCookie)
        writer.write(transactionID.high)
        writer.write(transactionID.low)
        return writer.bytes
    }

    /// Reads an address value; `xor` selects the XOR-obfuscated form.
    static func parse(_ value: ArraySlice<UInt8>, type: UInt16, xor: Bool, transactionID: TransactionID)
        throws(STUNError) -> TransportAddress
    {
        var reader = ByteReader(value)
        do {
            _ = try reader.readUInt8()  // reserved; ignored on receipt
            let family = try reader.readUInt8()
            var port = try reader.readUInt16()
            let addressLength: Int
            switch family {
            case 0x01: addressLength = 4
            case 0x02: addressLength = 16
            default: throw STUNError.invalidAttribute(type: type, reason: "unknown address family \(family)")
            }
            guard reader.remaining == addressLength else {
                throw STUNError.invalidAttribute(
                    type: type, reason: "address family \(family) needs \(4 + addressLength) bytes, got \(value.count)")
            }
            var bytes = Array(reader.readRemaining())
            if xor {
                port ^= UInt16(magicCookie >> 16)
                let mask = xorMask(transactionID)
                for index in bytes.indices { bytes[index] ^= mask[index] }
            }
            // The length was checked just above, so IPAddress accepts the bytes.
            guard let ip = IPAddress(bytes: bytes) else {
                throw STUNError.invalidAttribute(type: type, reason: "bad address length")
            }
            return TransportAddress(ip: ip, port: port)
        } catch let error as STUNError {
            throw error
        } catch {
            throw STUNError.invalidAttribute(type: type, reason: "address value too short (\(value.count) bytes)")
        }
    }

    /// Writes an address value (8 bytes for IPv4, 20 for IPv6).
    static func encode(_ address: TransportAddress, xor: Bool, transactionID: TransactionID,
                       into writer: inout ByteWriter)
    {
        writer.write(UInt8(0))
        writer.write(UInt8(address.ip.isV6 ? 0x02 : 0x01))
        writer.write(xor ? address.port ^ UInt16(magicCookie >> 16) : address.port)
        // `IPAddress.v6` can hold an array of any length; write exactly the 16 bytes `valueLength` promised.
        var bytes = address.ip.bytes
        if address.ip.isV6, bytes.count != 16 {
            bytes = Array((bytes + [UInt8](repeating: 0, count: 16)).prefix(16))
        }
        if xor {
            let mask = xorMask(transactionID)
            for index in bytes.indices { bytes[index] ^= mask[index] }
        }
        writer.write(bytes: bytes)
    }
}
