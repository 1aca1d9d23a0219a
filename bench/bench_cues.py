"""Voice and sound benchmark: how close to its moment each cue starts.

Run by hand (never as a test: shared machines are noisy):

    .venv/bin/python -m bench.bench_cues [--steps 6] [--routine PATH]

It measures, on miniaudio's null backend (which pulls audio at the real pace without a sound
card) and the real speech process (pyttsx3 + espeak-ng):

- latency from a cue's scheduled moment to its sound starting (the audio callback pulling
  its first frames): budget under 20 ms worst case;
- the onset error of pre-rendered speech against its moment: budget under 30 ms worst case;
- with no audio device, the latency to the engine being handed live speech: under 20 ms;
- the time ``Cues.on_events`` takes on the calling (UI) thread;
- the speech process's start-up time;
- how far ahead rendering runs on the longest built-in routine (cold cache).

Each moment is the session's own: the monotonic time the cue was due, so every delay counts
the timer loop waking, the adapter, and the wait for the next audio period.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import miniaudio

from coach.clock import MonotonicClock
from coach.cues import CueRecord, Cues, Outcome
from coach.plain import run_plain
from coach.resources import builtin_routines_dir
from coach.routine import Routine, load_routine, parse_routine
from coach.session import Event
from coach.sound import PERIOD_MS, MixingPlayer, SilentPlayer, open_player
from coach.speech import RenderResult, Speech, VoiceSpec
from coach.timeline import CueKind, Timeline, build_timeline

ROOT = Path(__file__).resolve().parent.parent


def row(name: str, value: str, budget: str = "") -> None:
    print(f"{name:<52} {value:>16}  {budget}")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def spread(values: Sequence[float]) -> str:
    if not values:
        return "n/a"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    median = statistics.median(ordered)
    return f"{median * 1000:.1f} / {p95 * 1000:.1f} / {ordered[-1] * 1000:.1f} ms"


def verdict(worst: float | None, budget_ms: float) -> str:
    if worst is None:
        return f"budget < {budget_ms:g} ms: no samples"
    return f"budget < {budget_ms:g} ms: " + ("ok" if worst * 1000 < budget_ms else "OVER")


def bench_routine(steps: int) -> Timeline:
    parts = ['name = "Bench"\nprepare = "4s"\n[defaults]\nkind = "stretch"\nrest = "3s"\n']
    parts.append("[cues]\ncountdown = 3\n")
    names = ["Chin tucks", "Shoulder rolls", "Cat cow", "Seated twist", "Neck stretch"]
    for n in range(steps):
        name = names[n % len(names)]
        parts.append(
            f'[[step]]\nname = "{name} {n + 1}"\nduration = "5s"\n'
            'instructions = "Breathe out and move slowly."\n'
        )
    return build_timeline(parse_routine("\n".join(parts), routine_id="bench"))


def follow(timeline: Timeline, cues: Cues) -> list[float]:
    """Run the routine in real time through plain mode's loop; the on_events call times."""
    listen = cues.listener()
    costs: list[float] = []

    def timed(events: Sequence[Event], now: float) -> None:
        began = time.perf_counter()
        listen(events, now)
        costs.append(time.perf_counter() - began)

    run_plain(timeline, clock=MonotonicClock(), out=io.StringIO(), listeners=[timed])
    cues.drain(0.2)
    return costs


def delays(records: Sequence[CueRecord], pick: Callable[[CueRecord], float | None]) -> list[float]:
    return [value for record in records if (value := pick(record)) is not None]


def sound_delay(record: CueRecord) -> float | None:
    sound = record.sound
    if sound is None or sound.started_at is None:
        return None
    return sound.started_at - record.moment


def speech_delay(record: CueRecord) -> float | None:
    speech = record.speech
    if speech is None or speech.started_at is None:
        return None
    return speech.started_at - record.moment


def live_delay(record: CueRecord) -> float | None:
    return None if record.live_at is None else record.live_at - record.moment


def bench_startup(runs: int) -> None:
    times = []
    with tempfile.TemporaryDirectory() as cache:
        for _ in range(runs):
            speech = Speech(cache_dir=Path(cache))
            began = time.monotonic()
            speech.start()
            if not speech.wait_ready(60):
                row("speech process start-up", "failed", speech.status_line or "")
                return
            times.append(time.monotonic() - began)
            speech.close()
    row("speech process start-up (launch to ready): first", ms(times[0]))
    row(
        f"  median / worst of the next {runs - 1}",
        f"{ms(statistics.median(times[1:]))} / {ms(max(times[1:]))}",
    )


