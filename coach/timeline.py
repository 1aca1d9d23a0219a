"""What will happen, second by second: a routine expanded into segments and timed cues.

A :class:`Timeline` is frozen data. The get-ready time, each set, side and rest is a
:class:`Segment`; everything the coach says or signals is a :class:`Cue` anchored to a
segment's start or end, with a priority that decides which cue wins when two would overlap.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Literal

from coach.durations import say_length
from coach.routine import Routine, Step


class SegmentKind(str, Enum):
    PREPARE = "prepare"
    WORK = "work"
    REST = "rest"


class CueKind(str, Enum):
    GET_READY = "get_ready"
    START = "start"
    LAST_SET = "last_set"
    SWITCH_SIDES = "switch_sides"
    REST = "rest"
    NEXT_UP = "next_up"
    HALFWAY = "halfway"
    CUSTOM = "custom"
    REP = "rep"
    COUNTDOWN = "countdown"
    FINISH = "finish"


CLOCK_KINDS = frozenset({CueKind.COUNTDOWN, CueKind.REP})
"""Cues the big clock already shows (the last seconds, the rep count): no caption for them."""

PRIORITY: dict[CueKind, int] = {
    CueKind.GET_READY: 100,
    CueKind.START: 100,
    CueKind.LAST_SET: 100,
    CueKind.FINISH: 100,
    CueKind.SWITCH_SIDES: 90,
    CueKind.REST: 80,
    CueKind.NEXT_UP: 60,
    CueKind.CUSTOM: 50,
    CueKind.HALFWAY: 40,
    CueKind.REP: 30,
    CueKind.COUNTDOWN: 20,
}
"""Which cue wins when two would overlap: a step's name and instructions outrank a tick."""

Anchor = Literal["start", "end"]
Side = Literal["left", "right"]

NEXT_UP_MIN_DURATION = 15.0
"""Steps shorter than this get no "next up": it would crowd the start and the countdown."""
HALFWAY_MIN_DURATION = 20.0


@dataclass(frozen=True)
class Cue:
    """Something to say or signal at an exact moment of a segment."""

    id: int
    """Unique within the timeline."""
    segment: int
    kind: CueKind
    text: str
    """What is said, and shown as a caption ("3" for a countdown tick)."""
    priority: int
    anchor: Anchor
    offset: float
    """Seconds after the segment's start, or before its end, by ``anchor``."""
    at: float
    """Planned seconds from the routine's start (open segments count as 0 s)."""
    count: int | None = None
    """The number of a countdown tick (3, 2, 1) or of a rep."""


@dataclass(frozen=True)
class Segment:
    """One stretch of time: get ready, one set and side of a step, or a rest."""

    index: int
    kind: SegmentKind
    title: str
    duration: float | None
    """Planned seconds; ``None`` for an open step that waits for the person to say done."""
    start: float
    """Planned seconds from the routine's start (open segments count as 0 s)."""
    step_index: int | None = None
    """0-based index of the step this segment works on (a set rest counts as its step's)."""
    step: Step | None = None
    side: Side | None = None
    set_number: int = 1
    sets: int = 1
    instructions: str = ""
    next_work: int | None = None
    """Index of the next work segment, for "next: ..." lines."""

    @property
    def is_open(self) -> bool:
        return self.duration is None

    @property
    def is_work(self) -> bool:
        return self.kind is SegmentKind.WORK

    @property
    def reps(self) -> int | None:
        return self.step.reps if self.step and self.is_work else None

    @property
    def label(self) -> str:
        """The title with its side and set, as the player and plain mode show it."""
        parts = [self.title]
        if self.side:
            parts.append(f"{self.side} side")
        if self.sets > 1 and self.is_work:
            parts.append(f"set {self.set_number} of {self.sets}")
        return " · ".join(parts)


