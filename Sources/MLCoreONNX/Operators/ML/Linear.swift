import MLCoreKernels
import MLCoreTensor

/// Rows of X as float32 `[N, F]` (X may be `[F]`, float32/64 or int32/64), as onnxruntime casts them.
func floatRows(_ x: Tensor, _ spec: NodeSpec) throws -> Tensor {
    guard x.rank == 1 || x.rank == 2 else { throw spec.shapeError("X must be [N, F] or [F], got \(x.shape)") }
    let shape: Shape = x.rank == 1 ? [1, x.shape[0]] : x.shape
    switch x.dtype {
    case .float32: return try x.reshaped(shape)
    case .float64: return try Tensor(shape: shape, scalars: try x.scalars(as: Double.self).map { Float($0) })
    case .int64: return try Tensor(shape: shape, scalars: try x.scalars(as: Int64.self).map { Float($0) })
    case .int32: return try Tensor(shape: shape, scalars: try x.scalars(as: Int32.self).map { Float($0) })
    default: throw spec.error("X has element type \(x.dtype); expected float, double, int64 or int32")
    }
}

/// scores = X * W^T + b on our GEMM, W given row-major `[targets, F]`.
func linearScores(_ x: Tensor, weights: Tensor, intercepts: [Float], _ spec: NodeSpec, _ context: RunContext) throws -> Tensor {
    let rows = try floatRows(x, spec)
    let targets = weights.shape[0], features = weights.shape[1]
    guard rows.shape[1] == features else {
        throw spec.shapeError("X has \(rows.shape[1]) features, the coefficients are for \(features)")
    }
    var scores = try context.makeTensor([rows.shape[0], targets], .float32, node: spec.name)
    try scores.withUnsafeMutableBufferPointer(as: Float.self) { p in
        for r in 0..<rows.shape[0] { for t in 0..<targets { p[r * targets + t] = intercepts[t] } }
    }
    try GEMM.multiply(rows, weights, into: &scores, transposeB: true, alpha: 1, beta: 1, options: context.kernelOptions)
    return scores
}

/// Coefficients `[targets * F]` and intercepts `[targets]` as a weight matrix.
func coefficientMatrix(_ spec: NodeSpec, targets: Int) throws -> Tensor {
    let c = try spec.floats("coefficients")
    guard targets > 0, c.count % targets == 0, !c.isEmpty else {
        throw spec.error("\(c.count) coefficients do not divide into \(targets) targets")
    }
    return try Tensor(shape: [targets, c.count / targets], scalars: c)
}

/// LinearClassifier (ai.onnx.ml 1): labels from the raw scores (argmax, or sign with one target), then
/// onnxruntime's score transform, which expands one target into two columns when there are two labels.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx_aionnxml_LinearClassifier.html
struct LinearClassifier: Operator {
    let spec: NodeSpec
    let weights: Tensor
    let intercepts: [Float]
    let labels: ClassLabels
    let transform: PostTransform

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        labels = try ClassLabels(spec, intsName: "classlabels_ints")
        intercepts = try spec.floats("intercepts", default: [])
        guard !intercepts.isEmpty else { throw spec.error("missing attribute 'intercepts'") }
        weights = try coefficientMatrix(spec, targets: intercepts.count)
        transform = try PostTransform(spec)
        guard intercepts.count == 1 || intercepts.count == labels.count else {
            throw spec.error("\(intercepts.count) intercepts for \(labels.count) class labels")
        }
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let scores = try linearScores(try inputs.tensor(0, spec), weights: weights, intercepts: intercepts, spec, context)
        let n = scores.shape[0], t = scores.shape[1]
        let raw = try scores.scalars(as: Float.self)
        var labelIndex = [Int](repeating: 0, count: n)
        var binarySign = false
        if t == 1 {
            binarySign = labels.count != 2
            for r in 0..<n { labelIndex[r] = raw[r] > 0 ? 1 : 0 }
        } else {
            for r in 0..<n {
                var best = 0
                for j in 1..<t where raw[r * t + j] > raw[r * t + best] { best = j }
                labelIndex[r] = best
            }
        }
        let addSecond = t == 1 && labels.count == 2
        let columns = addSecond ? 2 : t
        var z = [Float](repeating: 0, count: n * columns)
        for r in 0..<n {
            if t > 1 {
                var row = (0..<t).map { Double(raw[r * t + $0]) }
                transform.apply(&row)
                for j in 0..<t { z[r * t + j] = Float(row[j]) }
            } else if transform == .probit {
                z[r * columns] = Float(PostTransform.probit(Double(raw[r])))
            } else if addSecond {
                // onnxruntime applies LOGISTIC to the single score before expanding it to [1 - p, p];
                // other transforms are not applied to one column.
                let p = transform == .logistic ? Float(PostTransform.logistic(Double(raw[r]))) : raw[r]
                z[r * 2] = 1 - p
                z[r * 2 + 1] = p
            } else {
                z[r] = raw[r]
            }
        }
        let labelValue: Value
        if binarySign {
            // One target without two labels: onnxruntime writes 1/0 (or "1"/"0").
            labelValue = labels.ints != nil ? .tensor(try Tensor(shape: [n], scalars: labelIndex.map(Int64.init)))
                                            : .tensor(try Tensor(shape: [n], strings: labelIndex.map { String($0) }))
        } else {
            labelValue = try labels.tensor(labelIndex)
        }
        return [labelValue, .tensor(try Tensor(shape: [n, columns], scalars: z))]
    }
}

/// LinearRegressor (ai.onnx.ml 1): Y = X * W^T + b; with one target only PROBIT applies (onnxruntime).
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx_aionnxml_LinearRegressor.html
struct LinearRegressor: Operator {
    let spec: NodeSpec
    let weights: Tensor
    let intercepts: [Float]
    let transform: PostTransform

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        let targets = Int(try spec.int("targets", default: 1))
        guard targets >= 1 else { throw spec.error("targets must be positive") }
        weights = try coefficientMatrix(spec, targets: targets)
        let b = try spec.floats("intercepts", default: [])
        guard b.isEmpty || b.count == targets else { throw spec.error("\(b.count) intercepts for \(targets) targets") }
        intercepts = b.isEmpty ? [Float](repeating: 0, count: targets) : b
        transform = try PostTransform(spec)
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        var scores = try linearScores(try inputs.tensor(0, spec), weights: weights, intercepts: intercepts, spec, context)
        let t = scores.shape[1]
        guard transform != .none else { return [.tensor(scores)] }
        try scores.withUnsafeMutableBufferPointer(as: Float.self) { p in
            let n = p.count / Swift.max(t, 1)
            for r in 0..<n {
                if t == 1 {
                    if transform == .probit { p[r] = Float(PostTransform.probit(Double(p[r]))) }
                } else {
                    var row = (0..<t).map { Double(p[r * t + $0]) }
                    transform.apply(&row)
                    for j in 0..<t { p[r * t + j] = Float(row[j]) }
                }
            }
        }
        return [.tensor(scores)]
    }
}
