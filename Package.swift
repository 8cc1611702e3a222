// swift-tools-version: 6.1
import PackageDescription

/// Dependencies are chosen for build time and footprint on small gateways:
/// - swift-argument-parser: the command line.
/// - libyaml (system, CYAML; not a package): the YAML event parser behind the config loader. A small,
///   well-kept C parser with line and column marks for located errors; VigieCore composes its own
///   node tree from the events, so no Foundation (and no ICU) comes with it, unlike Yams.
/// - swift-log: the logging API every component takes a `Logger` from.
/// - swift-metrics: the metrics API components count with (the backend is chosen by the executable).
/// - swift-service-lifecycle: long-running stages are `Service`s in one `ServiceGroup` (signals, shutdown).
/// - No HTTP library: the status page, /health and /metrics use a small HTTP/1.1 server of our own over
///   Glibc sockets (VigieHTTP); `vigie status` reads them with the sinks' libcurl client. FlyingFox imports
///   Foundation, whose ICU alone is 34 MB of the binary, against a 16 MB RSS target; Hummingbird brings SwiftNIO.
/// - swift-prometheus (VigieDaemon only): the swift-metrics backend rendering /metrics as Prometheus text.
///
/// Modules depend downward only, never sideways:
///   vigie → VigieDemo → VigieDaemon → VigieUpstream → VigieMQTT, VigieHTTP, VigieStore, VigieModbus → VigieCore.
/// VigieMQTT, VigieHTTP (transports), VigieStore and VigieModbus do not import each other; a helper more
/// than one of them needs lives in VigieCore. Test harnesses shared by test targets live in VigieTestKit.
let package = Package(
    name: "vigie",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vigie", targets: ["vigie"]),
        // For the stage benchmarks (Benchmarks/, a package of their own).
        .library(name: "VigieCore", targets: ["VigieCore"]),
        .library(name: "VigieStore", targets: ["VigieStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // C libraries, through pkg-config.
        .systemLibrary(name: "CModbus", pkgConfig: "libmodbus", providers: [.apt(["libmodbus-dev"])]),
        .systemLibrary(name: "CMosquitto", pkgConfig: "libmosquitto", providers: [.apt(["libmosquitto-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // libcurl is loaded on first use (Sources/CCurl/shim.h): nothing to link, no header needed.
        .systemLibrary(name: "CCurl"),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),

        // Pure Swift vocabulary: no C but libyaml's parser, no I/O beyond reading config files.
        .target(name: "VigieCore", dependencies: ["CYAML"]),
        .target(
            name: "VigieStore",
            dependencies: ["VigieCore", "CSQLite", .product(name: "Logging", package: "swift-log"),
                           .product(name: "Metrics", package: "swift-metrics"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]
        ),
        .target(
            name: "VigieModbus",
            dependencies: ["VigieCore", "CModbus", .product(name: "Logging", package: "swift-log"),
                           .product(name: "Metrics", package: "swift-metrics"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]
        ),
        .target(
            name: "VigieMQTT",
            dependencies: ["VigieCore", "CMosquitto", .product(name: "Logging", package: "swift-log"),
                           .product(name: "Metrics", package: "swift-metrics"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]
        ),
        // The HTTP/1.1 server (status routes are VigieDaemon's) and the one client (libcurl, for sinks and `vigie status`).
        .target(
            name: "VigieHTTP",
            dependencies: ["VigieCore", "CCurl", .product(name: "Logging", package: "swift-log"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]
        ),
        // Every sink: the delivery loop, the MQTT and HTTP sinks, the renderer and the store-backed outbox.
        .target(
            name: "VigieUpstream",
            dependencies: ["VigieCore", "VigieStore", "VigieMQTT", "VigieHTTP",
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "Metrics", package: "swift-metrics"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]
        ),
        .target(
            name: "VigieDaemon",
            dependencies: [
                "VigieCore", "VigieStore", "VigieModbus", "VigieMQTT", "VigieHTTP", "VigieUpstream",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The simulated building behind `vigie demo`.
        .target(
            name: "VigieDemo",
            dependencies: ["VigieCore", "VigieStore", "VigieModbus", "VigieMQTT", "VigieDaemon",
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "Metrics", package: "swift-metrics"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                           .product(name: "Prometheus", package: "swift-prometheus")]
        ),
        .executableTarget(
            name: "vigie",
            dependencies: [
                "VigieCore", "VigieStore", "VigieModbus", "VigieMQTT", "VigieDaemon", "VigieDemo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // The store's crash-test child process and its benchmark (see docs/performance.md).
        .executableTarget(name: "vigie-store-probe", dependencies: ["VigieStore", "VigieCore"]),
        .executableTarget(name: "vigie-store-bench", dependencies: ["VigieStore", "VigieCore"]),
        // libFuzzer targets for the decoders and loaders (scripts/fuzz/run.sh, docs/reliability.md).
        .executableTarget(name: "vigie-fuzz", dependencies: ["VigieCore"]),

        // Harnesses shared by the test targets: the mosquitto broker, child processes, temporary
        // directories, the HTTP hub, certificates, the fast-forward clock, the fake NOTIFY_SOCKET.
        .target(name: "VigieTestKit",
                dependencies: ["VigieCore", .product(name: "Logging", package: "swift-log"),
                               .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
                path: "Tests/VigieTestKit"),

        .testTarget(name: "VigieCoreTests", dependencies: ["VigieCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "VigieStoreTests", dependencies: ["VigieStore", "VigieTestKit", "vigie-store-probe",
                                                   .product(name: "MetricsTestKit", package: "swift-metrics")]),
        .testTarget(name: "VigieModbusTests", dependencies: ["VigieModbus", "VigieTestKit"]),
        .testTarget(name: "VigieMQTTTests", dependencies: ["VigieMQTT", "VigieTestKit"]),
        .testTarget(name: "VigieHTTPTests", dependencies: ["VigieHTTP", "VigieTestKit"]),
        .testTarget(name: "VigieUpstreamTests", dependencies: [
            "VigieUpstream", "VigieStore", "VigieMQTT", "VigieTestKit", .product(name: "MetricsTestKit", package: "swift-metrics"),
        ]),
        .testTarget(name: "VigieDaemonTests", dependencies: [
            "VigieDaemon", "VigieTestKit", "vigie", .product(name: "MetricsTestKit", package: "swift-metrics"),
        ]),
        .testTarget(name: "VigieDemoTests", dependencies: [
            "VigieDemo", "VigieDaemon", "VigieStore", "VigieTestKit",
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
