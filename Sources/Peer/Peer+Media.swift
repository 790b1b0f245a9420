import RTP
import SDP
import Wire

/// Sending and receiving media: RTP per transceiver through SRTP on the selected path.
extension Peer {
    /// Sends one RTP payload on the transceiver `mid`, with its SSRC, the next sequence number, the send codec's
    /// payload type (or `payloadType`), and the `sdes:mid` header extension when negotiated so the receiver can
    /// route it (RFC 9143 §15). The packet is SRTP-protected and sent on the selected ICE pair; it is returned
    /// (before protection) so a sender can keep it for retransmission.
    @discardableResult
    public mutating func sendRTP(mid: Mid, payload: ArraySlice<UInt8>, timestamp: UInt32, marker: Bool = false,
                                 payloadType: PayloadType? = nil) throws(PeerError) -> RTPPacket {
        guard let index = transceivers.firstIndex(where: { $0.mid == mid }) else {
            throw PeerError(.unknownTransceiver, "there is no media section with mid \(mid)")
        }
        let transceiver = transceivers[index]
        guard transceiver.direction.sends, !transceiver.isStopped,
              let codec = payloadType ?? transceiver.sendCodec?.payloadType else {
            throw PeerError(.unknownTransceiver, "media section \(mid) does not send (direction " +
                            "\(transceiver.direction.rawValue))")
        }
        let (context, path) = try connectedOutbound("cannot send media before the peer is connected (state " +
                                                    "\(connectionState.rawValue))")
        var extensions: RTPHeaderExtensions?
        if let id = transceiver.midExtensionID {
            var block = RTPHeaderExtensions()
            block.setMid(mid, id: id)
            extensions = block
        }
        let packet = RTPPacket(marker: marker, payloadType: codec, sequenceNumber: transceiver.nextSequenceNumber,
                               timestamp: timestamp, ssrc: transceiver.localSSRC, extensions: extensions,
                               payload: payload)
        transceivers[index].nextSequenceNumber &+= 1
        try transmit(packet, context: context, path: path)
        return packet
    }

    /// Resends `original` (a packet this side sent on `mid`) as an RTX packet (RFC 4588 §4): the RTX SSRC and
    /// payload type, RTX's own sequence number, and the original sequence number before the payload. Throws when
    /// RTX was not negotiated, because resending with the original sequence number would be refused by SRTP's
    /// replay protection on both sides.
    public mutating func resendRTX(_ original: RTPPacket, mid: Mid) throws(PeerError) {
        guard let index = transceivers.firstIndex(where: { $0.mid == mid }) else {
            throw PeerError(.unknownTransceiver, "there is no media section with mid \(mid)")
        }
        let transceiver = transceivers[index]
        guard let rtxType = transceiver.rtxPayloadType, let rtxSSRC = transceiver.localRTXSSRC else {
            throw PeerError(.unknownTransceiver, "media section \(mid) has no RTX negotiated")
        }
        let (context, path) = try connectedOutbound("cannot send media before the peer is connected")
        var payload = [UInt8]()
        payload.reserveCapacity(original.payload.count + 2)
        payload.append(UInt8(original.sequenceNumber >> 8))
        payload.append(UInt8(truncatingIfNeeded: original.sequenceNumber))
        payload.append(contentsOf: original.payload)
        let packet = RTPPacket(marker: original.marker, payloadType: rtxType,
                               sequenceNumber: transceiver.nextRTXSequenceNumber, timestamp: original.timestamp,
                               ssrc: rtxSSRC, extensions: original.extensions, payload: payload[...])
        transceivers[index].nextRTXSequenceNumber &+= 1
        try transmit(packet, context: context, path: path)
    }

    /// Sends a complete RTP packet as it is (SSRC, sequence number and payload type already set by a forwarder
    /// that keeps its own numbering), SRTP-protected, on the selected path.
    public mutating func sendPacket(_ packet: RTPPacket) throws(PeerError) {
        let (context, path) = try connectedOutbound("cannot send media before the peer is connected")
        try transmit(packet, context: context, path: path)
    }

