/// One node as a producer describes it (ONNX attributes, or a trained GBDT), before validation.
public struct TreeNodeSpec: Sendable {
    public var treeId: Int64
    public var nodeId: Int64
    /// `nil` marks a leaf.
    public var mode: TreeEnsemble.Mode?
    public var feature: Int64
    public var threshold: Double
    public var trueNodeId: Int64
    public var falseNodeId: Int64
    public var missingTracksTrue: Bool
    /// For ``TreeEnsemble/Mode/member``: the set of values that go to the true child.
    public var members: [Double]

    public init(treeId: Int64, nodeId: Int64, mode: TreeEnsemble.Mode?, feature: Int64 = 0, threshold: Double = 0,
                trueNodeId: Int64 = 0, falseNodeId: Int64 = 0, missingTracksTrue: Bool = false, members: [Double] = []) {
        self.treeId = treeId
        self.nodeId = nodeId
        self.mode = mode
        self.feature = feature
        self.threshold = threshold
        self.trueNodeId = trueNodeId
        self.falseNodeId = falseNodeId
        self.missingTracksTrue = missingTracksTrue
        self.members = members
    }
}

/// A weight a leaf adds to one target (or class).
public struct TreeLeafWeight: Sendable {
    public var treeId: Int64
    public var nodeId: Int64
    public var target: Int64
    public var weight: Double

    public init(treeId: Int64, nodeId: Int64, target: Int64, weight: Double) {
        self.treeId = treeId
        self.nodeId = nodeId
        self.target = target
        self.weight = weight
    }
}

