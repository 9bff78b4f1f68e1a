/// What the load generator drives (MLPerf LoadGen's split): it sees only sample indices, never the clock or
/// the scenario. Loading samples is untimed; `issue` is timed, and returns when the query's answers are ready.
public protocol SystemUnderTest: AnyObject {
    /// A name for reports, e.g. `mlcore-onnx` or `null`.
    var name: String { get }
    /// How many distinct samples the library holds.
    var sampleCount: Int { get }
    /// Prepares samples for issue (untimed): decoding, tensors, anything not part of answering a query.
    func loadSamples(_ indices: [Int]) throws
    /// Answers one query of sample indices, synchronously.
    func issue(_ query: [Int]) throws
}

/// A system that does nothing: timing it measures the harness's own cost per query.
public final class NullSystem: SystemUnderTest {
    /// The system name of its figures in reports.
    public static let systemName = "null"
    public let name = NullSystem.systemName
    public let sampleCount: Int
    public init(sampleCount: Int) { self.sampleCount = sampleCount }
    public func loadSamples(_ indices: [Int]) {}
    public func issue(_ query: [Int]) { blackHole(query.count) }

    /// The load generator's own cost per query: `harness_overhead_p50` of a run under `settings`.
    static func harnessOverhead(settings: TestSettings, sampleCount: Int) throws -> Report.Result {
        let overhead = try LoadGenerator().run(NullSystem(sampleCount: sampleCount), settings: settings)
        return .init(system: systemName, name: "harness_overhead_p50", value: overhead.percentile(50) * 1e6, unit: "us",
                     scenario: settings.scenario.rawValue, params: ["queries": String(overhead.queries)])
    }
}
