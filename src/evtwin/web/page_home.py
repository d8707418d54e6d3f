"""The landing page: what each page answers, and where the API is."""

from nicegui import ui

from .layout import page_title

_BLURBS = {
    "/configurator": "Pick a car, options, payload, a trailer and the weather; every range, "
    "consumption, performance, charging and price figure is simulated afresh.",
    "/compare": "The Defender Sport beside its rivals, figure by figure.",
    "/charging": "DC charging power against state of charge and time, for a chosen charger.",
    "/offroad": "Approach, breakover and departure angles on the body, Terrain Response "
    "modes, and the off-road scorecard against the reference drivetrains.",
    "/claims": "Every published claim with its source, and the probability that it holds.",
    "/studies": "Run a study, watch it, and explore its Pareto front and distributions.",
}


def page() -> None:
    page_title(
        "evtwin",
        "A physics-based digital twin of battery-electric vehicles; its default car is the "
        "Land Rover Defender Sport, known so far only from press reports.",
    )
    from .layout import NAV

    with ui.grid(columns=3).classes("w-full gap-4"):
        for path, label in NAV:
            with ui.card().classes("p-4"):
                ui.link(label, path).classes("text-lg font-semibold")
                ui.label(_BLURBS[path]).classes("text-sm text-gray-700")
    ui.label("The same capabilities are served as JSON under /api (OpenAPI at /api/docs).").classes(
        "text-sm text-gray-600"
    )
