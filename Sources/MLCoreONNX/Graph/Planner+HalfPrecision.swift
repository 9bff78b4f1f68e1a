import MLCoreTensor

extension Planner {
    /// `ai.onnx` operators never wrapped in a ``HalfPrecisionAdapter``, because they already handle float16 and
    /// bfloat16 themselves. Every other operator of a model holding half-precision values is wrapped (which is
    /// always correct for an operator whose float outputs follow its float inputs' type; it only costs the
    /// conversions). An operator belongs here when:
    /// - it moves, selects or fills elements through lanes (Operators/Tensor/Support+Lanes.swift), so every
    ///   element type is copied bit for bit: Reshape, Transpose, Concat, Gather, Pad, Where, Trilu, ...;
    /// - it reads only shapes or holds values without reading them: Shape, Size, sequence and optional
    ///   operators, control flow (whose bodies are planned, and wrapped, operator by operator);
    /// - its output type is set by an attribute or another input, so widening its input would change its
    ///   output: Cast, CastLike, EyeLike, the Random*Like operators (they must handle half themselves).
    ///
    /// Not here on purpose: ScatterElements / ScatterND (their `add`/`mul` reductions compute on numbers),
    /// OneHot (a half `depth` is read as a number), Resize (linear modes compute), QuantizeLinear and
    /// DequantizeLinear (a half scale must be read as a number; wrapped, the dequantized float32 output is
    /// narrowed to the scale's half type, as the spec types it), comparisons, reductions, TopK, ArgMax.
    static let handlesHalfPrecision: Set<String> = [
        // Typed by an attribute or another input.
        "Cast", "CastLike", "EyeLike", "RandomNormalLike", "RandomUniformLike", "Bernoulli", "Multinomial",
        // Shapes only.
        "Shape", "Size",
        // Lane-based data movement, selection and fills.
        "Identity", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Concat", "Split", "Slice",
        "Gather", "GatherElements", "GatherND", "Expand", "Tile", "Pad", "Where", "Constant", "ConstantOfShape",
        "Dropout", "DepthToSpace", "SpaceToDepth", "Trilu",
        // Sequences and optionals hold tensors of any type.
        "SequenceConstruct", "SequenceEmpty", "SequenceAt", "SequenceInsert", "SequenceErase", "SequenceLength",
        "SplitToSequence", "ConcatFromSequence", "Optional", "OptionalGetElement", "OptionalHasElement",
        // Control flow: the subgraphs' own operators are wrapped.
        "If", "Loop", "Scan",
    ]

    /// Whether `node` runs inside a ``HalfPrecisionAdapter`` in a model holding half-precision values.
    static func wrapsForHalfPrecision(_ node: ONNXNode) -> Bool {
        !(node.domain.isEmpty && handlesHalfPrecision.contains(node.opType))
    }
}

extension ONNXModel {
    /// Whether any value of the model (subgraphs included) may be float16 or bfloat16: an initializer, a
    /// declared input, output or intermediate value, a tensor attribute (Constant, ConstantOfShape), or a
    /// `to` / `dtype` attribute naming one (Cast, EyeLike, ...). The planner wraps operators in a
    /// ``HalfPrecisionAdapter`` only then, so float32 models pay nothing.
    var holdsHalfPrecision: Bool { graph.holdsHalfPrecision }
}

extension ONNXGraph {
    /// See ``ONNXModel/holdsHalfPrecision``.
    var holdsHalfPrecision: Bool {
        if initializers.values.contains(where: { $0.dtype.isHalfPrecision }) { return true }
        if (inputs + outputs + valueInfo).contains(where: { $0.type.holdsHalfPrecision }) { return true }
        for node in nodes {
            for (name, attribute) in node.attributes {
                switch attribute {
                case .tensor(let t): if t.dtype.isHalfPrecision { return true }
                case .tensors(let ts): if ts.contains(where: { $0.dtype.isHalfPrecision }) { return true }
                case .int(let code): if (name == "to" || name == "dtype") && ONNXGraph.halfTypeCodes.contains(code) { return true }
                case .string(let s): if name == "to" && (s == "FLOAT16" || s == "BFLOAT16") { return true }
                case .type(let type): if type.holdsHalfPrecision { return true }
                case .graph(let g): if g.holdsHalfPrecision { return true }
                case .graphs(let gs): if gs.contains(where: \.holdsHalfPrecision) { return true }
                default: break
                }
            }
        }
        return false
    }

    /// ONNX `TensorProto.DataType` codes of FLOAT16 (10) and BFLOAT16 (16).
    static let halfTypeCodes: Set<Int64> = [10, 16]
}

extension ONNXType {
    /// Whether the type is, or holds, a float16 or bfloat16 tensor.
    var holdsHalfPrecision: Bool {
        switch self {
        case .tensor(let elementType, _): return elementType?.isHalfPrecision ?? false
        case .sequence(let inner), .optional(let inner): return inner.holdsHalfPrecision
        case .map(_, let value): return value.holdsHalfPrecision
        case .unsupported: return false
        }
    }
}

