"""The app's side of the speech process: asks it to render or speak, never waits for it.

:class:`Speech` starts ``python -m coach.speech_worker`` (see that module for the protocol),
watches it and starts it again when it dies or hangs. Every public method returns at once:
requests go into queues that a supervisor thread sends on, and results come back through
callbacks that run on that supervisor thread (never on the caller's thread, and never while
a lock of ours is held, so a callback may call back into :class:`Speech`).

Rendered speech is cached on disk (``cache_dir()/speech``) by text, voice, rate and volume,
so a routine run twice renders nothing the second time.

When the engine cannot start (no espeak-ng, say), or keeps dying, :attr:`Speech.status_line`
says so in one line and every later request is answered at once as not possible: the app
goes on with captions only.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

import coach
from coach import paths
from coach.settings import Settings

CACHE_FORMAT = 1
"""Part of every cache key: bump it when rendering changes in a way old files miss."""
STARTUP_TIMEOUT = 20.0
"""Seconds the speech process may take to say it is ready."""
RENDER_TIMEOUT = 10.0
"""Seconds a render may take before the engine counts as hung (espeak needs ~10-50 ms)."""
SAY_TIMEOUT = 10.0
SAY_TIMEOUT_PER_CHAR = 0.15
"""Live speech may take this long plus this much per character before it counts as hung."""
MAX_FAILURES = 3
FAILURE_WINDOW = 60.0
"""More than ``MAX_FAILURES`` crashes or hangs within this many seconds: speech is off."""
IN_FLIGHT_RENDERS = 2
"""Renders handed to the process at a time; the rest wait here, where they can be reordered
and where live speech never queues behind them."""
MAX_IN_FLIGHT_SAYS = 4


@dataclass(frozen=True)
class VoiceSpec:
    """How to speak: the engine's voice id (None: its default), words per minute, volume."""

    voice: str | None = None
    rate: int = 170
    volume: float = 1.0

    @classmethod
    def from_settings(cls, settings: Settings) -> VoiceSpec:
        return cls(settings.voice, settings.rate, settings.volume)


@dataclass(frozen=True)
class VoiceInfo:
    """One voice the engine has."""

    id: str
    name: str
    languages: tuple[str, ...] = ()
    gender: str | None = None
    default: bool = False
    """The engine speaks with this voice when coach sets none."""


@dataclass(frozen=True)
class RenderResult:
    """A finished render: ``path`` to the WAV file, or ``error`` saying why there is none."""

    key: str
    text: str
    path: Path | None
    error: str | None = None
    seconds: float = 0.0
    """How long the engine took (0 when the file was already in the cache)."""


SayState = Literal["speaking", "said", "dropped", "failed"]


@dataclass(frozen=True)
class SayUpdate:
    """News of a live utterance: handed to the engine (``speaking``, ``at`` is when), done
    (``said``), or not spoken at all (``dropped`` when stale or stopped, ``failed``)."""

    id: int
    state: SayState
    at: float
    reason: str = ""


RenderCallback = Callable[[RenderResult], None]
SayCallback = Callable[[SayUpdate], None]
VoicesCallback = Callable[["list[VoiceInfo] | None"], None]


def render_key(text: str, spec: VoiceSpec) -> str:
    """The cache key of ``text`` spoken as ``spec``."""
    data = json.dumps([CACHE_FORMAT, text, spec.voice, spec.rate, round(spec.volume, 3)])
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:32]


@dataclass
class _Job:
    key: str
    text: str
    spec: VoiceSpec
    path: Path
    callbacks: list[RenderCallback] = field(default_factory=list)


@dataclass
class _Sent:
    op: str
    deadline: float
    """Past it, the process counts as hung (pushed back when the engine takes it up)."""
    job: _Job | None = None
    say: _Say | None = None
    voices: VoicesCallback | None = None
    begun: bool = False
    """The engine has taken it up (so it, not the ones behind it, is what hangs)."""


@dataclass
class _Say:
    id: int
    text: str
    spec: VoiceSpec
    expires: float | None
    callback: SayCallback | None
    speaking: bool = False


@dataclass
class _Process:
    popen: subprocess.Popen[str]
    generation: int
    started: float
    ready: bool = False
    killed: bool = False
    """Sent SIGKILL: its deadlines no longer count; its end is on the way."""