@dataclass(frozen=True)
class Timeline:
    """A routine expanded: every segment and every cue, in order."""

    routine: Routine
    segments: tuple[Segment, ...]
    cues: tuple[Cue, ...]
    """Every cue, by planned time; the finish cue is last."""
    finish_cue: Cue
    total: float
    """Planned seconds from start to finish (open segments count as 0 s)."""
    _by_segment: dict[int, tuple[Cue, ...]] = field(repr=False, compare=False)

    def cues_of(self, segment: int) -> tuple[Cue, ...]:
        """The cues of one segment (not the finish cue), by planned time."""
        return self._by_segment.get(segment, ())

    @property
    def work_segments(self) -> int:
        return sum(1 for seg in self.segments if seg.is_work)


def finish_words(seconds: float, *, well_done: bool = True) -> str:
    """The closing line, for ``seconds`` of routine (the session says the time really
    spent); a routine mostly skipped is not told "well done"."""
    if well_done:
        return f"Done. Well done, that was {say_length(seconds)}."
    return f"The end. That was {say_length(seconds)}."


class _Builder:
    def __init__(self, routine: Routine) -> None:
        self.routine = routine
        self.segments: list[Segment] = []
        self.cues: list[Cue] = []
        self.offset = 0.0

    def segment(self, **fields: object) -> Segment:
        seg = Segment(index=len(self.segments), start=self.offset, **fields)  # type: ignore[arg-type]
        self.segments.append(seg)
        self.offset += seg.duration or 0.0
        return seg

    def cue(
        self,
        seg: Segment,
        kind: CueKind,
        text: str,
        *,
        anchor: Anchor = "start",
        offset: float = 0.0,
        count: int | None = None,
    ) -> None:
        planned = offset if anchor == "start" else (seg.duration or 0.0) - offset
        self.cues.append(
            Cue(
                id=len(self.cues),
                segment=seg.index,
                kind=kind,
                text=text,
                priority=PRIORITY[kind],
                anchor=anchor,
                offset=offset,
                at=seg.start + planned,
                count=count,
            )
        )

    def countdown(self, seg: Segment) -> None:
        if seg.duration is None:
            return
        for n in range(self.routine.cues.countdown, 0, -1):
            if n < seg.duration:
                self.cue(seg, CueKind.COUNTDOWN, str(n), anchor="end", offset=n, count=n)


def _start_text(step: Step, side: Side | None, set_number: int) -> tuple[CueKind, str]:
    side_words = f", {side} side" if side else ""
    reps = f" {step.reps} reps." if step.reps else ""
    if set_number == 1:
        if not side:
            text = step.spoken
        elif step.say:
            text = f"{step.say} {side.capitalize()} side first."
        else:
            more = f" {step.instructions}" if step.instructions else ""
            text = f"{step.name}{side_words}.{more}"
        if reps and not text.endswith((".", "!", "?")):
            text += "."
        return CueKind.START, text + reps
    if set_number == step.sets:
        return CueKind.LAST_SET, f"Last set. {step.name}{side_words}.{reps}"
    return CueKind.START, f"Set {set_number} of {step.sets}. {step.name}{side_words}.{reps}"


