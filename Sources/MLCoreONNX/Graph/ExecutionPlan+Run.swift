import MLCoreTensor

extension ExecutionPlan {
    /// Runs every step over `slots` (constants and inputs already placed), leaving the outputs in their slots.
    ///
    /// Shared by ``InferenceSession/run(values:)`` and by subgraphs (If, Loop, Scan), which run their own plans.
    /// Values are released after their last reader; ``RunContext/maxLiveBytes`` bounds the live intermediates.
    func execute(_ slots: inout [Value?], _ context: RunContext) throws {
        var context = context
        let maxLiveBytes = context.maxLiveBytes
        // Bytes each slot's value counts toward maxLiveBytes: only values produced by this run's steps.
        var slotBytes = [Int](repeating: 0, count: slotCount)
        // A subgraph's run starts from its caller's live bytes (its captured values are the caller's).
        var liveBytes = context.liveBytes
        // One argument array for every step (emptied right after each call, so that no value outlives its last
        // reader): an allocation per node saved.
        var args: [Value?] = []
        // Shape computations: `memo` is the remembered run while every root so far matched; `recording` collects
        // this run's values once one did not (or when nothing is remembered yet).
        let memo = shapeMemo, roles = memo?.roles
        var hits = memo?.current
        var recording: (shapes: [Shape?], values: [[Value]?])? = nil
        if memo != nil && hits == nil { recording = ([Shape?](repeating: nil, count: steps.count), [[Value]?](repeating: nil, count: steps.count)) }
        for (index, step) in steps.enumerated() {
            context.liveBytes = liveBytes
            let results: [Value]
            let role = roles?[index] ?? .none
            if role == .root, let snapshot = hits {
                let seen = step.inputs[0].flatMap { slots[$0]?.tensor?.shape }
                if seen == nil || seen != snapshot.rootShapes[index] {
                    // From here on this run computes; it starts from what matched so far.
                    hits = nil
                    recording = (Array(snapshot.rootShapes[..<index]) + [Shape?](repeating: nil, count: steps.count - index),
                                 Array(snapshot.values[..<index]) + [[Value]?](repeating: nil, count: steps.count - index))
                }
            }
            if role != .none, let snapshot = hits, let kept = snapshot.values[index] {
                results = kept
            } else if let op = step.inPlaceOp, let input = step.inputs[0], case .tensor(var x)? = slots[input] {
                // The input's last reader: empty its slot so that `x` holds the only reference (unless the
                // caller or another slot shares the buffer, in which case writing it copies first).
                slots[input] = nil
                liveBytes -= slotBytes[input]
                slotBytes[input] = 0
                context.liveBytes = liveBytes
                results = try op.runInPlace(&x, context) ? [.tensor(x)] : try op.run([.tensor(x)], context)
            } else {
                args.removeAll(keepingCapacity: true)
                for input in step.inputs { args.append(input.flatMap { slots[$0] }) }
                defer { args.removeAll(keepingCapacity: true) }
                results = try step.op.run(args, context)
            }
            if role != .none, recording != nil {
                if role == .root { recording!.shapes[index] = step.inputs[0].flatMap { slots[$0]?.tensor?.shape } }
                recording!.values[index] = ShapeMemo.keepable(results)
            }
            for (i, slot) in step.outputs.enumerated() {
                guard let slot else { continue }
                guard i < results.count else {
                    throw ONNXError.invalidNode(node: step.node.name, opType: step.node.opType,
                                                reason: "the model asks for output \(i), the operator produced \(results.count)")
                }
                slots[slot] = results[i]
                let bytes = results[i].byteCount
                liveBytes += bytes - slotBytes[slot]
                slotBytes[slot] = bytes
            }
            if liveBytes > maxLiveBytes {
                let shapes = step.outputs.indices.compactMap { i -> String? in
                    guard i < results.count, let t = results[i].tensor else { return nil }
                    return "\(t.dtype)\(t.shape)"
                }
                throw ONNXError.limitExceeded(
                    what: "node '\(step.node.name)' (\(step.node.opType)) with outputs \(shapes.joined(separator: ", ")): the run's live intermediate tensors, in bytes,",
                    value: liveBytes, limit: maxLiveBytes)
            }
            for slot in step.releases {
                slots[slot] = nil
                liveBytes -= slotBytes[slot]
                slotBytes[slot] = 0
            }
        }
        if let memo, let recording { memo.store(.init(rootShapes: recording.shapes, values: recording.values)) }
    }
}