class Speech:
    """The speech process, seen from the app. Start it once; use it for every routine."""

    def __init__(
        self,
        *,
        cache_dir: Path | None = None,
        engine: str | None = None,
        log_path: Path | None = None,
        env: dict[str, str] | None = None,
        startup_timeout: float = STARTUP_TIMEOUT,
        render_timeout: float = RENDER_TIMEOUT,
        say_timeout: float = SAY_TIMEOUT,
        max_failures: int = MAX_FAILURES,
        failure_window: float = FAILURE_WINDOW,
    ) -> None:
        """``engine`` names another engine factory for the process (tests pass stand-ins);
        ``log_path`` receives the process's stderr (default: the cache folder's
        ``speech.log``)."""
        base = cache_dir or paths.cache_dir()
        self._cache = base / "speech"
        self._log_path = log_path or base / "speech.log"
        self._engine = engine
        self._env = env
        self._startup_timeout = startup_timeout
        self._render_timeout = render_timeout
        self._say_timeout = say_timeout
        self._max_failures = max_failures
        self._failure_window = failure_window

        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._off_reason: str | None = None
        self._warning: str | None = None
        self._process: _Process | None = None
        self._generations = itertools.count(1)
        self._ids = itertools.count(1)
        self._inbox: collections.deque[tuple[int, dict[str, Any] | None]] = collections.deque()
        self._jobs: dict[str, _Job] = {}
        self._queue: collections.deque[str] = collections.deque()
        self._done: dict[str, Path] = {}
        self._says: collections.deque[_Say] = collections.deque()
        self._voice_requests: collections.deque[VoicesCallback] = collections.deque()
        self._sent: dict[int, _Sent] = {}
        self._deliveries: list[Callable[[], None]] = []
        self._failures: collections.deque[float] = collections.deque()
        self._kill_requested = False
        self._ready_event = threading.Event()
        self.startup_seconds: float | None = None
        """How long the last speech process took from launch to ready."""
        self.processes_started = 0
        self.driver: str | None = None
        """The engine's driver, as the process reported it (``EspeakDriver`` on Linux)."""

    # -- state ------------------------------------------------------------------------------

    @property
    def available(self) -> bool | None:
        """True when the engine is up, False when speech is off, None while it starts."""
        with self._cond:
            if self._off_reason is not None:
                return False
            return True if self._process is not None and self._process.ready else None

    @property
    def status_line(self) -> str | None:
        """One line to show once when speech is off or not as asked; None when all is well."""
        with self._cond:
            if self._off_reason is not None:
                return f"No voice: {self._off_reason}. Cues are shown as captions."
            if self._warning is not None:
                return f"Voice: {self._warning}."
            return None

    def wait_ready(self, timeout: float) -> bool:
        """Block until the engine is up or speech is off (for ``coach say`` and plain mode,
        never the UI thread). True when it is up."""
        self._ready_event.wait(timeout)
        return self.available is True

    def cached(self, text: str, spec: VoiceSpec) -> Path | None:
        """The rendered file for ``text``, when it is already on disk."""
        path = self._cache / f"{render_key(text, spec)}.wav"
        return path if path.exists() else None

    # -- requests ---------------------------------------------------------------------------

    def start(self) -> None:
        """Launch the process (in the background; returns at once). Idempotent."""
        with self._cond:
            if self._thread is not None or self._closed:
                return
            self._thread = threading.Thread(
                target=self._supervise, name="coach-speech", daemon=True
            )
            self._thread.start()

    def render(
        self, text: str, spec: VoiceSpec, callback: RenderCallback, *, urgent: bool = False
    ) -> str:
        """Render ``text`` to a WAV file in the cache; ``callback`` gets the result.

        Renders run in the order asked; ``urgent`` puts this one first. Returns its key.
        """
        key = render_key(text, spec)
        with self._cond:
            done = self._done.get(key)
            if done is not None:
                result = RenderResult(key, text, done)
                self._deliveries.append(lambda: callback(result))
            elif self._off_reason is not None:
                failed = RenderResult(key, text, None, error=self._off_reason)
                self._deliveries.append(lambda: callback(failed))
            else:
                job = self._jobs.get(key)
                if job is None:
                    job = _Job(key, text, spec, self._cache / f"{key}.wav")
                    self._jobs[key] = job
                    if urgent:
                        self._queue.appendleft(key)
                    else:
                        self._queue.append(key)
                elif urgent and key in self._queue:
                    self._queue.remove(key)
                    self._queue.appendleft(key)
                job.callbacks.append(callback)
            self._cond.notify_all()
        return key

    def say(
        self,
        text: str,
        spec: VoiceSpec,
        *,
        expires: float | None = None,
        callback: SayCallback | None = None,
    ) -> int:
        """Speak ``text`` live, ahead of any waiting render, unless the monotonic clock is
        past ``expires`` by the time the engine could start it. Returns the utterance's id."""
        ident = next(self._ids)
        request = _Say(ident, text, spec, expires, callback)
        with self._cond:
            if self._off_reason is not None:
                self._deliver_say(request, "failed", self._off_reason)
            else:
                self._says.append(request)
            self._cond.notify_all()
        return ident

    def stop(self) -> None:
        """Silence live speech now: waiting utterances are dropped, and one being spoken is
        cut by ending the process (a new one starts at once; renders carry on)."""
        with self._cond:
            while self._says:
                self._deliver_say(self._says.popleft(), "dropped", "stopped")
            speaking = any(sent.say is not None for sent in self._sent.values())
            if speaking and self._process is not None:
                self._kill_requested = True
                self._kill(self._process)
            self._cond.notify_all()

    def voices(self, callback: VoicesCallback) -> None:
        """The engine's voices, to ``callback`` (None when speech is off)."""
        with self._cond:
            if self._off_reason is not None:
                self._deliveries.append(lambda: callback(None))
            else:
                self._voice_requests.append(callback)
            self._cond.notify_all()

    def close(self) -> None:
        """Stop the process and the supervisor. Returns at once."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            process = self._process
            if process is not None:
                self._kill(process)
            self._cond.notify_all()

    # -- blocking helpers for the command line ----------------------------------------------

    def render_now(self, text: str, spec: VoiceSpec, timeout: float) -> RenderResult:
        """Render and wait for the result (``coach say --to``; never the UI thread)."""
        box: list[RenderResult] = []
        done = threading.Event()

        def got(result: RenderResult) -> None:
            box.append(result)
            done.set()

        key = self.render(text, spec, got, urgent=True)
        if not done.wait(timeout):
            return RenderResult(key, text, None, error="the speech engine did not answer in time")
        return box[0]

    def list_voices(self, timeout: float) -> list[VoiceInfo] | None:
        """The engine's voices, waiting up to ``timeout`` (``coach voices``)."""
        box: list[list[VoiceInfo] | None] = []
        done = threading.Event()

        def got(voices: list[VoiceInfo] | None) -> None:
            box.append(voices)
            done.set()

        self.voices(got)
        return box[0] if done.wait(timeout) else None

    # -- the supervisor thread --------------------------------------------------------------

    def _deliver_say(self, request: _Say, state: SayState, reason: str = "") -> None:
        callback = request.callback
        if callback is None:
            return
        update = SayUpdate(request.id, state, time.monotonic(), reason)
        self._deliveries.append(lambda: callback(update))

    def _supervise(self) -> None:
        while True:
            writes: list[tuple[_Process, str]] = []
            spawn = False
            with self._cond:
                self._handle_messages()
                self._check_deadlines()
                if self._closed:
                    self._fail_everything("speech was closed")
                elif self._off_reason is not None:
                    self._fail_everything(self._off_reason)
                elif self._process is None:
                    spawn = True
                elif self._process.ready:
                    writes = self._next_requests(self._process)
                deliveries, self._deliveries = self._deliveries, []
                timeout = self._next_timeout()
            for deliver in deliveries:
                with contextlib.suppress(Exception):  # a caller's bug must not stop speech
                    deliver()
            for process, line in writes:
                self._write(process, line)
            if self._closed and not deliveries:
                with self._cond:
                    if not self._deliveries:
                        self._ready_event.set()
                        return
                continue
            if spawn:
                self._spawn()
                continue
            if deliveries or writes:
                continue
            with self._cond:
                if not self._inbox and not self._deliveries and not self._has_sendable():
                    self._cond.wait(timeout)

    def _has_sendable(self) -> bool:
        process = self._process
        if self._closed or self._off_reason is not None:
            return bool(self._queue or self._says or self._voice_requests)
        if process is None:
            return True
        if not process.ready or process.killed:
            return False
        renders = sum(1 for sent in self._sent.values() if sent.job is not None)
        says = sum(1 for sent in self._sent.values() if sent.say is not None)
        return bool(
            self._voice_requests
            or (self._says and says < MAX_IN_FLIGHT_SAYS)
            or (self._queue and renders < IN_FLIGHT_RENDERS)
        )

    def _next_timeout(self) -> float | None:
        process = self._process
        deadlines: list[float] = []
        if process is not None and not process.killed:
            deadlines.extend(sent.deadline for sent in self._sent.values())
            if not process.ready:
                deadlines.append(process.started + self._startup_timeout)
        deadlines.extend(s.expires for s in self._says if s.expires is not None)
        if not deadlines:
            return None
        return max(0.0, min(deadlines) - time.monotonic())

    def _spawn(self) -> None:
        command = [sys.executable, "-m", "coach.speech_worker"]
        if self._engine:
            command += ["--engine", self._engine]
        env = dict(os.environ if self._env is None else self._env)
        # The process must find this very coach package, installed or not.
        package_root = str(Path(coach.__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (package_root, env.get("PYTHONPATH", "")) if p
        )
        env["PYTHONIOENCODING"] = "utf-8"
        log = self._open_log()
        started = time.monotonic()
        try:
            popen = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log if log is not None else subprocess.DEVNULL,
                text=True,
                encoding="utf-8",
                bufsize=1,
                env=env,
                start_new_session=os.name == "posix",
            )
        except OSError as error:
            with self._cond:
                self._off_reason = f"the speech process could not start ({error.strerror})"
                self._ready_event.set()
                self._cond.notify_all()
            return
        finally:
            if log is not None:
                log.close()
        with self._cond:
            process = _Process(popen, next(self._generations), started)
            self._process = process
            self.processes_started += 1
            if self._closed:
                self._kill(process)
        reader = threading.Thread(
            target=self._read, args=(process,), name="coach-speech-reader", daemon=True
        )
        reader.start()

    def _open_log(self) -> IO[bytes] | None:
        try:
            paths.private_folder(self._log_path.parent, tighten=True)
            # Keep the last run's log, and the log across restarts within one run.
            keep = os.O_APPEND if self.processes_started else os.O_TRUNC
            return open(os.open(self._log_path, os.O_WRONLY | os.O_CREAT | keep, 0o600), "ab")
        except OSError:
            return None

    def _read(self, process: _Process) -> None:
        stdout = process.popen.stdout
        assert stdout is not None
        try:
            for line in stdout:
                try:
                    message = json.loads(line)
                except ValueError:
                    continue
                if isinstance(message, dict):
                    with self._cond:
                        self._inbox.append((process.generation, message))
                        self._cond.notify_all()
        except (OSError, ValueError):
            pass
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            process.popen.wait(timeout=5)
        with self._cond:
            self._inbox.append((process.generation, None))
            self._cond.notify_all()

    def _write(self, process: _Process, line: str) -> None:
        stdin = process.popen.stdin
        try:
            assert stdin is not None
            stdin.write(line)
            stdin.flush()
        except (OSError, ValueError):
            pass  # the process is gone; its reader reports that

    def _kill(self, process: _Process) -> None:
        process.killed = True
        with contextlib.suppress(OSError, ProcessLookupError):
            if os.name == "posix":
                os.killpg(process.popen.pid, signal.SIGKILL)  # and aplay, its child
            else:
                process.popen.kill()

    # All the methods below run with the lock held.

    def _handle_messages(self) -> None:
        while self._inbox:
            generation, message = self._inbox.popleft()
            process = self._process
            if process is None or generation != process.generation:
                continue
            if message is None:
                self._process_ended(process)
            else:
                self._handle(process, message)

    def _handle(self, process: _Process, message: dict[str, Any]) -> None:
        op = message.get("op")
        if op == "ready":
            if message.get("ok"):
                process.ready = True
                self.startup_seconds = time.monotonic() - process.started
                self.driver = message.get("driver")
                self._ready_event.set()
            else:
                self._off_reason = _engine_problem(str(message.get("error", "unknown error")))
                self._ready_event.set()
            return
        if op == "warning":
            self._warning = str(message.get("text", ""))
            return
        ident = message.get("id")
        sent = self._sent.get(ident) if isinstance(ident, int) else None
        if sent is None:
            return
        self._progress()
        if op == "begin":
            sent.begun = True
            sent.deadline = time.monotonic() + self._render_timeout
            return
        if sent.job is not None:
            del self._sent[ident]  # type: ignore[arg-type]
            job = sent.job
            if op == "rendered":
                self._finish_job(job, RenderResult(job.key, job.text, job.path, None, _f(message)))
            else:
                error = str(message.get("error", "render failed"))
                self._finish_job(job, RenderResult(job.key, job.text, None, error))
        elif sent.say is not None:
            request = sent.say
            if op == "speaking":
                request.speaking = True
                sent.begun = True
                sent.deadline = time.monotonic() + self._say_deadline(request.text)
                self._deliver_say_at(request, "speaking", _f(message, "at"))
                return
            del self._sent[ident]  # type: ignore[arg-type]
            if op == "said":
                self._deliver_say_at(request, "said", _f(message, "at"))
            elif op == "dropped":
                self._deliver_say(request, "dropped", str(message.get("reason", "")))
            else:
                self._deliver_say(request, "failed", str(message.get("error", "")))
        elif sent.voices is not None:
            del self._sent[ident]  # type: ignore[arg-type]
            callback = sent.voices
            voices = _voices(message) if op == "voices" else None
            self._deliveries.append(lambda: callback(voices))

    def _progress(self) -> None:
        """The process answered: those still waiting their turn in it get time again (only
        the request the engine has taken up can hang)."""
        allowance = time.monotonic() + 2 * self._render_timeout
        for sent in self._sent.values():
            if not sent.begun:
                extra = self._say_deadline(sent.say.text) if sent.say is not None else 0.0
                sent.deadline = max(sent.deadline, allowance + extra)

    def _deliver_say_at(self, request: _Say, state: SayState, at: float) -> None:
        callback = request.callback
        if callback is None:
            return
        update = SayUpdate(request.id, state, at or time.monotonic())
        self._deliveries.append(lambda: callback(update))

    def _say_deadline(self, text: str) -> float:
        return self._say_timeout + SAY_TIMEOUT_PER_CHAR * len(text)

    def _finish_job(self, job: _Job, result: RenderResult) -> None:
        self._jobs.pop(job.key, None)
        if result.path is not None:
            self._done[job.key] = result.path
        for callback in job.callbacks:
            self._deliveries.append(lambda callback=callback: callback(result))  # type: ignore[misc]

    def _process_ended(self, process: _Process) -> None:
        """The process exited: put its work back, and start another unless told not to."""
        self._process = None
        intended = self._kill_requested or self._closed
        self._kill_requested = False
        hung: _Job | None = None
        for ident, sent in list(self._sent.items()):
            del self._sent[ident]
            if sent.job is not None:
                if sent.begun and sent.deadline <= time.monotonic() and not intended:
                    hung = sent.job  # the one it hung on: do not feed it the same text again
                    continue
                self._queue.appendleft(sent.job.key)
            elif sent.say is not None:
                reason = "stopped" if intended else "the speech process ended"
                self._deliver_say(sent.say, "dropped", reason)
            elif sent.voices is not None:
                self._voice_requests.appendleft(sent.voices)
        if hung is not None:
            self._finish_job(hung, RenderResult(hung.key, hung.text, None, "the engine hung"))
        if intended or self._off_reason is not None:
            return
        now = time.monotonic()
        self._failures.append(now)
        while self._failures and self._failures[0] < now - self._failure_window:
            self._failures.popleft()
        if not process.ready:
            self._off_reason = "the speech process stopped as it started"
            self._ready_event.set()
        elif len(self._failures) > self._max_failures:
            self._off_reason = (
                f"the speech engine failed {len(self._failures)} times in "
                f"{self._failure_window:g} seconds"
            )

    def _check_deadlines(self) -> None:
        now = time.monotonic()
        process = self._process
        if process is not None and not process.killed:
            late = not process.ready and now > process.started + self._startup_timeout
            hung = any(sent.deadline <= now for sent in self._sent.values())
            if late:
                self._off_reason = "the speech engine did not start in time"
                self._ready_event.set()
            if late or hung:
                self._kill(process)
        if any(s.expires is not None and s.expires < now for s in self._says):
            waiting = list(self._says)
            self._says.clear()
            for request in waiting:
                if request.expires is not None and request.expires < now:
                    self._deliver_say(request, "dropped", "stale")
                else:
                    self._says.append(request)

    def _next_requests(self, process: _Process) -> list[tuple[_Process, str]]:
        """Lines to send now: voice lists and live speech first, then renders, a few at a time."""
        writes: list[tuple[_Process, str]] = []
        now = time.monotonic()
        while self._voice_requests:
            ident = next(self._ids)
            callback = self._voice_requests.popleft()
            self._sent[ident] = _Sent("voices", now + self._render_timeout, voices=callback)
            writes.append((process, _line(op="voices", id=ident)))
        says = sum(1 for sent in self._sent.values() if sent.say is not None)
        while self._says and says < MAX_IN_FLIGHT_SAYS:
            request = self._says.popleft()
            deadline = now + self._say_deadline(request.text) + self._render_timeout
            self._sent[request.id] = _Sent("say", deadline, say=request)
            says += 1
            writes.append(
                (
                    process,
                    _line(op="say", id=request.id, expires=request.expires, **_voice(request)),
                )
            )
        renders = sum(1 for sent in self._sent.values() if sent.job is not None)
        while self._queue and renders < IN_FLIGHT_RENDERS:
            key = self._queue.popleft()
            job = self._jobs.get(key)
            if job is None:
                continue
            if job.path.exists():
                self._finish_job(job, RenderResult(job.key, job.text, job.path))
                continue
            ident = next(self._ids)
            self._sent[ident] = _Sent("render", now + self._render_timeout, job=job)
            renders += 1
            writes.append(
                (
                    process,
                    _line(
                        op="render",
                        id=ident,
                        text=job.text,
                        path=str(job.path),
                        voice=job.spec.voice,
                        rate=job.spec.rate,
                        volume=job.spec.volume,
                    ),
                )
            )
        return writes

    def _fail_everything(self, reason: str) -> None:
        for key in list(self._queue):
            job = self._jobs.get(key)
            if job is not None:
                self._finish_job(job, RenderResult(job.key, job.text, None, reason))
        self._queue.clear()
        while self._says:
            self._deliver_say(self._says.popleft(), "failed", reason)
        while self._voice_requests:
            callback = self._voice_requests.popleft()
            self._deliveries.append(lambda callback=callback: callback(None))  # type: ignore[misc]


