"""A routine as text: what ``coach show`` prints."""

from __future__ import annotations

from coach.durations import format_clock, format_length
from coach.routine import Routine, Step
from coach.timeline import build_timeline


def step_time(step: Step) -> str:
    """How long one step takes, as the preview and ``coach show`` write it."""
    if step.duration is None:
        return f"{step.reps} reps" if step.reps else "open"
    per = format_clock(step.duration)
    if step.counts_reps:
        per = f"{step.reps} × {format_length(step.tempo or 0)}"
    elif step.reps:
        per = f"{step.reps} reps in {format_clock(step.duration)}"
    parts = [per]
    if step.sides:
        parts.append("each side")
    if step.sets > 1:
        parts.append(f"{step.sets} sets")
    return ", ".join(parts)


def short_step_time(step: Step) -> str:
    """The same, short, for the preview's narrow column: ``0:30 L/R``, ``10 reps ×2``."""
    if step.duration is None:
        per = f"{step.reps} reps" if step.reps else "open"
    elif step.counts_reps:
        per = f"{step.reps}×{format_length(step.tempo or 0)}"
    else:
        per = format_clock(step.duration)
    if step.sides:
        per += " L/R"
    if step.sets > 1:
        per += f" ×{step.sets}"
    return per


def _facts(routine: Routine, length: str) -> list[str]:
    """``4:35 · 9 steps · chair`` and the tags: what a routine is, in a line or two."""
    facts = [length + (" + open steps" if routine.has_open_steps else "")]
    facts.append(f"{len(routine.steps)} steps")
    if routine.equipment:
        facts.append(", ".join(routine.equipment))
    lines = [" · ".join(facts)]
    if routine.tags:
        lines.append("tags: " + ", ".join(routine.tags))
    return lines


def describe_routine(routine: Routine, *, with_timeline: bool = False) -> str:
    """Every step with its start time and length, and the total."""
    timeline = build_timeline(routine)
    lines = [routine.name]
    if routine.description:
        lines.append(routine.description)
    lines += _facts(routine, format_length(routine.total))
    lines.append("")
    starts: dict[int, float] = {}
    for seg in timeline.segments:
        if seg.step_index is not None:
            starts.setdefault(seg.step_index, seg.start)
    width = max(len(step.name) for step in routine.steps)
    lines.append(f"  #  {'start':>5}  {'step':<{width}}  {'kind':<9}  time")
    for index, step in enumerate(routine.steps):
        rest = (
            f", then {format_length(step.rest)} rest"
            if step.rest and index + 1 < len(routine.steps)
            else ""
        )
        lines.append(
            f"{step.number:>3}  {format_clock(starts[index]):>5}  {step.name:<{width}}  "
            f"{step.kind:<9}  {step_time(step)}{rest}"
        )
    lines.append(f"{'':>3}  {format_clock(routine.total):>5}  end")
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
    lines += _facts(routine, format_clock(routine.total))
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
