// libFuzzer target: ONNX bytes -> ONNXReader -> InferenceSession -> run on fixed small inputs.
// Built and run by scripts/fuzz.sh; every input must end in a model, a session, or a thrown error: never a trap,
// a sanitizer report, a leak or a timeout.
import MLCoreONNX
import MLCoreTensor

/// Small limits so that the fuzzer explores structure instead of allocating gigabytes: the limits themselves are
/// what is under test (a model over a limit must throw, not allocate).
let options = SessionOptions(
    threads: 1,
    readLimits: ONNXReadLimits(maxTensorBytes: 1 << 20, maxTotalBytes: 16 << 20, maxNestingDepth: 64, maxNodes: 1_000),
    maxTensorBytes: 1 << 20, maxTrees: 100, maxTreeDepth: 32)

/// How the inputs of one run are filled: a symbolic or unknown first dimension takes `batch`, later ones `inner`;
/// `special` puts NaN, infinities, signed zeros and extreme values into float inputs.
struct Variant {
    var batch: Int
    var inner: Int
    var special: Bool
}

/// Ordinary values; NaN and infinities; an empty batch; rows without columns (a [2, 0] input).
let variants = [Variant(batch: 2, inner: 2, special: false), Variant(batch: 1, inner: 1, special: true),
                Variant(batch: 0, inner: 2, special: false), Variant(batch: 2, inner: 0, special: false)]

let specialFloats: [Double] = [.nan, .infinity, -.infinity, 0, -0.0, 1e30, -1e-30, 3, -2.5, .greatestFiniteMagnitude]

/// A tensor for a declared input, or `nil` when the declaration is not a tensor or is too big to feed.
func feed(_ type: ONNXType, _ v: Variant) -> Tensor? {
    guard case let .tensor(dtype?, dims) = type else { return nil }
    var shape: [Int] = []
    for (axis, d) in (dims ?? [.unknown, .unknown]).enumerated() {
        switch d {
        case .fixed(let n):
            guard n >= 0, n <= 4096 else { return nil }
            shape.append(Int(n))
        case .symbolic, .unknown: shape.append(axis == 0 ? v.batch : v.inner)
        }
    }
    guard shape.count <= 8 else { return nil }
    var count = 1
    for d in shape {
        let (p, o) = count.multipliedReportingOverflow(by: d)
        guard !o, p <= 4096 else { return nil }
        count = p
    }
    let s = Shape(shape)
    func value(_ i: Int) -> Double { v.special ? specialFloats[i % specialFloats.count] : Double((i * 7) % 11 - 5) * 0.25 }
    switch dtype {
    case .float32: return try? Tensor(shape: s, scalars: (0..<count).map { Float(value($0)) })
    case .float64: return try? Tensor(shape: s, scalars: (0..<count).map(value))
    case .int64: return try? Tensor(shape: s, scalars: (0..<count).map { Int64($0 % 5 - 2) })
    case .int32: return try? Tensor(shape: s, scalars: (0..<count).map { Int32($0 % 5 - 2) })
    case .bool: return try? Tensor(shape: s, scalars: (0..<count).map { $0 % 2 == 0 })
    case .string: return try? Tensor(shape: s, strings: (0..<count).map { ["a", "b", "", "0"][$0 % 4] })
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzONNXSession(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let model = try? ONNXReader.read(bytes: bytes, modelDirectory: nil, path: "fuzz.onnx", limits: options.readLimits),
          let session = try? InferenceSession(model: model, options: options) else { return 0 }
    for v in variants {
        var feeds: [String: Tensor] = [:]
        for input in session.inputs {
            guard let t = feed(input.type, v) else { return 0 }
            feeds[input.name] = t
        }
        _ = try? session.run(feeds)
    }
    return 0
}
