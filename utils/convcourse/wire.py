"""Plain data on the wire between a notebook's kernel and the grader.

The grader never unpickles and never receives a live object: what crosses
is JSON text holding only ``None``, booleans, numbers, strings, lists,
tuples, string-keyed dicts and numpy arrays of numeric or boolean dtype
(their bytes in base64). A torch tensor travels as its array (with its
dtype and device named); any other object travels as its type name and a
short ``repr``, which the grader can describe but never use.

:func:`decode` is strict: it rejects unknown tags, object dtypes, sizes that
do not match their shapes, nesting deeper than :data:`MAX_DEPTH` and text
longer than its ``max_chars``.
"""
from __future__ import annotations

import base64
import json
import math
from typing import Any

import numpy as np

MAX_DEPTH = 32
MAX_CHARS = 256 * 2**20        # one message; a notebook's answers are far smaller
_KINDS = set("biuf")            # bool, signed and unsigned integers, floats (complex as its own tag)


class WireError(ValueError):
    """The text is not a message of this protocol."""


class Tensor:
    """What the grader sees of a torch tensor: its values, torch dtype and device (no torch object)."""

    __module__ = "convcourse.wire"

    def __init__(self, array: np.ndarray, dtype: str, device: str = "cpu", requires_grad: bool = False):
        self.array, self.dtype, self.device, self.requires_grad = array, dtype, device, requires_grad

    @property
    def shape(self) -> tuple:
        return tuple(self.array.shape)

    def __repr__(self) -> str:
        return f"Tensor(dtype={self.dtype}, shape={self.shape}, device={self.device})"


class Opaque:
    """What the grader sees of any other object: its type's name and a short repr."""

    __module__ = "convcourse.wire"

    def __init__(self, type_name: str, text: str):
        self.type_name, self.text = type_name, text

    def __repr__(self) -> str:
        return self.text

    def describe(self) -> str:
        return f"{self.type_name} {self.text}"[:120]


# ------------------------------------------------------------------ encode


def _array(a: np.ndarray, scalar: bool = False) -> dict:
    if a.dtype.kind == "c":
        return {"__complex__": [_array(np.array(a.real)), _array(np.array(a.imag))], "scalar": scalar}
    if a.dtype.kind not in _KINDS:
        raise WireError(f"arrays of dtype {a.dtype} cannot be sent")
    shape = list(a.shape)            # (np.ascontiguousarray makes a 0-d array 1-d)
    data = np.ascontiguousarray(a).tobytes()
    return {"__nd__": a.dtype.str, "shape": shape, "data": base64.b64encode(data).decode("ascii"), "scalar": scalar}


def to_plain(obj: Any, depth: int = 0) -> Any:
    """``obj`` as JSON-able plain data (tags for floats that JSON lacks, tuples, arrays and tensors)."""
    if depth > MAX_DEPTH:
        raise WireError("nested too deeply")
    if isinstance(obj, np.generic):          # before int/float: np.float64 is a float, and stays an np.float64
        if obj.dtype.kind in _KINDS or obj.dtype.kind == "c":
            return _array(np.asarray(obj), scalar=True)
        return {"__opaque__": type(obj).__name__, "repr": repr(obj)[:200]}
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, int):
        return obj if abs(obj) < 2**63 else {"__bigint__": str(obj)}
    if isinstance(obj, float):
        return float(obj) if math.isfinite(obj) else {"__float__": repr(float(obj))}
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind in _KINDS or obj.dtype.kind == "c":
            return _array(obj)
        return {"__opaque__": f"ndarray of dtype {obj.dtype}", "repr": f"array of shape {obj.shape}"}
    if isinstance(obj, Tensor):
        return {"__tensor__": _array(obj.array), "dtype": obj.dtype, "device": obj.device,
                "requires_grad": obj.requires_grad}
    if type(obj).__module__.startswith("torch") and hasattr(obj, "detach") and hasattr(obj, "dtype"):
        try:
            t = obj.detach()
            arr = t.float().cpu().numpy() if str(t.dtype) == "torch.bfloat16" else t.cpu().numpy()
            return {"__tensor__": _array(arr), "dtype": str(obj.dtype), "device": str(obj.device),
                    "requires_grad": bool(getattr(obj, "requires_grad", False))}
        except Exception:  # noqa: BLE001  (a tensor subclass or meta tensor: describe it only)
            pass
    if isinstance(obj, tuple) and type(obj) is tuple:
        return {"__tuple__": [to_plain(v, depth + 1) for v in obj]}
    if isinstance(obj, list) and type(obj) is list:
        return [to_plain(v, depth + 1) for v in obj]
    if isinstance(obj, dict) and type(obj) is dict and all(isinstance(k, str) for k in obj):
        return {"__map__": {k: to_plain(v, depth + 1) for k, v in obj.items()}}
    try:
        text = object.__repr__(obj) if type(obj).__repr__ is object.__repr__ else repr(obj)
    except Exception:  # noqa: BLE001
        text = "<unprintable>"
    return {"__opaque__": f"{type(obj).__module__}.{type(obj).__qualname__}"[:120], "repr": str(text)[:200]}


