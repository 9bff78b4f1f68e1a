extension OperatorRegistry {
    /// Registration lines of the Tensor operator family, one per operator (and per semantic version).
    /// Each operator reads `spec.opset` for the differences between the versions listed for it.
    static func registerTensorOperators(_ r: inout OperatorRegistry) {
        let onnx = "", ml = "ai.onnx.ml"
        _ = (onnx, ml)

        // Shape+Reshape.swift
        r.add(onnx, "Reshape", since: 1) { try Reshape($0) }        // shape attribute
        r.add(onnx, "Reshape", since: 5) { try Reshape($0) }        // shape input
        r.add(onnx, "Reshape", since: 14) { try Reshape($0) }       // allowzero
        r.add(onnx, "Flatten", since: 1) { try Flatten($0) }
        r.add(onnx, "Flatten", since: 11) { try Flatten($0) }       // negative axis
        r.add(onnx, "Squeeze", since: 1) { try Squeeze($0) }
        r.add(onnx, "Squeeze", since: 11) { try Squeeze($0) }       // negative axes
        r.add(onnx, "Squeeze", since: 13) { try Squeeze($0) }       // axes input
        r.add(onnx, "Unsqueeze", since: 1) { try Unsqueeze($0) }
        r.add(onnx, "Unsqueeze", since: 11) { try Unsqueeze($0) }   // negative axes
        r.add(onnx, "Unsqueeze", since: 13) { try Unsqueeze($0) }   // axes input

        // Transpose.swift
        r.add(onnx, "Transpose", since: 1) { try Transpose($0) }

        // Concat+Split.swift
        r.add(onnx, "Concat", since: 1) { try Concat($0) }          // axis defaults to 1
        r.add(onnx, "Concat", since: 4) { try Concat($0) }          // axis required
        r.add(onnx, "Concat", since: 11) { try Concat($0) }         // negative axis
        r.add(onnx, "Split", since: 1) { try Split($0) }            // split attribute or input
        r.add(onnx, "Split", since: 2) { try Split($0) }            // split attribute
        r.add(onnx, "Split", since: 11) { try Split($0) }           // negative axis
        r.add(onnx, "Split", since: 13) { try Split($0) }           // split input
        r.add(onnx, "Split", since: 18) { try Split($0) }           // num_outputs

        // Slice.swift
        r.add(onnx, "Slice", since: 1) { try Slice($0) }            // attributes
        r.add(onnx, "Slice", since: 10) { try Slice($0) }           // inputs, steps

        // Gather.swift
        r.add(onnx, "Gather", since: 1) { try Gather($0) }
        r.add(onnx, "Gather", since: 11) { try Gather($0) }         // negative indices

        // ConstantOps.swift
        r.add(onnx, "Constant", since: 1) { try Constant($0) }
        r.add(onnx, "Constant", since: 12) { try Constant($0) }     // value_float(s), value_int(s), value_string(s)
        r.add(onnx, "ConstantOfShape", since: 9) { try ConstantOfShape($0) }
        r.add(onnx, "Shape", since: 1) { try ShapeOp($0) }
        r.add(onnx, "Shape", since: 15) { try ShapeOp($0) }         // start, end
        r.add(onnx, "Size", since: 1) { try Size($0) }
        r.add(onnx, "Range", since: 11) { try RangeOp($0) }

        // Cast.swift
        r.add(onnx, "Cast", since: 1) { try Cast($0) }              // `to` as a type name
        r.add(onnx, "Cast", since: 6) { try Cast($0) }              // `to` as a type code
        r.add(onnx, "Cast", since: 9) { try Cast($0) }              // string <-> number
        r.add(onnx, "CastLike", since: 15) { try CastLike($0) }

        // Expand+Tile.swift
        r.add(onnx, "Expand", since: 8) { try Expand($0) }
        r.add(onnx, "Tile", since: 1) { try Tile($0) }              // tiles and axis inputs
        r.add(onnx, "Tile", since: 6) { try Tile($0) }              // repeats input

        // Pad.swift
        r.add(onnx, "Pad", since: 1) { try Pad($0) }                // paddings attribute
        r.add(onnx, "Pad", since: 2) { try Pad($0) }                // pads attribute
        r.add(onnx, "Pad", since: 11) { try Pad($0) }               // pads and constant_value inputs
        r.add(onnx, "Pad", since: 18) { try Pad($0) }               // axes input
        r.add(onnx, "Pad", since: 19) { try Pad($0) }               // wrap mode

        // Where+Logical.swift
        r.add(onnx, "Where", since: 9) { try Where($0) }
        r.add(onnx, "Equal", since: 1) { try Comparison(.equal, $0) }              // legacy broadcast attribute
        r.add(onnx, "Equal", since: 7) { try Comparison(.equal, $0) }              // NumPy broadcasting
        r.add(onnx, "Equal", since: 19) { try Comparison(.equal, $0) }             // strings
        r.add(onnx, "Less", since: 1) { try Comparison(.less, $0) }
        r.add(onnx, "Less", since: 7) { try Comparison(.less, $0) }
        r.add(onnx, "LessOrEqual", since: 12) { try Comparison(.lessOrEqual, $0) }
        r.add(onnx, "Greater", since: 1) { try Comparison(.greater, $0) }
        r.add(onnx, "Greater", since: 7) { try Comparison(.greater, $0) }
        r.add(onnx, "GreaterOrEqual", since: 12) { try Comparison(.greaterOrEqual, $0) }
        r.add(onnx, "Not", since: 1) { try Not($0) }
        r.add(onnx, "And", since: 1) { try LogicalBinary(.and, $0) }
        r.add(onnx, "And", since: 7) { try LogicalBinary(.and, $0) }
        r.add(onnx, "Or", since: 1) { try LogicalBinary(.or, $0) }
        r.add(onnx, "Or", since: 7) { try LogicalBinary(.or, $0) }
        r.add(onnx, "Xor", since: 1) { try LogicalBinary(.xor, $0) }
        r.add(onnx, "Xor", since: 7) { try LogicalBinary(.xor, $0) }

        // Reduce.swift
        r.add(onnx, "ReduceSum", since: 1) { try Reduce(.sum, $0) }
        r.add(onnx, "ReduceSum", since: 11) { try Reduce(.sum, $0) }    // negative axes
        r.add(onnx, "ReduceSum", since: 13) { try Reduce(.sum, $0) }    // axes input, noop_with_empty_axes
        r.add(onnx, "ReduceMean", since: 1) { try Reduce(.mean, $0) }
        r.add(onnx, "ReduceMean", since: 11) { try Reduce(.mean, $0) }
        r.add(onnx, "ReduceMean", since: 18) { try Reduce(.mean, $0) }  // axes input, noop_with_empty_axes
        r.add(onnx, "ReduceMax", since: 1) { try Reduce(.max, $0) }
        r.add(onnx, "ReduceMax", since: 11) { try Reduce(.max, $0) }
        r.add(onnx, "ReduceMax", since: 18) { try Reduce(.max, $0) }
        r.add(onnx, "ReduceMax", since: 20) { try Reduce(.max, $0) }    // bool
        r.add(onnx, "ReduceMin", since: 1) { try Reduce(.min, $0) }
        r.add(onnx, "ReduceMin", since: 11) { try Reduce(.min, $0) }
        r.add(onnx, "ReduceMin", since: 18) { try Reduce(.min, $0) }
        r.add(onnx, "ReduceMin", since: 20) { try Reduce(.min, $0) }    // bool
        r.add(onnx, "ArgMax", since: 1) { try ArgExtreme(max: true, $0) }
        r.add(onnx, "ArgMax", since: 11) { try ArgExtreme(max: true, $0) }   // negative axis
        r.add(onnx, "ArgMax", since: 12) { try ArgExtreme(max: true, $0) }   // select_last_index
        r.add(onnx, "ArgMin", since: 1) { try ArgExtreme(max: false, $0) }
        r.add(onnx, "ArgMin", since: 11) { try ArgExtreme(max: false, $0) }
        r.add(onnx, "ArgMin", since: 12) { try ArgExtreme(max: false, $0) }

        // TopK.swift
        r.add(onnx, "TopK", since: 1) { try TopK($0) }              // k attribute
        r.add(onnx, "TopK", since: 10) { try TopK($0) }             // K input
        r.add(onnx, "TopK", since: 11) { try TopK($0) }             // largest, sorted, negative axis

        // Dropout.swift
        r.add(onnx, "Dropout", since: 1) { try Dropout($0) }        // is_test
        r.add(onnx, "Dropout", since: 7) { try Dropout($0) }        // mask output of the input's type
        r.add(onnx, "Dropout", since: 10) { try Dropout($0) }       // bool mask
        r.add(onnx, "Dropout", since: 12) { try Dropout($0) }       // ratio and training_mode inputs
    }
}
