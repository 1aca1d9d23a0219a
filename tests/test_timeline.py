from coach.timeline import CueKind, SegmentKind

from .helpers import steps_toml, timeline

DESK = """
name = "Desk"
prepare = "5s"
[defaults]
kind = "stretch"
rest = "5s"
[[step]]
name = "Chin tucks"
duration = "30s"
instructions = "Glide your chin straight back."
[[step]]
name = "Seated twist"
duration = "20s"
sides = true
instructions = "Sit tall and turn."
[[step]]
name = "Bridge"
kind = "strength"
reps = 4
tempo = "3s"
sets = 2
set_rest = "10s"
"""


def test_segments_are_laid_end_to_end() -> None:
    tl = timeline(DESK)
    shape = [(s.kind, s.title, s.side, s.set_number, s.start, s.duration) for s in tl.segments]
    assert shape == [
        (SegmentKind.PREPARE, "Get ready", None, 1, 0, 5),
        (SegmentKind.WORK, "Chin tucks", None, 1, 5, 30),
        (SegmentKind.REST, "Rest", None, 1, 35, 5),
        (SegmentKind.WORK, "Seated twist", "left", 1, 40, 20),
        (SegmentKind.WORK, "Seated twist", "right", 1, 60, 20),
        (SegmentKind.REST, "Rest", None, 1, 80, 5),
        (SegmentKind.WORK, "Bridge", None, 1, 85, 12),
        (SegmentKind.REST, "Rest", None, 1, 97, 10),
        (SegmentKind.WORK, "Bridge", None, 2, 107, 12),
    ]
    assert tl.total == 119 == tl.routine.total
    assert [s.next_work for s in tl.segments] == [1, 3, 3, 4, 6, 6, 8, 8, None]


def test_every_cue_has_its_exact_offset_text_and_priority() -> None:
    tl = timeline(DESK)
    cues = [(c.at, c.kind, c.text) for c in tl.cues]
    assert cues[:9] == [
        (0, CueKind.GET_READY, "Get ready. First: Chin tucks."),
        (2, CueKind.COUNTDOWN, "3"),
        (3, CueKind.COUNTDOWN, "2"),
        (4, CueKind.COUNTDOWN, "1"),
        (5, CueKind.START, "Chin tucks. Glide your chin straight back."),
        (32, CueKind.COUNTDOWN, "3"),
        (33, CueKind.COUNTDOWN, "2"),
        (34, CueKind.COUNTDOWN, "1"),
        (35, CueKind.REST, "Rest. Next up: Seated twist."),
    ]
    by_kind = {(c.kind, c.at): c.text for c in tl.cues}
    assert by_kind[(CueKind.START, 40)] == "Seated twist, left side. Sit tall and turn."
    assert by_kind[(CueKind.SWITCH_SIDES, 60)] == "Switch sides. Right side."
    assert by_kind[(CueKind.START, 85)] == "Bridge. 4 reps."
    # Timed reps are counted on the tempo instead of a countdown.
    assert [(c.at, c.text) for c in tl.cues if c.kind is CueKind.REP][:3] == [
        (88, "2"),
        (91, "3"),
        (94, "4"),
    ]
    assert by_kind[(CueKind.REST, 97)] == "Rest. Next: last set."
    assert by_kind[(CueKind.LAST_SET, 107)] == "Last set. Bridge. 4 reps."
    assert tl.cues[-1] is tl.finish_cue
    assert tl.finish_cue.at == 119
    assert tl.finish_cue.text == "Done. Well done, that was 1 minute and 59 seconds."
    start = next(c for c in tl.cues if c.kind is CueKind.START)
    tick = next(c for c in tl.cues if c.kind is CueKind.COUNTDOWN)
    assert start.priority > tick.priority


def test_halfway_next_up_and_extra_cues() -> None:
    tl = timeline(
        """
        name = "Cues"
        prepare = 0
        [cues]
        halfway = true
        countdown = 2
        [[step]]
        name = "Hold"
        kind = "stretch"
        duration = "40s"
          [[step.cue]]
          at = "25%"
          say = "Breathe"
          [[step.cue]]
          at = "-8s"
          say = "Nearly"
          [[step.cue]]
          at = "12s"
          say = "Twelve"
        [[step]]
        name = "Short"
        kind = "stretch"
        duration = "10s"
        [[step]]
        name = "Last"
        kind = "stretch"
        duration = "30s"
        """
    )
    hold = [(c.at, c.kind.value, c.text) for c in tl.cues_of(0)]
    assert hold == [
        (0, "start", "Hold"),
        (10, "custom", "Breathe"),
        (12, "custom", "Twelve"),
        (20, "halfway", "Halfway."),
        (32, "custom", "Nearly"),
        (35, "next_up", "Next up: Short."),
        (38, "countdown", "2"),
        (39, "countdown", "1"),
    ]
    # Too short for "next up" or "halfway".
    assert [c.kind.value for c in tl.cues_of(1)] == ["start", "countdown", "countdown"]


def test_countdown_off_and_open_steps() -> None:
    tl = timeline(
        """
        name = "Open"
        [cues]
        countdown = 0
        [[step]]
        name = "Dead bug"
        kind = "strength"
        reps = 8
        sides = true
        [[step]]
        name = "Hold"
        kind = "stretch"
        duration = 20
        """
    )
    assert [s.duration for s in tl.segments] == [5, None, None, 20]
    assert [c.kind.value for c in tl.cues] == [
        "get_ready",
        "start",
        "switch_sides",
        "start",
        "finish",
    ]
    assert tl.segments[1].reps == 8
    assert tl.total == 25


def test_one_step_and_five_hundred() -> None:
    one = timeline(steps_toml(1))
    assert len(one.segments) == 1 and one.total == 10
    many = timeline(steps_toml(500))
    assert len(many.segments) == 500
    assert many.total == 5000
    assert many.segments[-1].start == 4990
    ids = [c.id for c in many.cues]
    assert len(ids) == len(set(ids))