/// Which values of a graph holding half-precision values are half, as far as the model says, and which of them
/// stay float32 between ``HalfPrecisionAdapter``s (see there for why).
///
/// The half types are propagated in topological order from declared types (graph inputs, outputs and
/// value_info), initializers, Cast / CastLike targets and tensor attributes, through wrapped operators (a node
/// with a half input computes in that type) and through the operators that move elements as they are.
struct HalfPrecisionPlan {
    /// The half type of each value known to be half.
    var halfType: [String: DType] = [:]
    /// Values a wrapped node of known half type produces that only wrapped nodes read (not graph outputs, not
    /// read from a subgraph): they stay float32.
    var keptWide: Set<String> = []

    /// Operators (wrapped) whose outputs are never float, or only some of which are: the outputs listed here by
    /// index are not half even when the node computes in half precision.
    static let nonFloatOutputs: [String: Set<Int>] = [
        "ArgMax": [0], "ArgMin": [0], "NonZero": [0], "Equal": [0], "Less": [0], "LessOrEqual": [0], "Greater": [0],
        "GreaterOrEqual": [0], "IsNaN": [0], "IsInf": [0], "TopK": [1], "Shape": [0], "Size": [0],
        "SequenceLength": [0], "OptionalHasElement": [0], "Dropout": [1],
    ]

    /// No half values (a model without any: the planner wraps nothing).
    init() {}

    init(_ graph: ONNXGraph, order: [Int]) {
        for (name, t) in graph.initializers where t.dtype.isHalfPrecision { halfType[name] = t.dtype }
        for info in graph.inputs + graph.outputs + graph.valueInfo {
            if case .tensor(let elementType?, _) = info.type, elementType.isHalfPrecision { halfType[info.name] = elementType }
        }
        var wrappedTyped = Set<Int>()
        for index in order {
            let node = graph.nodes[index]
            let inputType = node.inputs.first { halfType[$0] != nil }.flatMap { halfType[$0] }
            var outputType: DType?
            switch (node.domain, node.opType) {
            case ("", "Cast"):
                outputType = node.castTarget
            case ("", "CastLike"):
                outputType = node.inputs.count > 1 ? halfType[node.inputs[1]] : nil
            case ("", "Constant"), ("", "ConstantOfShape"):
                if case .tensor(let t)? = node.attributes["value"], t.dtype.isHalfPrecision { outputType = t.dtype }
            default:
                outputType = inputType
                if Planner.wrapsForHalfPrecision(node), inputType != nil { wrappedTyped.insert(index) }
            }
            guard let outputType else { continue }
            let skip = Self.nonFloatOutputs[node.opType] ?? []
            for (i, out) in node.outputs.enumerated() where !out.isEmpty && !skip.contains(i) && halfType[out] == nil {
                halfType[out] = outputType
            }
        }

        // Readers of each value; a value a subgraph reads (outer scope) or the graph returns must be narrowed.
        var readers: [String: [Int]] = [:]
        for (i, node) in graph.nodes.enumerated() {
            for input in Set(node.inputs) where !input.isEmpty { readers[input, default: []].append(i) }
        }
        var mustNarrow = Set(graph.outputs.map(\.name))
        for node in graph.nodes {
            for attribute in node.attributes.values {
                switch attribute {
                case .graph(let g): mustNarrow.formUnion(g.allNodeInputs)
                case .graphs(let gs): for g in gs { mustNarrow.formUnion(g.allNodeInputs) }
                default: break
                }
            }
        }
        for index in wrappedTyped {
            let skip = Self.nonFloatOutputs[graph.nodes[index].opType] ?? []
            for (i, out) in graph.nodes[index].outputs.enumerated() where !out.isEmpty && !skip.contains(i) && !mustNarrow.contains(out) {
                guard let users = readers[out], users.allSatisfy({ wrappedTyped.contains($0) }) else { continue }
                keptWide.insert(out)
            }
        }
    }
}

extension ONNXNode {
    /// The half type a Cast node converts to (`to` as a type code, or as a type name before opset 6), or nil.
    var castTarget: DType? {
        switch attributes["to"] {
        case .int(10)?, .string("FLOAT16")?: return .float16
        case .int(16)?, .string("BFLOAT16")?: return .bfloat16
        default: return nil
        }
    }
}

extension ONNXGraph {
    /// Every value name a node of this graph or of its subgraphs reads, or a graph returns.
    var allNodeInputs: Set<String> {
        var names = Set(outputs.map(\.name))
        for node in nodes {
            names.formUnion(node.inputs)
            for attribute in node.attributes.values {
                switch attribute {
                case .graph(let g): names.formUnion(g.allNodeInputs)
                case .graphs(let gs): for g in gs { names.formUnion(g.allNodeInputs) }
                default: break
                }
            }
        }
        return names
    }
}
