"""Real speech: pyttsx3 and espeak-ng in the speech process, rendering cues to WAV files."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from textwrap import dedent

import pytest

from coach.resources import builtin_routines_dir
from coach.routine import load_routine, parse_routine
from coach.sound import Sound, load_sound, trim_silence
from coach.speech import RenderResult, SayUpdate, Speech, VoiceSpec
from coach.timeline import CueKind, build_timeline

pytestmark = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng is not installed (./dev installs it)"
)

ROUTINE = dedent(
    """
    name = "Desk break"
    prepare = "5s"
    [defaults]
    kind = "stretch"
    rest = "5s"
    [cues]
    halfway = true
    [[step]]
    name = "Chin tucks"
    duration = "30s"
    instructions = "Glide your chin straight back, hold, release."
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
)


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Speech]:
    engine = Speech(cache_dir=tmp_path_factory.mktemp("speech-cache"))
    engine.start()
    assert engine.wait_ready(30), engine.status_line
    yield engine
    engine.close()


def render_all(speech: Speech, texts: list[str], spec: VoiceSpec) -> list[RenderResult]:
    results: dict[str, RenderResult] = {}
    done = threading.Event()

    def got(result: RenderResult) -> None:
        results[result.text] = result
        if len(results) == len(set(texts)):
            done.set()

    for text in texts:
        speech.render(text, spec, got)
    assert done.wait(60), "renders did not finish"
    return [results[text] for text in texts]


def rms(sound: Sound) -> float:
    samples = sound.samples
    return math.sqrt(sum(s * s for s in samples) / len(samples)) if samples else 0.0


def words(text: str) -> int:
    return len(text.replace(".", " ").replace(",", " ").split())


def test_every_cue_of_a_routine_renders_non_silent_and_of_plausible_length(
    speech: Speech,
) -> None:
    timeline = build_timeline(parse_routine(ROUTINE, routine_id="desk"))
    texts = list(dict.fromkeys(cue.text for cue in timeline.cues))
    assert len(texts) >= 15
    spec = VoiceSpec(rate=170)
    for result in render_all(speech, texts, spec):
        assert result.path is not None, result.error
        voice = trim_silence(load_sound(result.path))
        assert rms(voice) > 1000, f"{result.text!r} is (nearly) silent"
        # At 170 words a minute a word takes ~0.35 s; espeak reads numbers and pauses at
        # full stops, so allow a wide band, but one that a wrong file cannot hit.
        expected = words(result.text) * 60 / spec.rate
        assert 0.4 * expected <= voice.duration <= 2.0 * expected + 0.4, (
            result.text,
            voice.duration,
        )


def test_the_cues_of_every_built_in_routine_render(speech: Speech) -> None:
    timelines = [
        build_timeline(load_routine(p)) for p in sorted(builtin_routines_dir().glob("*.toml"))
    ]
    texts = list(dict.fromkeys(cue.text for timeline in timelines for cue in timeline.cues))
    assert len(texts) > 50
    spec = VoiceSpec(rate=170)
    seconds: dict[str, float] = {}
    for result in render_all(speech, texts, spec):
        assert result.path is not None, result.error
        voice = trim_silence(load_sound(result.path))
        expected = words(result.text) * 60 / spec.rate
        assert rms(voice) > 1000, result.text
        assert 0.4 * expected <= voice.duration <= 2.0 * expected + 0.4, (
            result.text,
            voice.duration,
        )
        seconds[result.text] = voice.duration
    # One voice at a time: a step's opening words must be over before the step's own later
    # cues (rep counts, "halfway", the routine's extra cues, "next up"), or those are lost.
    inside = (CueKind.REP, CueKind.HALFWAY, CueKind.CUSTOM, CueKind.NEXT_UP)
    for timeline in timelines:
        for segment in timeline.segments:
            cues = timeline.cues_of(segment.index)
            opening = [
                c for c in cues if c.anchor == "start" and c.offset == 0 and c.kind not in inside
            ]
            later = [c for c in cues if c.kind in inside]
            if not opening or not later or segment.duration is None:
                continue
            first = min(c.at - segment.start for c in later)
            spoken = seconds[opening[0].text]
            assert spoken < first, (
                f"{timeline.routine.id}: {segment.label}: {opening[0].text!r} lasts "
                f"{spoken:.1f} s, but the step's next cue comes {first:g} s in"
            )


def test_back_to_back_renders_each_hold_their_own_words(speech: Speech) -> None:
    """Renders asked for in a burst never swap audio (pyttsx3 #219 made them, before the
    process waited for each one to finish)."""
    texts = ["One.", "Lie on your back and hug one knee gently to your chest.", "Two."] * 3
    texts = [f"{text} ({n})" for n, text in enumerate(texts)]
    lengths = {
        r.text: trim_silence(load_sound(r.path)).duration
        for r in render_all(speech, texts, VoiceSpec(rate=200))
        if r.path is not None
    }
    assert len(lengths) == len(texts)
    for n in range(0, len(texts), 3):
        short_one, long_one, short_two = (lengths[texts[n + i]] for i in range(3))
        assert long_one > 2 * max(short_one, short_two)