def _line(**message: object) -> str:
    return json.dumps(message) + "\n"


def _voice(request: _Say) -> dict[str, object]:
    spec = request.spec
    return {"text": request.text, "voice": spec.voice, "rate": spec.rate, "volume": spec.volume}


def _f(message: dict[str, Any], key: str = "seconds") -> float:
    value = message.get(key)
    return float(value) if isinstance(value, int | float) else 0.0


def _voices(message: dict[str, Any]) -> list[VoiceInfo]:
    found = []
    for raw in message.get("voices") or ():
        if not isinstance(raw, dict) or "id" not in raw:
            continue
        languages = tuple(str(x) for x in raw.get("languages") or ())
        gender = raw.get("gender")
        found.append(
            VoiceInfo(
                str(raw["id"]),
                str(raw.get("name") or raw["id"]),
                languages,
                str(gender) if gender else None,
                default=raw.get("default") is True,
            )
        )
    return found


def _engine_problem(error: str) -> str:
    """Why the engine would not start, in words a person can act on."""
    lowered = error.lower()
    if "espeak" in lowered or "libespeak" in lowered:
        return "the speech engine needs espeak-ng (on Debian/Ubuntu: apt install espeak-ng)"
    if "no module named 'pyttsx3'" in lowered:
        return "pyttsx3 is not installed"
    return f"the speech engine would not start ({error})"
