// swift-tools-version:6.1
// pgvigil: a monitoring agent for PostgreSQL. Dependencies are the ones DESIGN.md chooses; ask before adding.
import PackageDescription

let package = Package(
    name: "pgvigil",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "pgvigil", targets: ["pgvigil"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms", from: "1.1.4"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(
            name: "PGVigil",
            dependencies: [
                "CLibPQ",
                "CCurl",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "pgvigil",
            dependencies: [
                "PGVigil",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // The fuzzers' driver (Fuzz/run.sh builds it with -sanitize=fuzzer); a normal build replays inputs.
        .executableTarget(name: "pgvigil-fuzz", dependencies: ["PGVigil"], swiftSettings: [.swiftLanguageMode(.v6)]),
        .testTarget(name: "PGVigilTests", dependencies: ["PGVigil", .product(name: "Yams", package: "Yams")], swiftSettings: [.swiftLanguageMode(.v6)]),
        .testTarget(name: "IntegrationTests", dependencies: ["PGVigil", .product(name: "Yams", package: "Yams")], swiftSettings: [.swiftLanguageMode(.v6)]),
    ]
)
