import Foundation
import ONNXProto

/// A small ONNX model description (one graph of nodes with attributes, constant float32/int64 initializers, typed
/// inputs and outputs) and its serialization through protobuf-c's packer (`onnx__model_proto__pack`).
///
/// The C messages are built in an arena that owns every string and array until packing ends, so no pointer
/// escapes ``serialized()``.
/// - SeeAlso: https://github.com/onnx/onnx/blob/main/onnx/onnx-ml.proto
package struct ONNXModelWriter {
    package enum Attribute {
        case float(Float)
        case int(Int64)
        case string(String)
        case floats([Float])
        case ints([Int64])
        case strings([String])
    }

    package enum Dimension {
        case value(Int64)
        case param(String)
    }

    package struct Node {
        package var opType: String
        package var domain: String
        package var name: String
        package var inputs: [String]
        package var outputs: [String]
        package var attributes: [(String, Attribute)]

        package init(opType: String, domain: String, name: String, inputs: [String], outputs: [String],
                     attributes: [(String, Attribute)]) {
            self.opType = opType
            self.domain = domain
            self.name = name
            self.inputs = inputs
            self.outputs = outputs
            self.attributes = attributes
        }
    }

    /// A constant tensor of the graph (weights, biases, lookup tables), stored in the typed repeated field.
    package struct Initializer {
        package enum Values {
            case floats([Float])
            case int64s([Int64])
        }

        package var name: String
        package var dims: [Int64]
        package var values: Values

        package init(name: String, dims: [Int64], values: Values) {
            self.name = name
            self.dims = dims
            self.values = values
        }
    }

    package struct ValueInfo {
        package var name: String
        /// `TensorProto.DataType` (1 = float, 7 = int64).
        package var elementType: Int32
        package var shape: [Dimension]

        package init(name: String, elementType: Int32, shape: [Dimension]) {
            self.name = name
            self.elementType = elementType
            self.shape = shape
        }
    }

    package var irVersion: Int64 = 8
    package var opsets: [(domain: String, version: Int64)]
    package var producerName = "MLCore"
    package var producerVersion = "0.1"
    package var graphName: String
    package var docString = ""
    package var nodes: [Node] = []
    package var initializers: [Initializer] = []
    package var inputs: [ValueInfo] = []
    package var outputs: [ValueInfo] = []

    package init(opsets: [(domain: String, version: Int64)], graphName: String) {
        self.opsets = opsets
        self.graphName = graphName
    }

    /// The model's protobuf bytes.
    package func serialized() -> [UInt8] {
        let arena = Arena()
        defer { arena.release() }
        let model = arena.message(onnx__model_proto__init)
        model.pointee.has_ir_version = 1
        model.pointee.ir_version = irVersion
        model.pointee.producer_name = arena.string(producerName)
        model.pointee.producer_version = arena.string(producerVersion)
        if !docString.isEmpty { model.pointee.doc_string = arena.string(docString) }
        let opsetMessages = opsets.map { opset in
            let m = arena.message(onnx__operator_set_id_proto__init)
            m.pointee.domain = arena.string(opset.domain)
            m.pointee.has_version = 1
            m.pointee.version = opset.version
            return m
        }
        model.pointee.n_opset_import = opsetMessages.count
        model.pointee.opset_import = arena.array(opsetMessages)

        let graph = arena.message(onnx__graph_proto__init)
        graph.pointee.name = arena.string(graphName)
        let nodeMessages = nodes.map { node in
            let m = arena.message(onnx__node_proto__init)
            m.pointee.op_type = arena.string(node.opType)
            m.pointee.domain = arena.string(node.domain)
            m.pointee.name = arena.string(node.name)
            m.pointee.n_input = node.inputs.count
            m.pointee.input = arena.array(node.inputs.map { arena.string($0) })
            m.pointee.n_output = node.outputs.count
            m.pointee.output = arena.array(node.outputs.map { arena.string($0) })
            let attributes = node.attributes.map { name, value in attribute(name, value, arena) }
            m.pointee.n_attribute = attributes.count
            m.pointee.attribute = arena.array(attributes)
            return m
        }
        graph.pointee.n_node = nodeMessages.count
        graph.pointee.node = arena.array(nodeMessages)
        let initializerMessages = initializers.map { tensor($0, arena) }
        graph.pointee.n_initializer = initializerMessages.count
        graph.pointee.initializer = arena.array(initializerMessages)
        let inputMessages = inputs.map { valueInfo($0, arena) }
        graph.pointee.n_input = inputMessages.count
        graph.pointee.input = arena.array(inputMessages)
        let outputMessages = outputs.map { valueInfo($0, arena) }
        graph.pointee.n_output = outputMessages.count
        graph.pointee.output = arena.array(outputMessages)
        model.pointee.graph = graph

        let size = onnx__model_proto__get_packed_size(model)
        var bytes = [UInt8](repeating: 0, count: size)
        let written = bytes.withUnsafeMutableBufferPointer { onnx__model_proto__pack(model, $0.baseAddress) }
        precondition(written == size, "protobuf-c packed \(written) bytes after sizing \(size)")
        return bytes
    }

    private func attribute(_ name: String, _ value: Attribute, _ arena: Arena) -> UnsafeMutablePointer<Onnx__AttributeProto> {
        let a = arena.message(onnx__attribute_proto__init)
        a.pointee.name = arena.string(name)
        a.pointee.has_type = 1
        switch value {
        case .float(let f):
            a.pointee.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT
            a.pointee.has_f = 1
            a.pointee.f = f
        case .int(let i):
            a.pointee.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT
            a.pointee.has_i = 1
            a.pointee.i = i
        case .string(let s):
            a.pointee.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING
            a.pointee.has_s = 1
            a.pointee.s = arena.binary(s)
        case .floats(let fs):
            a.pointee.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS
            a.pointee.n_floats = fs.count
            a.pointee.floats = arena.array(fs)
        case .ints(let values):
            a.pointee.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS
            a.pointee.n_ints = values.count
            a.pointee.ints = arena.array(values)
        case .strings(let values):
            a.pointee.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS
            a.pointee.n_strings = values.count
            a.pointee.strings = arena.array(values.map { arena.binary($0) })
        }
        return a
    }

    private func tensor(_ initializer: Initializer, _ arena: Arena) -> UnsafeMutablePointer<Onnx__TensorProto> {
        let t = arena.message(onnx__tensor_proto__init)
        t.pointee.name = arena.string(initializer.name)
        t.pointee.n_dims = initializer.dims.count
        t.pointee.dims = arena.array(initializer.dims)
        t.pointee.has_data_type = 1
        switch initializer.values {
        case .floats(let values):
            t.pointee.data_type = 1
            t.pointee.n_float_data = values.count
            t.pointee.float_data = arena.array(values)
        case .int64s(let values):
            t.pointee.data_type = 7
            t.pointee.n_int64_data = values.count
            t.pointee.int64_data = arena.array(values)
        }
        return t
    }

    private func valueInfo(_ info: ValueInfo, _ arena: Arena) -> UnsafeMutablePointer<Onnx__ValueInfoProto> {
        let dims = info.shape.map { d in
            let m = arena.message(onnx__tensor_shape_proto__dimension__init)
            switch d {
            case .value(let v):
                m.pointee.value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE
                m.pointee.dim_value = v
            case .param(let p):
                m.pointee.value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM
                m.pointee.dim_param = arena.string(p)
            }
            return m
        }
        let shape = arena.message(onnx__tensor_shape_proto__init)
        shape.pointee.n_dim = dims.count
        shape.pointee.dim = arena.array(dims)
        let tensorType = arena.message(onnx__type_proto__tensor__init)
        tensorType.pointee.has_elem_type = 1
        tensorType.pointee.elem_type = info.elementType
        tensorType.pointee.shape = shape
        let type = arena.message(onnx__type_proto__init)
        type.pointee.value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE
        type.pointee.tensor_type = tensorType
        let v = arena.message(onnx__value_info_proto__init)
        v.pointee.name = arena.string(info.name)
        v.pointee.type = type
        return v
    }
}

