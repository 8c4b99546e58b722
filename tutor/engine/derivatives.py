"""The kinds of local derivative, and how each passes a gradient back (the chain rule, one edge).

``upstream`` always has shape ``lead + output_shape``: ``lead`` is the shape of the exercise's
output (empty for a number loss, ``(n,)`` when a Jacobian of a vector output is asked), so one
backward pass serves both gradients and Jacobians.
"""

from __future__ import annotations

import numpy as np


def chain_product(upstream: np.ndarray, jacobian: np.ndarray, rank: int) -> np.ndarray:
    """upstream · jacobian, summed over the ``rank`` axes of the node: np.tensordot, whose 10 µs of set-up is
    skipped for a number node (rank 0: each element times each, the same products), the most common edge."""
    if rank == 0:
        return np.asarray(np.multiply.outer(upstream, jacobian))
    return np.tensordot(upstream, jacobian, axes=rank)


class LocalDerivative:
    """∂output/∂input of one operation, for one of its arguments."""

    def chain(self, upstream: np.ndarray, input_shape: tuple, output_shape: tuple) -> np.ndarray:
        """upstream · ∂output/∂input: the contribution of this edge to the input's gradient."""
        raise NotImplementedError

    def jacobian(self, input_shape: tuple, output_shape: tuple) -> np.ndarray:
        """The full Jacobian, shape ``output_shape + input_shape``."""
        size = int(np.prod(output_shape, dtype=int))
        identity = np.eye(size).reshape(output_shape + output_shape)
        return self.chain(identity, input_shape, output_shape)


class Elementwise(LocalDerivative):
    """Each output element depends on the matching input element: ∂out_i/∂in_i = values_i.

    The input may have been broadcast (a number added to a vector); its gradient then sums over
    the elements it was copied to.
    """

    def __init__(self, values):
        self.values = np.asarray(values, dtype=np.float64)

    def chain(self, upstream, input_shape, output_shape):
        values = self.values
        if values.shape != output_shape:  # np.broadcast_to costs more than the product: only when it changes a shape
            values = np.broadcast_to(values, output_shape)
        with np.errstate(invalid="ignore", over="ignore"):
            contribution = upstream * values
        # no gradient flows where none arrives, even through an infinite slope (sqrt at 0)
        contribution = np.where(upstream == 0, 0.0, contribution)
        return reduce_to_shape(contribution, input_shape, upstream.ndim - len(output_shape))


class Jacobian(LocalDerivative):
    """The derivative as an explicit array of shape ``output_shape + input_shape``."""

    def __init__(self, matrix):
        self.matrix = np.asarray(matrix, dtype=np.float64)

    def chain(self, upstream, input_shape, output_shape):
        return chain_product(upstream, self.matrix, len(output_shape))

    def jacobian(self, input_shape, output_shape):
        return self.matrix


class Softmax(LocalDerivative):
    """∂sᵢ/∂zⱼ = sᵢ(δᵢⱼ − sⱼ) within each row (a vector is one row; rows do not mix).

    upstream·J is s ⊙ (g − Σⱼ gⱼsⱼ) row by row, so a batch of n rows never builds the (n·k)² Jacobian.
    """

    def __init__(self, s):
        self.s = s

    def chain(self, upstream, input_shape, output_shape):
        return self.s * (upstream - np.sum(upstream * self.s, axis=-1, keepdims=True))


class LogSoftmax(LocalDerivative):
    """∂(log sᵢ)/∂zⱼ = δᵢⱼ − sⱼ within each row, with s = softmax(z): upstream·J is g − s·Σᵢ gᵢ."""

    def __init__(self, s):
        self.s = s

    def chain(self, upstream, input_shape, output_shape):
        return upstream - self.s * np.sum(upstream, axis=-1, keepdims=True)


class Reduction(LocalDerivative):
    """A sum, mean or variance along one axis (kept with size 1): ∂outⱼ/∂zᵢⱼ = weightsᵢⱼ.

    The gradient is the upstream spread back along the reduced axis, times the weights: 1 for a sum,
    1/n for a mean, 2(zᵢ − mean)/n for a variance. Nothing of size output × input is built.
    """

    def __init__(self, weights):
        self.weights = weights

    def chain(self, upstream, input_shape, output_shape):
        return upstream * self.weights  # the kept axis of size 1 broadcasts; a leading axis stays in front


class ConvInput(LocalDerivative):
    """∂conv2d(X, K)/∂X: each output element out[i, j] took K[a, b] times X[s·i + a, s·j + b] (X padded).

    So each upstream element sends K's entries back to the inputs it touched: the sum over the kernel's
    entries below is the full convolution of the upstream gradient with the kernel flipped by 180°
    (a cross-correlation with the unflipped kernel would be the slip); the padding is cut off at the end.
    """

    def __init__(self, kernel, stride: int, padding: int):
        self.kernel, self.stride, self.padding = kernel, stride, padding

    def chain(self, upstream, input_shape, output_shape):
        rows, columns = output_shape
        step, pad = self.stride, self.padding
        lead = upstream.shape[: upstream.ndim - 2]
        padded = np.zeros(lead + (input_shape[0] + 2 * pad, input_shape[1] + 2 * pad))
        for (a, b), weight in np.ndenumerate(self.kernel):
            padded[..., a : a + step * (rows - 1) + 1 : step, b : b + step * (columns - 1) + 1 : step] += (
                weight * upstream
            )
        return padded[..., pad : pad + input_shape[0], pad : pad + input_shape[1]]


