import ONNXProto

/// A single pass over the protobuf wire format of a `ModelProto`, run before protobuf-c unpacks it.
///
/// protobuf-c recurses once per nested message with no depth limit, and an ONNX graph nests without bound
/// (`GraphProto` inside `AttributeProto` inside `NodeProto` inside `GraphProto`...), so a crafted file could overflow
/// the stack. This check walks the bytes with an explicit stack and rejects, with
/// ``ONNXError/malformedModel(path:reason:)``:
/// - messages nested deeper than ``ONNXReadLimits/maxNestingDepth``;
/// - a length-delimited field (sub-message, bytes, string, packed array) longer than what is left of its parent;
/// - a truncated varint or fixed-width field, a varint longer than 10 bytes, field number 0, a tag that does not
///   fit 32 bits, a deprecated group or an undefined wire type.
///
/// It also bounds what protobuf-c will allocate, with ``ONNXError/limitExceeded(what:value:limit:)``: `NodeProto`
/// and `GraphProto` messages are counted against ``ONNXReadLimits/maxNodes``, and the unpacked size is estimated
/// (each message's C struct, each string and byte field, packed varints at their C width) and checked against
/// ``ONNXReadLimits/maxTotalBytes``. A file of empty sub-messages or one-byte packed varints unpacks to tens of
/// times its size, so the file size alone does not bound it.
///
/// Which fields are sub-messages comes from the descriptors protoc-c generated, so the check follows the proto
/// when it is regenerated. Unknown fields and non-message length-delimited fields are skipped as opaque bytes.
/// - Complexity: O(*n*) in the byte count; memory O(depth).
/// - SeeAlso: [Protobuf encoding](https://protobuf.dev/programming-guides/encoding/)
enum WireFormatCheck {
    /// What the check found in a well-formed buffer.
    struct Summary: Equatable {
        var nodeCount = 0
        var graphCount = 0
        var maxDepth = 0
        /// An upper estimate of the bytes protobuf-c allocates to unpack the buffer.
        var unpackedBytes = 0
    }

    /// Allocator overhead and protobuf-c's per-field scan record, charged once per field occurrence.
    static let perFieldOverhead = 48

