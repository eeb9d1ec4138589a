"""PyTorch reference implementations of the course's layer functions.

Tests use them in two ways: as the expected values a student's function is compared with,
and (through :func:`course_utils.checks.substituted`) as stand-ins for the student's
layers when testing a composite function, so one mistake costs points once.

Each pair follows the course convention ``forward(...) -> (out, cache)`` and
``backward(dout, cache) -> grads``; gradients come from ``torch.autograd`` in float64.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

__all__ = ["layer_from_torch", "linear_forward", "linear_backward", "relu_forward",
           "relu_backward", "softmax_cross_entropy"]


def _tensor(a) -> torch.Tensor:
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)


def layer_from_torch(fn):
    """Turn ``fn(*tensors) -> tensor`` into a course-style ``(forward, backward)`` pair.

    ``forward(*arrays)`` returns ``(out, cache)`` with ``out`` a float64 array of
    ``fn``'s output shape. ``backward(dout, cache)`` returns the gradient for each input
    (a single array when there is one input, else a tuple in argument order).
    """
    def forward(*arrays):
        inputs = [_tensor(a) for a in arrays]
        out = fn(*inputs)
        return out.detach().numpy().copy(), (inputs, out)

    def backward(dout, cache):
        inputs, out = cache
        dout = torch.as_tensor(np.asarray(dout, dtype=np.float64))
        if dout.shape != out.shape:
            raise ValueError(f"backward: dout has shape {tuple(dout.shape)}, "
                             f"but the layer's output has shape {tuple(out.shape)}")
        grads = torch.autograd.grad(out, inputs, dout, retain_graph=True)
        grads = [g.numpy().copy() for g in grads]
        return grads[0] if len(grads) == 1 else tuple(grads)

    return forward, backward


linear_forward, linear_backward = layer_from_torch(lambda x, W, b: x @ W + b)
relu_forward, relu_backward = layer_from_torch(torch.relu)


def softmax_cross_entropy(logits, y):
    """Mean cross-entropy of ``logits`` (N, C) against integer labels ``y`` (N,).

    Returns ``(loss, dlogits)``: a float and the (N, C) gradient, as
    ``torch.nn.functional.cross_entropy`` computes them.
    """
    z = _tensor(logits)
    loss = F.cross_entropy(z, torch.as_tensor(np.asarray(y), dtype=torch.long))
    loss.backward()
    return float(loss.detach()), z.grad.numpy().copy()
