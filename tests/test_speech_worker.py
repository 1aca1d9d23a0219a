"""The speech process, seen from the app: real child processes running stand-in engines that
are slow, hang, crash or cannot start (``tests/speech_fakes.py``)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from coach.speech import RenderResult, SayUpdate, Speech, VoiceSpec

FAKES = Path(__file__).with_name("speech_fakes.py")
SPEC = VoiceSpec()


class Results:
    """Collects callbacks and lets a test wait for them."""

    def __init__(self) -> None:
        self.renders: list[RenderResult] = []
        self.says: list[SayUpdate] = []
        self.done_at: list[float] = []
        self._changed = threading.Condition()

    def render(self, result: RenderResult) -> None:
        with self._changed:
            self.renders.append(result)
            self.done_at.append(time.monotonic())
            self._changed.notify_all()

    def say(self, update: SayUpdate) -> None:
        with self._changed:
            self.says.append(update)
            self._changed.notify_all()

    @property
    def ended(self) -> list[SayUpdate]:
        """Updates that end an utterance (said, dropped, failed)."""
        return [u for u in self.says if u.state != "speaking"]

    def wait(self, renders: int = 0, says: int = 0, ended: int = 0, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.renders) < renders or len(self.says) < says or len(self.ended) < ended:
                left = deadline - time.monotonic()
                assert left > 0, f"waited for {renders} renders, {says} says: {self.__dict__}"
                self._changed.wait(left)


def make_speech(tmp_path: Path, name: str = "engine", **kwargs: object) -> Speech:
    env = dict(os.environ)
    env.update(kwargs.pop("env", {}))  # type: ignore[arg-type]
    speech = Speech(
        cache_dir=tmp_path / "cache",
        engine=f"{FAKES}:{name}",
        env=env,
        **kwargs,  # type: ignore[arg-type]
    )
    speech.start()
    return speech


@pytest.fixture
def speeches() -> Iterator[list[Speech]]:
    made: list[Speech] = []
    yield made
    for speech in made:
        speech.close()


def test_renders_arrive_in_order_and_are_cached(tmp_path: Path, speeches: list[Speech]) -> None:
    speech = make_speech(tmp_path)
    speeches.append(speech)
    results = Results()
    texts = ["Get ready.", "Chin tucks.", "Halfway.", "Get ready."]
    keys = [speech.render(text, SPEC, results.render) for text in texts]
    results.wait(renders=4)
    # In the order asked; the repeat is the same render, answered with the first.
    assert [r.text for r in results.renders] == ["Get ready.", "Get ready.", *texts[1:3]]
    assert all(r.path is not None and r.path.stat().st_size > 44 for r in results.renders)
    assert keys[0] == keys[3]
    assert results.renders[0].path == results.renders[1].path
    halfway = results.renders[3]
    assert speech.startup_seconds is not None and speech.available is True
    # A new process for the same cache renders nothing: the files are found on disk.
    again = make_speech(tmp_path)
    speeches.append(again)
    cached = Results()
    again.render("Halfway.", SPEC, cached.render)
    cached.wait(renders=1)
    assert cached.renders[0].path == halfway.path
    assert cached.renders[0].seconds == 0.0
    # The cache key holds the voice, rate and volume.
    assert speech.cached("Halfway.", VoiceSpec(rate=120)) is None


def test_live_speech_jumps_the_render_queue(tmp_path: Path, speeches: list[Speech]) -> None:
    speech = make_speech(tmp_path, env={"FAKE_SPEECH_DELAY": "0.15"})
    speeches.append(speech)
    assert speech.wait_ready(10)
    results = Results()
    for n in range(8):
        speech.render(f"Step {n}.", SPEC, results.render)
    speech.say("Switch sides.", SPEC, callback=results.say)
    results.wait(renders=8, says=2)
    assert [u.state for u in results.says] == ["speaking", "said"]
    speaking = results.says[0].at
    # Only the renders already handed over (two at a time) may finish before it.
    assert speaking < results.done_at[2]
    assert [r.text for r in results.renders] == [f"Step {n}." for n in range(8)]


def test_a_crash_is_survived_and_the_work_carries_on(
    tmp_path: Path, speeches: list[Speech]
) -> None:
    speech = make_speech(tmp_path)
    speeches.append(speech)
    assert speech.wait_ready(10)
    results = Results()
    speech.say("CRASH now", SPEC, callback=results.say)
    speech.render("Rest. Next up: bridge.", SPEC, results.render)
    results.wait(renders=1, ended=1)
    assert [(u.state, u.reason) for u in results.ended] == [("dropped", "the speech process ended")]
    assert results.renders[0].path is not None
    assert speech.processes_started == 2
    assert speech.available is True
    assert speech.status_line is None


def test_a_hung_render_is_given_up_and_the_rest_still_render(
    tmp_path: Path, speeches: list[Speech]
) -> None:
    speech = make_speech(tmp_path, render_timeout=0.5)
    speeches.append(speech)
    results = Results()
    speech.render("HANG here", SPEC, results.render)
    speech.render("Halfway.", SPEC, results.render)
    speech.render("Switch sides.", SPEC, results.render)
    results.wait(renders=3)
    by_text = {r.text: r for r in results.renders}
    assert by_text["HANG here"].path is None
    assert by_text["HANG here"].error == "the engine hung"
    assert by_text["Halfway."].path is not None
    assert by_text["Switch sides."].path is not None
    assert speech.processes_started == 2


def test_repeated_failures_turn_speech_off_with_one_line(
    tmp_path: Path, speeches: list[Speech]
) -> None:
    speech = make_speech(tmp_path, max_failures=2)
    speeches.append(speech)
    assert speech.wait_ready(10)
    results = Results()
    for n in range(3):
        speech.say(f"CRASH {n}", SPEC, callback=results.say)
        results.wait(ended=n + 1)
    deadline = time.monotonic() + 10
    while speech.available is not False and time.monotonic() < deadline:
        time.sleep(0.02)
    assert speech.available is False
    line = speech.status_line
    assert line is not None and "\n" not in line
    assert line.startswith("No voice: the speech engine failed 3 times")
    # Everything after is answered at once, as not possible.
    speech.render("Halfway.", SPEC, results.render)
    speech.say("Halfway.", SPEC, callback=results.say)
    results.wait(renders=1, ended=4)
    assert results.renders[0].path is None
    assert results.ended[-1].state == "failed"


def test_an_engine_that_cannot_start_says_so_once(tmp_path: Path, speeches: list[Speech]) -> None:
    speech = make_speech(tmp_path, "broken")
    speeches.append(speech)
    assert speech.wait_ready(10) is False
    assert speech.status_line == (
        "No voice: the speech engine needs espeak-ng (on Debian/Ubuntu: apt install espeak-ng)."
        " Cues are shown as captions."
    )
    assert speech.processes_started == 1
    results = Results()
    speech.render("Get ready.", SPEC, results.render)
    results.wait(renders=1)
    assert results.renders[0].error is not None


def test_stop_cuts_live_speech_and_a_new_process_takes_over(
    tmp_path: Path, speeches: list[Speech]
) -> None:
    speech = make_speech(tmp_path, env={"FAKE_SPEECH_SAY_SECONDS": "30"})
    speeches.append(speech)
    assert speech.wait_ready(10)
    results = Results()
    speech.say("A long instruction.", SPEC, callback=results.say)
    speech.say("Waiting behind it.", SPEC, callback=results.say)
    results.wait(says=1)
    assert results.says[0].state == "speaking"
    began = time.monotonic()
    speech.stop()
    assert time.monotonic() - began < 0.1, "stop() returns at once"
    results.wait(says=3)
    assert sorted((u.id, u.state, u.reason) for u in results.says[1:]) == [
        (results.says[0].id, "dropped", "stopped"),
        (results.says[0].id + 1, "dropped", "stopped"),
    ]
    speech.render("Switch sides.", SPEC, results.render)
    results.wait(renders=1)
    assert results.renders[0].path is not None
    assert speech.processes_started == 2


def test_stale_live_speech_is_dropped_not_spoken_late(
    tmp_path: Path, speeches: list[Speech]
) -> None:
    speech = make_speech(tmp_path, env={"FAKE_SPEECH_DELAY": "0.4"})
    speeches.append(speech)
    assert speech.wait_ready(10)
    results = Results()
    speech.render("Busy rendering.", SPEC, results.render)
    time.sleep(0.05)  # let the render reach the engine, which now takes 0.4 s on it
    speech.say("Halfway.", SPEC, expires=time.monotonic() + 0.1, callback=results.say)
    results.wait(renders=1, says=1)
    assert [(u.state, u.reason) for u in results.says] == [("dropped", "stale")]


def test_voices_are_listed(tmp_path: Path, speeches: list[Speech]) -> None:
    speech = make_speech(tmp_path)
    speeches.append(speech)
    voices = speech.list_voices(10)
    assert voices is not None
    assert [(v.id, v.languages) for v in voices] == [("fake/en", ("en",)), ("fake/de", ())]


def test_nothing_from_the_process_reaches_our_stdout_or_stderr(
    tmp_path: Path, speeches: list[Speech], capfd: pytest.CaptureFixture[str]
) -> None:
    speech = make_speech(tmp_path, "broken")
    speeches.append(speech)
    speech.wait_ready(10)
    speech.close()
    assert capfd.readouterr() == ("", "")
    log = (tmp_path / "cache" / "speech.log").read_text()
    assert "libespeak-ng.so.1" in log  # the traceback went to the log instead
