/// A validated, flattened tree ensemble: the one evaluator behind the ONNX tree-ensemble operators and
/// MLCore's own GBDT.
///
/// Layout (onnxruntime's design, tightened): the nodes of all trees are stored contiguously; inside a tree
/// they are in pre-order with the false child immediately after its parent, so a node stores only its true
/// child. A node is 16 bytes (threshold as `Double`, feature, true child); leaves have `feature == -1` and
/// `trueChild` is the leaf's index into the leaf tables. Walking trees is separate from aggregating scores
/// (``TreeAggregation``).
public struct TreeEnsemble: Sendable {
    /// How a branch node compares the feature value `x` with its threshold `t`; "true" goes to the true child.
    public enum Mode: UInt8, Sendable, CaseIterable {
        case lessOrEqual = 0      // BRANCH_LEQ: x <= t
        case less = 1             // BRANCH_LT:  x < t
        case greaterOrEqual = 2   // BRANCH_GTE: x >= t
        case greater = 3          // BRANCH_GT:  x > t
        case equal = 4            // BRANCH_EQ:  x == t
        case notEqual = 5         // BRANCH_NEQ: x != t
        case member = 6           // BRANCH_MEMBER: x in a set (TreeEnsemble opset 5)
    }

    struct Node: Sendable {
        var threshold: Double
        var feature: Int32
        var trueChild: Int32
    }

    let nodes: [Node]
    /// Per node: comparison mode (ignored for leaves).
    let modes: [UInt8]
    /// Per node: NaN goes to the true child.
    let missingTracksTrue: [Bool]
    /// Per node of mode ``Mode/member``: index into `memberSets`; -1 otherwise.
    let memberSetIndex: [Int32]
    let memberSets: [Set<Double>]
    /// First node of each tree.
    public let roots: [Int32]
    /// Per leaf: range into `weightTargets` / `weights`.
    let leafStart: [Int32]
    let leafCount: [Int32]
    let weightTargets: [Int32]
    let weights: [Double]

    /// Every branch uses the same mode and none tracks missing values: the fast walk applies.
    let uniformMode: Mode?
    /// Every leaf has exactly one weight: the fast aggregation applies.
    let singleWeightLeaves: Bool
    /// One more than the largest feature index any branch reads.
    public let featureCount: Int
    /// The number of targets (regression) or classes (classification) that weights add to.
    public let targetCount: Int
    /// The deepest root-to-leaf path, in branch nodes.
    public let maxDepth: Int

    /// The branch-free form for float32 rows, when the ensemble qualifies (see ``BranchFreeForest``).
    var branchFree: BranchFreeForest?

    /// The number of trees.
    public var treeCount: Int { roots.count }
    /// The number of nodes (branches and leaves).
    public var nodeCount: Int { nodes.count }
}