    /// - Parameter schema: the messages to expect; ``WireSchema/onnx`` starts at `ModelProto`.
    static func check(_ bytes: UnsafeRawBufferPointer, path: String, limits: ONNXReadLimits,
                      schema: WireSchema = .onnx) throws -> Summary {
        func malformed(_ reason: String, at offset: Int) -> ONNXError {
            .malformedModel(path: path, reason: "\(reason) (at byte \(offset))")
        }

        struct Frame {
            var end: Int
            var message: Int
        }
        var stack = [Frame(end: bytes.count, message: schema.root)]
        var summary = Summary()
        summary.unpackedBytes = schema.messages[schema.root].structSize
        var pos = 0
        func checkUnpackedBytes() throws {
            // Scalars add a bounded amount per byte, so checking at length-delimited fields and at the end suffices.
            guard summary.unpackedBytes > limits.maxTotalBytes else { return }
            throw ONNXError.limitExceeded(what: "\(path): memory to unpack the protobuf (estimated, bytes)",
                                          value: summary.unpackedBytes, limit: limits.maxTotalBytes)
        }

        while let top = stack.last {
            if pos == top.end {
                stack.removeLast()
                continue
            }
            let fieldStart = pos
            guard let key = readVarint(bytes, &pos, end: top.end) else {
                throw malformed("truncated or overlong field tag in \(schema.messages[top.message].name)", at: fieldStart)
            }
            guard key <= UInt64(UInt32.max) else {
                throw malformed("field tag \(key) does not fit 32 bits in \(schema.messages[top.message].name)", at: fieldStart)
            }
            let field = UInt32(key >> 3)
            guard field != 0 else {
                throw malformed("field number 0 in \(schema.messages[top.message].name)", at: fieldStart)
            }
            let info = schema.messages[top.message].fields[field]
            switch key & 7 {
            case 0:  // varint
                guard readVarint(bytes, &pos, end: top.end) != nil else {
                    throw malformed("truncated or overlong varint in \(schema.messages[top.message].name).\(field)", at: fieldStart)
                }
                summary.unpackedBytes += perFieldOverhead + 8
            case 1, 5:  // fixed64, fixed32
                let width = key & 7 == 1 ? 8 : 4
                guard top.end - pos >= width else {
                    throw malformed("truncated \(width * 8)-bit field \(schema.messages[top.message].name).\(field)", at: fieldStart)
                }
                pos += width
                summary.unpackedBytes += perFieldOverhead + 8
            case 2:  // length-delimited
                guard let length = readVarint(bytes, &pos, end: top.end) else {
                    throw malformed("truncated length of \(schema.messages[top.message].name).\(field)", at: fieldStart)
                }
                guard length <= UInt64(top.end - pos) else {
                    throw malformed("\(schema.messages[top.message].name).\(field) declares \(length) bytes but its enclosing "
                                    + "message has \(top.end - pos) left", at: fieldStart)
                }
                let end = pos + Int(length)
                guard let child = info?.message else {
                    // Bytes, string, packed array or unknown field: opaque. A packed array of `n` bytes holds at
                    // most n / encodedWidth elements of elementWidth bytes each; anything else is copied (+ NUL).
                    if let info, info.packedEncodedWidth > 0 {
                        summary.unpackedBytes += perFieldOverhead + Int(length) / info.packedEncodedWidth * info.elementWidth
                    } else {
                        summary.unpackedBytes += perFieldOverhead + Int(length) + 1
                    }
                    pos = end
                    try checkUnpackedBytes()
                    continue
                }
                summary.unpackedBytes += perFieldOverhead + schema.messages[child].structSize
                let depth = stack.count  // the root ModelProto is depth 0, so this child is at depth stack.count
                guard depth <= limits.maxNestingDepth else {
                    let chain = stack.suffix(4).map { schema.messages[$0.message].name } + [schema.messages[child].name]
                    throw malformed("messages nest deeper than \(limits.maxNestingDepth) levels (... "
                                    + chain.joined(separator: " > ") + ")", at: fieldStart)
                }
                summary.maxDepth = max(summary.maxDepth, depth)
                if child == schema.node {
                    summary.nodeCount += 1
                    if summary.nodeCount > limits.maxNodes {
                        throw ONNXError.limitExceeded(what: "\(path): number of nodes", value: summary.nodeCount,
                                                      limit: limits.maxNodes)
                    }
                } else if child == schema.graph {
                    summary.graphCount += 1
                    if summary.graphCount > limits.maxNodes {
                        throw ONNXError.limitExceeded(what: "\(path): number of graphs", value: summary.graphCount,
                                                      limit: limits.maxNodes)
                    }
                }
                try checkUnpackedBytes()
                stack.append(Frame(end: end, message: child))
            case 3, 4:
                throw malformed("group wire type in \(schema.messages[top.message].name).\(field) (groups are not "
                                + "used by ONNX)", at: fieldStart)
            default:
                throw malformed("undefined wire type \(key & 7) in \(schema.messages[top.message].name).\(field)",
                                at: fieldStart)
            }
        }
        try checkUnpackedBytes()
        return summary
    }

    /// Reads a base-128 varint of at most 10 bytes that ends before `end`; `nil` when truncated or too long.
    @inline(__always)
    static func readVarint(_ bytes: UnsafeRawBufferPointer, _ pos: inout Int, end: Int) -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while pos < end, shift < 70 {
            let byte = bytes[pos]
            pos += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        return nil
    }
}

