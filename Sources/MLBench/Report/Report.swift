import Foundation
import MLCore

/// One run of one suite, as written to `results/<suite>-<UTC time>.json`. The schema is documented in
/// `results/README.md`; bump ``schemaVersion`` on any incompatible change.
public struct Report: Codable, Sendable {
    public static let schemaVersion = 1

    public var schema: Int
    public var runId: String
    /// ISO 8601 UTC time the run started.
    public var utcTime: String
    public var gitCommit: String?
    /// ``MLCoreBuild/version`` of the build that measured (absent in reports written before it was recorded).
    public var mlcoreVersion: String?
    public var commandLine: [String]
    public var suite: String
    public var quick: Bool
    /// Threads our kernels used (and OpenBLAS was set to).
    public var threads: Int
    public var environment: Environment
    public var datasets: [DatasetReference]
    public var results: [Result]
    /// Anything a reader must know to interpret the figures (skipped parts, debug build, ...).
    public var notes: [String]

    public struct DatasetReference: Codable, Sendable, Hashable {
        public var name: String
        public var rows: Int
        public var sha256: String
    }

    /// One figure: what was measured, on which system, with its unit and spread.
    public struct Result: Codable, Sendable {
        /// The system under test, e.g. `mlcore-wide-avx2`, `mlcore-blas`, `onnxruntime`.
        public var system: String
        /// The metric, e.g. `gemm_gflops`, `latency_p90`, `samples_per_second`.
        public var name: String
        public var value: Double
        public var unit: String
        public var dataset: String?
        public var scenario: String?
        /// Parameters that identify the case (sizes, threads, ...), as strings.
        public var params: [String: String]
        /// Spread over repeats, when the figure is a repeated measurement.
        public var repeats: RepeatStats?

        public init(system: String, name: String, value: Double, unit: String, dataset: String? = nil,
                    scenario: String? = nil, params: [String: String] = [:], repeats: RepeatStats? = nil) {
            self.system = system
            self.name = name
            self.value = value
            self.unit = unit
            self.dataset = dataset
            self.scenario = scenario
            self.params = params
            self.repeats = repeats
        }
    }

    public init(suite: String, quick: Bool, threads: Int, commandLine: [String] = CommandLine.arguments) {
        schema = Self.schemaVersion
        runId = UUID().uuidString.lowercased()
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        utcTime = formatter.string(from: Date())
        gitCommit = Self.currentGitCommit()
        mlcoreVersion = Self.currentMLCoreVersion
        self.commandLine = commandLine
        self.suite = suite
        self.quick = quick
        self.threads = threads
        environment = .current()
        datasets = []
        results = []
        notes = []
        if environment.buildConfiguration != "release" {
            notes.append("debug build: figures are not comparable with release builds (use swift run -c release bench)")
        }
    }

    /// Encodes as pretty-printed JSON with sorted keys (stable diffs).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// Records a dataset once (a suite may measure the same file in several runs).
    public mutating func addDataset(_ dataset: DatasetReference) {
        if !datasets.contains(dataset) { datasets.append(dataset) }
    }

    public static func decode(_ data: Data) throws -> Report {
        try JSONDecoder().decode(Report.self, from: data)
    }

    /// The default file name: `<suite>-<UTC time>.json` with the colons of the time removed.
    public var defaultFileName: String {
        "\(suite)-\(utcTime.replacingOccurrences(of: ":", with: "")).json"
    }

    /// The version of the MLCore this harness is built with.
    public static var currentMLCoreVersion: String { MLCoreBuild.version }

    /// `git rev-parse HEAD` of the working directory, or nil outside a repository.
    public static func currentGitCommit() -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "rev-parse", "HEAD"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
            process.waitUntilExit()
        } catch {
            return nil
        }
        guard process.terminationStatus == 0 else { return nil }
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let commit = out.trimmingCharacters(in: .whitespacesAndNewlines)
        return commit.isEmpty ? nil : commit
    }
}
