"""The speech process: ``python -m coach.speech_worker [--engine MODULE:FACTORY]``.

It owns the pyttsx3 engine on its main thread (macOS wants that; and a hung, slow or
crashing engine here never holds up the app's timer or screen). Requests arrive as JSON
lines on stdin, replies leave as JSON lines on the original stdout; the process's own
stdout and stderr point elsewhere, because pyttsx3 prints ("Audio saved to ...") and its
live playback runs ``aplay``, whose ALSA errors would otherwise reach the screen.

Requests (``id`` is the parent's number for the request):

- ``{"op": "render", "id", "text", "voice", "rate", "volume", "path"}``: speech to a WAV
  file at ``path`` (written to a temporary name, then renamed, so a file that exists is
  whole). Replies ``begin`` as the engine takes it up, then ``rendered`` (with ``seconds``
  it took) or ``error``.
- ``{"op": "say", "id", "text", "voice", "rate", "volume", "expires"}``: speak live, unless
  the monotonic clock (system-wide) is already past ``expires``. Replies ``speaking`` (with
  ``at``, the moment the engine was handed the text) then ``said``; or ``dropped``.
- ``{"op": "voices", "id"}``: replies ``voices``.
- ``{"op": "quit"}``, or the end of stdin: exit.

Requests to speak or list voices jump the queue of renders. The first line out is ``ready``
(``ok`` false with ``error`` when the engine cannot start; the process then exits).
"""

from __future__ import annotations

import argparse
import collections
import importlib
import importlib.util
import json
import os
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO, cast

from coach.paths import private_folder

URGENT = frozenset({"say", "voices", "quit"})


class Inbox:
    """Requests from the parent: urgent ones (speak, voices, quit) before renders."""

    def __init__(self) -> None:
        self._urgent: collections.deque[dict[str, Any]] = collections.deque()
        self._renders: collections.deque[dict[str, Any]] = collections.deque()
        self._ready = threading.Condition()

    def put(self, request: dict[str, Any]) -> None:
        with self._ready:
            if request.get("op") in URGENT:
                self._urgent.append(request)
            else:
                self._renders.append(request)
            self._ready.notify()

    def get(self) -> dict[str, Any]:
        with self._ready:
            while not self._urgent and not self._renders:
                self._ready.wait()
            return self._urgent.popleft() if self._urgent else self._renders.popleft()


def read_requests(stream: TextIO, inbox: Inbox) -> None:
    """Feed ``inbox`` from ``stream`` until it ends (the parent went away: quit)."""
    for line in stream:
        try:
            request = json.loads(line)
        except ValueError:
            print(f"speech worker: not a request: {line!r}", file=sys.stderr)
            continue
        if isinstance(request, dict):
            inbox.put(request)
    inbox.put({"op": "quit"})


def load_factory(spec: str | None) -> Callable[[], Any]:
    """The engine factory: pyttsx3's by default, else ``module:name`` or ``file.py:name``."""
    if not spec:
        import pyttsx3

        return cast("Callable[[], Any]", pyttsx3.init)
    where, _, name = spec.rpartition(":")
    if not where or not name:
        raise ValueError(f"engine spec {spec!r} is not MODULE:NAME or FILE.py:NAME")
    if where.endswith(".py"):
        module_spec = importlib.util.spec_from_file_location("coach_speech_engine", where)
        if module_spec is None or module_spec.loader is None:
            raise ImportError(f"cannot load {where}")
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[module_spec.name] = module  # dataclasses look their module up there
        module_spec.loader.exec_module(module)
    else:
        module = importlib.import_module(where)
    factory = getattr(module, name)
    if not callable(factory):
        raise TypeError(f"{spec} is not callable")
    return cast("Callable[[], Any]", factory)


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


FINISH_WAIT = 120.0
"""Seconds to wait for the engine's "finished" news after ``runAndWait`` returns (the
parent's watchdog ends a hung process long before)."""
FINISH_GRACE = 0.05
"""The same when the file is already there (a driver that writes before it returns)."""
RENDER_ATTEMPTS = 2
"""A render the engine cut short is tried once more."""


