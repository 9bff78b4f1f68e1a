/// A standardized benchmark suite that `bench --suite NAME` runs.
public protocol BenchmarkSuite: Sendable {
    /// The name used on the command line.
    var name: String { get }
    /// One line for `bench suites`.
    var summary: String { get }
    /// Runs the suite and appends its results (and notes) to `report`.
    func run(into report: inout Report, options: SuiteOptions, progress: (String) -> Void) throws
}

/// Settings every suite honours.
public struct SuiteOptions: Sendable {
    /// Short run (at most 3 minutes on 2 cores).
    public var quick: Bool
    /// Threads for our kernels; OpenBLAS is set to the same count.
    public var threads: Int
    /// Add the largest data sizes (binary-classification: synthetic 1M and 10M rows).
    public var full: Bool
    /// The `bench` executable, for suites that measure runs in child processes (default: the running program
    /// when it is `bench`).
    public var benchExecutable: String?
    /// Run peer systems (onnxruntime through the pinned Python environment) beside MLCore where a suite has them.
    public var peers: Bool

    public init(quick: Bool = false, threads: Int, full: Bool = false, benchExecutable: String? = nil, peers: Bool = false) {
        self.quick = quick
        self.threads = threads
        self.full = full
        self.benchExecutable = benchExecutable
        self.peers = peers
    }
}

/// Every suite `bench` knows, in the order `bench suites` lists them.
public enum Suites {
    public static let all: [any BenchmarkSuite] = [
        BinaryClassificationSuite(), InferenceSuite(), NeuralNetworkSuite.imageClassification, NeuralNetworkSuite.language,
        KernelsSuite(), ConformanceSuite(),
    ]

    public static func named(_ name: String) -> (any BenchmarkSuite)? {
        all.first { $0.name == name }
    }
}
