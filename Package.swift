// swift-tools-version:6.0
// MLCore: machine-learning inference and benchmarking on CPUs.
// No target here carries `unsafeFlags`, so MLCore builds as a `.package(url:)` dependency;
// the wide (AVX2/AVX-512) kernels are selected at run time instead (see Sources/MLCoreCKernels).
import PackageDescription

let package = Package(
    name: "MLCore",
    products: [
        .library(name: "MLCore", targets: ["MLCore"]),
        .executable(name: "bench", targets: ["bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries (Debian packages; `scripts/setup.sh` installs them).
        .systemLibrary(
            name: "CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CLAPACKE", pkgConfig: "lapacke",
            providers: [.apt(["liblapacke-dev"])]),
        .systemLibrary(
            name: "CProtobufC", pkgConfig: "libprotobuf-c",
            providers: [.apt(["libprotobuf-c-dev"])]),

        // Wide kernels in C: AVX2+FMA and AVX-512 bodies behind a dispatch table filled once from CPUID.
        .target(name: "MLCoreCKernels"),

        .target(name: "MLCoreTensor"),
        .target(name: "MLCoreKernels", dependencies: ["MLCoreTensor", "MLCoreCKernels", "CBLAS"]),
        .target(name: "MLCore", dependencies: ["MLCoreTensor", "MLCoreKernels"]),

        .target(name: "MLBench", dependencies: ["MLCore", "CBLAS"]),
        .executableTarget(
            name: "bench",
            dependencies: ["MLBench", .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // Micro-benchmarks: Benchmarks/<Name>/<Name>.swift, one executable each.
        .executableTarget(name: "GEMMBench", dependencies: ["MLBench"], path: "Benchmarks/GEMMBench"),
        .executableTarget(name: "ElementwiseBench", dependencies: ["MLBench"], path: "Benchmarks/ElementwiseBench"),

        .target(name: "MLCoreTestSupport", dependencies: ["MLCore"], path: "Tests/MLCoreTestSupport"),
        .testTarget(name: "MLCoreTensorTests", dependencies: ["MLCoreTensor", "MLCoreTestSupport"]),
        .testTarget(name: "MLCoreKernelsTests", dependencies: ["MLCoreKernels", "MLCoreTestSupport"]),
    ]
)
