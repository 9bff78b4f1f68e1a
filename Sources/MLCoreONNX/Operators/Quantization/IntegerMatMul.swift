import MLCoreKernels
import MLCoreTensor

/// The address of an int8 / uint8 tensor's elements (the caller keeps the tensor alive and checked its type).
@inline(__always)
func eightBitBase(_ t: Tensor) -> UnsafeRawPointer {
    t.dtype == .int8 ? UnsafeRawPointer(t.unsafeElements(as: Int8.self)) : UnsafeRawPointer(t.unsafeElements(as: UInt8.self))
}

/// Checks that `t` is int8 or uint8.
func checkEightBit(_ t: Tensor, _ spec: NodeSpec, role: String) throws {
    guard t.dtype == .int8 || t.dtype == .uint8 else {
        throw spec.error("\(role) has element type \(t.dtype); supported: int8, uint8 (int4 is not)")
    }
}

/// A batched 8-bit matrix product with MatMul's broadcasting (numpy `matmul`), accumulated in int32 on
/// ``IntegerGEMM``: `[..., M, K] x [..., K, N] -> [..., M, N]`, zero points subtracted.
///
/// - Parameters:
///   - aZero: 1 value, or M (one per row of A).
///   - bZero: 1 value, or N (one per column of B).
/// - Returns: the int32 product and its shape.
func integerMatMul(_ a: Tensor, _ b: Tensor, aZero: [Int32], bZero: [Int32], _ spec: NodeSpec,
                   _ context: RunContext) throws -> Tensor {
    try checkEightBit(a, spec, role: "A")
    try checkEightBit(b, spec, role: "B")
    guard a.rank >= 1, b.rank >= 1 else { throw spec.shapeError("A \(a.shape) and B \(b.shape) must have rank >= 1") }
    let aDims = a.rank == 1 ? [1, a.shape[0]] : a.shape.dims
    let bDims = b.rank == 1 ? [b.shape[0], 1] : b.shape.dims
    let m = aDims[aDims.count - 2], k = aDims[aDims.count - 1]
    let kb = bDims[bDims.count - 2], n = bDims[bDims.count - 1]
    guard k == kb else { throw spec.shapeError("inner dimensions differ: A \(a.shape), B \(b.shape)") }
    let aBatch = Array(aDims.dropLast(2)), bBatch = Array(bDims.dropLast(2))
    let batch = try Shape.broadcast(Shape(aBatch), Shape(bBatch), operation: "\(spec.opType) '\(spec.name)' batch").dims
    var outDims = batch
    if a.rank > 1 { outDims.append(m) }
    if b.rank > 1 { outDims.append(n) }
    guard aZero.count == 1 || aZero.count == m else {
        throw spec.shapeError("a_zero_point holds \(aZero.count) values; expected 1 or M = \(m) (A \(a.shape))")
    }
    guard bZero.count == 1 || bZero.count == n else {
        throw spec.shapeError("b_zero_point holds \(bZero.count) values; expected 1 or N = \(n) (B \(b.shape))")
    }
    var y = try context.makeTensor(Shape(outDims), .int32, node: spec.name, zeroed: false)
    let batchCount = batch.reduce(1, *)
    if y.count == 0 { return y }
    // Broadcast strides (in matrices) of A's and B's batch axes within the output's batch axes.
    func strides(_ dims: [Int]) -> [Int] {
        let padded = [Int](repeating: 1, count: batch.count - dims.count) + dims
        var s = [Int](repeating: 0, count: batch.count), acc = 1
        for d in stride(from: batch.count - 1, through: 0, by: -1) {
            s[d] = padded[d] == 1 ? 0 : acc
            acc *= padded[d]
        }
        return s
    }
    let sa = strides(aBatch), sb = strides(bBatch)
    let aBase = eightBitBase(a), bBase = eightBitBase(b)
    let yBase = y.unsafeMutableElements(as: Int32.self)
    let aSigned = a.dtype == .int8, bSigned = b.dtype == .int8
    try withExtendedLifetime((a, b)) {
        for index in 0..<batchCount {
            var rest = index, ia = 0, ib = 0
            for d in stride(from: batch.count - 1, through: 0, by: -1) {
                let i = rest % batch[d]
                rest /= batch[d]
                ia += i * sa[d]
                ib += i * sb[d]
            }
            try IntegerGEMM.multiply(
                m: m, n: n, k: k,
                a: .init(aBase + ia * m * k, isSigned: aSigned, rowStride: k), aZero: aZero,
                b: .init(bBase + ib * k * n, isSigned: bSigned, rowStride: n), bZero: bZero,
                c: yBase + index * m * n, ldc: n, threads: context.threads)
        }
    }
    return y
}

