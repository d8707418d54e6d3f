"""Vehicle specifications: frozen, validated models of a vehicle and its parts."""

from .battery import Battery
from .body import Body
from .equipment import Auxiliary, Charging, Price
from .errors import DataFileError, SpecError
from .figure import ESTIMATE, Figure
from .loader import load_vehicle, parse_vehicle, vehicle_names
from .mass import Mass
from .motor import Axle, LossModel, Motor
from .ratings import Claim, Ratings
from .road_load import CoastDownKph, CoastDownMph
from .sources import Source
from .tyre import Tyres
from .vehicle import VehicleSpec
from .walk import iter_figures

__all__ = [
    "ESTIMATE",
    "Auxiliary",
    "Axle",
    "Battery",
    "Body",
    "Charging",
    "Claim",
    "CoastDownKph",
    "CoastDownMph",
    "DataFileError",
    "Figure",
    "LossModel",
    "Mass",
    "Motor",
    "Price",
    "Ratings",
    "Source",
    "SpecError",
    "Tyres",
    "VehicleSpec",
    "iter_figures",
    "load_vehicle",
    "parse_vehicle",
    "vehicle_names",
]
