"""The configurator: a vehicle as ordered, what it costs, and what it costs to run.

Option catalogues, grant rules and tariffs are data (``evtwin/data/options``,
``data/grants``, ``data/tariffs``, ``data/trailers``), each number with its source or
an estimate's basis and range. The public API:

Options and builds
    ``load_catalogue(vehicle_id | path) -> Catalogue``; ``catalogue_for(vehicle_id)``
    (None: no options for that vehicle); ``catalogue_names()``.
    ``apply(spec, option_ids, catalogue=None) -> VehicleSpec``: the validated spec of
    the car with those options, changed only in the fields the physics reads (kerb
    mass, frontal area, drag coefficient, width, height, tyres, coast-down terms).
    ``configure(vehicle, option_ids, passengers=0, payload_kg=0.0, trailer=None)
    -> Build``: ``Build.spec`` (what to simulate), ``Build.run_options()`` (its laden
    mass), ``Build.overall_height_mm`` (with roof loads), ``Build.changes()``,
    ``Build.to_dict()``. Bad choices raise ``OptionError`` naming the options.
    ``Trailer`` (plain validated numbers, ``drag_area_m2``, ``to_sim()`` for
    ``evtwin.sim.trailer``); ``trailer_preset(id)``; ``Build.trailer``.

Configuration files
    ``load_config(path) -> Build`` and ``parse_config(text, file, fmt)`` for YAML or
    TOML; ``build_from_args(vehicle, option_ids, ...)`` for command-line lists.
    Errors are ``ConfigError`` naming each field and its line.

Money
    ``price(build, currency="gbp") -> BuildPrice`` (base plus options, low/high) and
    ``prices(build)`` for every currency with data; ``PriceUnavailableError`` otherwise.
    ``load_grant_rule("uk") -> GrantRule``; ``assess(rule, starting_price=...,
    configured_price=..., band=None, wltp_range_km=None) -> GrantAssessment`` and
    ``assess_build(build, rule, corner="nominal")``.
    ``running_cost(consumption_kwh_per_100km, tariffs=None, home_share=None, ...)
    -> RunningCost`` (cost per km and per mile with low/high); ``load_tariffs("uk")``.

Saved builds
    ``BuildFields`` (a build as the API's ``/evaluate`` takes it); ``BuildStore(path)``
    with ``save``, ``get``, ``list``, ``delete`` of ``SavedBuild``; ``share_query(build)``
    and ``build_from_query(params)`` for a share URL (``saved_builds``).

Every result has ``to_dict()`` with unit- and currency-suffixed keys. The
configurator sits with the studies: it reads specs and the simulation's reference
constants, and runs no simulation itself (run ``evtwin.sim.label.wltp(build.spec)``).
"""

from .build import OCCUPANT_KG, Build, FieldChange, Selection, apply, configure, resolve
from .build_request import BuildFields, BuildQueryError, build_from_query, share_query
from .config_file import build_from_args, load_config, parse_config
from .errors import ConfigError, OptionError
from .grant import GrantAssessment, GrantRule, assess, assess_build, load_grant_rule
from .options import Catalogue, Option, catalogue_for, catalogue_names, load_catalogue
from .pricing import BuildPrice, PriceUnavailableError, price, prices
from .running_cost import RunningCost, Tariffs, load_tariffs, running_cost
from .saved_builds import (
    BuildNotFoundError,
    BuildStore,
    BuildStoreError,
    CorruptBuildError,
    SavedBuild,
)
from .trailer import Trailer, trailer_preset, trailer_presets

__all__ = [
    "OCCUPANT_KG",
    "Build",
    "BuildFields",
    "BuildNotFoundError",
    "BuildPrice",
    "BuildQueryError",
    "BuildStore",
    "BuildStoreError",
    "Catalogue",
    "ConfigError",
    "CorruptBuildError",
    "FieldChange",
    "GrantAssessment",
    "GrantRule",
    "Option",
    "OptionError",
    "PriceUnavailableError",
    "RunningCost",
    "SavedBuild",
    "Selection",
    "Tariffs",
    "Trailer",
    "apply",
    "assess",
    "assess_build",
    "build_from_args",
    "build_from_query",
    "catalogue_for",
    "catalogue_names",
    "configure",
    "load_catalogue",
    "load_config",
    "load_grant_rule",
    "load_tariffs",
    "parse_config",
    "price",
    "prices",
    "resolve",
    "running_cost",
    "share_query",
    "trailer_preset",
    "trailer_presets",
]
