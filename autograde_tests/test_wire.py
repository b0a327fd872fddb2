"""The wire between kernel and grader: plain data round-trips exactly, and nothing else gets through."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from convcourse import wire

DTYPES = st.sampled_from([np.bool_, np.int8, np.int32, np.int64, np.uint8, np.uint16, np.float16, np.float32,
                          np.float64, np.complex64, np.complex128])
ARRAYS = DTYPES.flatmap(lambda dt: hnp.arrays(dt, hnp.array_shapes(min_dims=0, max_dims=4, min_side=0,
                                                                     max_side=5)))
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=True),
                    st.text(max_size=20))
VALUES = st.recursive(st.one_of(SCALARS, ARRAYS),
                      lambda inner: st.one_of(st.lists(inner, max_size=4), st.tuples(inner, inner),
                                              st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                      max_leaves=12)


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape and \
            np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
    if isinstance(a, np.generic):
        return type(a) is type(b) and (a == b or (np.isnan(a) and np.isnan(b)))
    if isinstance(a, float):
        return isinstance(b, float) and (a == b or (math.isnan(a) and math.isnan(b)))
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


@settings(max_examples=200, deadline=None)
@given(VALUES)
def test_plain_data_round_trips_exactly(value):
    assert _same(value, wire.decode(wire.encode(value)))


@pytest.mark.parametrize("scalar", [np.int64(2), np.float32(1.5), np.uint8(7), np.bool_(True), np.complex128(1 + 2j)])
def test_numpy_scalars_stay_scalars(scalar):
    back = wire.decode(wire.encode(scalar))
    assert type(back) is type(scalar) and back == scalar


def test_zero_dimensional_arrays_stay_zero_dimensional():
    back = wire.decode(wire.encode(np.array(3.0)))
    assert isinstance(back, np.ndarray) and back.shape == ()


def test_other_objects_travel_as_a_description_only():
    class Payload:
        def __reduce__(self):
            raise AssertionError("never pickled")

    back = wire.decode(wire.encode({"x": Payload(), "a": np.array(["text"], dtype=object)}))
    assert isinstance(back["x"], wire.Opaque) and "Payload" in back["x"].type_name
    assert isinstance(back["a"], wire.Opaque)


def test_a_torch_tensor_travels_as_its_array():
    torch = pytest.importorskip("torch")
    back = wire.decode(wire.encode(torch.arange(6.0).reshape(2, 3).requires_grad_(True)))
    assert isinstance(back, wire.Tensor) and back.dtype == "torch.float32" and back.requires_grad
    np.testing.assert_array_equal(back.array, np.arange(6.0, dtype=np.float32).reshape(2, 3))


@pytest.mark.parametrize("text", [
    '{"__nd__": "|O", "shape": [1], "data": "AAAAAAAAAAA=", "scalar": false}',       # object dtype
    '{"__nd__": "<f8", "shape": [3], "data": "AAAAAAAAAAA=", "scalar": false}',      # size does not match
    '{"__nd__": "<f8", "shape": [-1], "data": "", "scalar": false}',                  # negative shape
    '{"__pickle__": "gASVAAAAAAAAAAA="}',                                              # unknown tag
    '{"__float__": "1e999999"}',                                                       # not one of nan/inf
    '{"__map__": {"a": {"__tuple__": [{"__evil__": 1}]}}}',
    "not json",
    "[" * 100 + "]" * 100,                                                             # nested too deeply
])
def test_malformed_messages_are_refused(text):
    with pytest.raises(wire.WireError):
        wire.decode(text)


def test_messages_over_the_limit_are_refused():
    with pytest.raises(wire.WireError, match="over the limit"):
        wire.decode(json.dumps("x" * 1000), max_chars=100)


@pytest.mark.parametrize("value", [np.float64("nan"), np.float32("inf"), np.float64("-inf")])
def test_non_finite_numpy_scalars_round_trip(value):
    back = wire.decode(wire.encode(value))
    assert type(back) is type(value) and (np.isnan(back) if np.isnan(value) else back == value)
