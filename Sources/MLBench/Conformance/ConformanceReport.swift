import Foundation

/// What happened to one conformance case.
public enum ConformanceStatus: String, Codable, Sendable, CaseIterable {
    /// Every output of every data set matched.
    case passed
    /// The case ran into something MLCore does not implement: an operator, an element type, an attribute kind,
    /// a sequence / optional / map value, or a feature an operator reports as not supported.
    case unsupported
    /// Anything else: a wrong output, or an error that is not about missing support.
    case failed
}

/// The result of one case folder.
public struct ConformanceCaseResult: Codable, Sendable, Equatable {
    /// The folder name, e.g. `test_add_bcast`.
    public var name: String
    public var status: ConformanceStatus
    /// Why the case failed or is unsupported; empty when it passed.
    public var reason: String
    /// A short class of `reason` with node names and values left out, to group cases by cause,
    /// e.g. `operator ai.onnx::Col2Im not implemented` or `Pow: wrong output values`; empty when passed.
    public var group: String
    /// Wall time of the whole case: load, read every data set, run, compare.
    public var seconds: Double
    /// Operator types the model uses, subgraphs included, sorted: `Add` for `ai.onnx`, `domain::Op` otherwise.
    public var opTypes: [String]

    public init(name: String, status: ConformanceStatus, reason: String = "", group: String = "", seconds: Double,
                opTypes: [String]) {
        self.name = name
        self.status = status
        self.reason = reason
        self.group = group
        self.seconds = seconds
        self.opTypes = opTypes
    }

    enum CodingKeys: String, CodingKey {
        case name, status, reason, group, seconds
        case opTypes = "op_types"
    }
}

/// Case counts of one operator: the cases whose model uses it, by status.
public struct ConformanceCounts: Codable, Sendable, Equatable {
    public var cases = 0
    public var passed = 0
    public var failed = 0
    public var unsupported = 0

    public init() {}

    mutating func add(_ status: ConformanceStatus) {
        cases += 1
        switch status {
        case .passed: passed += 1
        case .failed: failed += 1
        case .unsupported: unsupported += 1
        }
    }
}

/// A run of ONNX's backend node tests, as written by `bench onnx-conformance --report`.
public struct ConformanceReport: Codable, Sendable {
    public var suite = "onnx-conformance"
    /// ISO 8601 UTC time the run started.
    public var utcTime: String
    public var gitCommit: String?
    public var directory: String
    public var filter: String?
    public var rtol: Double
    public var atol: Double
    public var threads: Int
    public var buildConfiguration: String

    public var total = 0
    public var passed = 0
    public var failed = 0
    public var unsupported = 0
    /// Cases whose operators are all in ``RequiredOperators``.
    public var requiredOpsCases = 0
    public var requiredOpsPassed = 0
    public var perOperator: [String: ConformanceCounts] = [:]
    /// The ten slowest cases, slowest first (a case cannot be timed out in-process).
    public var slowest: [Slow] = []
    /// Every case, in folder order.
    public var cases: [ConformanceCaseResult] = []

    public struct Slow: Codable, Sendable, Equatable {
        public var name: String
        public var seconds: Double
    }

    /// `requiredOpsPassed / requiredOpsCases`, 0 when there are none.
    public var requiredOpsPassRate: Double {
        requiredOpsCases == 0 ? 0 : Double(requiredOpsPassed) / Double(requiredOpsCases)
    }

    public init(directory: String, filter: String?, comparison: ConformanceComparison, threads: Int) {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        utcTime = formatter.string(from: Date())
        gitCommit = Report.currentGitCommit()
        self.directory = directory
        self.filter = filter
        rtol = comparison.rtol
        atol = comparison.atol
        self.threads = threads
        buildConfiguration = Environment.buildConfiguration
    }

    /// Appends a case and updates every count.
    public mutating func add(_ result: ConformanceCaseResult) {
        cases.append(result)
        total += 1
        switch result.status {
        case .passed: passed += 1
        case .failed: failed += 1
        case .unsupported: unsupported += 1
        }
        for op in result.opTypes { perOperator[op, default: ConformanceCounts()].add(result.status) }
        if RequiredOperators.containsAll(result.opTypes) {
            requiredOpsCases += 1
            if result.status == .passed { requiredOpsPassed += 1 }
        }
        slowest.append(Slow(name: result.name, seconds: result.seconds))
        slowest = Array(slowest.sorted { $0.seconds > $1.seconds }.prefix(10))
    }

    enum CodingKeys: String, CodingKey {
        case suite, directory, filter, rtol, atol, threads, total, passed, failed, unsupported, slowest, cases
        case utcTime = "utc_time"
        case gitCommit = "git_commit"
        case buildConfiguration = "build_configuration"
        case requiredOpsCases = "required_ops_cases"
        case requiredOpsPassed = "required_ops_passed"
        case perOperator = "per_operator"
    }

    /// Pretty-printed JSON with sorted keys (stable diffs).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    public static func decode(_ data: Data) throws -> ConformanceReport {
        try JSONDecoder().decode(ConformanceReport.self, from: data)
    }

    /// The default path: `results/onnx-conformance-<UTC time>.json`, colons removed.
    public var defaultPath: String {
        "results/\(suite)-\(utcTime.replacingOccurrences(of: ":", with: "")).json"
    }

    /// Writes the report to `path` (default ``defaultPath``), creating folders, and returns the path written.
    @discardableResult
    public func write(to path: String?) throws -> String {
        let target = path ?? defaultPath
        let url = URL(fileURLWithPath: target)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try jsonData().write(to: url, options: .atomic)
        return target
    }
}
