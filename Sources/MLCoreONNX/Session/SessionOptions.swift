import MLCoreKernels

/// Options of an ``InferenceSession``: threads and resource limits.
public struct SessionOptions: Sendable {
    /// Threads one run may use (intra-op). Defaults to all cores.
    public var threads: Int
    /// Limits checked while reading the model, before anything is allocated.
    public var readLimits: ONNXReadLimits
    /// Largest tensor (bytes) a run may create; larger ones fail with ``ONNXError/limitExceeded(what:value:limit:)``.
    public var maxTensorBytes: Int
    /// Largest number of trees in one tree-ensemble node.
    public var maxTrees: Int
    /// Deepest tree in a tree-ensemble node.
    public var maxTreeDepth: Int
    /// Fold nodes whose inputs are all constants at load time.
    public var constantFolding: Bool

    public init(threads: Int = ProcessorInfo.activeCores, readLimits: ONNXReadLimits = .init(),
                maxTensorBytes: Int = 4 << 30, maxTrees: Int = 1_000_000, maxTreeDepth: Int = 256,
                constantFolding: Bool = true) {
        self.threads = Swift.max(1, threads)
        self.readLimits = readLimits
        self.maxTensorBytes = maxTensorBytes
        self.maxTrees = maxTrees
        self.maxTreeDepth = maxTreeDepth
        self.constantFolding = constantFolding
    }
}
