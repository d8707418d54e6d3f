"""The values of a study's variables for any range of sample indices, deterministically.

A sample's values depend only on the study (its seed above all) and the sample's
index, never on which worker draws it or in what order, so a process pool, a Dask
cluster and a serial run give identical studies, and a resumed study redraws
exactly what it lost.

Draws come in blocks of ``chunk_size`` draw indices. ``sobol`` is one scrambled
Sobol' sequence for the whole study (a block fast-forwards to its first point);
``lhs`` and ``random`` draw each block from its own generator, seeded by
``SeedSequence(seed, spawn_key=(block,))``, so an ``lhs`` study is a Latin hypercube
within each block of ``chunk_size`` draws (a sliced design), not over all draws at
once: a global Latin hypercube of a million points would have to be held whole.
Correlation is imposed with a Gaussian copula (McKay, Beckman & Conover 1979 for
LHS; Iman & Conover 1982 on inducing rank correlation): the uniforms go to normal
scores, are mixed by the Cholesky factor of the correlation matrix, and return to
uniforms, so each marginal is kept.
"""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import NDArray
from scipy.stats import norm, qmc, triang

from .definition import ResolvedVariable, StudyPlan


def _block_uniforms(plan: StudyPlan, block: int) -> NDArray[np.float64]:
    """Uniforms in [0, 1) of one block of draws, (block length, n sampled variables)."""
    cs = plan.study.chunk_size
    start = block * cs
    n = min(cs, plan.draws - start)
    d = len(plan.sampled_vars)
    seed = plan.study.seed
    sampler = plan.study.sampler
    if sampler == "sobol":
        engine = qmc.Sobol(d, scramble=True, rng=seed)
        if start:
            engine.fast_forward(start)
        with warnings.catch_warnings():
            # A block is a slice of one long sequence; its balance is the whole's.
            warnings.filterwarnings("ignore", message=".*balance properties.*")
            return np.asarray(engine.random(n))
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block,)))
    if sampler == "lhs":
        return np.asarray(qmc.LatinHypercube(d, rng=rng).random(n))
    return rng.random((n, d))


def _marginal(v: ResolvedVariable, u: NDArray[np.float64]) -> NDArray[np.float64]:
    """The variable's values at uniforms ``u`` (inverse CDF)."""
    width = v.high - v.low
    if v.distribution == "uniform":
        return v.low + width * u
    c = (v.mode - v.low) / width
    return np.asarray(triang.ppf(u, c, loc=v.low, scale=width))


def correlate(u: NDArray[np.float64], correlation: NDArray[np.float64]) -> NDArray[np.float64]:
    """Uniforms (n, d) given the correlation of their normal scores (Gaussian copula)."""
    if np.array_equal(correlation, np.eye(correlation.shape[0])):
        return u
    # Keep the scores finite: a Sobol' or LHS point can sit exactly on 0.
    tiny = np.finfo(float).eps
    z = norm.ppf(np.clip(u, tiny, 1.0 - tiny))
    lower = np.linalg.cholesky(correlation)
    return np.asarray(norm.cdf(z @ lower.T))


def sample_values(plan: StudyPlan, start: int, stop: int) -> NDArray[np.float64]:
    """Values of every variable for samples ``[start, stop)``, (n, n variables).

    Columns follow ``plan.variables`` (grid variables first).
    """
    idx = np.arange(start, stop, dtype=np.int64)
    draws = plan.draws
    out = np.empty((idx.size, len(plan.variables)))
    # Figure-grid point (option combinations vary slowest, outside it).
    g = (idx // draws) % plan.n_figure_grid
    # Grid variables: the full factorial, the last variable varying fastest.
    sizes = [len(v.grid) for v in plan.grid_vars]
    if sizes:
        digits = np.unravel_index(g, sizes)
        for k, v in enumerate(plan.grid_vars):
            out[:, k] = np.asarray(v.grid)[digits[k]]
    if plan.sampled_vars:
        j = idx % draws
        cs = plan.study.chunk_size
        blocks = j // cs
        u = np.empty((idx.size, len(plan.sampled_vars)))
        for b in np.unique(blocks):
            sel = blocks == b
            u[sel] = _block_uniforms(plan, int(b))[j[sel] - b * cs]
        u = correlate(u, plan.correlation)
        for k, v in enumerate(plan.sampled_vars):
            out[:, len(sizes) + k] = _marginal(v, u[:, k])
    return out


def option_indices(plan: StudyPlan, start: int, stop: int) -> NDArray[np.int64]:
    """Alternative chosen in each option group for samples ``[start, stop)``,
    (n, n groups); the first group varies slowest."""
    idx = np.arange(start, stop, dtype=np.int64)
    sizes = [len(g.alternatives) for g in plan.option_groups]
    if not sizes:
        return np.zeros((idx.size, 0), dtype=np.int64)
    combo = idx // (plan.draws * plan.n_figure_grid)
    return np.stack(np.unravel_index(combo, sizes), axis=1).astype(np.int64)


__all__ = ["correlate", "option_indices", "sample_values"]
