"""A virtual centre lock: two axle motors that act as if one shaft joined them.

With no mechanical link between the axles, each motor's slip control can only take
torque away. Holding both motors to one speed target means that torque one axle
cannot use (its slip control cut it) goes to the other axle, up to that axle's own
limit, as a locked centre differential would pass it (the Defender Sport: "power
metered precisely to front and rear", docs/CLAIMS.md, autoexpress).
"""

from __future__ import annotations

from numba import njit


@njit(cache=True)
def reassign(
    demand_front: float,
    demand_rear: float,
    limit_front: float,
    limit_rear: float,
    enabled: bool,
) -> tuple[float, float]:
    """Axle torque commands [N m] from the split demand and each axle's limit.

    Without the lock each axle gets ``min(demand, limit)``; with it, the torque one
    axle is denied goes to the other up to its limit, so the total is
    ``min(demand_front + demand_rear, limit_front + limit_rear)``. Demands are >= 0.
    """
    tf = min(demand_front, limit_front)
    tr = min(demand_rear, limit_rear)
    if enabled:
        spare_f = demand_front - tf
        spare_r = demand_rear - tr
        tr = min(tr + spare_f, limit_rear)
        tf = min(tf + spare_r, limit_front)
    return tf, tr


__all__ = ["reassign"]
