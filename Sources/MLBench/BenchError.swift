/// Why a benchmark could not run (a missing program, a child that failed, unusable data).
public struct BenchError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
