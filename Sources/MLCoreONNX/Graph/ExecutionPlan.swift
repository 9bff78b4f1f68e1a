import MLCoreTensor

/// A graph compiled for execution: operators in topological order over numbered value slots.
///
/// Built once by ``Planner``; immutable and shared by every run. Each run owns its own slot array, so runs
/// from many threads never share a buffer.
struct ExecutionPlan: Sendable {
    /// One operator call. A class so that walking the plan on every run shares steps instead of copying
    /// their arrays (measured: struct copies were ~5% of a 16-node MLP's batch-1 latency).
    final class Step: Sendable {
        let node: ONNXNode
        let op: any Operator
        /// Slot of each input (nil for an omitted optional input).
        let inputs: [Int?]
        /// Slot of each output (nil for an unused optional output).
        let outputs: [Int?]
        /// Slots whose last reader is this step: released after it, so their buffers free as early as
        /// liveness allows (peak memory follows the live set, not the whole graph).
        let releases: [Int]
        /// The operator may overwrite its only input: it is an ``InPlaceOperator`` and this step is the
        /// input's last reader. The run hands the input over (its slot emptied first), so an unshared
        /// buffer is reused instead of allocating (and page-faulting) a new one.
        var inPlace: Bool { inPlaceOp != nil }
        /// `op` as an ``InPlaceOperator`` when ``inPlace``: cast once here, not on every run (a dynamic cast
        /// per step was 5% of the MLP's batch-1 latency).
        let inPlaceOp: (any InPlaceOperator)?

        init(node: ONNXNode, op: any Operator, inputs: [Int?], outputs: [Int?], releases: [Int]) {
            self.node = node
            self.op = op
            self.inputs = inputs
            self.outputs = outputs
            self.releases = releases
            if let op = op as? any InPlaceOperator, inputs.count == 1, outputs.count == 1, let input = inputs[0],
               releases.contains(input) {
                inPlaceOp = op
            } else {
                inPlaceOp = nil
            }
        }

        func releasing(_ slots: [Int]) -> Step {
            Step(node: node, op: op, inputs: inputs, outputs: outputs, releases: releases + slots)
        }
    }

    var steps: [Step]
    var slotCount: Int
    /// Initializers and folded constants, pre-placed in their slots at the start of a run.
    var constants: [(slot: Int, value: Value)]
    /// Graph inputs in declared order.
    var inputs: [(info: ONNXValueInfo, slot: Int)]
    /// Graph outputs in declared order.
    var outputs: [(info: ONNXValueInfo, slot: Int)]
    /// Shape computations remembered across runs (a session's top-level plan at optimization level basic or all).
    var shapeMemo: ShapeMemo? = nil

    /// This plan with its shape computations remembered across runs (see ``ShapeMemo``).
    func memoizingShapes() -> ExecutionPlan {
        var plan = self
        plan.shapeMemo = ShapeMemo(steps: steps, constantSlots: Set(constants.map(\.slot)))
        return plan
    }
}
