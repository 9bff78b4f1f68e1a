import Foundation

extension ModelInspection {
    /// The inspection as JSON (sorted keys, pretty-printed).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// The inspection as text for a terminal.
    public var text: String {
        func value(_ v: ValueDescription) -> String {
            let shape = v.shape.map { "[" + $0.map(\.description).joined(separator: ", ") + "]" }
            return "  \(v.name): \(v.elementType)" + (shape ?? (v.elementType.contains("(") ? "" : " (shape not declared)"))
        }
        var lines: [String] = ["model: \(file)"]
        let producer = [producerName, producerVersion].filter { !$0.isEmpty }.joined(separator: " ")
        lines.append("ir_version: \(irVersion)   producer: \(producer.isEmpty ? "(none)" : producer)")
        lines.append("opset imports: " + opsetImports.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        lines.append("inputs (\(inputs.count)):")
        lines += inputs.map(value)
        lines.append("outputs (\(outputs.count)):")
        lines += outputs.map(value)
        lines.append("nodes: \(nodeCount) (subgraphs included), initializers: \(initializerCount)")
        lines.append("operators (\(operators.count)):")
        let width = operators.map { $0.domain.count + 2 + $0.op.count }.max() ?? 0
        for o in operators {
            let name = "\(o.domain)::\(o.op)"
            lines.append("  " + name.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(o.count)")
        }
        if unsupportedOperators.isEmpty {
            lines.append("unsupported operators: none")
        } else {
            lines.append("unsupported operators (\(unsupportedOperators.count)):")
            for u in unsupportedOperators {
                let shown = u.nodes.prefix(10).map { "'\($0)'" }.joined(separator: ", ") + (u.nodes.count > 10 ? ", ... (\(u.nodes.count - 10) more)" : "")
                let opset = u.opset.map { "opset \($0)" } ?? "domain not imported"
                lines.append("  \(u.domain)::\(u.op) (\(opset)): \(u.nodes.count) node\(u.nodes.count == 1 ? "" : "s"): \(shown)")
            }
        }
        if unsupportedTypes.isEmpty {
            lines.append("unsupported element types: none")
        } else {
            lines.append("unsupported element types (\(unsupportedTypes.count)):")
            for t in unsupportedTypes { lines.append("  \(t.value) (\(t.role)): \(t.type)") }
        }
        lines.append(loads ? "loads in MLCore: yes" : "loads in MLCore: no: \(loadError ?? "")")
        return lines.joined(separator: "\n") + "\n"
    }
}
