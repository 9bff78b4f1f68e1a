import MLCoreTensor

extension Array where Element == Value? {
    /// Input `index` as a sequence of tensors, with an error naming the node when it is missing or not one.
    func sequence(_ index: Int, _ spec: NodeSpec) throws -> TensorSequence {
        guard index < count, let value = self[index] else { throw spec.error("input \(index) is missing") }
        guard case .sequence(let s) = value else { throw spec.error("input \(index) must be a sequence of tensors") }
        return s
    }
}

extension NodeSpec {
    /// The position input of SequenceAt, SequenceInsert and SequenceErase, normalized to `0..<count` (or
    /// `0...count` when `allowEnd`, SequenceInsert's append position).
    ///
    /// Like onnxruntime, a one-element 1-D tensor is accepted as well as the scalar the spec asks for, and the
    /// valid range is `-count..<count` (`-count...count` with `allowEnd`).
    func sequencePosition(_ t: Tensor, count: Int, allowEnd: Bool) throws -> Int {
        let p = try integerScalar(t, "position")
        let n = Int64(count)
        guard p >= -n, p < n || (allowEnd && p == n) else {
            throw error("position \(p) is out of range for a sequence of \(count) tensors")
        }
        return Int(p < 0 ? p + n : p)
    }

    /// The element type an ONNX `TensorProto.DataType` code names, as tensors of that type load.
    func elementType(onnxCode code: Int64, _ what: String) throws -> DType {
        guard let narrow = Int32(exactly: code), let dtype = ElementEncoding(onnxCode: narrow)?.dtype else {
            throw error("\(what) \(code) (\(ONNXError.dataTypeName(Int32(truncatingIfNeeded: code)))) is not supported")
        }
        return dtype
    }
}

extension RunContext {
    /// Throws when a sequence of `count` tensors would exceed ``SessionOptions/maxTensorBytes`` in tensor
    /// headers alone (a crafted `[huge, 0]` input splits into that many empty tensors without any element bytes).
    func checkSequenceLength(_ count: Int, _ spec: NodeSpec) throws {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<Tensor>.stride)
        guard !overflow, bytes <= maxTensorBytes else {
            throw ONNXError.limitExceeded(what: "node '\(spec.name)': a sequence of \(count) tensors, in header bytes,",
                                          value: overflow ? .max : bytes, limit: maxTensorBytes)
        }
    }
}
