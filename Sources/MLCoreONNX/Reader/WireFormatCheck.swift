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
/// It also counts `NodeProto` and `GraphProto` messages against ``ONNXReadLimits/maxNodes``
/// (``ONNXError/limitExceeded(what:value:limit:)``), which bounds what protobuf-c allocates per message.
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
    }

    static func check(_ bytes: UnsafeRawBufferPointer, path: String, limits: ONNXReadLimits) throws -> Summary {
        let schema = WireSchema.onnx
        func malformed(_ reason: String, at offset: Int) -> ONNXError {
            .malformedModel(path: path, reason: "\(reason) (at byte \(offset))")
        }

        struct Frame {
            var end: Int
            var message: Int
        }
        var stack = [Frame(end: bytes.count, message: schema.root)]
        var summary = Summary()
        var pos = 0

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
            switch key & 7 {
            case 0:  // varint
                guard readVarint(bytes, &pos, end: top.end) != nil else {
                    throw malformed("truncated or overlong varint in \(schema.messages[top.message].name).\(field)", at: fieldStart)
                }
            case 1, 5:  // fixed64, fixed32
                let width = key & 7 == 1 ? 8 : 4
                guard top.end - pos >= width else {
                    throw malformed("truncated \(width * 8)-bit field \(schema.messages[top.message].name).\(field)", at: fieldStart)
                }
                pos += width
            case 2:  // length-delimited
                guard let length = readVarint(bytes, &pos, end: top.end) else {
                    throw malformed("truncated length of \(schema.messages[top.message].name).\(field)", at: fieldStart)
                }
                guard length <= UInt64(top.end - pos) else {
                    throw malformed("\(schema.messages[top.message].name).\(field) declares \(length) bytes but its enclosing "
                                    + "message has \(top.end - pos) left", at: fieldStart)
                }
                let end = pos + Int(length)
                guard let child = schema.messages[top.message].children[field] else {
                    pos = end  // bytes, string, packed array or unknown field: opaque
                    continue
                }
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
                stack.append(Frame(end: end, message: child))
            case 3, 4:
                throw malformed("group wire type in \(schema.messages[top.message].name).\(field) (groups are not "
                                + "used by ONNX)", at: fieldStart)
            default:
                throw malformed("undefined wire type \(key & 7) in \(schema.messages[top.message].name).\(field)",
                                at: fieldStart)
            }
        }
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

/// Which field numbers of each ONNX message are sub-messages, read once from protoc-c's descriptors.
struct WireSchema: Sendable {
    struct Message: Sendable {
        /// The short protobuf name, for error messages (`GraphProto`, `Dimension`, ...).
        var name: String
        /// Field number -> index in ``WireSchema/messages`` for every field of message type.
        var children: [UInt32: Int]
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
            var message = Message(name: descriptor.short_name.map { String(cString: $0) } ?? "?", children: [:])
            for f in 0..<Int(descriptor.n_fields) {
                let field = descriptor.fields[f]
                guard field.type.rawValue == PROTOBUF_C_TYPE_MESSAGE.rawValue, let child = field.descriptor else { continue }
                if let known = index[child] {
                    message.children[field.id] = known
                } else {
                    index[child] = descriptors.count
                    message.children[field.id] = descriptors.count
                    descriptors.append(child.assumingMemoryBound(to: ProtobufCMessageDescriptor.self))
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
}
