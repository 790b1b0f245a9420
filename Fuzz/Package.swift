// swift-tools-version: 6.1
// libFuzzer entry points, one per parser (ARCHITECTURE.md). Built apart from the main package because every module
// here is compiled with -sanitize=fuzzer: `make fuzz` (see the Makefile) builds and runs them.
import PackageDescription

/// One executable per fuzz target; its main.swift hands a callback to libFuzzer's driver (CFuzzDriver).
func fuzzTarget(_ name: String, _ modules: [String]) -> Target {
    .executableTarget(name: name, dependencies: ["FuzzSupport"] + modules.map { .product(name: $0, package: "LinkUp") })
}

let package = Package(
    name: "LinkUpFuzz",
    dependencies: [.package(name: "LinkUp", path: "..")],
    targets: [
        .target(name: "CFuzzDriver"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzDriver"]),
        fuzzTarget("FuzzDemux", ["Wire"]),
        fuzzTarget("FuzzSTUN", ["ICE", "Wire"]),
        fuzzTarget("FuzzSRTP", ["RTP", "Wire"]),
        fuzzTarget("FuzzTURN", ["ICE", "Wire"]),
        fuzzTarget("FuzzSDP", ["SDP"]),
        fuzzTarget("FuzzRTP", ["RTP", "Wire"]),
        fuzzTarget("FuzzRTCP", ["RTP", "Wire"]),
        fuzzTarget("FuzzSCTP", ["SCTP", "Wire"]),
        fuzzTarget("FuzzVP8Descriptor", ["RTP", "Wire"]),
        fuzzTarget("FuzzPeer", ["Peer", "Wire"]),
        fuzzTarget("FuzzIVF", ["Media"]),
        fuzzTarget("FuzzOgg", ["Media"]),
        fuzzTarget("FuzzSocketIO", ["Signaling"]),
        fuzzTarget("FuzzRESP", ["RESP"]),
        fuzzTarget("FuzzICEServerURL", ["Wire"]),
        fuzzTarget("FuzzPixelConversion", ["Media"]),
    ]
)
