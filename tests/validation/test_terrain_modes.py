"""Each Terrain Response mode beats Comfort on the test it is made for; Auto picks the
right mode on each surface.

The car is the Defender Sport with both e-lockers, the variant whose hardware every
mode's settings act on (the locker policy included). Each comparison prints the two
scores and the gain, so the size of the improvement is on record, not only its sign.
"""

from __future__ import annotations

import pytest

from evtwin.control.terrain_response import auto_select
from evtwin.sim import offroad
from evtwin.sim.offroad_scenarios import Scenario

pytestmark = pytest.mark.validation

ARCH = "defender-sport-twin-elocker"

#: (mode, the scenario it is made for)
MADE_FOR = [
    ("grass_gravel_snow", "low_friction_hill"),
    ("mud_ruts", "cross_axle"),
    ("sand", "sand_grade"),
    ("rock_crawl", "rock_step"),
    ("wade", "wading"),
]


@pytest.mark.parametrize(("mode", "scenario_id"), MADE_FOR)
def test_mode_beats_comfort_on_its_scenario(mode: str, scenario_id: str) -> None:
    comfort = offroad.run_scenario(offroad.build_model(ARCH, "comfort"), scenario_id)
    moded = offroad.run_scenario(offroad.build_model(ARCH, mode), scenario_id)
    gain = moded.score - comfort.score
    print(
        f"{scenario_id}: {mode} {moded.score:.3f} {moded.score_unit} against Comfort "
        f"{comfort.score:.3f} ({gain:+.3f} {moded.score_unit})"
    )
    assert moded.higher_is_better
    assert gain > 0.0


#: The mode a driver is told to pick on each surface (Land Rover's Terrain Response
#: guidance): sealed roads Comfort; loose or slippery firm ground Grass-Gravel-Snow;
#: mud and sticky soils Mud-Ruts; soft sand Sand.
RIGHT_MODE = {
    "dry_asphalt": "comfort",
    "wet_asphalt": "comfort",
    "gravel": "grass_gravel_snow",
    "grass": "grass_gravel_snow",
    "snow": "grass_gravel_snow",
    "ice": "grass_gravel_snow",
    "mud": "mud_ruts",
    "clay": "mud_ruts",
    "loam": "mud_ruts",
    "sand": "sand",
}


@pytest.mark.parametrize(("surface", "expected"), sorted(RIGHT_MODE.items()))
def test_auto_picks_the_right_mode_per_surface(surface: str, expected: str) -> None:
    model = offroad.build_model(ARCH, "auto")
    probe = Scenario(
        id="probe",
        name="probe",
        surfaces=(surface,) * 4,
        kind="drive",
        metric="speed_held",
        score_unit="",
        pass_threshold=0.0,
        higher_is_better=True,
        set_speed_kph=10.0,
    )
    estimate = offroad.estimate_surface(model, probe)
    picked = auto_select(estimate)
    print(
        f"{surface}: friction {estimate.friction:.3f}, sinkage {estimate.sinkage:.3f} m, "
        f"resistance {estimate.resistance:.3f} -> {picked}"
    )
    assert picked == expected


@pytest.mark.parametrize(
    ("scenario_id", "expected"), [("wading", "wade"), ("rock_step", "rock_crawl")]
)
def test_auto_picks_wade_and_rock_crawl(scenario_id: str, expected: str) -> None:
    model = offroad.build_model(ARCH, "auto")
    assert offroad.auto_mode(model, scenario_id) == expected
    result = offroad.run_scenario(model, scenario_id)
    assert result.mode == expected
    assert result.mode_requested == "auto"