    /// The outbound SRTP context and the selected path, once connected; otherwise an invalid-state error saying
    /// `message`. A `disconnected` path still carries media: consent has not expired yet (RFC 7675 §5.1 stops
    /// sending only then), and the NACKs and PLIs that repair an outage must leave the moment it ends.
    private func connectedOutbound(_ message: @autoclosure () -> String) throws(PeerError)
        -> (PeerSRTPContext, (local: TransportAddress, remote: TransportAddress))
    {
        guard connectionState == .connected || connectionState == .disconnected, let context = outbound,
              let path = mediaPath else {
            throw PeerError(.invalidState, message())
        }
        return (context, path)
    }

    private mutating func transmit(_ packet: RTPPacket, context: PeerSRTPContext,
                                   path: (local: TransportAddress, remote: TransportAddress)) throws(PeerError) {
        do {
            // Written into a recycled buffer (see `recycle(_:)`) with room for the SRTP tag, and protected in place:
            // no allocation once the runtime hands sent buffers back.
            var writer = ByteWriter(reusing: sendBuffers.popLast() ?? [],
                                    capacity: packet.encodedSize + Self.srtpOverheadReserve)
            packet.encode(into: &writer)
            var protected = writer.takeBytes()
            try context.protectInPlace(&protected)
            transmit(Datagram(local: path.local, remote: path.remote, payload: protected))
        } catch {
            throw PeerError(.srtpFailed, "SRTP refused to protect an RTP packet", underlying: error)
        }
    }

    /// Bytes reserved after an RTP packet for what SRTP appends: at most a 16-byte GCM tag (RFC 7714 §7) or a
    /// 10-byte HMAC tag (RFC 3711 §4.2).
    static let srtpOverheadReserve = 16

    /// Takes back the payload of a datagram the runtime has written to its socket, to send the next RTP packet in
    /// without allocating. A few buffers are kept; the rest are let go.
    public mutating func recycle(_ payload: consuming [UInt8]) {
        guard sendBuffers.count < Self.sendBufferPool, payload.capacity >= 256 else { return }
        sendBuffers.append(payload)
    }

    /// How many sent buffers `recycle(_:)` keeps.
    static let sendBufferPool = 16

    /// Sends one RTCP compound packet, SRTCP-protected, on the selected path.
    public mutating func sendRTCP(_ compound: [UInt8]) throws(PeerError) {
        let (context, path) = try connectedOutbound("cannot send RTCP before the peer is connected")
        do {
            let protected = try context.protectRTCP(compound)
            transmit(Datagram(local: path.local, remote: path.remote, payload: protected))
        } catch {
            throw PeerError(.srtpFailed, "SRTP refused to protect an RTCP packet", underlying: error)
        }
    }

    /// Decrypts and authenticates an SRTP packet and hands it to its transceiver; anything that fails
    /// authentication or replay protection is dropped (and counted).
    mutating func receiveRTP(_ bytes: [UInt8]) {
        guard let context = inbound else { return }
        // Decrypted into the peer's own buffer: once the last packet parsed from it is gone (the engine keeps
        // copies in its history, not references), the next packet reuses its memory instead of allocating.
        var plain: [UInt8] = []
        swap(&plain, &receiveBuffer)
        defer { swap(&plain, &receiveBuffer) }
        do {
            try context.unprotect(srtp: bytes, into: &plain)
        } catch {
            droppedPackets += 1
            return
        }
        guard let packet = try? RTPPacket(parsing: plain[...]) else {
            droppedPackets += 1
            return
        }
        guard let mid = route(packet) else {
            droppedPackets += 1
            return
        }
        receivedPackets += 1
        emit(.rtp(mid: mid, packet: packet))
    }

    mutating func receiveRTCP(_ bytes: [UInt8]) {
        guard let context = inbound else { return }
        do {
            let plain = try context.unprotectRTCP(bytes)
            emit(.rtcp(plain))
        } catch {
            droppedPackets += 1
        }
    }

    /// Which transceiver a packet belongs to: the MID header extension first, then the SSRC the remote announced,
    /// then the payload type (RFC 9143 §9.2), learning the SSRC for later packets.
    mutating func route(_ packet: RTPPacket) -> Mid? {
        if let extensions = packet.extensions {
            for transceiver in transceivers {
                if let id = transceiver.midExtensionID, let mid = extensions.mid(id: id), mid == transceiver.mid {
                    ssrcToMid[packet.ssrc] = mid
                    return mid
                }
            }
        }
        if let mid = ssrcToMid[packet.ssrc] { return mid }
        if let mid = payloadTypeToMid[packet.payloadType] {
            ssrcToMid[packet.ssrc] = mid
            return mid
        }
        return nil
    }
}
