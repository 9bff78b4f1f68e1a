import MLCoreTensor

/// NonMaxSuppression: per batch and class, greedily keeps the highest-scoring boxes whose IoU with every box
/// kept before is at most `iou_threshold`, up to `max_output_boxes_per_class`, skipping scores not above
/// `score_threshold`. Output: int64 `[selected, 3]` rows `(batch, class, box)`, batch-major, then class, then in
/// selection order (as onnxruntime).
///
/// Boxes are `[y1, x1, y2, x2]` (any two opposite corners; `center_point_box = 0`) or
/// `[x_center, y_center, width, height]` (`center_point_box = 1`). As onnxruntime: equal scores are taken lower
/// box index first; a missing or non-positive maximum selects nothing; boxes with zero area or no overlap never
/// suppress; IoU is computed in the boxes' element type; `iou_threshold` outside [0, 1] is an error.
/// - Complexity: O(boxes log boxes + boxes * selected) per batch and class.
/// - SeeAlso: https://onnx.ai/onnx/operators/onnx__NonMaxSuppression.html
struct NonMaxSuppression: Operator {
    let spec: NodeSpec
    let centerPointBox: Bool

    init(_ spec: NodeSpec) throws {
        self.spec = spec
        let c = try spec.int("center_point_box", default: 0)
        guard c == 0 || c == 1 else { throw spec.error("center_point_box must be 0 or 1, got \(c)") }
        centerPointBox = c == 1
    }

    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value] {
        let boxes = try inputs.tensor(0, spec), scores = try inputs.tensor(1, spec)
        guard boxes.rank == 3, boxes.shape[2] == 4 else {
            throw spec.shapeError("boxes must be [num_batches, spatial_dimension, 4], got \(boxes.shape)")
        }
        guard scores.rank == 3 else { throw spec.shapeError("scores must be [num_batches, num_classes, spatial_dimension], got \(scores.shape)") }
        guard boxes.shape[0] == scores.shape[0], boxes.shape[1] == scores.shape[2] else {
            throw spec.shapeError("boxes \(boxes.shape) and scores \(scores.shape) disagree on batches or boxes")
        }
        guard boxes.dtype == scores.dtype else { throw spec.error("boxes are \(boxes.dtype) but scores are \(scores.dtype)") }
        var maxPerClass: Int64 = 0
        if let t = try inputs.optionalTensor(2, spec), t.count > 0 { maxPerClass = try spec.integerScalar(t, "max_output_boxes_per_class") }
        let iouThreshold = try scalar(inputs, 3, "iou_threshold") ?? 0
        guard iouThreshold >= 0, iouThreshold <= 1 else { throw spec.error("iou_threshold \(iouThreshold) must be in [0, 1]") }
        let scoreThreshold = try scalar(inputs, 4, "score_threshold")
        var selected: [Int64] = []
        if maxPerClass > 0, boxes.count > 0, scores.count > 0 {
            switch boxes.dtype {
            case .float32:
                selected = try select(boxes, scores, Float.self, Int(min(maxPerClass, Int64(boxes.shape[1]))),
                                      Float(iouThreshold), scoreThreshold.map { Float($0) })
            case .float64:
                selected = try select(boxes, scores, Double.self, Int(min(maxPerClass, Int64(boxes.shape[1]))),
                                      iouThreshold, scoreThreshold)
            default: throw spec.error("element type \(boxes.dtype) is not supported (float32, float64)")
            }
        }
        return [.tensor(try Tensor(shape: Shape([selected.count / 3, 3]), scalars: selected))]
    }

    /// A float scalar input widened to Double, or nil when omitted.
    func scalar(_ inputs: [Value?], _ index: Int, _ what: String) throws -> Double? {
        guard let t = try inputs.optionalTensor(index, spec), t.count > 0 else { return nil }
        let values: [Double]
        do { values = try t.nnDoubles() } catch { throw spec.error("\(what) must be a float tensor, got \(t.dtype)") }
        guard values.count == 1 else { throw spec.error("\(what) must hold one value, got shape \(t.shape)") }
        return values[0]
    }

    func select<T: NNFloat>(_ boxes: Tensor, _ scores: Tensor, _: T.Type, _ limit: Int, _ iouThreshold: T,
                            _ scoreThreshold: T?) throws -> [Int64] {
        let batches = boxes.shape[0], spatial = boxes.shape[1], classes = scores.shape[1]
        var out: [Int64] = []
        try boxes.withUnsafeBufferPointer(as: T.self) { b in
            try scores.withUnsafeBufferPointer(as: T.self) { s in
                var candidates: [(score: T, index: Int)] = []
                var kept: [Int] = []
                candidates.reserveCapacity(spatial)
                for batch in 0..<batches {
                    let boxBase = batch * spatial * 4
                    for cls in 0..<classes {
                        let scoreBase = (batch * classes + cls) * spatial
                        candidates.removeAll(keepingCapacity: true)
                        for i in 0..<spatial {
                            let v = s[scoreBase + i]
                            if let scoreThreshold, !(v > scoreThreshold) { continue }
                            candidates.append((v, i))
                        }
                        // Highest score first, equal scores lower index first (onnxruntime's priority queue).
                        candidates.sort { $0.score > $1.score || ($0.score == $1.score && $0.index < $1.index) }
                        kept.removeAll(keepingCapacity: true)
                        for c in candidates {
                            if kept.count >= limit { break }
                            var suppressed = false
                            for k in kept where Self.suppresses(b, boxBase + 4 * c.index, boxBase + 4 * k, centerPointBox, iouThreshold) {
                                suppressed = true
                                break
                            }
                            if suppressed { continue }
                            kept.append(c.index)
                            out.append(contentsOf: [Int64(batch), Int64(cls), Int64(c.index)])
                        }
                    }
                }
            }
        }
        _ = try spec.product([out.count, 8], "selected indices")
        return out
    }

    /// Whether the boxes at offsets `p` and `q` overlap with IoU above `threshold` (onnxruntime's
    /// `SuppressByIOU`, operation for operation).
    @inline(__always)
    static func suppresses<T: NNFloat>(_ b: UnsafeBufferPointer<T>, _ p: Int, _ q: Int, _ centered: Bool, _ threshold: T) -> Bool {
        let x1Min: T, x1Max: T, y1Min: T, y1Max: T, x2Min: T, x2Max: T, y2Min: T, y2Max: T
        if centered {
            let w1 = b[p + 2] / 2, h1 = b[p + 3] / 2, w2 = b[q + 2] / 2, h2 = b[q + 3] / 2
            (x1Min, x1Max) = (b[p] - w1, b[p] + w1)
            (x2Min, x2Max) = (b[q] - w2, b[q] + w2)
            (y1Min, y1Max) = (b[p + 1] - h1, b[p + 1] + h1)
            (y2Min, y2Max) = (b[q + 1] - h2, b[q + 1] + h2)
        } else {
            (x1Min, x1Max) = (min(b[p + 1], b[p + 3]), max(b[p + 1], b[p + 3]))
            (x2Min, x2Max) = (min(b[q + 1], b[q + 3]), max(b[q + 1], b[q + 3]))
            (y1Min, y1Max) = (min(b[p], b[p + 2]), max(b[p], b[p + 2]))
            (y2Min, y2Max) = (min(b[q], b[q + 2]), max(b[q], b[q + 2]))
        }
        let ixMin = max(x1Min, x2Min), ixMax = min(x1Max, x2Max)
        if !(ixMax > ixMin) { return false }
        let iyMin = max(y1Min, y2Min), iyMax = min(y1Max, y2Max)
        if !(iyMax > iyMin) { return false }
        let intersection = (ixMax - ixMin) * (iyMax - iyMin)
        if !(intersection > 0) { return false }
        let area1 = (x1Max - x1Min) * (y1Max - y1Min), area2 = (x2Max - x2Min) * (y2Max - y2Min)
        let union = area1 + area2 - intersection
        if !(area1 > 0) || !(area2 > 0) || !(union > 0) { return false }
        return intersection / union > threshold
    }
}