/// Owns the C memory of messages under construction; ``release()`` frees all of it at once.
private final class Arena {
    private var blocks: [UnsafeMutableRawPointer] = []

    func message<T>(_ initialize: (UnsafeMutablePointer<T>?) -> Void) -> UnsafeMutablePointer<T> {
        let p = allocate(T.self, count: 1)
        initialize(p)
        return p
    }

    func string(_ s: String) -> UnsafeMutablePointer<CChar> {
        let p = strdup(s)!
        blocks.append(UnsafeMutableRawPointer(p))
        return p
    }

    func binary(_ s: String) -> ProtobufCBinaryData {
        let bytes = Array(s.utf8)
        let p = array(bytes.isEmpty ? [0] : bytes)
        return ProtobufCBinaryData(len: bytes.count, data: p)
    }

    func array<T>(_ values: [T]) -> UnsafeMutablePointer<T> {
        let p = allocate(T.self, count: values.count)
        _ = UnsafeMutableBufferPointer(start: p, count: values.count).initialize(from: values)
        return p
    }

    /// `malloc`'d (all of the arena is, so one `free` releases any block); zero-filled so that a message's
    /// `init` function starts from defined memory.
    private func allocate<T>(_: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let raw = calloc(max(count, 1), MemoryLayout<T>.stride)!
        blocks.append(raw)
        return raw.bindMemory(to: T.self, capacity: max(count, 1))
    }

    func release() {
        // Everything stored here is a plain C value (pointers, numbers): no deinitialization is needed.
        for b in blocks { free(b) }
        blocks.removeAll()
    }
}
