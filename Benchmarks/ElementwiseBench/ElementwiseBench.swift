// Element-wise micro-benchmark: memory throughput (GB/s) of element-wise, activation, softmax and sum kernels
// for every MLCore path on one thread.
//
//   swift run -c release ElementwiseBench [--sizes 1024,65536,1048576,16777216] [--ops add,exp,...]
//                                        [--paths reference,wide] [--min-time 0.3] [--threads 1]
//
// GB/s counts the bytes an ideal kernel moves: every input element read once and every output element written
// once (add and mul: 12 bytes per element; unary maps and softmax: 8; sum: 4), in 10^9 bytes per second.
// Outputs are preallocated (the `into:` forms), so allocation and zero-filling stay outside the timed region.
import Foundation
import MLBench

enum Op: String, CaseIterable {
    case add, mul, relu, sigmoid, tanh, exp, erf, softmax, sum

    /// Bytes read plus written per element.
    var bytesPerElement: Int {
        switch self {
        case .add, .mul: return 12
        case .sum: return 4
        default: return 8
        }
    }
}

var sizes = [1 << 10, 1 << 16, 1 << 20, 1 << 24]
var ops = Op.allCases
var paths = ["reference", "wide"]
var minSeconds = 0.3
var threads = 1
var args = CommandLine.arguments.dropFirst()
while let arg = args.popFirst() {
    let value = args.popFirst() ?? ""
    switch arg {
    case "--sizes": sizes = value.split(separator: ",").compactMap { Int($0) }
    case "--ops": ops = value.split(separator: ",").compactMap { Op(rawValue: String($0)) }
    case "--paths": paths = value.split(separator: ",").map(String.init)
    case "--min-time": minSeconds = Double(value) ?? minSeconds
    case "--threads": threads = Int(value) ?? 1
    default:
        FileHandle.standardError.write("ElementwiseBench: unknown argument \(arg)\n".data(using: .utf8)!)
        exit(2)
    }
}

/// The configurations to time: the reference, then the wide path at every level this CPU runs.
var configurations: [(label: String, options: KernelOptions)] = []
if paths.contains("reference") {
    configurations.append(("reference", KernelOptions(threads: threads, path: .reference)))
}
if paths.contains("wide") {
    for isa in InstructionSet.runnable {
        configurations.append(("wide/\(isa)", KernelOptions(threads: threads, path: .wide, instructionSet: isa)))
    }
}

/// Inputs for one size, drawn once from a fixed seed (SplitMix64) and shared by every configuration.
struct Inputs {
    let a: Tensor, b: Tensor
    var out: Tensor
    let rows: Tensor  // the same elements as [n / 1000, 1000] rows (softmax); n rounded down to whole rows

    init(count n: Int) throws {
        var g = SplitMix64(seed: UInt64(n))
        let xs = (0..<n).map { _ in Float.random(in: -4...4, using: &g) }
        let ys = (0..<n).map { _ in Float.random(in: 0.5...2, using: &g) }
        a = try Tensor(shape: [n], scalars: xs)
        b = try Tensor(shape: [n], scalars: ys)
        out = try Tensor(zeros: [n])
        let rowCount = Swift.max(1, n / 1000)
        rows = try Tensor(shape: [rowCount, Swift.min(n, 1000)], scalars: xs.prefix(rowCount * Swift.min(n, 1000)))
    }
}

struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

print("ElementwiseBench: detected ISA \(InstructionSet.detected) (AVX2 \(CPUFeatures.hasAVX2), FMA \(CPUFeatures.hasFMA), "
      + "AVX-512F \(CPUFeatures.hasAVX512F)); runnable levels: \(InstructionSet.runnable.map(\.description).joined(separator: ", "))")
print("threads \(threads); GB/s = (bytes read + written) / time, 10^9 B/s; median [min..max] over the repeats shown, "
      + "each repeat a batch of >= 20 ms, >= \(minSeconds) s per cell; softmax over rows of 1000")
print("op".padding(toLength: 9, withPad: " ", startingAt: 0) + "n".padding(toLength: 10, withPad: " ", startingAt: 0)
      + "path".padding(toLength: 17, withPad: " ", startingAt: 0) + "GB/s median [min..max] (repeats)")

for n in sizes {
    var inputs = try Inputs(count: n)
    var rowsOut = try Tensor(zeros: inputs.rows.shape)
    for op in ops {
        for (label, options) in configurations {
            let elements = op == .softmax ? inputs.rows.count : n
            let stats = try measure(minSeconds: minSeconds) {
                switch op {
                case .add: try Elementwise.apply(.add, inputs.a, inputs.b, into: &inputs.out, options: options)
                case .mul: try Elementwise.apply(.mul, inputs.a, inputs.b, into: &inputs.out, options: options)
                case .relu: try Activation.apply(.relu, to: inputs.a, into: &inputs.out, options: options)
                case .sigmoid: try Activation.apply(.sigmoid, to: inputs.a, into: &inputs.out, options: options)
                case .tanh: try Activation.apply(.tanh, to: inputs.a, into: &inputs.out, options: options)
                case .exp: try Activation.apply(.exp, to: inputs.a, into: &inputs.out, options: options)
                case .erf: try Activation.apply(.erf, to: inputs.a, into: &inputs.out, options: options)
                case .softmax: try Reduction.softmax(inputs.rows, axis: 1, into: &rowsOut, options: options)
                case .sum: blackHole(try Reduction.sum(inputs.a, axis: 0, options: options))
                }
                blackHole(inputs.out)
                blackHole(rowsOut)
            }
            let gbps = stats.mapDecreasing { Double(elements * op.bytesPerElement) / $0 / 1e9 }
            print(op.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
                  + String(n).padding(toLength: 10, withPad: " ", startingAt: 0)
                  + label.padding(toLength: 17, withPad: " ", startingAt: 0)
                  + String(format: "%8.2f [%.2f..%.2f] (%d)", gbps.median, gbps.min, gbps.max, gbps.repeats))
        }
    }
}

/// `measurePerCall` for a throwing body: the first error stops the benchmark.
func measure(minSeconds: Double, _ body: () throws -> Void) throws -> RepeatStats {
    var failure: Error?
    let stats = measurePerCall(minSeconds: minSeconds, minRepeats: 5) {
        if failure != nil { return }
        do { try body() } catch { failure = error }
    }
    if let failure { throw failure }
    return stats
}
