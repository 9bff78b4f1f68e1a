import Foundation
import MLCoreTensor

/// A loaded ONNX model, ready to run.
///
/// Loading reads and checks the file, resolves every operator at the model's opset, orders the graph and
/// folds constants, once. A session is immutable and `Sendable`: any number of threads may call ``run(_:)``
/// at once, each run with its own buffers.
///
/// ```swift
/// let session = try InferenceSession(contentsOf: url, options: .init(threads: 1))
/// let outputs = try session.run(["input": features])
/// ```
public final class InferenceSession: Sendable {
    /// Declared graph inputs (initializers excluded), in order.
    public let inputs: [ONNXValueInfo]
    /// Declared graph outputs, in order.
    public let outputs: [ONNXValueInfo]
    /// The options the session was loaded with.
    public let options: SessionOptions
    /// Opset per domain (`""` is `ai.onnx`).
    public let opsetImports: [String: Int64]

    let plan: ExecutionPlan

    /// Loads a model file.
    /// - Throws: ``ONNXError`` naming the file, node or tensor at fault.
    public convenience init(contentsOf url: URL, options: SessionOptions = .init()) throws {
        let model = try ONNXReader.read(contentsOf: url, limits: options.readLimits)
        try self.init(model: model, options: options)
    }

    /// Prepares an already parsed model.
    public init(model: ONNXModel, options: SessionOptions = .init()) throws {
        self.options = options
        self.opsetImports = model.opsetImports
        self.plan = try Planner(options: options).plan(model)
        self.inputs = model.graph.inputs
        self.outputs = model.graph.outputs
    }

    /// Runs the model on named inputs and returns every graph output by name.
    /// - Throws: ``ONNXError/invalidInput(name:reason:)`` for a missing, unknown or mis-shaped input,
    ///   ``ONNXError/limitExceeded(what:value:limit:)`` when a tensor or the live intermediate tensors exceed
    ///   ``SessionOptions/maxTensorBytes`` or ``SessionOptions/maxLiveBytes``, and any error an operator raises
    ///   (naming its node).
    public func run(_ feeds: [String: Tensor]) throws -> [String: Value] {
        var slots = [Value?](repeating: nil, count: plan.slotCount)
        for (slot, value) in plan.constants { slots[slot] = value }
        try bind(feeds, into: &slots)

        var context = RunContext(threads: options.threads, maxTensorBytes: options.maxTensorBytes,
                                 maxLiveBytes: options.maxLiveBytes)
        // Bytes each slot's value counts toward maxLiveBytes: only values produced by this run's steps.
        var slotBytes = [Int](repeating: 0, count: plan.slotCount)
        var liveBytes = 0
        for step in plan.steps {
            context.liveBytes = liveBytes
            let results: [Value]
            if let op = step.inPlaceOp, let input = step.inputs[0], case .tensor(var x)? = slots[input] {
                // The input's last reader: empty its slot so that `x` holds the only reference (unless the
                // caller or another slot shares the buffer, in which case writing it copies first).
                slots[input] = nil
                liveBytes -= slotBytes[input]
                slotBytes[input] = 0
                context.liveBytes = liveBytes
                results = try op.runInPlace(&x, context) ? [.tensor(x)] : try op.run([.tensor(x)], context)
            } else {
                let args = step.inputs.map { $0.flatMap { slots[$0] } }
                results = try step.op.run(args, context)
            }
            for (i, slot) in step.outputs.enumerated() {
                guard let slot else { continue }
                guard i < results.count else {
                    throw ONNXError.invalidNode(node: step.node.name, opType: step.node.opType,
                                                reason: "the model asks for output \(i), the operator produced \(results.count)")
                }
                slots[slot] = results[i]
                let bytes = results[i].byteCount
                liveBytes += bytes - slotBytes[slot]
                slotBytes[slot] = bytes
            }
            if liveBytes > options.maxLiveBytes {
                let shapes = step.outputs.indices.compactMap { i -> String? in
                    guard i < results.count, let t = results[i].tensor else { return nil }
                    return "\(t.dtype)\(t.shape)"
                }
                throw ONNXError.limitExceeded(
                    what: "node '\(step.node.name)' (\(step.node.opType)) with outputs \(shapes.joined(separator: ", ")): the run's live intermediate tensors, in bytes,",
                    value: liveBytes, limit: options.maxLiveBytes)
            }
            for slot in step.releases {
                slots[slot] = nil
                liveBytes -= slotBytes[slot]
                slotBytes[slot] = 0
            }
        }

        var result: [String: Value] = [:]
        for (info, slot) in plan.outputs {
            guard let value = slots[slot] else {
                throw ONNXError.invalidGraph(reason: "output '\(info.name)' was not produced")
            }
            result[info.name] = value
        }
        return result
    }

    /// Checks each feed against its declared element type and fixed dimensions (symbolic dimensions must
    /// agree across inputs), then places it in its slot.
    func bind(_ feeds: [String: Tensor], into slots: inout [Value?]) throws {
        for name in feeds.keys where !plan.inputs.contains(where: { $0.info.name == name }) {
            throw ONNXError.invalidInput(name: name, reason: "the model has no such input; inputs are \(plan.inputs.map(\.info.name))")
        }
        var symbols: [String: Int] = [:]
        for (info, slot) in plan.inputs {
            guard let tensor = feeds[info.name] else {
                throw ONNXError.invalidInput(name: info.name, reason: "missing (declared as \(info.type.summary))")
            }
            if case let .tensor(elementType, dims) = info.type {
                if let elementType, elementType != tensor.dtype {
                    throw ONNXError.invalidInput(name: info.name, reason: "element type \(tensor.dtype), the model expects \(elementType)")
                }
                if let dims {
                    guard dims.count == tensor.rank else {
                        throw ONNXError.invalidInput(name: info.name, reason: "shape \(tensor.shape), the model expects rank \(dims.count) \(info.type.summary)")
                    }
                    for (axis, dim) in dims.enumerated() {
                        switch dim {
                        case .fixed(let v) where v != Int64(tensor.shape[axis]):
                            throw ONNXError.invalidInput(name: info.name, reason: "shape \(tensor.shape), the model expects \(info.type.summary)")
                        case .symbolic(let s):
                            if let bound = symbols[s], bound != tensor.shape[axis] {
                                throw ONNXError.invalidInput(name: info.name, reason: "dimension '\(s)' is \(tensor.shape[axis]) here but \(bound) in another input")
                            }
                            symbols[s] = tensor.shape[axis]
                        default: break
                        }
                    }
                }
            }
            slots[slot] = .tensor(tensor)
        }
    }
}

extension ONNXType {
    /// A short rendering such as `float32[N, 4]` for error messages.
    public var summary: String {
        switch self {
        case let .tensor(t, dims):
            let type = t?.description ?? "unsupported"
            guard let dims else { return type + "[?]" }
            return type + "[" + dims.map(\.description).joined(separator: ", ") + "]"
        case .sequence(let inner): return "seq(\(inner.summary))"
        case .optional(let inner): return "optional(\(inner.summary))"
        case let .map(k, v): return "map(\(k?.description ?? "?"), \(v.summary))"
        case .unsupported(let s): return s
        }
    }
}
