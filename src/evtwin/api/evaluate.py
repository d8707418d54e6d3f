"""One full evaluation of a build, the configurator's live figure set.

What the web app's configurator shows after every change: WLTP and EPA range, the
real-world matrix, 0-60 and the other performance figures, DC 10-80 %, towing with a
trailer, the approach, breakover and departure angles, the price, the UK grant and
the running cost, and a steady run in the given conditions. The figures are
:func:`evtwin.study.figures.figures` of the configured spec, carrying what
``evtwin configure`` makes it carry (passengers and payload beyond the driver).

The library is deterministic, so identical requests give identical answers; the last
:data:`CACHE_SIZE` distinct requests are memoised (an LRU keyed on every field of the
request, exactly as given). A new request is always driven afresh; what does not
depend on the load is worked out once: the shipped files it reads (the vehicle and the
trailer presets, parsed into frozen models), the spec its options give
(:func:`evtwin.configurator.apply`), the unladen test ratings and the angles of that
spec.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ..configurator import OCCUPANT_KG, Trailer, build_from_args, trailer_preset
from ..sim.geometry import geometry
from ..sim.prepare import LruCache
from ..sim.real_world import custom_run
from ..specs import VehicleSpec, load_vehicle
from ..study.build_comparison import money
from ..study.figures import figures_with
from ..units import KPH, MPH
from .errors import field_errors
from .models import EvaluateRequest

#: Distinct requests remembered (each answer is some 20 kB).
CACHE_SIZE = 256

#: A steady run's defaults when only one of its conditions is given (as `conditions`).
DEFAULT_TEMPERATURE_C = 20.0
DEFAULT_SPEED_KPH = 70.0 * MPH / KPH

_Key = tuple[str, tuple[str, ...], int, float, str | None, float | None, float | None]


def evaluate(req: EvaluateRequest) -> dict[str, Any]:
    """Every figure of the build ``req`` describes (memoised; see the module).

    The returned dictionary is shared between identical requests: do not modify it.
    """
    key: _Key = (
        req.vehicle,
        tuple(req.options),
        req.passengers,
        req.payload_kg,
        req.trailer,
        req.temperature_c,
        req.speed_kph,
    )
    return _evaluate(key)


@lru_cache(maxsize=32)
def _vehicle(name: str) -> VehicleSpec:
    """A shipped vehicle, parsed once (specs are frozen; a failure is not remembered)."""
    return load_vehicle(name)


@lru_cache(maxsize=32)
def _preset(name: str) -> Trailer:
    """A shipped trailer preset, parsed once."""
    return trailer_preset(name)


def _trailer(name: str | None) -> Trailer | str | None:
    """The preset ``name``, or the name itself for the configurator to reject in its words."""
    if name is None:
        return None
    try:
        return _preset(name)
    except KeyError:
        return name


@lru_cache(maxsize=CACHE_SIZE)
def _evaluate(key: _Key) -> dict[str, Any]:
    vehicle, options, passengers, payload_kg, trailer, temperature_c, speed_kph = key
    with field_errors(("body", "options")):
        build = build_from_args(
            _vehicle(vehicle),
            options,
            passengers=passengers,
            payload_kg=payload_kg,
            trailer=_trailer(trailer),
        )
    spec = build.spec
    load = build.load_kg - OCCUPANT_KG  # aboard beyond the driver, as `configure` counts
    with field_errors(("body",)):
        also = []
        if temperature_c is not None or speed_kph is not None:
            also.append(
                custom_run(
                    spec,
                    temperature_c=DEFAULT_TEMPERATURE_C if temperature_c is None else temperature_c,
                    speed=(DEFAULT_SPEED_KPH if speed_kph is None else speed_kph) * KPH,
                    payload_kg=load,
                )
            )
        trailer_sim = build.trailer.to_sim() if build.trailer else None
        # The steady run goes in one batch with the figures' own drives until empty.
        fig, extra = figures_with(spec, also, load_kg=load, trailer=trailer_sim)
        custom = extra[0] if extra else None
        geo = _geometry(spec) if spec.geometry is not None else None
    out = fig.to_dict()
    return {
        "build": build.to_dict(),
        "figures": out["figures"],
        "real_world": out["real_world"],
        "performance": out["performance"],
        "charging": out["charging"],
        "towing_range": out["towing_range"],
        "geometry": geo,
        "money": money(build, fig).to_dict(),
        "custom": custom.to_dict() if custom is not None else None,
    }


def _geometry(spec: VehicleSpec) -> dict[str, Any]:
    """The angles of a spec (which the load does not change), worked out once per spec."""
    key = spec.content_hash
    hit = _GEOMETRY.get(key)
    return hit if hit is not None else _GEOMETRY.put(key, geometry(spec).to_dict())


_GEOMETRY: LruCache[str, dict[str, Any]] = LruCache(64)


def cache_clear() -> None:
    """Forget every memoised evaluation (for measuring cold requests)."""
    _evaluate.cache_clear()


__all__ = ["CACHE_SIZE", "cache_clear", "evaluate"]
