// swift-tools-version: 6.1
// LinkUp: a native WebRTC peer engine for Linux. Module layout and dependency direction: ../shared/ARCHITECTURE.md.
import Foundation
import PackageDescription

/// System libraries found through pkg-config; `providers` tells SwiftPM which Debian package brings each.
let systemLibraries: [Target] = [
    .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
    .systemLibrary(name: "CSRTP", pkgConfig: "libsrtp2", providers: [.apt(["libsrtp2-dev"])]),
    .systemLibrary(name: "COpus", pkgConfig: "opus", providers: [.apt(["libopus-dev"])]),
    .systemLibrary(name: "CVPX", pkgConfig: "vpx", providers: [.apt(["libvpx-dev"])]),
    .systemLibrary(name: "CV4L2", pkgConfig: "libv4l2", providers: [.apt(["libv4l-dev"])]),
    .systemLibrary(name: "CALSA", pkgConfig: "alsa", providers: [.apt(["libasound2-dev"])]),
    // Without pkg-config: sdl2.pc adds -D_REENTRANT, a flag SwiftPM refuses (with a warning); the headers are
    // included as <SDL2/...> instead.
    .systemLibrary(name: "CSDL2", providers: [.apt(["libsdl2-dev", "libsdl2-ttf-dev"])]),
    .systemLibrary(name: "CSpeexDSP", pkgConfig: "speexdsp", providers: [.apt(["libspeexdsp-dev"])]),
    // Debian's libyuv-dev installs no .pc file: the header is in /usr/include and the library in the default path.
    .systemLibrary(name: "CYUV", providers: [.apt(["libyuv-dev"])]),
    .systemLibrary(name: "CXCB", pkgConfig: "xcb-shm", providers: [.apt(["libxcb1-dev", "libxcb-shm0-dev"])]),
]

