#ifndef MLC_RECURRENT_H
#define MLC_RECURRENT_H

#include <stddef.h>
#include <stdint.h>
#include "mlc_cpu.h"

/// One direction of an ONNX LSTM with the standard cell (f = sigmoid, g = h = tanh; no peepholes, clip or
/// coupled input/forget gates), float32, all time steps in one call: the recurrence, the activations and the
/// state update of every step stay in this loop, so a small cell (hidden 16, batch 1) costs a few hundred
/// nanoseconds per step instead of several operator calls.
///
/// Gate order is ONNX's: i, o, f, c. Per step and active batch row b (step < lengths[b]), with t = step, or
/// lengths[b] - 1 - step when `reverse`:
///   gates = proj(t, b) + bias + R h_b          (4 * hidden values, R is given transposed as `rt`)
///   i, o, f = sigmoid(gates[0 .. 3 hidden)),  c~ = tanh(gates[3 hidden .. 4 hidden))
///   c_b = f * c_b + i * c~,                   h_b = o * tanh(c_b),   y(t, b) = h_b
/// Rows past their length keep their state and get no output.
///
/// - proj: the input projection X W^T of this direction; the 4 * hidden values of (t, b) start at
///   proj + t * proj_t + b * proj_b.
/// - bias: 4 * hidden values (Wb + Rb), or NULL for none.
/// - rt: R^T, hidden rows of 4 * hidden values.
/// - h, c: batch rows of hidden values each, the initial state on entry and the final state on exit.
/// - y: NULL, or where h of (t, b) goes: y + t * y_t + b * y_b (hidden values).
/// - scratch: batch * 4 * hidden floats.
/// - steps: the number of steps to run (the largest length).
void mlc_lstm_direction_f32(mlc_isa isa, size_t hidden, size_t batch, size_t steps, const int64_t *lengths,
                            int reverse, const float *proj, size_t proj_t, size_t proj_b, const float *bias,
                            const float *rt, float *h, float *c, float *y, size_t y_t, size_t y_b, float *scratch);

#endif
