extension OperatorRegistry {
    /// Registration lines of the Vision family (Resize, Upsample, DepthToSpace, SpaceToDepth, NonMaxSuppression, RoiAlign), one per operator (and per semantic version).
    static func registerVisionOperators(_ r: inout OperatorRegistry) {
        let onnx = ""

        // Resize.swift: each version reads spec.opset (10: scales input, asymmetric; 11: roi, sizes, coordinate
        // and nearest modes, cubic; 13: optional roi and scales; 18: axes, keep_aspect_ratio_policy, antialias;
        // 19: half_pixel_symmetric).
        r.add(onnx, "Resize", since: 10) { try Resize($0) }
        r.add(onnx, "Resize", since: 11) { try Resize($0) }
        r.add(onnx, "Resize", since: 13) { try Resize($0) }
        r.add(onnx, "Resize", since: 18) { try Resize($0) }
        r.add(onnx, "Resize", since: 19) { try Resize($0) }
        r.add(onnx, "Upsample", since: 7) { try Resize($0, upsample: true) }   // scales attribute
        r.add(onnx, "Upsample", since: 9) { try Resize($0, upsample: true) }   // scales input
        r.add(onnx, "Upsample", since: 10) { try Resize($0, upsample: true) }  // deprecated, same as 9

        // DepthToSpace.swift
        r.add(onnx, "DepthToSpace", since: 1) { try DepthToSpace($0) }
        r.add(onnx, "DepthToSpace", since: 11) { try DepthToSpace($0) }      // mode DCR / CRD
        r.add(onnx, "DepthToSpace", since: 13) { try DepthToSpace($0) }
        r.add(onnx, "DepthToSpace", since: 28) { try DepthToSpace($0) }
        r.add(onnx, "SpaceToDepth", since: 1) { try SpaceToDepth($0) }
        r.add(onnx, "SpaceToDepth", since: 13) { try SpaceToDepth($0) }
        r.add(onnx, "SpaceToDepth", since: 28) { try SpaceToDepth($0) }      // mode DCR / CRD

        // NonMaxSuppression.swift, RoiAlign.swift
        r.add(onnx, "NonMaxSuppression", since: 10) { try NonMaxSuppression($0) }
        r.add(onnx, "NonMaxSuppression", since: 11) { try NonMaxSuppression($0) }
        r.add(onnx, "RoiAlign", since: 10) { try RoiAlign($0) }
        r.add(onnx, "RoiAlign", since: 16) { try RoiAlign($0) }               // coordinate_transformation_mode
        r.add(onnx, "RoiAlign", since: 22) { try RoiAlign($0) }
    }
}
