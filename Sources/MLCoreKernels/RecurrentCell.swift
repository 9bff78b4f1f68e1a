import MLCoreCKernels

/// Fused recurrent cells: every time step of one direction in one C call (``mlc_recurrent.h``).
package enum RecurrentCell {
    /// Whether the fused cells run under `options` (not when they force the reference path).
    package static func runs(_ options: KernelOptions) -> Bool { options.elementwiseLevel != nil }

    /// The standard float32 LSTM cell (sigmoid, tanh, tanh; gate order i, o, f, c) over `steps` steps of one
    /// direction; see `mlc_lstm_direction_f32` for the layout of each buffer. `h` and `c` are `batch` rows of
    /// `hidden` values (the initial state in, the final state out); `scratch` holds `batch * 4 * hidden` floats.
    /// Returns false, doing nothing, when `options` ask for the reference path (the caller runs its own loop).
    package static func lstmDirection(hidden: Int, batch: Int, steps: Int, lengths: UnsafePointer<Int64>, reverse: Bool,
                                      projection: UnsafePointer<Float>, projectionTimeStride: Int, projectionBatchStride: Int,
                                      bias: UnsafePointer<Float>?, recurrenceTransposed: UnsafePointer<Float>,
                                      h: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>,
                                      y: UnsafeMutablePointer<Float>?, outputTimeStride: Int, outputBatchStride: Int,
                                      scratch: UnsafeMutablePointer<Float>, options: KernelOptions) -> Bool {
        guard let level = options.elementwiseLevel else { return false }
        mlc_lstm_direction_f32(level.cLevel, hidden, batch, steps, lengths, reverse ? 1 : 0, projection,
                               projectionTimeStride, projectionBatchStride, bias, recurrenceTransposed, h, c, y,
                               outputTimeStride, outputBatchStride, scratch)
        return true
    }
}
