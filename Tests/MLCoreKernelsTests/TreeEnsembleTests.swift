import MLCoreTensor
@testable import MLCoreKernels
import MLCoreTestSupport
import Testing

/// The flattened-tree evaluator: validation at build time, and the branch-free float walker against the
/// general (reference) walker on random ensembles.
@Suite struct TreeEnsembleTests {
    /// A random binary tree of `depth` levels (some branches stop early), thresholds exact in float.
    static func randomEnsemble(trees: Int, depth: Int, features: Int, targets: Int, mode: TreeEnsemble.Mode,
                               missing: Bool, seed: UInt64) throws -> TreeEnsemble {
        var g = SplitMix64(seed: seed)
        var nodes: [TreeNodeSpec] = [], weights: [TreeLeafWeight] = []
        for t in 0..<trees {
            var next: Int64 = 1
            func build(_ id: Int64, _ level: Int) {
                let leaf = level == depth || (level > 1 && Int.random(in: 0..<4, using: &g) == 0)
                if leaf {
                    nodes.append(TreeNodeSpec(treeId: Int64(t), nodeId: id, mode: nil))
                    weights.append(TreeLeafWeight(treeId: Int64(t), nodeId: id, target: Int64.random(in: 0..<Int64(targets), using: &g),
                                                  weight: Double(Float.random(in: -1...1, using: &g))))
                    return
                }
                let yes = next, no = next + 1
                next += 2
                nodes.append(TreeNodeSpec(treeId: Int64(t), nodeId: id, mode: mode, feature: Int64.random(in: 0..<Int64(features), using: &g),
                                          threshold: Double(Float.random(in: -1...1, using: &g)), trueNodeId: yes, falseNodeId: no,
                                          missingTracksTrue: missing && Bool.random(using: &g)))
                build(yes, level + 1)
                build(no, level + 1)
            }
            build(0, 0)
        }
        return try TreeEnsemble(nodes: nodes, weights: weights, targetCount: targets)
    }

    @Test("branch-free float walker equals the general walker", arguments: [TreeEnsemble.Mode.lessOrEqual, .less])
    func branchFreeMatchesGeneral(_ mode: TreeEnsemble.Mode) throws {
        for (trees, depth, rows, missing) in [(1, 1, 1, false), (3, 4, 7, true), (17, 6, 9, false), (40, 8, 300, true), (9, 12, 130, true)] {
            let e = try Self.randomEnsemble(trees: trees, depth: depth, features: 5, targets: 3, mode: mode, missing: missing,
                                            seed: UInt64(trees * 131 + depth))
            #expect(e.acceptsFloatRows, "mode \(mode)")
            // Inputs: random values, exact thresholds copied in (ties), and NaN.
            var x = randomFloats(rows * 5, seed: UInt64(rows), in: -1.2...1.2)
            for i in stride(from: 0, to: x.count, by: 7) { x[i] = .nan }
            for i in stride(from: 3, to: x.count, by: 11) { x[i] = Float(e.nodes[i % e.nodes.count].threshold) }
            let fast = x.withUnsafeBufferPointer { e.scores(floatFeatures: $0, rows: rows, featureStride: 5, aggregation: .sum, threads: 2) }
            let doubles = x.map(Double.init)
            let general = doubles.withUnsafeBufferPointer { e.scores(features: $0, rows: rows, featureStride: 5, aggregation: .sum, threads: 1) }
            #expect(fast.values == general.values && fast.hasScore == general.hasScore,
                    "mode \(mode) trees \(trees) depth \(depth) rows \(rows) missing \(missing)")
        }
    }

    @Test func invalidTreesAreRejectedWithTheNodeNamed() {
        func build(_ nodes: [TreeNodeSpec]) -> String {
            do {
                _ = try TreeEnsemble(nodes: nodes, weights: [], targetCount: 1)
                return "accepted"
            } catch { return "\(error)" }
        }
        // Node 1's true child is itself.
        let selfLoop = build([TreeNodeSpec(treeId: 0, nodeId: 0, mode: .lessOrEqual, trueNodeId: 1, falseNodeId: 2),
                              TreeNodeSpec(treeId: 0, nodeId: 1, mode: .lessOrEqual, trueNodeId: 1, falseNodeId: 2),
                              TreeNodeSpec(treeId: 0, nodeId: 2, mode: nil)])
        #expect(selfLoop.contains("node 1"), "\(selfLoop)")
        let missingChild = build([TreeNodeSpec(treeId: 0, nodeId: 0, mode: .less, trueNodeId: 5, falseNodeId: 1),
                                  TreeNodeSpec(treeId: 0, nodeId: 1, mode: nil)])
        #expect(missingChild.contains("node 5"), "\(missingChild)")
        let cycle = build([TreeNodeSpec(treeId: 0, nodeId: 0, mode: .less, trueNodeId: 1, falseNodeId: 1),
                           TreeNodeSpec(treeId: 0, nodeId: 1, mode: .less, trueNodeId: 0, falseNodeId: 0)])
        #expect(cycle != "accepted", "\(cycle)")
        let unreachable = build([TreeNodeSpec(treeId: 0, nodeId: 0, mode: nil), TreeNodeSpec(treeId: 0, nodeId: 1, mode: nil)])
        #expect(unreachable.contains("roots") || unreachable.contains("unreachable"), "\(unreachable)")
        let negativeFeature = build([TreeNodeSpec(treeId: 0, nodeId: 0, mode: .less, feature: -1, trueNodeId: 1, falseNodeId: 2),
                                     TreeNodeSpec(treeId: 0, nodeId: 1, mode: nil), TreeNodeSpec(treeId: 0, nodeId: 2, mode: nil)])
        #expect(negativeFeature.contains("feature"), "\(negativeFeature)")
    }
}
