"""The off-road scenario suite: terrain under each wheel, what the driver asks, the score.

A scenario is data: the surface under each wheel (a name of
``evtwin.physics.ground.SURFACES`` or ``"roller"``, a free roller with no friction),
the grade, a step or water on the path, the driver's set speed, and how it is scored.
Three kinds:

- ``grade_limit``: the steepest grade the car holds its crawl speed on, found by
  searching over grades (each run starts rolling at the set speed; holding means
  still at the set speed after ``duration_s``; the quasi-static equivalent of a hill
  start, which at the limit needs the same traction).
- ``step_limit``: the highest step the wheels named in ``step_wheels`` climb at crawl
  speed, over the wheel radius.
- ``drive``: one run, scored by ``metric``: the share of the set speed held (soft
  sand), the water's freeboard below the wading limit (wading), or the peak speed
  (a steep descent).

Wheels are numbered front left, front right, rear left, rear right, in the car's
frame; ``reverse`` drives backwards. Pass thresholds are evtwin's choices, stated
with each scenario.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["grade_limit", "step_limit", "drive"]
Metric = Literal["grade", "step", "speed_held", "freeboard", "peak_speed"]

#: A wheel on a free roller: the ground row with no friction and no rolling resistance.
ROLLER = "roller"


@dataclass(frozen=True)
class Scenario:
    """One off-road test.

    Parameters
    ----------
    id, name
        Slug and title.
    surfaces
        Surface under each wheel (FL, FR, RL, RR).
    kind, metric
        How it is run and scored (see the module docstring).
    score_unit
        Unit of the score (``%``, ``h/r``, ``%``, ``mm``, ``km/h``).
    pass_threshold
        The score needed to pass, compared with ``>=`` when ``higher_is_better``.
    higher_is_better
        Direction of the score.
    set_speed_kph
        The driver's speed (crawl control's own set speed replaces it when lower).
    grade_pct
        Grade of ``drive`` and ``step_limit`` runs (negative downhill) [%].
    duration_s
        Length of one run [s].
    distance_m
        Distance at which a run ends early [m] (a step or water crossed).
    reverse
        Driving backwards.
    step_wheels, step_at_m
        Wheels that meet a step, and where the front wheels meet it [m along the path].
    water_depth_m, water_from_m, water_to_m
        Water on the path (depth, where the car's centre enters and leaves it) [m].
    search_max
        Upper end of the search (rise over run for grades, h/r for steps).
    obstacle_ratio
        Obstacle height over wheel radius that the car's sensors report (for Auto).
    meant_for
        The Terrain Response mode made for this test.
    note
        What the threshold is based on.
    """

    id: str
    name: str
    surfaces: tuple[str, str, str, str]
    kind: Kind
    metric: Metric
    score_unit: str
    pass_threshold: float
    higher_is_better: bool
    set_speed_kph: float
    grade_pct: float = 0.0
    duration_s: float = 8.0
    distance_m: float = 1e9
    reverse: bool = False
    step_wheels: tuple[int, ...] = ()
    step_at_m: float = 1.0
    water_depth_m: float = 0.0
    water_from_m: float = 0.0
    water_to_m: float = 0.0
    search_max: float = 1.0
    obstacle_ratio: float = 0.0
    meant_for: str | None = None
    note: str = ""

    @property
    def main_surface(self) -> str:
        """The surface under most wheels that are not on rollers."""
        ground = [s for s in self.surfaces if s != ROLLER]
        return max(ground, key=ground.count) if ground else ROLLER


#: Roller rigs stand on dry concrete (the ground model's dry asphalt). The ground model
#: has no rock: the step is a slippery (wet, mossy) rock taken at the friction of its
#: grass row; on its dry or wet asphalt rows a four-wheel-drive car climbs a step of a
#: whole wheel radius under one wheel, the most the step model can represent.
_RIG = "dry_asphalt"
_ROCK = "grass"

SCENARIOS: dict[str, Scenario] = {
    s.id: s
    for s in (
        Scenario(
            id="split_friction_hill",
            name="Split-friction hill (left wheels on ice, right on gravel)",
            surfaces=("ice", "gravel", "ice", "gravel"),
            kind="grade_limit",
            metric="grade",
            score_unit="%",
            pass_threshold=15.0,
            higher_is_better=True,
            set_speed_kph=3.6,
            search_max=0.8,
            meant_for="grass_gravel_snow",
            note="Pass: holds a 15 % grade (a steep farm track or ramp) at walking pace.",
        ),
        Scenario(
            id="cross_axle",
            name="Cross-axle rollers (front left and rear right on rollers), forwards",
            surfaces=(ROLLER, _RIG, _RIG, ROLLER),
            kind="grade_limit",
            metric="grade",
            score_unit="%",
            pass_threshold=10.0,
            higher_is_better=True,
            set_speed_kph=3.6,
            search_max=0.8,
            meant_for="mud_ruts",
            note="Diagonal wheels on free rollers, as on an articulation test rig; "
            "pass: drives off on a 10 % incline.",
        ),
        Scenario(
            id="cross_axle_reverse",
            name="Cross-axle rollers, reverse",
            surfaces=(ROLLER, _RIG, _RIG, ROLLER),
            kind="grade_limit",
            metric="grade",
            score_unit="%",
            pass_threshold=10.0,
            higher_is_better=True,
            set_speed_kph=3.6,
            reverse=True,
            search_max=0.8,
            meant_for="mud_ruts",
            note="As forwards, backing up the incline.",
        ),
        Scenario(
            id="one_wheel",
            name="One-wheel roller (front left on a roller), forwards",
            surfaces=(ROLLER, _RIG, _RIG, _RIG),
            kind="grade_limit",
            metric="grade",
            score_unit="%",
            pass_threshold=20.0,
            higher_is_better=True,
            set_speed_kph=3.6,
            search_max=0.8,
            meant_for="mud_ruts",
            note="Pass: drives off on a 20 % incline.",
        ),
        Scenario(
            id="one_wheel_reverse",
            name="One-wheel roller (front left on a roller), reverse",
            surfaces=(ROLLER, _RIG, _RIG, _RIG),
            kind="grade_limit",
            metric="grade",
            score_unit="%",
            pass_threshold=20.0,
            higher_is_better=True,
            set_speed_kph=3.6,
            reverse=True,
            search_max=0.8,
            meant_for="mud_ruts",
            note="As forwards, backing up the incline.",
        ),
        Scenario(
            id="low_friction_hill",
            name="Low-friction hill climb (packed snow)",
            surfaces=("snow", "snow", "snow", "snow"),
            kind="grade_limit",
            metric="grade",
            score_unit="%",
            pass_threshold=15.0,
            higher_is_better=True,
            set_speed_kph=3.6,
            search_max=0.6,
            meant_for="grass_gravel_snow",
            note="Pass: holds 15 % on packed snow (a steep alpine road).",
        ),
        Scenario(
            id="rock_step",
            name="Slippery rock step under the front left wheel",
            surfaces=(_ROCK, _ROCK, _ROCK, _ROCK),
            kind="step_limit",
            metric="step",
            score_unit="h/r",
            pass_threshold=0.5,
            higher_is_better=True,
            set_speed_kph=1.8,
            duration_s=12.0,
            step_wheels=(0,),
            step_at_m=0.6,
            search_max=1.0,
            obstacle_ratio=0.6,
            meant_for="rock_crawl",
            note="Wet, mossy rock (the ground model's grass friction); pass: a step of "
            "half the wheel radius (about 0.19 m).",
        ),
        Scenario(
            id="sand_flat",
            name="Soft sand on the flat at 20 km/h",
            surfaces=("sand", "sand", "sand", "sand"),
            kind="drive",
            metric="speed_held",
            score_unit="%",
            pass_threshold=90.0,
            higher_is_better=True,
            set_speed_kph=20.0,
            duration_s=20.0,
            meant_for="sand",
            note="Score: mean speed over the second half against the set speed; pass 90 %.",
        ),
        Scenario(
            id="sand_grade",
            name="Soft sand on a 10 % grade at 15 km/h",
            surfaces=("sand", "sand", "sand", "sand"),
            kind="drive",
            metric="speed_held",
            score_unit="%",
            pass_threshold=90.0,
            higher_is_better=True,
            set_speed_kph=15.0,
            grade_pct=10.0,
            duration_s=20.0,
            meant_for="sand",
            note="As on the flat, up a 10 % dune face.",
        ),
        Scenario(
            id="wading",
            name="Wading 0.5 m of water over 30 m",
            surfaces=("gravel", "gravel", "gravel", "gravel"),
            kind="drive",
            metric="freeboard",
            score_unit="mm",
            pass_threshold=0.0,
            higher_is_better=True,
            set_speed_kph=10.0,
            duration_s=40.0,
            distance_m=45.0,
            water_depth_m=0.5,
            water_from_m=5.0,
            water_to_m=35.0,
            meant_for="wade",
            note="Score: wading depth (with the mode's ride height) less the water "
            "height at the bow (depth plus the stagnation rise v^2 / 2g at the highest "
            "speed in the water); pass: not negative.",
        ),
        Scenario(
            id="steep_descent",
            name="Steep descent, 35 % on wet grass",
            surfaces=("grass", "grass", "grass", "grass"),
            kind="drive",
            metric="peak_speed",
            score_unit="km/h",
            pass_threshold=12.0,
            higher_is_better=False,
            set_speed_kph=10.0,
            grade_pct=-35.0,
            duration_s=15.0,
            meant_for="grass_gravel_snow",
            note="Hill-descent control at its set speed where the mode has it, else the "
            "driver on the brake pedal aiming for 10 km/h; score: the highest speed after "
            "the first second; pass: at most 12 km/h.",
        ),
    )
}


def scenario(scenario_id: str) -> Scenario:
    """A scenario by id (``ValueError`` naming the known ones)."""
    try:
        return SCENARIOS[scenario_id]
    except KeyError:
        raise ValueError(f"scenario {scenario_id!r} is not one of {', '.join(SCENARIOS)}") from None


__all__ = ["ROLLER", "SCENARIOS", "Scenario", "scenario"]
