"""Errors of the configurator: a bad data or configuration file, an impossible build."""

from __future__ import annotations

from collections.abc import Sequence


class ConfigError(ValueError):
    """A catalogue, grant, tariff or configuration file that cannot be used.

    The message names the file and, for each problem, the dotted field path and its
    line in the file where that is known (as :class:`evtwin.specs.SpecError` does
    for vehicle files).
    """

    def __init__(self, file: str, problems: Sequence[str], what: str = "file") -> None:
        self.file = file
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"invalid {what} {file}:\n{lines}")


class OptionError(ValueError):
    """A choice of options the catalogue does not allow, or that makes an impossible car.

    ``options`` holds the ids of the options involved, ``problems`` one sentence per
    problem, each naming the options it is about.
    """

    def __init__(self, vehicle: str, problems: Sequence[str], options: Sequence[str] = ()) -> None:
        self.vehicle = vehicle
        self.problems = list(problems)
        self.options = tuple(options)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"invalid configuration of {vehicle}:\n{lines}")
