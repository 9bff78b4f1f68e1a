import MLCoreKernels

/// Options of an ``InferenceSession``: threads and resource limits.
public struct SessionOptions: Sendable {
    /// Threads one run may use (intra-op). Defaults to all cores.
    public var threads: Int
    /// Limits checked while reading the model, before anything is allocated.
    public var readLimits: ONNXReadLimits
    /// Largest tensor (bytes) a run may create; larger ones fail with ``ONNXError/limitExceeded(what:value:limit:)``.
    public var maxTensorBytes: Int
    /// Largest total (bytes) of the intermediate tensors one run holds at once: every value a node has produced and
    /// a later node or a graph output still needs (values are released after their last reader). The run's inputs
    /// and the model's initializers are not counted (``ONNXReadLimits/maxTotalBytes`` bounds those), and a view
    /// that shares its input's buffer (Reshape, Identity, ...) counts in full, so the figure is an upper bound.
    /// Checked before an operator allocates a result and again after each node with all its outputs; a run over
    /// the limit fails with ``ONNXError/limitExceeded(what:value:limit:)`` naming the node. Each run has its own
    /// budget: concurrent runs may together hold more. Default 16 GiB.
    public var maxLiveBytes: Int
    /// Bytes of idle intermediate buffers the session keeps for its next runs. A run asks for the same buffer
    /// sizes every time, so once one run has finished the next ones allocate no tensor memory (intermediates
    /// and outputs are served from what earlier runs released). 0 turns reuse off. Default 1 GiB; the memory
    /// is freed with the session (and with the last output that came from it).
    public var bufferPoolBytes: Int = 1 << 30
    /// Largest number of trees in one tree-ensemble node.
    public var maxTrees: Int
    /// Deepest tree in a tree-ensemble node.
    public var maxTreeDepth: Int
    /// How much the planner rewrites the graph at load time (``GraphOptimizationLevel``); default `.all`.
    public var graphOptimization: GraphOptimizationLevel
    /// Fold nodes whose inputs are all constants at load time: `graphOptimization != .none`. Setting it to
    /// false turns every optimization off; setting it to true (when it was off) turns them all on.
    public var constantFolding: Bool {
        get { graphOptimization != .none }
        set { if newValue != constantFolding { graphOptimization = newValue ? .all : .none } }
    }
    /// Most iterations one `Loop` node may run (a loop with neither a trip count nor a condition that turns
    /// false would otherwise never end); beyond it the run fails naming the node. Default 10 million.
    public var maxLoopIterations: Int = 10_000_000

    public init(threads: Int = ProcessorInfo.activeCores, readLimits: ONNXReadLimits = .init(),
                maxTensorBytes: Int = 4 << 30, maxLiveBytes: Int = 16 << 30, maxTrees: Int = 1_000_000,
                maxTreeDepth: Int = 256, constantFolding: Bool = true,
                graphOptimization: GraphOptimizationLevel = .all) {
        self.threads = Swift.max(1, threads)
        self.readLimits = readLimits
        self.maxTensorBytes = maxTensorBytes
        self.maxLiveBytes = maxLiveBytes
        self.maxTrees = maxTrees
        self.maxTreeDepth = maxTreeDepth
        self.graphOptimization = constantFolding ? graphOptimization : .none
    }
}