def _is_espeak(engine: Any) -> bool:
    driver = getattr(getattr(engine, "proxy", None), "_driver", None)
    return type(driver).__module__ == "pyttsx3.drivers.espeak"


def _forget_save_file(engine: Any) -> None:
    """Make the next utterance speak, not save.

    pyttsx3 2.99's espeak driver never clears the file name ``save_to_file`` gave it: every
    later ``say`` is written to that file again instead of being spoken (here, to a render's
    temporary name, long since renamed into the cache).
    """
    driver = getattr(getattr(engine, "proxy", None), "_driver", None)
    if driver is not None and hasattr(driver, "_save_file"):
        driver._save_file = None


def _settler(engine: Any) -> Callable[[], None]:
    """What to call before each request so the engine starts it from rest.

    pyttsx3's espeak driver cancels the new request when espeak still counts as playing the
    last one (its ``stop()`` runs as each ``runAndWait`` begins), which happens for a moment
    after the "finished" news; the request then "finishes" at once, cut short, with an empty
    file. ``espeak_Synchronize`` waits out that moment. Other drivers need nothing.
    """
    if not _is_espeak(engine):
        return lambda: None
    from pyttsx3.drivers import _espeak

    def settle() -> None:
        _espeak.Synchronize()

    return settle


def _current_voice(engine: Any) -> str | None:
    try:
        voice = engine.getProperty("voice")
    except Exception:  # an engine without the property has no default to show
        return None
    return None if voice is None else str(voice)


