import Foundation
import MLCore

/// The machine, build and libraries a report was measured on. Reports from different machines are told
/// apart by ``fingerprint``; figures from different build configurations are never compared.
public struct Environment: Codable, Sendable, Hashable {
    public var cpuModel: String
    public var cores: Int
    public var memoryBytes: Int
    public var os: String
    public var swiftVersion: String
    /// `release` or `debug`: debug figures are not comparable with release figures.
    public var buildConfiguration: String
    public var isa: ISAFeatures
    public var blas: BLASInfo
    /// SHA-256 prefix of CPU model, flags, core count and memory.
    public var fingerprint: String

    public struct ISAFeatures: Codable, Sendable, Hashable {
        public var avx2: Bool
        public var fma: Bool
        public var avx512f: Bool
        public var neon: Bool
        /// The level MLCore's wide kernels run at.
        public var widePath: String
    }

    public struct BLASInfo: Codable, Sendable, Hashable {
        public var library: String
        /// The kernel family OpenBLAS selected (`openblas_get_corename()`).
        public var core: String
        /// `OPENBLAS_CORETYPE`, which overrides the core: recorded because it changes BLAS speed up to 2x.
        public var coreTypeOverride: String?
        public var threads: Int
    }

    /// Reads the current machine.
    public static func current() -> Environment {
        let cpu = cpuInfoValue("model name") ?? cpuInfoValue("Model") ?? "unknown"
        let memory = memTotalBytes()
        let features = ISAFeatures(
            avx2: CPUFeatures.hasAVX2, fma: CPUFeatures.hasFMA, avx512f: CPUFeatures.hasAVX512F,
            neon: { () -> Bool in
                #if arch(arm64)
                return true
                #else
                return false
                #endif
            }(),
            widePath: InstructionSet.detected.description)
        let blas = BLASInfo(library: "OpenBLAS " + (BLAS.configuration.split(separator: " ").dropFirst().first.map(String.init) ?? ""),
                            core: BLAS.coreName, coreTypeOverride: BLAS.coreTypeOverride, threads: BLAS.threads)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let fingerprintSource = "\(cpu)|avx2=\(features.avx2)|fma=\(features.fma)|avx512f=\(features.avx512f)|neon=\(features.neon)|cores=\(cores)|mem=\(memory / (1 << 30))GiB"
        return Environment(
            cpuModel: cpu, cores: cores, memoryBytes: memory, os: osName(), swiftVersion: swiftCompilerVersion,
            buildConfiguration: buildConfiguration, isa: features, blas: blas,
            fingerprint: String(SHA256.hex(Array(fingerprintSource.utf8)).prefix(16)))
    }

    public static var buildConfiguration: String {
        #if DEBUG
        return "debug"
        #else
        return "release"
        #endif
    }

    static var swiftCompilerVersion: String {
        #if compiler(>=6.4)
        return ">=6.4"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.1)
        return "6.1"
        #else
        return "6.0"
        #endif
    }

    static func cpuInfoValue(_ key: String) -> String? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(key) {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    static func memTotalBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("MemTotal:") {
            let kb = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return kb * 1024
        }
        return 0
    }

    static func osName() -> String {
        guard let text = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8) else { return "Linux" }
        for line in text.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
            return line.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return "Linux"
    }
}