/// What the wire-format check needs to know about each ONNX message, read once from protoc-c's descriptors:
/// which fields are sub-messages, and how large protobuf-c's unpacked form of each field is.
struct WireSchema: Sendable {
    struct Field: Sendable {
        /// Index in ``WireSchema/messages`` when the field is a sub-message.
        var message: Int?
        /// Bytes per element in protobuf-c's C array, for repeated numeric fields.
        var elementWidth = 0
        /// The smallest encoding of one element in a packed array (1 for varints, 4 or 8 for fixed widths);
        /// 0 when the field is not a repeated numeric field.
        var packedEncodedWidth = 0
    }

    struct Message: Sendable {
        /// The short protobuf name, for error messages (`GraphProto`, `Dimension`, ...).
        var name: String
        /// `sizeof` the C struct protobuf-c allocates for the message.
        var structSize: Int
        var fields: [UInt32: Field]
    }

    var messages: [Message]
    var root: Int
    /// Index of `onnx.NodeProto` and `onnx.GraphProto`, counted against ``ONNXReadLimits/maxNodes``.
    var node: Int
    var graph: Int

    static let onnx = WireSchema(root: onnx_proto_model_descriptor())

    init(root rootDescriptor: UnsafePointer<ProtobufCMessageDescriptor>) {
        var index: [UnsafeRawPointer: Int] = [UnsafeRawPointer(rootDescriptor): 0]
        var descriptors = [rootDescriptor]
        var messages: [Message] = []
        var next = 0
        while next < descriptors.count {
            let descriptor = descriptors[next].pointee
            next += 1
            var message = Message(name: descriptor.short_name.map { String(cString: $0) } ?? "?",
                                  structSize: descriptor.sizeof_message, fields: [:])
            for f in 0..<Int(descriptor.n_fields) {
                let field = descriptor.fields[f]
                if field.type.rawValue == PROTOBUF_C_TYPE_MESSAGE.rawValue, let child = field.descriptor {
                    if let known = index[child] {
                        message.fields[field.id] = Field(message: known)
                    } else {
                        index[child] = descriptors.count
                        message.fields[field.id] = Field(message: descriptors.count)
                        descriptors.append(child.assumingMemoryBound(to: ProtobufCMessageDescriptor.self))
                    }
                } else if field.label.rawValue == PROTOBUF_C_LABEL_REPEATED.rawValue, let widths = Self.numericWidths(field.type) {
                    message.fields[field.id] = Field(elementWidth: widths.element, packedEncodedWidth: widths.encoded)
                }
            }
            messages.append(message)
        }
        self.messages = messages
        self.root = 0
        func find(_ fullName: String) -> Int {
            let i = descriptors.firstIndex { String(cString: $0.pointee.name) == fullName }
            precondition(i != nil, "onnx-ml.proto has no \(fullName); regenerate Sources/ONNXProto")
            return i!
        }
        self.node = find("onnx.NodeProto")
        self.graph = find("onnx.GraphProto")
    }

    /// (C element width, smallest packed encoding) of a numeric protobuf type; `nil` for strings, bytes, messages.
    static func numericWidths(_ type: ProtobufCType) -> (element: Int, encoded: Int)? {
        switch type.rawValue {
        case PROTOBUF_C_TYPE_INT32.rawValue, PROTOBUF_C_TYPE_SINT32.rawValue, PROTOBUF_C_TYPE_UINT32.rawValue,
             PROTOBUF_C_TYPE_ENUM.rawValue, PROTOBUF_C_TYPE_BOOL.rawValue:
            return (4, 1)
        case PROTOBUF_C_TYPE_INT64.rawValue, PROTOBUF_C_TYPE_SINT64.rawValue, PROTOBUF_C_TYPE_UINT64.rawValue:
            return (8, 1)
        case PROTOBUF_C_TYPE_SFIXED32.rawValue, PROTOBUF_C_TYPE_FIXED32.rawValue, PROTOBUF_C_TYPE_FLOAT.rawValue:
            return (4, 4)
        case PROTOBUF_C_TYPE_SFIXED64.rawValue, PROTOBUF_C_TYPE_FIXED64.rawValue, PROTOBUF_C_TYPE_DOUBLE.rawValue:
            return (8, 8)
        default:
            return nil
        }
    }
}
