// swift-tools-version: 6.1
import PackageDescription

/// The stage benchmarks (`make bench`), a package of their own so that the root package's build
/// and CI (`make test`) never build ordo-one/benchmark or its malloc interposer.
let package = Package(
    name: "vigie-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "vigie", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "VigieBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "VigieCore", package: "vigie"),
                .product(name: "VigieStore", package: "vigie"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/VigieBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
