// swift-tools-version:6.1
// pgvigil: a monitoring agent for PostgreSQL. Each layer is a target; docs/ARCHITECTURE.md gives the graph and why each dependency.
import PackageDescription

/// A product of swift-nio.
func nio(_ name: String) -> Target.Dependency { .product(name: name, package: "swift-nio") }
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let lifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let timers: Target.Dependency = .product(name: "AsyncAlgorithms", package: "swift-async-algorithms")

/// Every target is compiled in Swift 6 mode.
let layer: [SwiftSetting] = [.swiftLanguageMode(.v6)]

/// How the release agent is linked, each for fewer resident pages (README "Footprint beside
/// postgres_exporter" has the figures): lld with packed relative relocations (RELR, a bitmap
/// instead of 24 bytes for each of ~68,000 relocations read at every start), no exported
/// symbols (23,000 names that every library's symbol lookup searched first), and the functions a
/// running agent executes placed together first (scripts/link-order.txt by name, and
/// scripts/link/hot-sections.ld by section for those a name cannot place: Swift's unnamed
/// functions and local names many object files define; scripts/link-order.sh writes both. The
/// kernel maps a file's pages in 64 KiB blocks around each page touched, so code run spread over
/// the whole text made most of it resident). The release build
/// also links the Swift runtime in (`--static-swift-stdlib`, scripts/build-agent.sh, which also
/// gives each Swift function a section of its own, so that it can be placed): a process then
/// touches parts of one file instead of whole pages of five libraries. So are libstdc++, zlib,
/// libyaml and snappy: the linker scripts in scripts/link, found first, turn `-lstdc++` (from the
/// Swift runtime's own arguments) and `-lz`, `-lyaml`, `-lsnappy` (from the module maps) into their
/// static archives; each shared library loaded kept pages of its own (one-target agent 19.2 -> 18.2
/// MiB). libxcrypt stays shared: it is LGPL, and part of every Debian system.
let releaseLink: [LinkerSetting] = [
    .unsafeFlags(
        [
            "-use-ld=lld", "-Xlinker", "--no-export-dynamic", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
            "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/scripts/link-order.txt", "-Xlinker", "--no-warn-symbol-ordering",
            "-Xlinker", "--script=\(Context.packageDirectory)/scripts/link/hot-sections.ld",
            "-L\(Context.packageDirectory)/scripts/link",
        ],
        .when(configuration: .release))
]

/// libpq is linked in from its static archive, with OpenSSL's (libpq's TLS and SCRAM) and PostgreSQL's
/// common and port code it calls (Debian's postgresql-server-dev-15; libpq-dev is 15 in Debian 12).
/// Kerberos (GSSAPI) and libldap are opened on demand, at the first call into them (target
/// LibrariesOnDemand): libpq.so and its 17 libraries took one agent from 20.1 to 24.1 MiB resident
/// (README "Footprint beside postgres_exporter"). Every configuration links it this way, so the
/// tests run the libpq that ships. PostgreSQL's common and port archives must be the same major
/// version as libpq-dev (scripts/install-deps.sh checks).
let libpqLinkedIn: [LinkerSetting] = [
    .unsafeFlags(["-L/usr/lib/postgresql/15/lib"]),
    .linkedLibrary(":libpq.a"), .linkedLibrary(":libpgcommon_shlib.a"), .linkedLibrary(":libpgport_shlib.a"),
    .linkedLibrary(":libssl.a"), .linkedLibrary(":libcrypto.a"),
]

/// The tests reach every layer (each test file imports the ones it uses).
let testDependencies: [Target.Dependency] = [
    "PGVigil", "HTTP", "Alerting", "Sampler", "Collectors", "Config", "Postgres", "Exposition", "Store", "Support", "TestSupport",
    "RemoteWrite", "WebClient", "YAML", .product(name: "NIOSSL", package: "swift-nio-ssl"), "CZlib", "LibrariesOnDemand",
    nio("NIOCore"), nio("NIOPosix"), nio("NIOHTTP1"), nio("NIOConcurrencyHelpers"), logging,
]

