import ArgumentParser
import Foundation
import MLBench

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Describe an ONNX model and what of it MLCore cannot run.",
        discussion: """
            Prints the inputs and outputs with element types and shapes (symbolic dimensions by name, unknown ones \
            as ?), opset imports per domain, IR version and producer, the operator histogram (domain::op count, \
            nodes inside subgraphs included), every unsupported operator (domain, type, the model's opset, node \
            names), values whose declared type MLCore does not hold, and whether the model loads (with the error \
            when it does not). --json prints the same as one JSON object. Exit status 0 when the file was read, \
            whether or not the model is supported.
            """)

    @Argument(help: "The .onnx model.") var model: String
    @Flag(name: .long, help: "Print JSON instead of text.") var json = false
    @Flag(name: .long, help: "Also load the model and print the plan the session runs after graph optimizations (fused and folded nodes), one node per line, and its operator histogram.")
    var optimized = false
    @Option(name: .long, help: "Graph optimization level for --optimized: none | basic | all (default: all).")
    var graphOptimization: String = "all"

    func run() throws {
        let url = URL(fileURLWithPath: model)
        let inspection = try ModelInspection(contentsOf: url)
        guard optimized else {
            print(json ? try inspection.json() : inspection.text, terminator: "")
            return
        }
        guard let level = GraphOptimizationLevel(rawValue: graphOptimization) else {
            throw ValidationError("--graph-optimization must be none, basic or all, got '\(graphOptimization)'")
        }
        let plan = try OptimizedPlan(contentsOf: url, level: level)
        print(json ? try plan.json() : plan.text, terminator: "")
    }
}
