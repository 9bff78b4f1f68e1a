import MLCoreKernels
import MLCoreTensor

/// A node's operator, compiled once when the session loads (attributes parsed and checked, constant
/// inputs pre-processed) and then run any number of times, from any number of threads at once.
///
/// `run` receives the node's inputs in order (`nil` for an omitted optional input) and returns its outputs
/// in order. It must check every shape and type it relies on and throw ``ONNXError`` before calling a
/// kernel, and must not mutate shared state.
protocol Operator: Sendable {
    func run(_ inputs: [Value?], _ context: RunContext) throws -> [Value]
}

/// A one-input, one-output operator that can write its result over its input. The session calls
/// ``runInPlace(_:_:)`` when the step is the input's last reader (see ``ExecutionPlan/Step/inPlace``).
protocol InPlaceOperator: Operator {
    /// Overwrites `x` with the result and returns true, or returns false (leaving `x` as it was) when this
    /// input is not one it can handle in place; the session then calls ``Operator/run(_:_:)``.
    func runInPlace(_ x: inout Tensor, _ context: RunContext) throws -> Bool
}

/// What an operator may use while running.
struct RunContext: Sendable {
    var threads: Int
    var maxTensorBytes: Int
    /// ``SessionOptions/maxLiveBytes``.
    var maxLiveBytes: Int = .max
    /// Bytes of the run's intermediate values alive when this step started (see ``InferenceSession/run(_:)``).
    var liveBytes = 0
    /// Where ``makeTensor(_:_:node:zeroed:)`` takes buffers from (the session's; nil while planning).
    var pool: BufferPool? = nil
    var kernelOptions: KernelOptions { KernelOptions(threads: threads) }

    /// Throws when a new tensor of `bytes` on top of the live intermediate values would exceed
    /// ``SessionOptions/maxLiveBytes`` (the per-tensor limit is checked by the caller).
    func checkLiveBytes(adding bytes: Int, _ shape: Shape, _ dtype: DType, node: String) throws {
        let (total, overflow) = liveBytes.addingReportingOverflow(bytes)
        guard !overflow, total <= maxLiveBytes else {
            throw ONNXError.limitExceeded(
                what: "node '\(node)': a \(dtype)\(shape) tensor (\(bytes) bytes) on top of \(liveBytes) live bytes: the run's intermediate tensors",
                value: overflow ? .max : total, limit: maxLiveBytes)
        }
    }
}

/// A node as an operator's factory sees it: the node, the opset it was resolved at, and the values of inputs
/// that are constants (initializers or folded), so shape-like inputs can be read at load time.
struct NodeSpec: Sendable {
    var node: ONNXNode
    var opset: Int64
    var constantInputs: [Tensor?]
    var options: SessionOptions
    /// The model's opset per domain, for planning subgraphs (If, Loop, Scan).
    var opsetImports: [String: Int64] = [:]
    /// Whether the node's graph wraps operators in ``HalfPrecisionAdapter``s; its subgraphs are planned alike
    /// (they may read half values of the outer graph without declaring any).
    var wrapsHalfPrecision = false
    /// Whether a QuantizeLinear reads one of the node's outputs: the value is rounded to a quantization step
    /// next, where a different float summation order can move it by one step from onnxruntime's, so kernels
    /// keep the direct summation (Conv takes no Winograd path).
    var feedsQuantization = false

    var name: String { node.name }
    var opType: String { node.opType }

    func error(_ reason: String) -> ONNXError { .invalidNode(node: node.name, opType: node.opType, reason: reason) }
    func shapeError(_ reason: String) -> ONNXError { .shapeMismatch(node: node.name, opType: node.opType, reason: reason) }
}