def longest_routine(explicit: Path | None) -> tuple[Routine, str]:
    if explicit is not None:
        return load_routine(explicit), str(explicit)
    found = [load_routine(p) for p in sorted(builtin_routines_dir().glob("*.toml"))]
    if found:
        routine = max(found, key=lambda r: (r.total, len(r.steps)))
        return routine, f"built-in {routine.id}"
    fallback = ROOT / "tests" / "data" / "valid" / "everything.toml"
    return load_routine(fallback), "no built-in routines yet: tests/data/valid/everything.toml"


def bench_render_ahead(explicit: Path | None) -> None:
    routine, label = longest_routine(explicit)
    timeline = build_timeline(routine)
    spec = VoiceSpec()
    with tempfile.TemporaryDirectory() as cache:
        speech = Speech(cache_dir=Path(cache))
        speech.start()
        if not speech.wait_ready(60):
            row("render ahead", "speech failed", speech.status_line or "")
            return
        ready: dict[str, float] = {}
        done = threading.Event()
        texts = list(dict.fromkeys(cue.text for cue in timeline.cues))

        def got(result: RenderResult) -> None:
            ready[result.text] = time.monotonic() if result.path else float("nan")
            if len(ready) == len(texts):
                done.set()

        began = time.monotonic()  # the routine "starts" as the adapter asks for its renders
        for text in texts:
            speech.render(text, spec, got)
        done.wait(300)
        speech.close()
    leads = [(cue.at - (ready[cue.text] - began), cue) for cue in timeline.cues]
    first_segment = [lead for lead, cue in leads if cue.segment == 0]
    later = [(lead, cue) for lead, cue in leads if cue.segment > 0]
    row(f"render ahead: {label}", f"{len(texts)} texts")
    row("  routine length, cues", f"{timeline.total:.0f} s, {len(timeline.cues)}")
    row("  all rendered after (cold cache)", ms(max(ready.values()) - began))
    row("  first segment's cues ready after", ms(max(-lead for lead in first_segment)))
    if later:
        lead, cue = min(later, key=lambda item: item[0])
        row("  least lead after that (cue at, ahead by)", f"{cue.at:.0f} s, {lead:.1f} s")


def bench_timing(steps: int) -> None:
    timeline = bench_routine(steps)
    row(f"bench routine: {steps} steps", f"{timeline.total:.0f} s, {len(timeline.cues)} cues")
    with tempfile.TemporaryDirectory() as cache:
        speech = Speech(cache_dir=Path(cache))
        speech.start()
        speech.wait_ready(60)
        player = open_player(backends=[miniaudio.Backend.NULL])
        assert isinstance(player, MixingPlayer), player.status_line
        cues = Cues(timeline, player=player, speech=speech)
        cues.wait_prepared(60, seconds=timeline.total)
        costs = follow(timeline, cues)
        records = list(cues.records.values())
        cues.close()
        player.close()

        sounds = delays(records, sound_delay)
        spoken = delays(records, speech_delay)
        row(
            "cue moment to sound start, median/p95/worst",
            spread(sounds),
            verdict(max(sounds, default=None), 20),
        )
        row(
            "cue moment to rendered speech start",
            spread(spoken),
            verdict(max(spoken, default=None), 30),
        )
        row("  (audio period, included above)", f"{PERIOD_MS} ms")
        outcomes = statistics.multimode([r.outcome.value for r in records])
        counts = {o: sum(1 for r in records if r.outcome is o) for o in Outcome}
        row(
            "  outcomes",
            ", ".join(f"{o.value} {n}" for o, n in counts.items() if n),
            f"(most: {outcomes[0]})",
        )
        row("on_events on the caller's thread, median/p95/worst", spread(costs))

        # No audio device: every spoken cue goes to the engine live.
        live_cues = Cues(timeline, player=SilentPlayer("bench"), speech=speech, sounds=False)
        follow(timeline, live_cues)
        live_cues.drain(1.0)
        live = delays(list(live_cues.records.values()), live_delay)
        row(
            "no device: cue moment to engine handed the words",
            spread(live),
            verdict(max(live, default=None), 20),
        )
        skipped = [
            r
            for r in live_cues.records.values()
            if r.cue.kind is not CueKind.COUNTDOWN and r.outcome is not Outcome.LIVE
        ]
        row("  words not handed over (overlap or stale)", str(len(skipped)))
        live_cues.close()
        speech.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=6, help="steps in the timing routine")
    parser.add_argument("--routine", type=Path, help="routine for the render-ahead run")
    parser.add_argument("--startup-runs", type=int, default=6)
    args = parser.parse_args()
    print(f"{'measure':<52} {'value':>16}  budget")
    bench_startup(args.startup_runs)
    bench_render_ahead(args.routine)
    bench_timing(args.steps)


if __name__ == "__main__":
    main()
