"""The errors raised for a vehicle or data file that cannot be used."""

from __future__ import annotations


class SpecError(ValueError):
    """A vehicle (or other input) file is malformed or holds an impossible value.

    The message names the file and, for each problem, the dotted path of the field
    and its line in the file where that is known.
    """

    #: What kind of file the message calls it.
    what = "vehicle file"

    def __init__(self, file: str, problems: list[str]) -> None:
        self.file = file
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"invalid {self.what} {file}:\n{lines}")


class DataFileError(SpecError):
    """A shipped or user data file other than a vehicle file (terrain tables, Terrain
    Response modes, off-road architectures and references) that cannot be used."""

    what = "data file"
