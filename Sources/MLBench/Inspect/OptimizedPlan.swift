import Foundation
import MLCore

/// The plan a session runs for a model after graph optimizations: what `bench inspect --optimized` prints.
public struct OptimizedPlan: Codable, Sendable {
    public struct Step: Codable, Sendable, Equatable {
        public var name: String
        /// `domain::op` for operators outside ai.onnx (`com.microsoft::FusedConv`), else the op type.
        public var op: String
        public var inputs: [String]
        public var outputs: [String]
    }

    public var file: String
    public var level: String
    /// Nodes in the file (subgraphs not counted) and steps in the plan.
    public var modelNodes: Int
    public var steps: [Step]

    /// Loads the model with ``SessionOptions/graphOptimization`` at `level` and lists the planned steps.
    /// - Throws: ``ONNXError`` when the model cannot be read or loaded.
    public init(contentsOf url: URL, level: GraphOptimizationLevel) throws {
        let model = try ONNXReader.read(contentsOf: url)
        var options = SessionOptions(threads: 1)
        options.graphOptimization = level
        let session = try InferenceSession(model: model, options: options)
        file = url.path
        self.level = level.rawValue
        modelNodes = model.graph.nodes.count
        steps = session.plannedNodes.map {
            Step(name: $0.name, op: $0.domain.isEmpty ? $0.opType : "\($0.domain)::\($0.opType)", inputs: $0.inputs, outputs: $0.outputs)
        }
    }

    public var text: String {
        var lines = ["\(file): \(modelNodes) nodes in the file, \(steps.count) steps planned at level \(level)"]
        var counts: [String: Int] = [:]
        for s in steps { counts[s.op, default: 0] += 1 }
        lines.append("operators: " + counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        for (i, s) in steps.enumerated() {
            lines.append("\(i)  \(s.op)  \(s.name)  (\(s.inputs.joined(separator: ", "))) -> (\(s.outputs.joined(separator: ", ")))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}
