extension OperatorRegistry {
    /// Registration lines of the Math family (IsNaN, IsInf, Mod, BitShift, the bitwise operators and the
    /// remaining reductions), one per operator and per ONNX version. Each operator reads `spec.opset` for the
    /// differences between the versions listed for it.
    static func registerMathOperators(_ r: inout OperatorRegistry) {
        let onnx = ""

        // Math+Predicates.swift
        r.add(onnx, "IsNaN", since: 9) { try FloatPredicate(.isNaN, $0) }
        r.add(onnx, "IsNaN", since: 13) { try FloatPredicate(.isNaN, $0) }    // bfloat16
        r.add(onnx, "IsNaN", since: 20) { try FloatPredicate(.isNaN, $0) }    // float8 types
        r.add(onnx, "IsInf", since: 10) { try FloatPredicate(.isInf, $0) }
        r.add(onnx, "IsInf", since: 20) { try FloatPredicate(.isInf, $0) }    // bfloat16, float16, float8 types

        // Math+Mod.swift
        r.add(onnx, "Mod", since: 10) { try Mod($0) }
        r.add(onnx, "Mod", since: 13) { try Mod($0) }                         // bfloat16
        r.add(onnx, "Mod", since: 28) { try Mod($0) }                         // fmod = 0 for floats

        // Math+Bitwise.swift
        r.add(onnx, "BitShift", since: 11) { try BitShift($0) }
        r.add(onnx, "BitShift", since: 28) { try BitShift($0) }               // signed integers
        r.add(onnx, "BitwiseAnd", since: 18) { try Bitwise(.and, $0) }
        r.add(onnx, "BitwiseOr", since: 18) { try Bitwise(.or, $0) }
        r.add(onnx, "BitwiseXor", since: 18) { try Bitwise(.xor, $0) }
        r.add(onnx, "BitwiseNot", since: 18) { try Bitwise(.not, $0) }

        // Reductions on the machinery of Tensor/Reduce.swift: negative axes from 11, bfloat16 from 13,
        // axes input and noop_with_empty_axes from 18.
        let reductions: [(String, Reduce.Kind)] = [
            ("ReduceSumSquare", .sumSquare), ("ReduceL1", .l1), ("ReduceL2", .l2), ("ReduceLogSum", .logSum),
            ("ReduceLogSumExp", .logSumExp), ("ReduceProd", .prod),
        ]
        for (name, kind) in reductions {
            for version: Int64 in [1, 11, 13, 18] { r.add(onnx, name, since: version) { try Reduce(kind, $0) } }
        }
        r.add(onnx, "ReduceLogSumExp", since: 28) { try Reduce(.logSumExp, $0) }  // drops integer types
    }
}