def build_timeline(routine: Routine) -> Timeline:
    """Expand a routine into its timeline. Pure and deterministic."""
    b = _Builder(routine)
    steps = routine.steps
    settings = routine.cues
    if routine.prepare > 0:
        seg = b.segment(kind=SegmentKind.PREPARE, title="Get ready", duration=routine.prepare)
        b.cue(seg, CueKind.GET_READY, f"Get ready. First: {steps[0].name}.")
        b.countdown(seg)
    for step_index, step in enumerate(steps):
        following = steps[step_index + 1] if step_index + 1 < len(steps) else None
        rest_after = step.rest if following else 0.0
        sides: tuple[Side | None, ...] = ("left", "right") if step.sides else (None,)
        for set_number in range(1, step.sets + 1):
            for side in sides:
                seg = b.segment(
                    kind=SegmentKind.WORK,
                    title=step.name,
                    duration=step.duration,
                    step_index=step_index,
                    step=step,
                    side=side,
                    set_number=set_number,
                    sets=step.sets,
                    instructions=step.instructions,
                )
                if side == "right":
                    b.cue(seg, CueKind.SWITCH_SIDES, "Switch sides. Right side.")
                else:
                    kind, text = _start_text(step, side, set_number)
                    b.cue(seg, kind, text)
                _work_cues(b, seg, step)
                last_of_step = set_number == step.sets and side == sides[-1]
                if (
                    last_of_step
                    and following
                    and rest_after == 0
                    and settings.next_up
                    and step.duration is not None
                    and step.duration >= NEXT_UP_MIN_DURATION
                ):
                    b.cue(
                        seg,
                        CueKind.NEXT_UP,
                        f"Next up: {following.name}.",
                        anchor="end",
                        offset=float(settings.countdown + 3),
                    )
            if set_number < step.sets and step.set_rest > 0:
                seg = b.segment(
                    kind=SegmentKind.REST,
                    title="Rest",
                    duration=step.set_rest,
                    step_index=step_index,
                    step=step,
                    set_number=set_number,
                    sets=step.sets,
                )
                upcoming = set_number + 1
                what = "last set" if upcoming == step.sets else f"set {upcoming} of {step.sets}"
                b.cue(seg, CueKind.REST, f"Rest. Next: {what}.")
                b.countdown(seg)
        if following and rest_after > 0:
            seg = b.segment(kind=SegmentKind.REST, title="Rest", duration=rest_after)
            b.cue(seg, CueKind.REST, f"Rest. Next up: {following.name}.")
            b.countdown(seg)
    segments = _link_next_work(b.segments)
    total = b.offset
    finish = Cue(
        id=len(b.cues),
        segment=len(segments) - 1,
        kind=CueKind.FINISH,
        text=finish_words(total),
        priority=PRIORITY[CueKind.FINISH],
        anchor="end",
        offset=0.0,
        at=total,
    )
    ordered = sorted(b.cues, key=lambda c: (c.segment, c.at, -c.priority, c.id))
    by_segment: dict[int, list[Cue]] = {}
    for cue in ordered:
        by_segment.setdefault(cue.segment, []).append(cue)
    return Timeline(
        routine=routine,
        segments=segments,
        cues=(*ordered, finish),
        finish_cue=finish,
        total=total,
        _by_segment={index: tuple(cues) for index, cues in by_segment.items()},
    )


def _work_cues(b: _Builder, seg: Segment, step: Step) -> None:
    duration = step.duration
    if step.counts_reps and step.reps is not None and step.tempo is not None:
        for rep in range(2, step.reps + 1):
            b.cue(seg, CueKind.REP, str(rep), offset=(rep - 1) * step.tempo, count=rep)
    elif duration is not None:
        b.countdown(seg)
    if duration is not None and b.routine.cues.halfway and duration >= HALFWAY_MIN_DURATION:
        b.cue(seg, CueKind.HALFWAY, "Halfway.", offset=duration / 2)
    for extra in step.cues:
        if extra.anchor == "end":
            b.cue(seg, CueKind.CUSTOM, extra.say, anchor="end", offset=extra.value)
        elif extra.anchor == "percent" and duration is not None:
            b.cue(seg, CueKind.CUSTOM, extra.say, offset=duration * extra.value / 100)
        else:
            b.cue(seg, CueKind.CUSTOM, extra.say, offset=extra.value)


def _link_next_work(segments: list[Segment]) -> tuple[Segment, ...]:
    linked: list[Segment] = []
    next_work: int | None = None
    for seg in reversed(segments):
        linked.append(replace(seg, next_work=next_work))
        if seg.is_work:
            next_work = seg.index
    return tuple(reversed(linked))