class Worker:
    """Runs requests against one engine, on the thread that made it."""

    def __init__(self, engine: Any, out: TextIO) -> None:
        self.engine = engine
        self.out = out
        self._known_voices: set[str] | None = None
        self._warned: set[str] = set()
        # Before any request sets a voice: the one the engine speaks with when none is set.
        self._default_voice = _current_voice(engine)
        self._finished = threading.Event()
        self._completed = True
        self._settle = _settler(engine)
        connect = getattr(engine, "connect", None)
        self._notifies = callable(connect)
        if callable(connect):
            connect("finished-utterance", self._on_finished)

    def _on_finished(self, completed: object = True, **_: object) -> None:
        self._completed = completed is not False
        self._finished.set()

    def run(self, path: Path | None = None) -> bool:
        """``runAndWait``, and then wait for the utterance to be really finished.

        pyttsx3 2.99's espeak driver returns from ``runAndWait`` about 10 ms after it starts
        synthesis (pyttsx3 #219), while espeak goes on in its own thread: the file is
        written, and live speech played, only when espeak says the message is done, after
        which the driver sends "finished-utterance". Starting the next request before that
        mixes them up: a file then holds the previous request's audio. So wait for it, and
        for espeak to be idle before each request (see :func:`_settler`).

        Returns False when the engine reports the utterance cut short.
        """
        self._settle()
        self._finished.clear()
        self._completed = True
        self.engine.runAndWait()
        if not self._notifies:
            return True
        written = path is not None and path.exists()
        self._finished.wait(FINISH_GRACE if written else FINISH_WAIT)
        return self._completed

    def send(self, **message: object) -> None:
        self.out.write(json.dumps(message) + "\n")
        self.out.flush()

    def apply_voice(self, request: dict[str, Any]) -> None:
        # Every time: cheap, and no guessing what a driver kept from the last request.
        voice, rate, volume = request.get("voice"), request.get("rate"), request.get("volume")
        if voice and self._has_voice(str(voice)):
            self.engine.setProperty("voice", voice)
        if rate:
            self.engine.setProperty("rate", rate)
        if volume is not None:
            self.engine.setProperty("volume", volume)

    def _has_voice(self, voice: str) -> bool:
        # espeak quietly keeps its current voice for a name it does not know; say so once.
        if self._known_voices is None:
            self._known_voices = {str(v.id) for v in self.engine.getProperty("voices") or ()}
        if voice in self._known_voices:
            return True
        if voice in self._warned:
            return False
        self._warned.add(voice)
        self.send(
            op="warning",
            text=f"voice {voice!r} not found (`coach voices` lists them); using the default voice",
        )
        return False

    def warm_up(self) -> None:
        """For espeak, render one word and throw it away.

        espeak loads its voice on the first utterance and resets the rate as it does, so the
        first render could ignore the rate asked for (it came out at the default speed).
        """
        if not _is_espeak(self.engine):
            return
        with tempfile.TemporaryDirectory(prefix="coach-speech-") as folder:
            try:
                self.engine.save_to_file("ready", str(Path(folder) / "warm-up.wav"))
                self.run(Path(folder) / "warm-up.wav")
            except Exception:
                traceback.print_exc()

    def render(self, request: dict[str, Any]) -> None:
        began = time.monotonic()
        path = Path(request["path"])
        private_folder(path.parent, tighten=True)
        partial = path.with_name(f"{path.stem}.{os.getpid()}.part.wav")
        self.send(op="begin", id=request["id"])
        for _attempt in range(RENDER_ATTEMPTS):
            self.apply_voice(request)
            self.engine.save_to_file(request["text"], str(partial))
            if self.run(partial) and partial.exists() and partial.stat().st_size > 44:
                break
        if not partial.exists() or partial.stat().st_size <= 44:
            partial.unlink(missing_ok=True)
            self.send(op="error", id=request["id"], error="the engine wrote no audio")
            return
        os.replace(partial, path)
        self.send(op="rendered", id=request["id"], path=str(path), seconds=time.monotonic() - began)

    def say(self, request: dict[str, Any]) -> None:
        expires = request.get("expires")
        if expires is not None and time.monotonic() > expires:
            self.send(op="dropped", id=request["id"], reason="stale")
            return
        self.apply_voice(request)
        _forget_save_file(self.engine)
        self.send(op="speaking", id=request["id"], at=time.monotonic())
        self.engine.say(request["text"])
        self.run()
        self.send(op="said", id=request["id"], at=time.monotonic())

    def voices(self, request: dict[str, Any]) -> None:
        found = []
        for voice in self.engine.getProperty("voices") or ():
            languages = [str(lang) for lang in (getattr(voice, "languages", None) or ())]
            found.append(
                {
                    "id": str(voice.id),
                    "name": str(getattr(voice, "name", "") or voice.id),
                    "languages": languages,
                    "gender": getattr(voice, "gender", None),
                    "default": str(voice.id) == self._default_voice,
                }
            )
        self.send(op="voices", id=request["id"], voices=found)

    def handle(self, request: dict[str, Any]) -> bool:
        """Carry out one request; False when it is time to exit."""
        op = request.get("op")
        if op == "quit":
            return False
        handler = {"render": self.render, "say": self.say, "voices": self.voices}.get(str(op))
        if handler is None:
            self.send(op="error", id=request.get("id"), error=f"unknown request {op!r}")
            return True
        try:
            handler(request)
        except Exception as error:
            traceback.print_exc()
            self.send(op="error", id=request.get("id"), error=_one_line(error))
        return True


def _take_stdout() -> TextIO:
    """The protocol stream: the original stdout. Anything else printed there is discarded
    (pyttsx3 prints a line for every file it saves; ``aplay`` inherits the descriptor)."""
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    return protocol


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coach.speech_worker")
    parser.add_argument("--engine", help="engine factory, MODULE:NAME or FILE.py:NAME")
    args = parser.parse_args(argv)
    out = _take_stdout()
    sys.stdin.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
    began = time.monotonic()
    try:
        engine = load_factory(args.engine)()
    except Exception as error:
        traceback.print_exc()
        out.write(json.dumps({"op": "ready", "ok": False, "error": _one_line(error)}) + "\n")
        out.flush()
        return 3
    worker = Worker(engine, out)
    worker.warm_up()
    worker.send(
        op="ready",
        ok=True,
        pid=os.getpid(),
        seconds=time.monotonic() - began,
        driver=type(getattr(getattr(engine, "proxy", None), "_driver", engine)).__name__,
    )
    inbox = Inbox()
    reader = threading.Thread(target=read_requests, args=(sys.stdin, inbox), daemon=True)
    reader.start()
    while worker.handle(inbox.get()):
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