def test_the_first_render_of_a_new_process_keeps_its_rate(tmp_path: Path) -> None:
    """espeak resets the rate as it loads its voice on the first utterance; the process
    warms up first, so the first cue of a routine is not read at the default speed."""
    fresh = Speech(cache_dir=tmp_path)
    fresh.start()
    try:
        first, later = render_all(fresh, ["Halfway.", "Halfway!"], VoiceSpec(rate=120))
    finally:
        fresh.close()
    assert first.path is not None and later.path is not None
    one, two = (trim_silence(load_sound(r.path)).duration for r in (first, later))
    assert abs(one - two) < 0.15 * two, (one, two)


def test_rate_and_volume_change_the_rendered_speech(speech: Speech) -> None:
    text = "Breathe out as you turn a little further."
    slow, fast, quiet = (
        render_all(speech, [text] * 1, VoiceSpec(rate=120))
        + render_all(speech, [text], VoiceSpec(rate=300))
        + render_all(speech, [text], VoiceSpec(rate=300, volume=0.3))
    )
    sounds = [trim_silence(load_sound(r.path)) for r in (slow, fast, quiet) if r.path]
    assert len(sounds) == 3
    assert sounds[0].duration > 1.8 * sounds[1].duration
    assert rms(sounds[2]) < 0.5 * rms(sounds[1])


def test_the_engine_lists_its_voices(speech: Speech) -> None:
    voices = speech.list_voices(30)
    assert voices is not None
    ids = {voice.id for voice in voices}
    assert "gmw/en" in ids or any(i.startswith("gmw/en") for i in ids)


def test_live_speech_is_handed_over_without_a_word_on_our_stderr(
    speech: Speech, capfd: pytest.CaptureFixture[str]
) -> None:
    updates: list[SayUpdate] = []
    done = threading.Event()

    def got(update: SayUpdate) -> None:
        updates.append(update)
        if update.state != "speaking":
            done.set()

    speech.say("Switch sides.", VoiceSpec(), callback=got)
    assert done.wait(30)
    assert [u.state for u in updates] == ["speaking", "said"]
    # aplay fails here (no sound card) and prints ALSA errors: in the child, never here.
    assert capfd.readouterr() == ("", "")


def test_live_speech_reaches_aplay_even_after_a_render(tmp_path: Path) -> None:
    """pyttsx3's espeak driver plays live speech with ``aplay FILE``; a stand-in aplay keeps
    what it is given. After a render, the driver would save the words to the render's file
    instead of playing them, unless the process makes it forget that file."""
    bin_dir, heard = tmp_path / "bin", tmp_path / "heard"
    bin_dir.mkdir()
    heard.mkdir()
    aplay = bin_dir / "aplay"
    aplay.write_text(f'#!/bin/sh\ncp "$1" "{heard}/$(date +%s%N).wav"\n', encoding="utf-8")
    aplay.chmod(0o755)
    path = f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"
    fresh = Speech(cache_dir=tmp_path / "cache", env={**os.environ, "PATH": path})
    fresh.start()
    try:
        [rendered] = render_all(fresh, ["Halfway."], VoiceSpec())
        assert rendered.path is not None
        updates: list[SayUpdate] = []
        done = threading.Event()

        def got(update: SayUpdate) -> None:
            updates.append(update)
            if update.state != "speaking":
                done.set()

        fresh.say("Switch sides. Right side.", VoiceSpec(), callback=got)
        assert done.wait(30)
    finally:
        fresh.close()
    assert [u.state for u in updates] == ["speaking", "said"]
    [played] = heard.glob("*.wav")
    voice = trim_silence(load_sound(played))
    assert rms(voice) > 1000
    assert voice.duration > 2 * trim_silence(load_sound(rendered.path)).duration
    assert sorted(p.name for p in rendered.path.parent.iterdir()) == [rendered.path.name]


def coach(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coach", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COACH_HOME": str(home)},
    )


def test_coach_say_to_a_file_and_coach_voices(tmp_path: Path) -> None:
    out = tmp_path / "line.wav"
    result = coach("say", "Rest. Next up: bridge.", "--to", str(out), home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"wrote {out}: ")
    assert rms(trim_silence(load_sound(out))) > 1000
    listed = coach("voices", "en-us", home=tmp_path / "home")
    assert listed.returncode == 0, listed.stderr
    assert "gmw/en-us" in listed.stdout
    none = coach("voices", "no-such-language-xyz", home=tmp_path / "home")
    assert none.returncode == 1
