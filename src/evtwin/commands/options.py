"""``evtwin options``: the options a vehicle can be ordered with, and the trailer presets."""

from __future__ import annotations

from rich.table import Table

from ..cli_support import DEFAULT_VEHICLE, JsonOpt, VehicleArg, input_errors, out, print_json


@input_errors
def options(vehicle: VehicleArg = DEFAULT_VEHICLE, json_: JsonOpt = False) -> None:
    """List a vehicle's options (id, category, price, what they change) and the trailer
    presets that `evtwin configure --trailer` accepts."""
    from ..configurator import catalogue_for, trailer_presets
    from ..specs import load_vehicle

    spec = load_vehicle(vehicle)
    cat = catalogue_for(spec.id)
    presets = trailer_presets()
    if json_:
        print_json(
            {
                "vehicle": spec.id,
                "options": [o.model_dump(mode="json") for o in cat.options] if cat else [],
                "trailer_presets": {k: p.model_dump(mode="json") for k, p in presets.items()},
            }
        )
        return
    if cat is None:
        out.print(f"{spec.name}: no options catalogue ships with evtwin (base car only)")
    else:
        t = Table(title=f"{spec.name}: options")
        for col in ("id", "category", "name", "GBP", "requires / excludes"):
            t.add_column(col, justify="right" if col == "GBP" else "left")
        for o in cat.options:
            gbp = o.price_gbp
            rel = " ".join(
                [f"needs {', '.join(o.requires)}"] * bool(o.requires)
                + [f"not with {', '.join(o.excludes)}"] * bool(o.excludes)
            )
            t.add_row(o.id, o.category, o.name, "-" if gbp is None else f"{gbp.value:,.0f}", rel)
        out.print(t)
    p = Table(title="Trailer presets")
    for col in ("id", "name", "kg", "braked"):
        p.add_column(col)
    for k, pr in presets.items():
        p.add_row(k, pr.name, f"{pr.mass_kg.value:.0f}", "yes" if pr.braked else "no")
    out.print(p)