def encode(obj: Any) -> str:
    return json.dumps(to_plain(obj), allow_nan=False, separators=(",", ":"))


# ------------------------------------------------------------------ decode


def _decode_array(d: dict) -> np.ndarray | np.generic:
    if "__complex__" in d:
        re, im = (np.asarray(_decode_array(part)) for part in d["__complex__"])
        if re.shape != im.shape or re.dtype.kind != "f" or im.dtype != re.dtype:
            raise WireError("bad complex array")
        out = np.empty(re.shape, dtype=np.result_type(re.dtype, np.complex64))
        out.real, out.imag = re, im
        return out[()] if d.get("scalar") else out
    dtype = np.dtype(str(d["__nd__"]))
    if dtype.kind not in _KINDS or dtype.hasobject:
        raise WireError(f"dtype {dtype} is not allowed")
    shape = d["shape"]
    if not isinstance(shape, list) or len(shape) > 32 or not all(type(s) is int and s >= 0 for s in shape):
        raise WireError("bad shape")
    raw = base64.b64decode(str(d["data"]).encode("ascii"), validate=True)
    if len(raw) != int(np.prod(shape, dtype=np.int64)) * dtype.itemsize:
        raise WireError("data does not match the shape")
    a = np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    return a[()] if d.get("scalar") else a


def from_plain(obj: Any, depth: int = 0) -> Any:
    if depth > MAX_DEPTH:
        raise WireError("nested too deeply")
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, list):
        return [from_plain(v, depth + 1) for v in obj]
    if not isinstance(obj, dict) or len(obj) == 0:
        raise WireError("unexpected value")
    if "__nd__" in obj or "__complex__" in obj:
        return _decode_array(obj)
    if "__map__" in obj:
        m = obj["__map__"]
        if not isinstance(m, dict):
            raise WireError("bad map")
        return {str(k): from_plain(v, depth + 1) for k, v in m.items()}
    if "__tuple__" in obj:
        return tuple(from_plain(v, depth + 1) for v in obj["__tuple__"])
    if "__float__" in obj:
        text = obj["__float__"]
        if text not in ("nan", "inf", "-inf"):
            raise WireError("bad float")
        return float(text)
    if "__bigint__" in obj:
        return int(str(obj["__bigint__"])[:400])
    if "__tensor__" in obj:
        return Tensor(np.asarray(_decode_array(obj["__tensor__"])), str(obj.get("dtype", ""))[:40],
                      str(obj.get("device", "cpu"))[:40], bool(obj.get("requires_grad", False)))
    if "__opaque__" in obj:
        return Opaque(str(obj["__opaque__"])[:120], str(obj.get("repr", ""))[:200])
    raise WireError("unknown tag")


def decode(text: str, max_chars: int = MAX_CHARS) -> Any:
    if not isinstance(text, str):
        raise WireError("a message is text")
    if len(text) > max_chars:
        raise WireError(f"message of {len(text):,} characters is over the limit of {max_chars:,}")
    try:
        plain = json.loads(text)
    except (ValueError, RecursionError) as e:
        raise WireError(f"not JSON: {e}") from None
    try:
        return from_plain(plain)
    except WireError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as e:
        raise WireError(f"malformed: {e}") from None


__all__ = ["encode", "decode", "to_plain", "from_plain", "Tensor", "Opaque", "WireError", "MAX_CHARS"]
