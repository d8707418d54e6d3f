"""The error raised for a vehicle file that cannot be used."""

from __future__ import annotations


class SpecError(ValueError):
    """A vehicle (or other input) file is malformed or holds an impossible value.

    The message names the file and, for each problem, the dotted path of the field
    and its line in the file where that is known.
    """

    def __init__(self, file: str, problems: list[str]) -> None:
        self.file = file
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"invalid vehicle file {file}:\n{lines}")
