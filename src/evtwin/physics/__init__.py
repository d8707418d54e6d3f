"""Physics: pure, vectorised functions in SI units, one tested function per term.

Each module holds one physical concept; each function takes scalars or NumPy
arrays alike, has no side effects, and cites where its equation comes from.
"""
