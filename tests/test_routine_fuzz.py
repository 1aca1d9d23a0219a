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


# -- hostile shapes: what a person could type or download, and what once crashed ----------

RAW_VALUES = st.one_of(
    st.integers(min_value=1, max_value=6000).map(lambda n: "9" * n),  # past Python's digits
    st.integers(min_value=1, max_value=6000).map(lambda n: "[" * n + "]" * n),  # deep arrays
    st.integers(min_value=1, max_value=600).map(lambda n: "{a = " * n + "1" + "}" * n),
    st.sampled_from(
        ["1e-300", "5e-324", "0.001", "1e308", "-0.0", "inf", "nan", '"1e999s"', '"9:00"']
    ),
    st.integers(min_value=1, max_value=400).map(lambda n: f'"{"1" * n}:00"'),
    st.integers(min_value=1, max_value=400).map(lambda n: f'"{"1" * n}m"'),
    st.text(max_size=30).map(lambda t: json.dumps(t, ensure_ascii=True)),  # any escape
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    key=st.sampled_from([*STEP_KEYS, "", "bogus"]),
    raw=RAW_VALUES,
    sets=st.integers(min_value=1, max_value=50),
    sides=st.booleans(),
)
def test_hostile_values_in_a_step(key: str, raw: str, sets: int, sides: bool) -> None:
    text = (
        'name = "Hostile"\n[[step]]\nname = "Hold"\nkind = "stretch"\n'
        f"sets = {sets}\nsides = {str(sides).lower()}\n"
        f"{json.dumps(key)} = {raw}\n"
    )
    check(text)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_the_loader_reads_any_file_in_bounded_memory(data: bytes) -> None:
    """The loader proper (the file, not only its text), under a memory budget: a file of at
    most 1 MiB never costs more than a few dozen MB, whatever it says."""
    import tempfile
    import tracemalloc
    from pathlib import Path

    from coach.routine import load_routine

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.toml"
        path.write_bytes(data)
        tracemalloc.start()
        try:
            try:
                routine = load_routine(path)
            except RoutineError as error:
                assert all(str(p).startswith("fuzz.toml") for p in error.problems)
            else:
                build_timeline(routine)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 32 * 1024 * 1024


def test_the_largest_routine_the_format_allows_expands_in_bounded_memory() -> None:
    """At every bound at once (2,000 sets and sides, 5,000 step cues, one-second reps), the
    timeline stays a size a person could follow."""
    import tracemalloc

    steps = []
    for n in range(40):
        cues = "".join(f'[[step.cue]]\nat = "{p}%"\nsay = "Cue {p}"\n' for p in range(1, 3))
        steps.append(
            f'[[step]]\nname = "Step {n}"\nkind = "strength"\nreps = 3\ntempo = "1s"\n'
            f"sides = true\nsets = 25\n{cues}"
        )
    text = 'name = "Largest"\n[cues]\ncountdown = 10\nhalfway = true\n' + "".join(steps)
    tracemalloc.start()
    try:
        routine = parse_routine(text, routine_id="largest")
        timeline = build_timeline(routine)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sum(step.work_segments for step in routine.steps) == 2000
    assert len(timeline.cues) < 60_000
    assert peak < 64 * 1024 * 1024
