"""A small L-BFGS for regularised logistic regression that can start again from its last weights (warm refits)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .features import Matrix

# ---------------------------------------------------------------- linear model fit


@dataclass
class _Problem:
    """Design blocks (dense and/or sparse, with cached transposes), targets and weights."""

    blocks: list[Matrix]
    blocks_t: list[Matrix]
    y: np.ndarray  # (n, K) 0/1
    weight: np.ndarray  # (n,) softmax or (n, K) sigmoid
    multilabel: bool
    C: float

    @property
    def shapes(self) -> list[int]:
        return [b.shape[1] for b in self.blocks]

    def unpack(self, theta: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
        k = self.y.shape[1]
        out, at = [], 0
        for d in self.shapes:
            out.append(theta[at : at + d * k].reshape(d, k))
            at += d * k
        return out, theta[at : at + k]

    def loss_grad(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        ws, b = self.unpack(theta)
        z = _logits(self.blocks, ws, b)
        total = float(self.weight.sum()) if not self.multilabel else float(self.y.shape[0])
        if self.multilabel:
            # log(1 + e^z) - y z, stably; d/dz = sigmoid(z) - y
            loss_m = np.logaddexp(0.0, z) - self.y * z
            loss = float((self.weight * loss_m).sum()) / total
            g = (_sigmoid(z) - self.y) * self.weight / total
        else:
            z -= z.max(axis=1, keepdims=True)
            lse = np.log(np.exp(z).sum(axis=1))
            loss = float((self.weight * (lse - (self.y * z).sum(axis=1))).sum()) / total
            p = np.exp(z - lse[:, None])
            g = (p - self.y) * (self.weight / total)[:, None]
        reg = 1.0 / (self.C * total)
        grads = []
        for w, xt in zip(ws, self.blocks_t):
            loss += 0.5 * reg * float((w * w).sum())
            grads.append(_matmul(xt, g) + reg * w)
        grads.append(g.sum(axis=0))
        return loss, np.concatenate([gr.ravel() for gr in grads])


def _sigmoid(z: np.ndarray) -> np.ndarray:
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def _logits(blocks: Sequence[Matrix], ws: Sequence[np.ndarray], b: np.ndarray) -> np.ndarray:
    z = np.zeros((blocks[0].shape[0], b.size)) + b
    for x, w in zip(blocks, ws):
        z += _matmul(x, w)
    return z


def _matmul(x: Matrix, w: np.ndarray) -> np.ndarray:
    """x @ w as float64; a float32 x is multiplied in float32 (twice as fast, ample precision)."""
    if x.dtype == np.float32:
        return np.asarray(x @ w.astype(np.float32), dtype=np.float64)
    return np.asarray(x @ w)


def lbfgs(
    fun: Callable[[np.ndarray], tuple[float, np.ndarray]],
    x0: np.ndarray,
    *,
    max_iter: int = 300,
    gtol: float = 1e-4,
    memory: int = 7,
    history: tuple[list[np.ndarray], list[np.ndarray]] | None = None,
) -> tuple[np.ndarray, int]:
    """Minimise a smooth convex ``fun`` (returning value, gradient) by L-BFGS.

    Armijo backtracking line search; stops when max |gradient| <= ``gtol``
    (scikit-learn's rule for ``tol``), the value stalls, or after
    ``max_iter`` iterations. Returns (x, iterations). ``history``, two lists
    of curvature pairs (s, y), is used and updated in place: passing the
    pairs of a previous fit of a nearly identical problem lets a warm start
    take good steps at once.
    """
    x = x0.copy()
    f, g = fun(x)
    s_hist, y_hist = history if history is not None else ([], [])
    it = 0
    for it in range(1, max_iter + 1):
        if np.abs(g).max() <= gtol:
            return x, it - 1
        d = -_two_loop(g, s_hist, y_hist)
        slope = float(g @ d)
        if slope >= 0:  # not a descent direction: restart from steepest descent
            s_hist.clear()
            y_hist.clear()
            d, slope = -g, -float(g @ g)
        step = 1.0 if s_hist else min(1.0, 1.0 / max(float(np.linalg.norm(g)), 1e-12))
        for _ in range(30):
            x_new = x + step * d
            f_new, g_new = fun(x_new)
            if f_new <= f + 1e-4 * step * slope:
                break
            step *= 0.5
        else:
            return x, it
        s, yv = x_new - x, g_new - g
        if float(s @ yv) > 1e-12:
            s_hist.append(s)
            y_hist.append(yv)
            if len(s_hist) > memory:
                s_hist.pop(0)
                y_hist.pop(0)
        stalled = f - f_new <= 1e-12 * max(abs(f), 1.0)
        x, f, g = x_new, f_new, g_new
        if stalled:
            break
    return x, it


def _two_loop(g: np.ndarray, s_hist: list[np.ndarray], y_hist: list[np.ndarray]) -> np.ndarray:
    q = g.copy()
    alphas = []
    for s, yv in zip(reversed(s_hist), reversed(y_hist)):
        a = float(s @ q) / float(yv @ s)
        alphas.append(a)
        q -= a * yv
    if s_hist:
        q *= float(s_hist[-1] @ y_hist[-1]) / float(y_hist[-1] @ y_hist[-1])
    for (s, yv), a in zip(zip(s_hist, y_hist), reversed(alphas)):
        q += (a - float(yv @ q) / float(yv @ s)) * s
    return q