/// MatMulInteger: `(A - a_zero_point) x (B - b_zero_point)` in int32, MatMul's broadcasting; a_zero_point per
/// tensor or per row of A, b_zero_point per tensor or per column of B.
///
/// - Complexity: O(batch * M * N * K).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__MatMulInteger.html
struct MatMulInteger: Operator {
    let spec: NodeSpec
    init(_ spec: NodeSpec) throws { self.spec = spec }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let a = try inputs.tensor(0, spec), b = try inputs.tensor(1, spec)
        let za = try inputs.optionalTensor(2, spec), zb = try inputs.optionalTensor(3, spec)
        if let za, za.dtype != a.dtype { throw spec.error("a_zero_point's type \(za.dtype) differs from A's \(a.dtype)") }
        if let zb, zb.dtype != b.dtype { throw spec.error("b_zero_point's type \(zb.dtype) differs from B's \(b.dtype)") }
        let aZero = try za?.quantizationIntegers(spec, role: "a_zero_point") ?? [0]
        let bZero = try zb?.quantizationIntegers(spec, role: "b_zero_point") ?? [0]
        return [.tensor(try integerMatMul(a, b, aZero: aZero.isEmpty ? [0] : aZero, bZero: bZero.isEmpty ? [0] : bZero, spec, context))]
    }
}

/// Requantizes an int32 product `[..., N]` (last axis = columns) with one scale per tensor or per column.
func requantizeProduct(_ acc: Tensor, scales: [Float], zeroPoint: Int32, type: QuantizedType,
                       columns n: Int, _ spec: NodeSpec, _ context: RunContext) throws -> Tensor {
    let range = type.range
    let values = try acc.withUnsafeBufferPointer(as: Int32.self) { p -> [Int32] in
        var out = [Int32](repeating: 0, count: p.count)
        let perColumn = scales.count > 1
        for i in 0..<p.count {
            out[i] = requantize(p[i], scale: scales[perColumn ? i % n : 0], zeroPoint: zeroPoint, range: range)
        }
        return out
    }
    return try Tensor.quantized(values, shape: acc.shape, type: type)
}

/// QLinearMatMul: an 8-bit MatMul with requantized output, as onnxruntime computes it: the int32 product of
/// the zero-point-shifted inputs times `a_scale * b_scale / y_scale` (in float), rounded half to even, plus
/// y_zero_point, saturated. b's scale and zero point may be per column; scales may be float16 (opset 21).
///
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__QLinearMatMul.html
struct QLinearMatMul: Operator {
    let spec: NodeSpec
    init(_ spec: NodeSpec) throws { self.spec = spec }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let a = try inputs.tensor(0, spec), b = try inputs.tensor(3, spec)
        let aScale = try scalarParameter(try inputs.tensor(1, spec).quantizationFloats(spec, role: "a_scale"), spec, role: "a_scale")
        let aZero = try inputs.tensor(2, spec).quantizationIntegers(spec, role: "a_zero_point")
        let bScales = try inputs.tensor(4, spec).quantizationFloats(spec, role: "b_scale")
        let bZero = try inputs.tensor(5, spec).quantizationIntegers(spec, role: "b_zero_point")
        let yScale = try scalarParameter(try inputs.tensor(6, spec).quantizationFloats(spec, role: "y_scale"), spec, role: "y_scale")
        let yZeroTensor = try inputs.tensor(7, spec)
        let yType = try QuantizedType(yZeroTensor.dtype, spec, role: "y_zero_point")
        let yZero = try scalarParameter(try yZeroTensor.quantizationIntegers(spec, role: "y_zero_point"), spec, role: "y_zero_point")
        _ = try scalarParameter(aZero, spec, role: "a_zero_point")
        let acc = try integerMatMul(a, b, aZero: aZero, bZero: bZero, spec, context)
        let n = b.rank == 1 ? 1 : b.shape[b.rank - 1]
        guard bScales.count == 1 || bScales.count == n else {
            throw spec.shapeError("b_scale holds \(bScales.count) values; expected 1 or N = \(n)")
        }
        let scales = bScales.map { aScale * $0 / yScale }
        return [.tensor(try requantizeProduct(acc, scales: scales, zeroPoint: yZero, type: yType, columns: n, spec, context))]
    }
}

