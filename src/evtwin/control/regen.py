"""Regenerative braking policy: how much of the braking the motors may do.

The car blends regeneration with friction braking. The motors take the braking
force up to a deceleration chosen for stability and pedal feel, above which the
friction brakes add the rest; regeneration fades out at walking pace, where the
motors can no longer brake smoothly. Motor, axle and battery limits then cut it
further in the kernel.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RegenPolicy:
    """Calibration of the regeneration blend.

    Parameters
    ----------
    max_decel
        Deceleration the motors may provide on their own [m/s^2].
    fade_speed_high, fade_speed_low
        Regeneration falls linearly from full at ``fade_speed_high`` to nothing at
        ``fade_speed_low`` [m/s].
    """

    max_decel: float
    fade_speed_high: float = 2.0
    fade_speed_low: float = 0.3

    def __post_init__(self) -> None:
        if not self.max_decel >= 0:
            raise ValueError(f"max_decel must be >= 0, got {self.max_decel}")
        if not 0 <= self.fade_speed_low < self.fade_speed_high:
            raise ValueError("need 0 <= fade_speed_low < fade_speed_high")


#: Default regeneration limits by driven axles [m/s^2] (estimates). Basis: blended
#: systems of current EVs regenerate alone up to about 0.3 g when both axles or the
#: front axle brake (Audi e-tron: 0.3 g; Jaguar I-PACE: 0.4 g lift-off maximum in
#: its high setting); rear-only regeneration is held lower, about 0.2 g, to keep the
#: rear axle from locking before the front.
DEFAULT_MAX_DECEL: dict[str, float] = {"awd": 2.9, "fwd": 2.9, "rwd": 2.0}


def default_regen_policy(drive: str) -> RegenPolicy:
    """The default policy for a vehicle driven on ``fwd``, ``rwd`` or ``awd``."""
    return RegenPolicy(max_decel=DEFAULT_MAX_DECEL[drive])