let package = Package(
    name: "LinkUp",
    products: [
        .executable(name: "linkup", targets: ["PeerCLI"]),
        .library(name: "Wire", targets: ["Wire"]),
        .library(name: "ICE", targets: ["ICE"]),
        .library(name: "DTLS", targets: ["DTLS"]),
        .library(name: "SDP", targets: ["SDP"]),
        .library(name: "Media", targets: ["Media"]),
        .library(name: "Peer", targets: ["Peer"]),
        .library(name: "MediaSession", targets: ["MediaSession"]),
        .library(name: "Simulation", targets: ["Simulation"]),
        .library(name: "RTP", targets: ["RTP"]),
        .library(name: "Congestion", targets: ["Congestion"]),
        .library(name: "Signaling", targets: ["Signaling"]),
        .library(name: "SignalingServer", targets: ["SignalingServer"]),
        .library(name: "RESP", targets: ["RESP"]),
        .library(name: "SCTP", targets: ["SCTP"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.27.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.24.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.20.0"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket", from: "1.4.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: systemLibraries + [
        // What Swift cannot import directly: variadic functions, function-like macros, VIDIOC_* numbers.
        .target(
            name: "CShim",
            dependencies: ["COpenSSL", "CSRTP", "COpus", "CVPX", "CV4L2", "CALSA"]
        ),
        .target(name: "Wire"),
        .target(name: "Simulation", dependencies: ["Wire"]),
        .target(name: "ICE", dependencies: ["Wire", "COpenSSL"]),
        .target(name: "DTLS", dependencies: ["Wire", "COpenSSL", "CShim"]),
        .target(name: "SDP", dependencies: ["Wire"]),
        .target(name: "RTP", dependencies: ["Wire", "CSRTP", "COpenSSL"]),
        // SCTP over DTLS for data channels (RFC 8831, RFC 9260 subset, RFC 3758, RFC 6525) and DCEP (RFC 8832);
        // sans-IO.
        .target(name: "SCTP", dependencies: ["Wire"]),
        // Bandwidth estimation (GCC: transport-wide feedback, delay- and loss-based control), probing, pacer; sans-IO.
        .target(name: "Congestion", dependencies: ["RTP", "Wire"]),
        // Pixel and sample loops are unusable unoptimized (tests and debug builds run real video through them),
        // so Media is compiled with -O in every configuration.
        .target(
            name: "Media",
            dependencies: ["Wire", "COpus", "CVPX", "CShim", "CV4L2", "CALSA", "CSDL2", "CSpeexDSP", "CYUV", "CXCB"],
            swiftSettings: [.unsafeFlags(["-O"])]
        ),
        .target(name: "Peer", dependencies: ["Wire", "ICE", "DTLS", "SDP", "RTP", "SCTP"]),
        // One call's media engine, sans-IO: forwarding (echo, relays), RTCP, statistics; `CallMachine` runs it
        // together with its Peer.
        .target(name: "MediaSession", dependencies: ["Wire", "RTP", "SDP", "Peer", "Media", "Congestion"]),
        // The only I/O of the peer stack: UDP sockets and timers on a SwiftNIO event loop.
        .target(
            name: "PeerRuntime",
            dependencies: [
                "Wire", "ICE", "Peer", "MediaSession",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Engine.IO v4 / Socket.IO v5 packets, the LinkUp messages of PROTOCOL.md, and the client's sans-IO session
        // (its WebSocket I/O lives in PeerCLI).
        .target(name: "Signaling", dependencies: ["Wire"]),
        // A small Redis client: the sans-IO RESP3 value parser/encoder and its SwiftNIO connection (pub/sub,
        // pipelining, reconnection), used by the signaling server's scale-out.
        .target(
            name: "RESP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The Socket.IO signaling server on Hummingbird 2 (websocket and long-polling), rooms, relay, web client.
        .target(
            name: "SignalingServer",
            dependencies: [
                "Signaling", "Wire", "COpenSSL", "RESP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Web")]
        ),
        .executableTarget(
            name: "PeerCLI",
            dependencies: [
                "Wire", "ICE", "DTLS", "SDP", "RTP", "CShim", "Media", "Peer", "PeerRuntime", "MediaSession",
                "Signaling", "SignalingServer", "RESP", "SCTP", "COpenSSL",
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "WireTests", dependencies: ["Wire"]),
        .testTarget(name: "ICETests", dependencies: ["ICE", "Wire", "Simulation"]),
        .testTarget(name: "DTLSTests", dependencies: ["DTLS", "RTP", "Wire"]),
        .testTarget(name: "SDPTests", dependencies: ["SDP", "Wire"]),
        .testTarget(name: "RTPTests", dependencies: ["RTP", "Wire"]),
        .testTarget(name: "SCTPTests", dependencies: ["SCTP", "Wire", "Simulation"]),
        .testTarget(name: "CongestionTests", dependencies: ["Congestion", "RTP", "Wire"]),
        .testTarget(name: "MediaTests", dependencies: ["Media", "Wire"]),
        .testTarget(name: "PeerTests", dependencies: ["Peer", "ICE", "SDP", "RTP", "Wire", "Simulation"]),
        .testTarget(name: "MediaSessionTests",
                    dependencies: ["MediaSession", "Media", "Peer", "RTP", "SDP", "Wire", "Simulation"]),
        .testTarget(name: "PeerRuntimeTests", dependencies: ["PeerRuntime", "ICE", "Wire"]),
        .testTarget(name: "SignalingTests", dependencies: ["Signaling", "Wire"]),
        .testTarget(name: "SignalingServerTests", dependencies: ["SignalingServer", "Signaling", "Wire"]),
        .testTarget(name: "RESPTests", dependencies: ["RESP"]),
        // CallMedia and its parts live in the executable; SwiftPM lets tests @testable-import it.
        .testTarget(name: "PeerCLITests", dependencies: ["PeerCLI", "PeerRuntime", "Media", "RTP", "Wire"]),
        .testTarget(name: "ShimTests", dependencies: ["CShim", "COpenSSL", "COpus", "CVPX", "CALSA", "CSRTP"]),
    ]
)

// `make bench` builds with LINKUP_BENCHMARKS=1 (in its own scratch path): the allocation benchmark on
// ordo-one/benchmark's malloc interposer, and the signaling load client. Other builds never resolve or build them.
if ProcessInfo.processInfo.environment["LINKUP_BENCHMARKS"] != nil {
    package.dependencies.append(
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]))
    package.targets.append(.executableTarget(
        name: "ForwardingAllocations",
        dependencies: ["MediaSession", "Peer", "RTP", "Wire", "Simulation",
                       .product(name: "Benchmark", package: "benchmark")],
        path: "Benchmarks/ForwardingAllocations",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]))
    // Benchmarks/signaling_load.py's load client: raw Engine.IO WebSocket clients on one SwiftNIO event loop.
    package.targets.append(.executableTarget(
        name: "SignalingLoad",
        dependencies: [.product(name: "NIOCore", package: "swift-nio"),
                       .product(name: "NIOPosix", package: "swift-nio")],
        path: "Benchmarks/SignalingLoad"))
}