class ConvKernel(LocalDerivative):
    """∂conv2d(X, K)/∂K: out[i, j] took X's window at (i, j) times K, so ∂L/∂K = Σᵢⱼ upstream[i, j]·window[i, j]."""

    def __init__(self, windows):
        self.windows = windows  # rows × columns × kernel rows × kernel columns, a view of the padded X

    def chain(self, upstream, input_shape, output_shape):
        return np.einsum("...ij,ijab->...ab", upstream, self.windows)


class Route(LocalDerivative):
    """∂maxpool(X, size)/∂X: each window's gradient goes to the elements marked in ``chosen`` (its argmax)."""

    def __init__(self, chosen, size: int):
        self.chosen, self.size = chosen, size  # chosen: X's shape, 1 at each window's largest element

    def chain(self, upstream, input_shape, output_shape):
        spread = np.repeat(np.repeat(upstream, self.size, axis=-2), self.size, axis=-1)  # each window's upstream
        return spread * self.chosen


class Normalization(LocalDerivative):
    """∂(gamma·x̂ + beta)/∂X for x̂ = (X − mean)/σ along ``axis``: three paths, through x̂ directly, through the
    mean and through the variance. With g = upstream·gamma, the gradient is (g − mean(g) − x̂·mean(g·x̂))/σ;
    leaving a path out (the slips of diagnosis) drops its term."""

    def __init__(self, xhat, inverse_std, gamma, axis: int, through_mean: bool = True, through_variance: bool = True):
        self.xhat, self.inverse_std, self.gamma, self.axis = xhat, inverse_std, gamma, axis
        self.through_mean, self.through_variance = through_mean, through_variance

    def chain(self, upstream, input_shape, output_shape):
        g = upstream * self.gamma
        gradient = g
        if self.through_mean:
            gradient = gradient - g.mean(axis=self.axis, keepdims=True)
        if self.through_variance:
            gradient = gradient - self.xhat * (g * self.xhat).mean(axis=self.axis, keepdims=True)
        return gradient * self.inverse_std


class Select(LocalDerivative):
    """∂z[i, j]/∂z: 1 at the chosen elements (a row E[i, :], one element), 0 elsewhere: the gradient goes back
    to the places it was taken from."""

    def __init__(self, chosen: tuple):
        self.chosen = chosen  # indices and slices, 0-based

    def chain(self, upstream, input_shape, output_shape):
        lead = upstream.shape[: upstream.ndim - len(output_shape)]
        gradient = np.zeros(lead + tuple(input_shape))
        gradient[(Ellipsis, *self.chosen)] = upstream
        return gradient


class Transpose(LocalDerivative):
    """∂(Aᵀ)ᵢⱼ/∂Aⱼᵢ = 1: each gradient element goes back to its place, the upstream transposed."""

    def chain(self, upstream, input_shape, output_shape):
        return np.swapaxes(upstream, -1, -2)


class MatmulLeft(LocalDerivative):
    """∂(A @ B)/∂A, which is B: the gradient of A is upstream @ Bᵀ."""

    def __init__(self, right):
        self.right = right

    def chain(self, upstream, input_shape, output_shape):
        right = self.right
        if len(input_shape) == 2 and right.ndim == 1:  # (m,k) @ (k,) -> (m,)
            return upstream[..., :, None] * right
        if len(input_shape) == 1 and right.ndim == 1:  # (k,) @ (k,) -> number
            return upstream[..., None] * right
        return upstream @ right.T  # (m,k) @ (k,n) and (k,) @ (k,n)


class MatmulRight(LocalDerivative):
    """∂(A @ B)/∂B, which is A: the gradient of B is Aᵀ @ upstream."""

    def __init__(self, left):
        self.left = left

    def chain(self, upstream, input_shape, output_shape):
        left = self.left
        if left.ndim == 2 and len(input_shape) == 2:  # (m,k) @ (k,n)
            return left.T @ upstream
        if left.ndim == 2:  # (m,k) @ (k,) -> (m,)
            return upstream @ left
        if len(input_shape) == 2:  # (k,) @ (k,n) -> (n,)
            return left[:, None] * upstream[..., None, :]
        return upstream[..., None] * left  # (k,) @ (k,)


def reduce_to_shape(gradient: np.ndarray, shape: tuple, lead: int) -> np.ndarray:
    """Sum a gradient over the axes an input was broadcast along, back to ``lead + shape``."""
    extra = gradient.ndim - lead - len(shape)
    if extra > 0:
        gradient = gradient.sum(axis=tuple(range(lead, lead + extra)))
    axes = tuple(lead + axis for axis, size in enumerate(shape) if size == 1 and gradient.shape[lead + axis] != 1)
    if axes:
        gradient = gradient.sum(axis=axes, keepdims=True)
    return gradient
