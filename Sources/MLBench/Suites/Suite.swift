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

    public init(quick: Bool = false, threads: Int) {
        self.quick = quick
        self.threads = threads
    }
}

/// Every suite `bench` knows, in the order `bench suites` lists them.
public enum Suites {
    public static let all: [any BenchmarkSuite] = [KernelsSuite(), InferenceSuite(), ConformanceSuite()]

    public static func named(_ name: String) -> (any BenchmarkSuite)? {
        all.first { $0.name == name }
    }
}
