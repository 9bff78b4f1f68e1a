import Foundation
import MLCoreKernels
import MLCoreTensor

/// com.microsoft DynamicQuantizeLSTM: an LSTM (ONNX gate order i, o, f, c; default activations sigmoid, tanh,
/// tanh) whose W `[dirs, input, 4H]` and R `[dirs, H, 4H]` are 8-bit, with scales and zero points per direction
/// or per direction and column. As onnxruntime computes it: X (all steps of a direction) is quantized to uint8
/// once with DynamicQuantizeLinear's rule, the previous hidden state at every step, and each product runs on the
/// integer GEMM, scaled by `a_scale * w_scale[j]` into float.
///
/// - Complexity: O(dirs * seq * batch * 4H * (input + H)).
/// - SeeAlso: https://github.com/microsoft/onnxruntime/blob/main/docs/ContribOperators.md#com.microsoft.DynamicQuantizeLSTM
struct DynamicQuantizeLSTM: Operator {
    let spec: NodeSpec
    let hidden: Int
    let directions: [Bool]  // reverse flag per direction
    let clip: Float?
    let inputForget: Bool

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        let h = try spec.int("hidden_size")
        guard h > 0, h <= 1 << 24 else { throw spec.error("hidden_size \(h) must be positive") }
        hidden = Int(h)
        switch try spec.string("direction", default: "forward") {
        case "forward": directions = [false]
        case "reverse": directions = [true]
        case "bidirectional": directions = [false, true]
        case let other: throw spec.error("direction '\(other)' is not forward, reverse or bidirectional")
        }
        if spec.has("activations") {
            let acts = try spec.strings("activations").map { $0.lowercased() }
            let defaults = Array(repeating: ["sigmoid", "tanh", "tanh"], count: directions.count).flatMap { $0 }
            guard acts == defaults else { throw spec.error("activations \(acts) are not supported (only sigmoid, tanh, tanh)") }
        }
        clip = spec.has("clip") ? try spec.float("clip") : nil
        if let clip, !(clip > 0) { throw spec.error("clip \(clip) must be > 0") }
        inputForget = try spec.int("input_forget", default: 0) != 0
    }

    /// Quantizes `rows x cols` floats to uint8 as DynamicQuantizeLinear does; returns the scale and zero point.
    static func quantize(_ values: UnsafeBufferPointer<Float>, into out: inout [UInt8]) -> (Float, Int32) {
        let (scale, zp) = DynamicQuantizeLinear.parameters(values)
        for i in 0..<values.count { out[i] = UInt8(quantizeValue(values[i], scale: scale, zeroPoint: zp, range: (0, 255))) }
        return (scale, zp)
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, spec), w = try inputs.tensor(1, spec), r = try inputs.tensor(2, spec)
        guard x.dtype == .float32, x.rank == 3 else { throw spec.shapeError("X must be float32 [seq, batch, input], got \(x.dtype)\(x.shape)") }
        try checkEightBit(w, spec, role: "W")
        try checkEightBit(r, spec, role: "R")
        let (seq, batch, inputSize) = (x.shape[0], x.shape[1], x.shape[2])
        let nd = directions.count, h = hidden, g4 = 4 * hidden
        guard w.shape == [nd, inputSize, g4] else { throw spec.shapeError("W \(w.shape) must be [\(nd), \(inputSize), \(g4)]") }
        guard r.shape == [nd, h, g4] else { throw spec.shapeError("R \(r.shape) must be [\(nd), \(h), \(g4)]") }
        func floats(_ i: Int, _ count: Int, _ role: String) throws -> [Float]? {
            guard let t = try inputs.optionalTensor(i, spec) else { return nil }
            let v = try t.quantizationFloats(spec, role: role)
            guard v.count == count else { throw spec.shapeError("\(role) \(t.shape) must hold \(count) values") }
            return v
        }
        let bias = try floats(3, nd * 8 * h, "B")
        var lengths = [Int](repeating: seq, count: batch)
        if let s = try inputs.optionalTensor(4, spec) {
            guard let v = s.widenedIntegers(), v.count == batch, v.allSatisfy({ $0 >= 0 && $0 <= seq }) else {
                throw spec.shapeError("sequence_lens \(s.shape) must hold \(batch) lengths in 0...\(seq)")
            }
            lengths = v.map { Int($0) }
        }
        let initialH = try floats(5, nd * batch * h, "initial_h"), initialC = try floats(6, nd * batch * h, "initial_c")
        let peep = try floats(7, nd * 3 * h, "P")
        func parameters(_ si: Int, _ zi: Int, _ role: String) throws -> (scales: [Float], zeros: [Int32], perColumn: Bool) {
            let s = try inputs.tensor(si, spec).quantizationFloats(spec, role: "\(role)_scale")
            let z = try inputs.optionalTensor(zi, spec)?.quantizationIntegers(spec, role: "\(role)_zero_point") ?? [Int32](repeating: 0, count: s.count)
            guard s.count == z.count, s.count == nd || s.count == nd * g4 else {
                throw spec.shapeError("\(role)_scale / zero point must hold \(nd) or \(nd * g4) values, got \(s.count) and \(z.count)")
            }
            return (s, z, s.count == nd * g4)
        }
        let wq = try parameters(8, 9, "W"), rq = try parameters(10, 11, "R")
        try context.checkOutput([seq, nd, batch, h], .float32, node: spec.name)
        let xs = try x.scalars(as: Float.self)
        var y = [Float](repeating: 0, count: seq * nd * batch * h)
        var yh = [Float](repeating: 0, count: nd * batch * h), yc = yh
        let wBase = eightBitBase(w), rBase = eightBitBase(r)
        let wSigned = w.dtype == .int8, rSigned = r.dtype == .int8
        try withExtendedLifetime((w, r)) {
            for (d, reverse) in directions.enumerated() {
                // X W for every step at once; the reverse direction reads each sequence back to front.
                var xq = [UInt8](repeating: 0, count: seq * batch * inputSize)
                var xr = xs
                if reverse {
                    for b in 0..<batch {
                        for t in 0..<seq {
                            let src = t < lengths[b] ? lengths[b] - 1 - t : t
                            for i in 0..<inputSize { xr[(t * batch + b) * inputSize + i] = xs[(src * batch + b) * inputSize + i] }
                        }
                    }
                }
                let (xScale, xZero) = xr.withUnsafeBufferPointer { Self.quantize($0, into: &xq) }
                let wScales = wq.perColumn ? Array(wq.scales[d * g4..<(d + 1) * g4]) : [wq.scales[d]]
                let wZeros = wq.perColumn ? Array(wq.zeros[d * g4..<(d + 1) * g4]) : [wq.zeros[d]]
                let rScales = rq.perColumn ? Array(rq.scales[d * g4..<(d + 1) * g4]) : [rq.scales[d]]
                let rZeros = rq.perColumn ? Array(rq.zeros[d * g4..<(d + 1) * g4]) : [rq.zeros[d]]
                var xw = [Int32](repeating: 0, count: seq * batch * g4)
                try xq.withUnsafeBytes { pa in
                    try xw.withUnsafeMutableBufferPointer { pc in
                        try IntegerGEMM.multiply(m: seq * batch, n: g4, k: inputSize,
                                                 a: .init(pa.baseAddress!, isSigned: false, rowStride: inputSize), aZero: [xZero],
                                                 b: .init(wBase + d * inputSize * g4, isSigned: wSigned, rowStride: g4), bZero: wZeros,
                                                 c: pc.baseAddress!, ldc: g4, threads: context.threads)
                    }
                }
                var hState = initialH.map { Array($0[d * batch * h..<(d + 1) * batch * h]) } ?? [Float](repeating: 0, count: batch * h)
                var cState = initialC.map { Array($0[d * batch * h..<(d + 1) * batch * h]) } ?? [Float](repeating: 0, count: batch * h)
                var hq = [UInt8](repeating: 0, count: batch * h)
                var hr = [Int32](repeating: 0, count: batch * g4)
                for t in 0..<seq {
                    // onnxruntime reads the previous hidden state from the previous step's output, which is zero
                    // for sequences that ended before it: those rows enter the quantization range as zeros.
                    var previous = hState
                    for b in 0..<batch where t > lengths[b] {
                        for k in 0..<h { previous[b * h + k] = 0 }
                    }
                    let (hScale, hZero) = previous.withUnsafeBufferPointer { Self.quantize($0, into: &hq) }
                    try hq.withUnsafeBytes { pa in
                        try hr.withUnsafeMutableBufferPointer { pc in
                            try IntegerGEMM.multiply(m: batch, n: g4, k: h,
                                                     a: .init(pa.baseAddress!, isSigned: false, rowStride: h), aZero: [hZero],
                                                     b: .init(rBase + d * h * g4, isSigned: rSigned, rowStride: g4), bZero: rZeros,
                                                     c: pc.baseAddress!, ldc: g4, threads: context.threads)
                        }
                    }
                    for b in 0..<batch where t < lengths[b] {
                        var gates = [Float](repeating: 0, count: g4)
                        for j in 0..<g4 {
                            var v = Float(xw[(t * batch + b) * g4 + j]) * (xScale * wScales[wq.perColumn ? j : 0])
                            v += Float(hr[b * g4 + j]) * (hScale * rScales[rq.perColumn ? j : 0])
                            if let bias { v += bias[d * 8 * h + j] + bias[d * 8 * h + g4 + j] }
                            gates[j] = v
                        }
                        for k in 0..<h {
                            let cPrev = cState[b * h + k]
                            var gi = gates[k], go = gates[h + k], gf = gates[2 * h + k], gc = gates[3 * h + k]
                            if let peep {
                                gi += peep[d * 3 * h + k] * cPrev
                                gf += peep[d * 3 * h + 2 * h + k] * cPrev
                            }
                            if let clip {
                                gi = Swift.min(clip, Swift.max(-clip, gi))
                                gf = Swift.min(clip, Swift.max(-clip, gf))
                                gc = Swift.min(clip, Swift.max(-clip, gc))
                            }
                            let i = 1 / (1 + Foundation.exp(-gi))
                            let f = inputForget ? 1 - i : 1 / (1 + Foundation.exp(-gf))
                            let c = f * cPrev + i * Foundation.tanh(gc)
                            if let peep { go += peep[d * 3 * h + h + k] * c }
                            if let clip { go = Swift.min(clip, Swift.max(-clip, go)) }
                            let o = 1 / (1 + Foundation.exp(-go))
                            cState[b * h + k] = c
                            hState[b * h + k] = o * Foundation.tanh(c)
                        }
                        let step = reverse ? lengths[b] - 1 - t : t
                        for k in 0..<h { y[((step * nd + d) * batch + b) * h + k] = hState[b * h + k] }
                    }
                }
                for i in 0..<batch * h {
                    yh[d * batch * h + i] = hState[i]
                    yc[d * batch * h + i] = cState[i]
                }
            }
        }
        return [.tensor(try Tensor(shape: [seq, nd, batch, h], scalars: y)),
                .tensor(try Tensor(shape: [nd, batch, h], scalars: yh)),
                .tensor(try Tensor(shape: [nd, batch, h], scalars: yc))]
    }
}