/// Why a tree ensemble description was rejected; the message names the tree and node.
public struct TreeEnsembleError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension TreeEnsemble {
    /// Validates and flattens an ensemble.
    ///
    /// Trees appear in the order of their first node; a tree's root is the node no other node of the tree
    /// points to. Rejected (with the tree and node named): duplicate node ids, children that do not exist or
    /// lie in another tree, cycles, unreachable nodes, negative features, weights on missing nodes or
    /// out-of-range targets, and trees deeper than `maxDepth` or more than `maxTrees` trees.
    /// - Complexity: O(nodes + weights).
    public init(nodes specs: [TreeNodeSpec], weights leafWeights: [TreeLeafWeight], targetCount: Int,
                maxTrees: Int = 1_000_000, maxDepth: Int = 256) throws {
        func fail(_ m: String) -> TreeEnsembleError { TreeEnsembleError(message: m) }
        guard targetCount > 0 else { throw fail("the ensemble has no targets or classes") }

        // Group nodes by tree, keeping trees in order of first appearance.
        var treeOrder: [Int64] = []
        var byTree: [Int64: [Int64: Int]] = [:]  // treeId -> nodeId -> spec index
        for (i, s) in specs.enumerated() {
            if byTree[s.treeId] == nil {
                treeOrder.append(s.treeId)
                byTree[s.treeId] = [:]
            }
            guard byTree[s.treeId]![s.nodeId] == nil else { throw fail("tree \(s.treeId): node \(s.nodeId) is defined twice") }
            byTree[s.treeId]![s.nodeId] = i
            if s.mode != nil {
                guard s.feature >= 0, s.feature < Int64(Int32.max) else { throw fail("tree \(s.treeId) node \(s.nodeId): feature index \(s.feature) is invalid") }
            }
        }
        guard treeOrder.count <= maxTrees else { throw fail("\(treeOrder.count) trees, over the limit of \(maxTrees)") }

        // Weights per node.
        var weightsOf: [Int: [(Int32, Double)]] = [:]
        for w in leafWeights {
            guard let i = byTree[w.treeId]?[w.nodeId] else { throw fail("a weight refers to tree \(w.treeId) node \(w.nodeId), which does not exist") }
            guard w.target >= 0, w.target < Int64(targetCount) else {
                throw fail("tree \(w.treeId) node \(w.nodeId): target \(w.target) is outside 0..<\(targetCount)")
            }
            weightsOf[i, default: []].append((Int32(w.target), w.weight))
        }

        var nodes: [Node] = [], modes: [UInt8] = [], missing: [Bool] = [], memberIndex: [Int32] = []
        var memberSets: [Set<Double>] = []
        var roots: [Int32] = [], leafStart: [Int32] = [], leafCount: [Int32] = []
        var targets: [Int32] = [], weights: [Double] = []
        nodes.reserveCapacity(specs.count)
        var featureCount = 0, deepest = 0
        var firstMode: Mode? = nil, uniform = true, single = true

        for treeId in treeOrder {
            let members = byTree[treeId]!
            // Root: the node no other node of this tree points to.
            var pointedTo = Set<Int64>()
            for (_, i) in members where specs[i].mode != nil {
                pointedTo.insert(specs[i].trueNodeId)
                pointedTo.insert(specs[i].falseNodeId)
            }
            let candidates = members.keys.filter { !pointedTo.contains($0) }
            guard candidates.count == 1, let rootId = candidates.first else {
                throw fail(candidates.isEmpty ? "tree \(treeId) has no root (every node is some node's child: a cycle)"
                                              : "tree \(treeId) has \(candidates.count) roots \(candidates.sorted().prefix(5)): unreachable nodes")
            }
            roots.append(Int32(nodes.count))
            // Iterative pre-order walk, false child first so that it lands at parent + 1.
            var visited = Set<Int64>()
            var stack: [(id: Int64, depth: Int, parent: Int)] = [(rootId, 0, -1)]
            while let (id, depth, parent) = stack.popLast() {
                guard let i = members[id] else { throw fail("tree \(treeId): node \(id) is referenced but not defined") }
                guard visited.insert(id).inserted else { throw fail("tree \(treeId): node \(id) is reached twice (a cycle or a shared child)") }
                guard depth <= maxDepth else { throw fail("tree \(treeId) is deeper than the limit of \(maxDepth)") }
                let position = nodes.count
                guard position < Int(Int32.max) else { throw fail("too many nodes") }
                if parent >= 0 { nodes[parent].trueChild = Int32(position) }  // parent pushed true child last
                let s = specs[i]
                if let mode = s.mode {
                    featureCount = Swift.max(featureCount, Int(s.feature) + 1)
                    if firstMode == nil { firstMode = mode } else if firstMode != mode { uniform = false }
                    if s.missingTracksTrue || mode == .member { uniform = false }
                    if mode == .member {
                        memberIndex.append(Int32(memberSets.count))
                        memberSets.append(Set(s.members))
                    } else {
                        memberIndex.append(-1)
                    }
                    nodes.append(Node(threshold: s.threshold, feature: Int32(s.feature), trueChild: -1))
                    modes.append(mode.rawValue)
                    missing.append(s.missingTracksTrue)
                    // Push the true child first (visited last), then the false child (visited next, at i + 1).
                    stack.append((s.trueNodeId, depth + 1, position))
                    stack.append((s.falseNodeId, depth + 1, -1))
                    guard s.trueNodeId != id, s.falseNodeId != id else { throw fail("tree \(treeId): node \(id) points to itself") }
                } else {
                    deepest = Swift.max(deepest, depth)
                    let w = weightsOf[i] ?? []
                    if w.count != 1 { single = false }
                    nodes.append(Node(threshold: 0, feature: -1, trueChild: Int32(leafStart.count)))
                    modes.append(255)
                    missing.append(false)
                    memberIndex.append(-1)
                    leafStart.append(Int32(targets.count))
                    leafCount.append(Int32(w.count))
                    for (t, v) in w {
                        targets.append(t)
                        weights.append(v)
                    }
                }
            }
            guard visited.count == members.count else {
                throw fail("tree \(treeId): \(members.count - visited.count) nodes are unreachable from the root \(rootId)")
            }
        }
        // A false child must be the node right after its parent: true by construction; check the invariant.
        self.nodes = nodes
        self.modes = modes
        self.missingTracksTrue = missing
        self.memberSetIndex = memberIndex
        self.memberSets = memberSets
        self.roots = roots
        self.leafStart = leafStart
        self.leafCount = leafCount
        self.weightTargets = targets
        self.weights = weights
        self.uniformMode = uniform ? (firstMode ?? .lessOrEqual) : nil
        self.singleWeightLeaves = single
        self.featureCount = featureCount
        self.targetCount = targetCount
        self.maxDepth = deepest
        self.branchFree = nil
        self.branchFree = BranchFreeForest(self)
    }
}