let package = Package(
    name: "pgvigil",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "pgvigil", targets: ["pgvigil"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms", from: "1.1.4"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // C libraries from Debian (scripts/install-deps.sh installs them): libpq-dev (its headers; the
        // library is linked in, `libpqLinkedIn`), zlib1g-dev, libyaml-dev, libsnappy-dev, libcrypt-dev.
        .systemLibrary(name: "CLibPQ"),
        .systemLibrary(name: "CZlib"),
        .systemLibrary(name: "CYAML"),
        .systemLibrary(name: "CSnappy"),
        .systemLibrary(name: "CCrypt"),
        .systemLibrary(name: "CMalloc"),
        .target(name: "LibrariesOnDemand"),
        // The layers, each a module; a target depends only on those below it (docs/ARCHITECTURE.md).
        .target(
            name: "Support",
            dependencies: [logging, nio("NIOConcurrencyHelpers")],
            swiftSettings: layer),
        .target(
            name: "Store",
            dependencies: ["Support", nio("NIOConcurrencyHelpers")],
            swiftSettings: layer),
        .target(
            name: "Exposition",
            dependencies: [
                "CZlib", "Store", "Support",
                nio("NIOCore"), nio("NIOConcurrencyHelpers"),
            ],
            swiftSettings: layer),
        .target(
            name: "Postgres",
            dependencies: ["CLibPQ", "LibrariesOnDemand", "Support", nio("NIOPosix"), nio("NIOConcurrencyHelpers")],
            swiftSettings: layer, linkerSettings: libpqLinkedIn),
        .target(
            name: "WebClient",
            dependencies: [
                "Support", nio("NIOCore"), nio("NIOPosix"), nio("NIOHTTP1"), nio("NIOConcurrencyHelpers"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: layer),
        .target(
            name: "YAML",
            dependencies: ["CYAML"],
            swiftSettings: layer),
        .target(
            name: "Config",
            dependencies: ["Postgres", "Support", "YAML"],
            swiftSettings: layer),
        .target(
            name: "Collectors",
            dependencies: ["Config", "Postgres", "Exposition", "Store"],
            swiftSettings: layer),
        .target(
            name: "Sampler",
            dependencies: [
                "Collectors", "Config", "Postgres", "Exposition", "Store", "Support",
                logging, lifecycle, timers,
            ],
            swiftSettings: layer),
        .target(
            name: "Alerting",
            dependencies: [
                "Sampler", "Config", "Exposition", "Store", "Support", "WebClient",
                nio("NIOCore"), nio("NIOPosix"), nio("NIOConcurrencyHelpers"), logging, lifecycle, timers,
            ],
            swiftSettings: layer),
        .target(
            name: "RemoteWrite",
            dependencies: [
                "Config", "CSnappy", "Store", "Support", "WebClient",
                nio("NIOConcurrencyHelpers"), .product(name: "NIOSSL", package: "swift-nio-ssl"), logging, lifecycle,
            ],
            swiftSettings: layer),
        .target(
            name: "HTTP",
            dependencies: [
                "Alerting", "CCrypt", "Sampler", "Config", "Exposition", "Store", "Support",
                nio("NIOCore"), nio("NIOPosix"), nio("NIOHTTP1"), nio("NIOConcurrencyHelpers"), logging, lifecycle,
                nio("NIOTLS"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: layer),
        // The agent: wires the layers into one process, and the commands of the executable.
        .target(
            name: "PGVigil",
            dependencies: [
                "HTTP", "Alerting", "RemoteWrite", "Sampler", "Collectors", "Config", "Postgres", "Exposition", "Store", "Support",
                "WebClient", "YAML", nio("NIOCore"), nio("NIOPosix"), nio("NIOHTTP1"), nio("NIOConcurrencyHelpers"), logging, lifecycle,
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: layer),
        .executableTarget(
            name: "pgvigil",
            dependencies: [
                "PGVigil", "Config", "Postgres", "Support", "CMalloc", logging, .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: layer, linkerSettings: releaseLink
        ),
        // Benchmarks measured in process (benchmarks/ has the ones against real servers and peers).
        .executableTarget(name: "pgvigil-bench", dependencies: ["Store"], swiftSettings: layer),
        // The fuzzers' driver (Fuzz/run.sh builds it with -sanitize=fuzzer); a normal build replays inputs.
        .executableTarget(name: "pgvigil-fuzz", dependencies: ["PGVigil"], swiftSettings: layer),
        // What both test targets use: a webhook receiver, a loopback client, waiting with a deadline.
        .target(
            name: "TestSupport",
            dependencies: [
                nio("NIOCore"), nio("NIOPosix"), nio("NIOHTTP1"), nio("NIOConcurrencyHelpers"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Tests/TestSupport", swiftSettings: layer),
        .testTarget(name: "PGVigilTests", dependencies: testDependencies, swiftSettings: layer),
        .testTarget(name: "IntegrationTests", dependencies: testDependencies, swiftSettings: layer),
    ]
)
