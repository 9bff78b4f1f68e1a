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
    /// Buffers released by earlier runs, reused by later ones (nil when ``SessionOptions/bufferPoolBytes`` is 0).
    let bufferPool: BufferPool?

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
        let plan = try Planner(options: options).plan(model)
        self.plan = options.graphOptimization >= .basic ? plan.memoizingShapes() : plan
        self.bufferPool = options.bufferPoolBytes > 0 ? BufferPool(capacity: options.bufferPoolBytes) : nil
        self.inputs = model.graph.inputs
        self.outputs = model.graph.outputs
    }

    /// The nodes the session runs, in order, after the graph optimizations of ``SessionOptions/graphOptimization``
    /// (fused nodes carry the name of the node they start from and an operator such as `com.microsoft::FusedConv`);
    /// constants folded at load are not listed. `bench inspect --optimized` prints it.
    public var plannedNodes: [ONNXNode] { plan.steps.map(\.node) }

    /// Runs the model on named inputs and returns every graph output by name.
    /// - Throws: ``ONNXError/invalidInput(name:reason:)`` for a missing, unknown or mis-shaped input,
    ///   ``ONNXError/limitExceeded(what:value:limit:)`` when a tensor or the live intermediate tensors exceed
    ///   ``SessionOptions/maxTensorBytes`` or ``SessionOptions/maxLiveBytes``, and any error an operator raises
    ///   (naming its node).
    public func run(_ feeds: [String: Tensor]) throws -> [String: Value] {
        try run(values: feeds.mapValues(Value.tensor))
    }

    /// Runs the model on named inputs of any value type (tensors, sequences, optionals, maps) and returns every
    /// graph output by name; see ``run(_:)``.
    ///
    /// A feed for an `optional(T)` input may be ``Value/optional(_:)`` (`nil` for an empty optional) or a bare
    /// value of type `T`, which is wrapped.
    /// - Throws: as ``run(_:)``; a feed whose kind (tensor, sequence, ...) or element type differs from the
    ///   declared one is ``ONNXError/invalidInput(name:reason:)``.
    public func run(values feeds: [String: Value]) throws -> [String: Value] {
        var slots = [Value?](repeating: nil, count: plan.slotCount)
        for (slot, value) in plan.constants { slots[slot] = value }
        try bind(feeds, into: &slots)

        let context = RunContext(threads: options.threads, maxTensorBytes: options.maxTensorBytes,
                                 maxLiveBytes: options.maxLiveBytes, pool: bufferPool)
        try plan.execute(&slots, context)

        var result: [String: Value] = [:]
        for (info, slot) in plan.outputs {
            guard let value = slots[slot] else {
                throw ONNXError.invalidGraph(reason: "output '\(info.name)' was not produced")
            }
            result[info.name] = value
        }
        return result
    }

    /// Checks each feed against its declared type (kind, element type and fixed dimensions; symbolic dimensions
    /// of tensor inputs must agree across inputs), then places it in its slot.
    func bind(_ feeds: [String: Value], into slots: inout [Value?]) throws {
        for name in feeds.keys where !plan.inputs.contains(where: { $0.info.name == name }) {
            throw ONNXError.invalidInput(name: name, reason: "the model has no such input; inputs are \(plan.inputs.map(\.info.name))")
        }
        var symbols: [String: Int] = [:]
        for (info, slot) in plan.inputs {
            guard let value = feeds[info.name] else {
                throw ONNXError.invalidInput(name: info.name, reason: "missing (declared as \(info.type.summary))")
            }
            slots[slot] = try Self.checked(value, info.type, name: info.name, symbols: &symbols)
        }
    }

    /// `value` checked against `type`, with a bare value fed to an optional input wrapped in ``Value/optional(_:)``.
    /// Unsupported and missing declared types accept any value.
    static func checked(_ value: Value, _ type: ONNXType, name: String, symbols: inout [String: Int]) throws -> Value {
        func mismatch(_ got: String) -> ONNXError {
            .invalidInput(name: name, reason: "got \(got), the model expects \(type.summary)")
        }
        switch (type, value) {
        case let (.tensor(elementType, dims), .tensor(tensor)):
            try check(tensor, elementType: elementType, dims: dims, name: name, symbols: &symbols, declared: type)
            return value
        case let (.sequence(.tensor(elementType, _)), .sequence(sequence)):
            if let elementType, elementType != sequence.elementType {
                throw mismatch("a sequence of \(sequence.elementType)")
            }
            return value
        case (.sequence(.map), .mapSequence), (.sequence(.unsupported), .sequence), (.map, .map), (.unsupported, _):
            return value
        case (.optional, .optional(nil)):
            return value
        case let (.optional(inner), .optional(wrapped?)):
            return .optional(try checked(wrapped, inner, name: name, symbols: &symbols))
        case let (.optional(inner), _):
            return .optional(try checked(value, inner, name: name, symbols: &symbols))
        case (_, .tensor(let t)): throw mismatch("a \(t.dtype)\(t.shape) tensor")
        case (_, .sequence(let s)): throw mismatch("a sequence of \(s.elementType)")
        case (_, .mapSequence): throw mismatch("a sequence of maps")
        case (_, .map): throw mismatch("a map")
        case (_, .optional): throw mismatch("an optional")
        }
    }

    /// Checks a tensor feed's element type and fixed dimensions, binding its symbolic dimensions.
    static func check(_ tensor: Tensor, elementType: DType?, dims: [ONNXDimension]?, name: String,
                      symbols: inout [String: Int], declared: ONNXType) throws {
        if let elementType, elementType != tensor.dtype {
            throw ONNXError.invalidInput(name: name, reason: "element type \(tensor.dtype), the model expects \(elementType)")
        }
        guard let dims else { return }
        guard dims.count == tensor.rank else {
            throw ONNXError.invalidInput(name: name, reason: "shape \(tensor.shape), the model expects rank \(dims.count) \(declared.summary)")
        }
        for (axis, dim) in dims.enumerated() {
            switch dim {
            case .fixed(let v) where v != Int64(tensor.shape[axis]):
                throw ONNXError.invalidInput(name: name, reason: "shape \(tensor.shape), the model expects \(declared.summary)")
            case .symbolic(let s):
                if let bound = symbols[s], bound != tensor.shape[axis] {
                    throw ONNXError.invalidInput(name: name, reason: "dimension '\(s)' is \(tensor.shape[axis]) here but \(bound) in another input")
                }
                symbols[s] = tensor.shape[axis]
            default: break
            }
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
        case let .map(k, v): return "map(\(k?.description ?? "?"), \(v.summary))"
        case .optional(let inner): return "optional(\(inner.summary))"
        case .unsupported(let s): return s
        }
    }
}
