// swift-tools-version:6.0
// A tiny package that depends on MLCore the way a user's service would, to prove that MLCore builds as a
// dependency (SwiftPM refuses `unsafeFlags` in dependencies, so this build fails if MLCore ever uses them).
import PackageDescription

let package = Package(
    name: "Consumer",
    dependencies: [.package(name: "MLCore", path: "../..")],
    targets: [
        .executableTarget(name: "Consumer", dependencies: [.product(name: "MLCore", package: "MLCore")]),
    ]
)
