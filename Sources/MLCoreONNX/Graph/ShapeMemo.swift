import Foundation
import MLCoreTensor

/// Values a graph computes from tensor shapes alone, kept from one run to the next.
///
/// Exporters compute shapes at run time: torch's BERT export has 60 of its 138 steps in `Shape -> Gather ->
/// Unsqueeze -> Concat -> Reshape`-style chains, which cost a node dispatch each on every run though their results
/// change only when an input shape does (onnxruntime folds them when the shapes are static; ours are usually
/// symbolic). A *root* step is a `Shape` or `Size`; a *derived* step is a deterministic operator (``derivable``)
/// whose every input is a constant or the output of a root or derived step. A run whose root steps see the same
/// input shapes as the remembered run takes every memo step's outputs from the memo instead of running it; the
/// first root whose input shape differs ends the hits for the rest of that run (the steps after it run, and the
/// run's values replace the memo). Because steps are in topological order, a derived step skipped on a hit depends
/// only on roots that already matched.
///
/// Outputs larger than ``maxElements`` are not kept (their step runs on every run, from memo inputs).
/// Shared by concurrent runs: a snapshot is immutable and replaced under a lock.
final class ShapeMemo: @unchecked Sendable {
    enum Role: Sendable { case none, root, derived }

    /// What one run remembered, by step index.
    final class Snapshot: Sendable {
        /// Root steps: the shape of the tensor the step read.
        let rootShapes: [Shape?]
        /// Memo steps: their outputs (nil when not kept).
        let values: [[Value]?]
        init(rootShapes: [Shape?], values: [[Value]?]) {
            self.rootShapes = rootShapes
            self.values = values
        }
    }

    /// Per step of the plan.
    let roles: [Role]
    /// Largest tensor (in elements) kept; shape computations produce a few dozen.
    static let maxElements = 4096

    /// Deterministic ai.onnx operators without subgraphs that shape computations use; anything else (random
    /// generators, control flow, operators of other domains) always runs.
    static let derivable: Set<String> = [
        "Gather", "Unsqueeze", "Squeeze", "Concat", "Slice", "Cast", "Range", "ConstantOfShape", "Reshape", "Flatten",
        "Add", "Sub", "Mul", "Div", "Mod", "Neg", "Abs", "Floor", "Ceil", "Sqrt", "Min", "Max",
        "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Not", "And", "Or", "Where", "Expand", "Tile",
        "Identity", "Transpose", "ReduceProd", "ReduceSum", "ReduceMin", "ReduceMax",
    ]

    private let lock = NSLock()
    private var snapshot: Snapshot?

    /// Roles for `steps`, or nil when no step is a root (nothing to remember).
    init?(steps: [ExecutionPlan.Step], constantSlots: Set<Int>) {
        var memoSlots = constantSlots
        var roles = [Role](repeating: .none, count: steps.count)
        for (i, step) in steps.enumerated() where step.node.domain.isEmpty {
            let isRoot = (step.node.opType == "Shape" || step.node.opType == "Size") && step.inputs.count == 1 && step.inputs[0] != nil
            let isDerived = !isRoot && Self.derivable.contains(step.node.opType)
                && step.inputs.allSatisfy { $0.map { memoSlots.contains($0) } ?? true }
                && step.inputs.contains { $0.map { !constantSlots.contains($0) } ?? false }
            guard isRoot || isDerived else { continue }
            roles[i] = isRoot ? .root : .derived
            for case let s? in step.outputs { memoSlots.insert(s) }
        }
        guard roles.contains(.root) else { return nil }
        self.roles = roles
    }

    var current: Snapshot? {
        lock.lock()
        defer { lock.unlock() }
        return snapshot
    }

    func store(_ s: Snapshot) {
        lock.lock()
        snapshot = s
        lock.unlock()
    }

    /// `results` as kept in a snapshot: nil when any is not a tensor of at most ``maxElements`` elements.
    static func keepable(_ results: [Value]) -> [Value]? {
        for r in results {
            guard let t = r.tensor, t.count <= maxElements else { return nil }
        }
        return results
    }
}
