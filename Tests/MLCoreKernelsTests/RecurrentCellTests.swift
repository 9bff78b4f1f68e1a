import Foundation
@testable import MLCoreKernels
import Testing

/// The fused LSTM direction (``RecurrentCell/lstmDirection``) at every runnable instruction-set level against the
/// LSTM equations written out here in Double with libm's exp and tanh (gate order i, o, f, c; rows past their
/// length keep their state and get no output; reverse rows start at their own last step).
@Suite struct RecurrentCellTests {
    struct Case: CustomStringConvertible {
        var hidden: Int, batch: Int, steps: Int, lengths: [Int], reverse: Bool
        var description: String { "hidden \(hidden) batch \(batch) steps \(steps) lengths \(lengths) reverse \(reverse)" }
    }

    static let cases: [Case] = [
        Case(hidden: 1, batch: 1, steps: 3, lengths: [3], reverse: false),
        Case(hidden: 16, batch: 1, steps: 5, lengths: [5], reverse: true),
        Case(hidden: 13, batch: 5, steps: 4, lengths: [4, 1, 0, 3, 4], reverse: false),
        Case(hidden: 20, batch: 8, steps: 3, lengths: [3, 3, 3, 3, 3, 3, 3, 3], reverse: true),
        Case(hidden: 33, batch: 7, steps: 4, lengths: [4, 2, 4, 4, 3, 4, 1], reverse: true),
    ]

    /// Deterministic values in about [-1, 1).
    static func values(_ count: Int, seed: Int) -> [Float] {
        (0..<count).map { Float(($0 * 37 + seed * 11) % 29) / 14.5 - 1 }
    }

    @Test("matches the LSTM equations at every level", arguments: cases)
    func matchesEquations(_ c: Case) {
        let hs = c.hidden, ld = 4 * hs
        // proj rows indexed (t, b) with t stride batch * ld and b stride ld.
        let proj = Self.values(c.steps * c.batch * ld, seed: 1).map { $0 * 0.5 }
        let bias = Self.values(ld, seed: 2).map { $0 * 0.25 }
        let r = Self.values(ld * hs, seed: 3).map { $0 * 0.3 }  // R: [4 hidden, hidden]
        var rt = [Float](repeating: 0, count: hs * ld)
        for g in 0..<ld { for k in 0..<hs { rt[k * ld + g] = r[g * hs + k] } }
        let h0 = Self.values(c.batch * hs, seed: 4), c0 = Self.values(c.batch * hs, seed: 5)

        // The equations in Double.
        var eh = h0.map(Double.init), ec = c0.map(Double.init)
        var ey = [Double](repeating: 0, count: c.steps * c.batch * hs)
        func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
        for step in 0..<c.steps {
            for b in 0..<c.batch where step < c.lengths[b] {
                let t = c.reverse ? c.lengths[b] - 1 - step : step
                var gates = [Double](repeating: 0, count: ld)
                for g in 0..<ld {
                    var s = Double(proj[(t * c.batch + b) * ld + g]) + Double(bias[g])
                    for k in 0..<hs { s += Double(r[g * hs + k]) * eh[b * hs + k] }
                    gates[g] = s
                }
                for j in 0..<hs {
                    let i = sigmoid(gates[j]), o = sigmoid(gates[hs + j]), f = sigmoid(gates[2 * hs + j]), g = tanh(gates[3 * hs + j])
                    ec[b * hs + j] = f * ec[b * hs + j] + i * g
                    eh[b * hs + j] = o * tanh(ec[b * hs + j])
                    ey[(t * c.batch + b) * hs + j] = eh[b * hs + j]
                }
            }
        }

        for level in InstructionSet.runnable {
            var h = h0, cs = c0
            var y = [Float](repeating: 0, count: c.steps * c.batch * hs)
            var scratch = [Float](repeating: .nan, count: c.batch * ld)
            let lengths = c.lengths.map(Int64.init)
            let ran = proj.withUnsafeBufferPointer { pp in
                bias.withUnsafeBufferPointer { bp in
                    rt.withUnsafeBufferPointer { rp in
                        lengths.withUnsafeBufferPointer { lp in
                            h.withUnsafeMutableBufferPointer { hp in
                                cs.withUnsafeMutableBufferPointer { cp in
                                    y.withUnsafeMutableBufferPointer { yp in
                                        scratch.withUnsafeMutableBufferPointer { sp in
                                            RecurrentCell.lstmDirection(
                                                hidden: hs, batch: c.batch, steps: c.steps, lengths: lp.baseAddress!, reverse: c.reverse,
                                                projection: pp.baseAddress!, projectionTimeStride: c.batch * ld, projectionBatchStride: ld,
                                                bias: bp.baseAddress!, recurrenceTransposed: rp.baseAddress!, h: hp.baseAddress!,
                                                c: cp.baseAddress!, y: yp.baseAddress!, outputTimeStride: c.batch * hs,
                                                outputBatchStride: hs, scratch: sp.baseAddress!,
                                                options: KernelOptions(threads: 1, instructionSet: level))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            #expect(ran, "\(c) \(level): did not run")
            func worst(_ a: [Float], _ b: [Double]) -> Double { zip(a, b).map { abs(Double($0) - $1) }.max() ?? 0 }
            #expect(worst(y, ey) <= 2e-6, "\(c) \(level): Y differs by \(worst(y, ey))")
            #expect(worst(h, eh) <= 2e-6, "\(c) \(level): h differs by \(worst(h, eh))")
            #expect(worst(cs, ec) <= 4e-6, "\(c) \(level): c differs by \(worst(cs, ec))")
        }
        #expect(!RecurrentCell.runs(KernelOptions(threads: 1, path: .reference)), "the reference path must not run the C loop")
    }
}
