"""JSON for the API: NumPy values as plain numbers, NaN and infinities as ``null``.

The command line writes ``NaN`` tokens (Python's ``json`` default), which browsers'
``JSON.parse`` rejects, and Starlette's ``JSONResponse`` refuses non-finite floats
outright (a 500). A figure that could not be computed (a 0-60 the car never reaches)
is therefore sent as ``null``, the same meaning ``Figures.flat`` gives ``None``.

orjson writes exactly that (NumPy arrays and scalars as numbers, non-finite floats as
``null``) some 20 times faster than the standard library; what it cannot write (a
non-contiguous array, an unusual dtype) goes through :func:`jsonable` and ``json``.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import orjson
from fastapi.responses import JSONResponse

_ORJSON = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


def jsonable(x: object) -> Any:
    """``x`` with NumPy arrays and scalars made lists and numbers, non-finite floats None."""
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return jsonable(x.tolist())
    if isinstance(x, np.generic):
        return jsonable(x.item())
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


class SafeJSONResponse(JSONResponse):
    """A JSON response that never fails on NumPy values or NaN (sent as ``null``)."""

    def render(self, content: Any) -> bytes:
        try:
            return orjson.dumps(content, option=_ORJSON)
        except TypeError:  # orjson.JSONEncodeError is a TypeError
            pass
        return json.dumps(
            jsonable(content), ensure_ascii=False, allow_nan=False, separators=(",", ":")
        ).encode("utf-8")


__all__ = ["SafeJSONResponse", "jsonable"]
