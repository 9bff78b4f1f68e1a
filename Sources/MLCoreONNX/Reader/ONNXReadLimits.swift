/// Resource limits that ``ONNXReader`` enforces while it reads a model, so that a hostile or corrupt file fails
/// with ``ONNXError/limitExceeded(what:value:limit:)`` or ``ONNXError/malformedModel(path:reason:)`` instead of
/// exhausting memory or the stack.
///
/// Every size is checked before the memory it describes is allocated.
public struct ONNXReadLimits: Sendable, Equatable {
    /// The largest tensor (initializer, attribute tensor or densified sparse initializer) in bytes, as loaded
    /// (after widening, see ``ONNXReader``). Default 4 GiB.
    public var maxTensorBytes: Int
    /// The sum of all tensors the model loads, in bytes. The model file, and the memory protobuf-c needs to unpack
    /// it (estimated by the wire-format check), must each not be larger either. Default 16 GiB.
    public var maxTotalBytes: Int
    /// How deep protobuf messages may nest. A graph inside an `If` or `Loop` attribute adds three levels
    /// (`NodeProto`, `AttributeProto`, `GraphProto`), and a ZipMap output type uses about ten, so the default of
    /// 64 allows subgraphs 20 deep. Default 64. protobuf-c and the reader recurse once per level, so a limit in the
    /// thousands gives up the protection against stack overflow that this limit exists for.
    public var maxNestingDepth: Int
    /// The most `NodeProto` messages the file may hold, counting subgraphs and functions; the same bound
    /// applies to the number of `GraphProto` messages. Default 1,000,000.
    public var maxNodes: Int

    public init(maxTensorBytes: Int = 4 << 30, maxTotalBytes: Int = 16 << 30, maxNestingDepth: Int = 64,
                maxNodes: Int = 1_000_000) {
        self.maxTensorBytes = maxTensorBytes
        self.maxTotalBytes = maxTotalBytes
        self.maxNestingDepth = maxNestingDepth
        self.maxNodes = maxNodes
    }
}
