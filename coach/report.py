"""A routine as text: what ``coach show`` prints."""

from __future__ import annotations

from coach.durations import OPEN_MARK, format_clock, format_length, format_total
from coach.routine import Routine, Step
from coach.text import cell_len, fit, plural
from coach.timeline import build_timeline


def step_time(step: Step) -> str:
    """How long one step takes, as the preview and ``coach show`` write it."""
    if step.duration is None:
        return plural(step.reps, "rep") if step.reps else "open"
    per = format_clock(step.duration)
    if step.counts_reps:
        per = f"{step.reps} × {format_length(step.tempo or 0)}"
    elif step.reps:
        per = f"{plural(step.reps, 'rep')} in {format_clock(step.duration)}"
    parts = [per]
    if step.sides:
        parts.append("each side")
    if step.sets > 1:
        parts.append(f"{step.sets} sets")
    return ", ".join(parts)


def short_step_time(step: Step) -> str:
    """The same, short, for the preview's narrow column: ``0:30 L/R``, ``10 reps ×2``."""
    if step.duration is None:
        per = plural(step.reps, "rep") if step.reps else "open"
    elif step.counts_reps:
        per = f"{step.reps}×{format_length(step.tempo or 0)}"
    else:
        per = format_clock(step.duration)
    if step.sides:
        per += " L/R"
    if step.sets > 1:
        per += f" ×{step.sets}"
    return per


def _facts(routine: Routine) -> list[str]:
    """``4m 35s · 9 steps · chair`` and the tags: what a routine is, in a line or two."""
    facts = [format_total(routine.total, routine.has_open_steps)]
    facts.append(plural(len(routine.steps), "step"))
    if routine.equipment:
        facts.append(", ".join(routine.equipment))
    lines = [" · ".join(facts)]
    if routine.tags:
        lines.append("tags: " + ", ".join(routine.tags))
    return lines


def _at(seconds: float, after_open: bool) -> str:
    """A time into the routine; after an open step it is the earliest it can be: ``3:20+``."""
    return format_clock(seconds) + (OPEN_MARK if after_open else "")


def describe_routine(routine: Routine, *, with_timeline: bool = False) -> str:
    """Every step with its start time and length, and the total."""
    timeline = build_timeline(routine)
    lines = [routine.name]
    if routine.description:
        lines.append(routine.description)
    lines += _facts(routine)
    if routine.has_open_steps:
        lines.append(
            f"times with {OPEN_MARK} come after an open step, which takes as long as you need"
        )
    lines.append("")
    starts: dict[int, float] = {}
    for seg in timeline.segments:
        if seg.step_index is not None:
            starts.setdefault(seg.step_index, seg.start)
    width = max(cell_len(step.name) for step in routine.steps)
    clock = 6 if routine.has_open_steps else 5
    lines.append(f"  #  {'start':>{clock}}  {'step':<{width}}  {'kind':<9}  time")
    open_before = False
    for index, step in enumerate(routine.steps):
        rest = (
            f", then {format_length(step.rest)} rest"
            if step.rest and index + 1 < len(routine.steps)
            else ""
        )
        start = _at(starts[index], open_before)
        lines.append(
            f"{step.number:>3}  {start:>{clock}}  {fit(step.name, width)}  "
            f"{step.kind:<9}  {step_time(step)}{rest}"
        )
        open_before = open_before or step.is_open
    lines.append(f"{'':>3}  {_at(routine.total, routine.has_open_steps):>{clock}}  end")
    if routine.source:
        lines.append("")
        lines.extend(f"source: {source}" for source in routine.source)
    if with_timeline:
        lines.append("")
        lines.append("timeline:")
        for seg in timeline.segments:
            length = "open" if seg.duration is None else format_clock(seg.duration)
            lines.append(
                f"  {format_clock(seg.start):>5}  {seg.kind.value:<7}  {seg.label} ({length})"
            )
            for cue in timeline.cues_of(seg.index):
                lines.append(f"  {format_clock(cue.at):>5}      {cue.kind.value}: {cue.text}")
        lines.append(f"  {format_clock(timeline.total):>5}      finish: {timeline.finish_cue.text}")
    return "\n".join(lines)


def preview(routine: Routine, room: int = 40) -> str:
    """The pick screen's preview: what the routine is for, how long, and every step, its
    step lines fitted to ``room`` columns (names are shortened only where they must be)."""
    lines = []
    if routine.description:
        lines += [routine.description, ""]
    lines += _facts(routine)
    lines.append("")
    longest = max(len(step.name) for step in routine.steps)
    times = max(len(short_step_time(step)) for step in routine.steps)
    kinds = max(len(step.kind) for step in routine.steps)
    # number, name, kind and time; two spaces after the name, so it never runs into the kind
    width = max(12, min(longest, room - 3 - 2 - kinds - 1 - times))
    columns = width >= longest or room >= 40
    for step in routine.steps:
        if not columns:  # too narrow: each name whole, its kind and time under it
            lines.append(f"{step.number:>2} {step.name}")
            lines.append(f"   {step.kind} · {short_step_time(step)}")
            continue
        name = step.name if len(step.name) <= width else step.name[: width - 1] + "…"
        lines.append(
            f"{step.number:>2} {name:<{width}}  {step.kind:<{kinds}} {short_step_time(step)}"
        )
    if routine.source:
        lines.append("")
        lines.extend(f"source: {source}" for source in routine.source)
    return "\n".join(lines)
