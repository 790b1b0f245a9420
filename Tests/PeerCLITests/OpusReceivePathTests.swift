import Foundation
import Media
import Testing
@testable import PeerCLI

@Suite struct OpusReceivePathTests {
    @Test func fillsOneLostPacketFromTheNextPacketsFEC() throws {
        let packets = try TestMedia.opusPackets(20)
        var path = try OpusReceivePath()
        var frames: [OpusReceivePath.Decoded] = []
        for (index, packet) in packets.enumerated() where index != 10 {
            frames += path.receive(sequenceNumber: UInt16(truncatingIfNeeded: 65_530 + index),
                                   timestamp: UInt32(index * 960), payload: packet)
        }
        #expect(frames.count == 20)
        #expect(frames.map(\.rtpTimestamp) == (0..<20).map { UInt32($0 * 960) })
        #expect(frames.filter(\.concealed).map(\.rtpTimestamp) == [9600])
        #expect(frames.allSatisfy { $0.frame.samplesPerChannel == 960 })
        #expect(path.framesConcealed == 1)
        #expect(path.framesDecoded == 19)
    }

    /// The lost frame comes from the next packet's in-band FEC copy (the encoder plans for 20% loss), which is
    /// much closer to the real audio than what concealment alone extrapolates.
    @Test func fecRebuildsTheLostFrameBetterThanConcealment() throws {
        let packets = try TestMedia.opusPackets(20)
        let clean = try OpusDecoder()
        let reference = try packets.map { try clean.decode($0).samples }
        var path = try OpusReceivePath()
        var frames: [OpusReceivePath.Decoded] = []
        for (index, packet) in packets.enumerated() where index != 10 {
            frames += path.receive(sequenceNumber: UInt16(index), timestamp: UInt32(index * 960), payload: packet)
        }
        let rebuilt = try #require(frames.first { $0.concealed }).frame.samples
        let concealment = try OpusDecoder()
        for packet in packets[0..<10] { _ = try concealment.decode(packet) }
        let extrapolated = try concealment.decodeLost(samplesPerChannel: 960).samples
        let fecError = meanSquaredError(rebuilt, reference[10])
        let plcError = meanSquaredError(extrapolated, reference[10])
        #expect(fecError * 4 < plcError, "FEC \(fecError), PLC \(plcError)")
    }

    func meanSquaredError(_ a: [Int16], _ b: [Int16]) -> Double {
        zip(a, b).reduce(0.0) { $0 + pow(Double($1.0) - Double($1.1), 2) } / Double(max(min(a.count, b.count), 1))
    }

    @Test func concealsABurstAndDropsLatePackets() throws {
        let packets = try TestMedia.opusPackets(12)
        var path = try OpusReceivePath()
        var frames: [OpusReceivePath.Decoded] = []
        for index in [0, 1, 2, 6, 7, 4, 8, 9, 10, 11] {
            frames += path.receive(sequenceNumber: UInt16(index), timestamp: UInt32(index * 960),
                                   payload: packets[index])
        }
        // 3, 4, 5 filled when 6 arrived; 4 arriving afterwards is late.
        #expect(path.framesConcealed == 3)
        #expect(path.packetsLate == 1)
        #expect(frames.count == 12)
        #expect(frames.map(\.rtpTimestamp) == (0..<12).map { UInt32($0 * 960) })
    }

    @Test func doesNotConcealALongOutage() throws {
        let packets = try TestMedia.opusPackets(2)
        var path = try OpusReceivePath()
        _ = path.receive(sequenceNumber: 1, timestamp: 0, payload: packets[0])
        let frames = path.receive(sequenceNumber: 100, timestamp: 99 * 960, payload: packets[1])
        #expect(frames.count == 1)
        #expect(path.framesConcealed == 0)
    }
}