/// com.microsoft MatMulIntegerToFloat: `(A - a_zp) x (B - b_zp) * (a_scale * b_scale) + bias` in float32.
struct MatMulIntegerToFloat: Operator {
    let spec: NodeSpec
    init(_ spec: NodeSpec) throws { self.spec = spec }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let a = try inputs.tensor(0, spec), b = try inputs.tensor(1, spec)
        let aScales = try inputs.tensor(2, spec).quantizationFloats(spec, role: "a_scale")
        let bScales = try inputs.tensor(3, spec).quantizationFloats(spec, role: "b_scale")
        let aZero = try inputs.optionalTensor(4, spec)?.quantizationIntegers(spec, role: "a_zero_point") ?? [0]
        let bZero = try inputs.optionalTensor(5, spec)?.quantizationIntegers(spec, role: "b_zero_point") ?? [0]
        let bias = try inputs.optionalTensor(6, spec)?.quantizationFloats(spec, role: "bias")
        let acc = try integerMatMul(a, b, aZero: aZero, bZero: bZero, spec, context)
        return [.tensor(try scaleToFloat(acc, aScale: aScales, bScales: bScales, bias: bias, b: b, spec))]
    }
}

/// `acc * (a_scale * b_scale[j]) + bias[j]` as float32 (onnxruntime's MLAS scale-bias output processor).
func scaleToFloat(_ acc: Tensor, aScale: [Float], bScales: [Float], bias: [Float]?, b: Tensor, _ spec: NodeSpec) throws -> Tensor {
    let n = b.rank == 1 ? 1 : b.shape[b.rank - 1]
    let a = try scalarParameter(aScale, spec, role: "a_scale")
    guard bScales.count == 1 || bScales.count == n else { throw spec.shapeError("b_scale holds \(bScales.count) values; expected 1 or N = \(n)") }
    if let bias, bias.count != n { throw spec.shapeError("bias holds \(bias.count) values; expected N = \(n)") }
    let scales = bScales.map { a * $0 }
    let values = try acc.withUnsafeBufferPointer(as: Int32.self) { p -> [Float] in
        var out = [Float](repeating: 0, count: p.count)
        for i in 0..<p.count {
            let j = i % n
            out[i] = Float(p[i]) * scales[scales.count > 1 ? j : 0]
            if let bias { out[i] += bias[j] }
        }
        return out
    }
    return try Tensor(shape: acc.shape, scalars: values)
}

/// com.microsoft DynamicQuantizeMatMul: A (float32) quantized to uint8 as DynamicQuantizeLinear does, then
/// MatMulIntegerToFloat with B's scale / zero point and an optional bias.
struct DynamicQuantizeMatMul: Operator {
    let spec: NodeSpec
    init(_ spec: NodeSpec) throws { self.spec = spec }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec), b = try inputs.tensor(1, spec)
        let bScales = try inputs.tensor(2, spec).quantizationFloats(spec, role: "b_scale")
        let bZero = try inputs.optionalTensor(3, spec)?.quantizationIntegers(spec, role: "b_zero_point") ?? [0]
        let bias = try inputs.optionalTensor(4, spec)?.quantizationFloats(spec, role: "bias")
        let quantized = try DynamicQuantizeLinear(spec).run([.tensor(x)], context)
        guard let q = quantized[0].tensor, let s = quantized[1].tensor, let z = quantized[2].tensor else {
            throw spec.error("internal: DynamicQuantizeLinear returned no tensors")
        }
        let acc = try integerMatMul(q, b, aZero: try z.quantizationIntegers(spec, role: "a_zero_point"), bZero: bZero, spec, context)
        return [.tensor(try scaleToFloat(acc, aScale: try s.scalars(as: Float.self), bScales: bScales, bias: bias, b: b, spec))]
    }
}
