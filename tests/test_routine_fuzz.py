"""Property: whatever the loader is fed, it answers with a Routine or a RoutineError, whose
every line names the file. Never another exception."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from coach.routine import CUE_KEYS, STEP_KEYS, TOP_KEYS, Routine, RoutineError, parse_routine
from coach.timeline import build_timeline

KEYS = st.sampled_from([*TOP_KEYS, *STEP_KEYS, *CUE_KEYS, "countdown", "halfway", "x", "naem"])
SCALARS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["30s", "1:30", "-5s", "50%", "stretch", "strength", "0", "4h", "1m30s"]),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=5)),
    max_leaves=12,
)
STEP = st.dictionaries(KEYS, VALUES, max_size=8)


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def document(top: dict[str, Any], steps: list[dict[str, Any]], inline_steps: bool) -> str:
    lines = [f"{json.dumps(k)} = {toml_value(v)}" for k, v in top.items() if k != "step"]
    if inline_steps:
        lines.append(f"step = {toml_value(steps)}")
    else:
        for step in steps:
            lines.append("[[step]]")
            lines.extend(f"{json.dumps(k)} = {toml_value(v)}" for k, v in step.items())
    return "\n".join(lines) + "\n"


def check(data: bytes | str) -> None:
    try:
        routine = parse_routine(data, routine_id="fuzz", display_name="fuzz.toml")
    except RoutineError as error:
        assert error.problems
        for problem in error.problems:
            line = str(problem)
            assert line.startswith("fuzz.toml"), line
            assert "\n" not in line, "every problem is one line"
    else:
        assert isinstance(routine, Routine)
        build_timeline(routine)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    top=st.dictionaries(KEYS, VALUES, max_size=8),
    steps=st.lists(STEP, max_size=4),
    inline_steps=st.booleans(),
)
def test_arbitrary_documents(
    top: dict[str, Any], steps: list[dict[str, Any]], inline_steps: bool
) -> None:
    check(document(top, steps, inline_steps))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes(data: bytes) -> None:
    check(data)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("[]=\"'#.\n abcstep123sm:%-{},")), max_size=200))
def test_toml_shaped_noise(text: str) -> None:
    check(text)


VALID_STEP = {
    "name": "Hold",
    "kind": "stretch",
    "duration": "30s",
    "cue": [{"at": "50%", "say": "x"}],
}


@settings(max_examples=300, deadline=None)
@given(
    key=st.sampled_from([*STEP_KEYS, "bogus"]),
    value=VALUES,
    cue_key=st.sampled_from([*CUE_KEYS, "bogus"]),
    cue_value=VALUES,
)
# Found by hypothesis: a newline in a quoted value once split the problem over two lines.
@example(key="name", value=[], cue_key="at", cue_value="\n")
def test_nearly_valid_steps(key: str, value: Any, cue_key: str, cue_value: Any) -> None:
    step = dict(VALID_STEP)
    step[key] = value
    step["cue"] = [{**VALID_STEP["cue"][0], cue_key: cue_value}]  # type: ignore[index]
    check(document({"name": "Near"}, [step, VALID_STEP], inline_steps=False))
