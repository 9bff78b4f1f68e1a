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
