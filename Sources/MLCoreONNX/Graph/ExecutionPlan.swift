import MLCoreTensor

/// A graph compiled for execution: operators in topological order over numbered value slots.
///
/// Built once by ``Planner``; immutable and shared by every run. Each run owns its own slot array, so runs
/// from many threads never share a buffer.
struct ExecutionPlan: Sendable {
    struct Step: Sendable {
        var node: ONNXNode
        var op: any Operator
        /// Slot of each input (nil for an omitted optional input).
        var inputs: [Int?]
        /// Slot of each output (nil for an unused optional output).
        var outputs: [Int?]
        /// Slots whose last reader is this step: released after it, so their buffers free as early as
        /// liveness allows (peak memory follows the live set, not the whole graph).
        var releases: [Int]
    }

    var steps: [Step]
    var slotCount: Int
    /// Initializers and folded constants, pre-placed in their slots at the start of a run.
    var constants: [(slot: Int, value: Value)]
    /// Graph inputs in declared order.
    var inputs: [(info: ONNXValueInfo, slot: Int)]
    /// Graph outputs in declared order.
    var outputs: [(info: ONNXValueInfo, slot: Int)]
}
