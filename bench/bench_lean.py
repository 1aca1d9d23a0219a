"""How light coach is, beside its anchors, in one run.

Run by hand (never as a test: shared machines are noisy):

    .venv/bin/python -m bench.bench_lean [--rounds 5] [--seconds 20] [--only app,hour,log,validate]

Four parts, each figure printed beside the anchor it is judged against:

- ``app``: ``coach run ID`` (one 60-minute step) and a bare Textual app that shows one
  ``Digits`` countdown at the same 1 Hz, each in its own 80x24 pseudo-terminal, in
  interleaved rounds (bare, coach without a sound card, coach with one), medians. coach runs
  twice: as on this machine, with no sound card, and with the ALSA null device standing in
  for one (a ``.asoundrc`` in a throw-away ``HOME``), so the speech process starts as on a
  person's laptop. First paint: from spawning to the first output carrying the expected
  text. CPU: user+system time of every process in the tree over ``--seconds`` of quiet
  counting. Output: bytes the terminal received per second in that window. Memory: each
  process's peak resident set (VmHWM), summed over every process the app started.
  Budgets: memory within 45 MB, CPU within 1.3x the bare app's, output within 2x, first
  paint within 1.2x.
- ``hour``: an hour of one routine and more at ``--hour-rate`` seconds per real second
  (``bench._hour``: the real driver, a fake clock, the app's own once-a-second work), for
  both apps: resident memory from the first minute to the 61st, and over the hour after
  ``--hour-warm`` seconds (when caches that are bounded have filled); CPU per second shown.
  Budget: under 1 MB of growth in the hour, CPU within 1.3x the bare app's.
- ``log``: a log of ``--sessions`` sessions; ``coach export`` (csv, json) and ``coach log``
  (as is, ``--since`` three years ago, ``--routine``): wall time and peak memory, beside
  ``coach --help`` (the start-up floor). Budgets: export under 1 s, ``log`` under 150 ms.
- ``validate``: ``coach validate DIR`` on a folder of ``--files`` routine files, beside
  ``coach validate`` given the same files by name. Budget: under 1 s.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import resource
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from bench._setup import compile_coach

BENCH_ROUTINE = """
name = "Benchmark hold"
prepare = 0
[[step]]
name = "Long hold"
kind = "stretch"
duration = "60m"
instructions = "Hold still and breathe."
"""

BARE_APP = """
import time
from textual.app import App
from textual.widgets import Digits

class Countdown(App):
    def compose(self):
        yield Digits("60:00")
    def on_mount(self):
        self.t0 = time.monotonic()
        self.set_interval(1.0, self.tick)
    def tick(self):
        left = max(0, 3600 - int(time.monotonic() - self.t0))
        self.query_one(Digits).update(f"{left // 60}:{left % 60:02d}")

Countdown().run()
"""

NULL_SOUND_CARD = "pcm.!default {\n  type null\n}\n"

_ESCAPE = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def row(name: str, value: str, anchor: str = "", budget: str = "") -> None:
    print(f"  {name:<44} {value:>22}  {anchor:<30} {budget}".rstrip())


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


# -- processes ------------------------------------------------------------------------------


def _tree(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    found = [pid]
    for parent in found:
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                kids = Path(f"/proc/{parent}/task/{task}/children").read_text().split()
            except OSError:
                continue
            found.extend(int(kid) for kid in kids if int(kid) not in found)
    return found


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


@dataclass
class Watch:
    """What a running process tree has used: each process's peak resident set and CPU, read
    whenever :meth:`look` is called (a process that ended keeps its last reading)."""

    pid: int
    peaks_kb: dict[int, int] = field(default_factory=dict)
    cpu: dict[int, float] = field(default_factory=dict)

    def look(self) -> None:
        for pid in _tree(self.pid):
            hwm = _status_kb(pid, "VmHWM:")
            if hwm:
                self.peaks_kb[pid] = max(self.peaks_kb.get(pid, 0), hwm)
            self.cpu[pid] = max(self.cpu.get(pid, 0.0), _cpu_seconds(pid))

    @property
    def peak_mb(self) -> float:
        return sum(self.peaks_kb.values()) / 1024

    @property
    def cpu_total(self) -> float:
        return sum(self.cpu.values())


# -- the app in a terminal ------------------------------------------------------------------


@dataclass
class AppRun:
    first_paint: float
    cpu_percent: float
    bytes_per_second: float
    peak_mb: float
    processes: int
    biggest: list[float]


def measure_app(argv: list[str], expect: bytes, seconds: float, env: dict[str, str]) -> AppRun:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    began = time.perf_counter()
    process = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    watch = Watch(process.pid)
    seen = b""
    first_paint = float("nan")
    received = 0

    def drain(until: float) -> None:
        nonlocal seen, first_paint, received
        next_look = 0.0
        while (left := until - time.perf_counter()) > 0:
            if time.perf_counter() >= next_look:
                watch.look()
                next_look = time.perf_counter() + 0.25
            ready, _, _ = select.select([master], [], [], min(left, 0.25))
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            received += len(chunk)
            if first_paint != first_paint:  # still NaN
                seen += chunk
                if expect in _ESCAPE.sub(b"", seen):
                    first_paint = time.perf_counter() - began

    drain(time.perf_counter() + 3.0)
    # Settle (the audio and speech process start, the first renders), then a quiet countdown.
    drain(time.perf_counter() + 3.0)
    watch.look()
    cpu0, bytes0, t0 = watch.cpu_total, received, time.perf_counter()
    drain(t0 + seconds)
    watch.look()
    wall = time.perf_counter() - t0
    cpu = watch.cpu_total - cpu0
    out = received - bytes0
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    os.close(master)
    return AppRun(
        first_paint=first_paint,
        cpu_percent=100 * cpu / wall,
        bytes_per_second=out / wall,
        peak_mb=watch.peak_mb,
        processes=len(watch.peaks_kb),
        biggest=sorted((kb / 1024 for kb in watch.peaks_kb.values()), reverse=True),
    )


def bench_app(python: str, coach: str, home: Path, rounds: int, seconds: float) -> None:
    bare = home / "bare_digits.py"
    bare.write_text(BARE_APP)
    card_home = home / "with-a-sound-card"
    card_home.mkdir()
    (card_home / ".asoundrc").write_text(NULL_SOUND_CARD)
    base = {**os.environ, "COACH_HOME": str(home), "TERM": "xterm-256color"}
    no_card = {**base, "HOME": str(home / "no-sound-card")}
    card = {**base, "HOME": str(card_home)}
    plans: list[tuple[str, list[str], bytes, dict[str, str]]] = [
        ("bare Textual + Digits", [python, str(bare)], b"\xe2\x94", base),
        ("coach run ID (no sound card)", [coach, "run", "bench-hold"], b"LONG HOLD", no_card),
        ("coach run ID (a sound card)", [coach, "run", "bench-hold"], b"LONG HOLD", card),
    ]
    results: dict[str, list[AppRun]] = {name: [] for name, *_ in plans}
    for _ in range(rounds):  # interleaved, so each sees the same machine
        for name, argv, expect, env in plans:
            results[name].append(measure_app(argv, expect, seconds, env))
    print(
        f"\napp: {rounds} interleaved rounds, {seconds:g} s window, 80x24 pseudo-terminal, "
        "medians (best-worst)"
    )
    anchor = results[plans[0][0]]
    for name, runs in results.items():
        print(f" {name}")
        _app_rows(runs, None if runs is anchor else anchor)


def _app_rows(runs: list[AppRun], anchor: list[AppRun] | None) -> None:
    def line(label: str, pick: Callable[[AppRun], float], unit: str, fmt: str, budget: str) -> None:
        values = [pick(r) for r in runs]
        text = f"{median(values):{fmt}} {unit} ({min(values):{fmt}}-{max(values):{fmt}})"
        versus = ""
        if anchor is not None:
            base = median([pick(r) for r in anchor])
            versus = f"{median(values) / base:.2f}x the bare app" if base else ""
        row(label, text, versus, budget if anchor is not None else "")

    line("first paint", lambda r: r.first_paint * 1000, "ms", ".0f", "budget <= 1.2x")
    line("CPU while counting (% of a core)", lambda r: r.cpu_percent, "%", ".2f", "<= 1.3x")
    line("terminal output", lambda r: r.bytes_per_second, "B/s", ".0f", "<= 2x")
    line("peak memory, all processes summed", lambda r: r.peak_mb, "MB", ".1f", "<= 45 MB")
    last = runs[-1]
    parts = " + ".join(f"{mb:.1f}" for mb in last.biggest)
    row("  processes (last round)", f"{last.processes}", f"{parts} MB")


# -- an hour of one routine -----------------------------------------------------------------


def bench_hour(python: str, home: Path, rate: float, warm: int, trace: bool) -> None:
    """Each app for ``warm`` + 3,600 seconds of one step; memory every minute shown."""
    ticks = warm + 3600
    # One step a minute longer than the run, so it never ends (each app counts it down).
    routine = home / "hour-hold.toml"
    routine.write_text(BENCH_ROUTINE.replace('"60m"', f"{ticks + 60}"))
    print(
        f"\nhour: {ticks} seconds of one step at {rate:g} per real second, real driver, 80x24; "
        f"memory from the first minute to the 61st, and over the hour after {warm} s "
        "(when bounded caches have filled)"
    )
    per_tick: dict[str, float] = {}
    for app in ("bare", "coach"):
        report = home / f"hour-{app}.txt"
        argv = [python, "-m", "bench._hour", app, str(report), "--ticks", str(ticks)]
        argv += ["--rate", str(rate), "--every", "60", "--routine", str(routine)]
        if trace:
            argv.append("--trace")
        _run_in_terminal(argv, home, timeout=ticks / rate * 4 + 60)
        lines = report.read_text().splitlines()
        points = {
            int(tick): (int(kb) / 1024, float(cpu))
            for tick, kb, cpu in (line.split() for line in lines if line[:1].isdigit())
        }
        first = points[3660][0] - points[60][0]
        steady = points[ticks][0] - points[warm][0]
        per_tick[app] = (points[ticks][1] - points[60][1]) * 1000 / (ticks - 60)
        label = "bare Textual + Digits" if app == "bare" else "coach run ID"
        row(
            f"{label}: growth, first hour",
            f"{first:+.2f} MB",
            f"{points[60][0]:.1f} -> {points[3660][0]:.1f} MB",
            "budget < 1 MB" if app == "coach" else "",
        )
        row(
            f"  growth over the hour after {warm} s",
            f"{steady:+.2f} MB",
            f"{points[warm][0]:.1f} -> {points[ticks][0]:.1f} MB",
        )
        versus = (
            f"{per_tick['coach'] / per_tick['bare']:.2f}x the bare app"
            if app == "coach" and per_tick.get("bare")
            else ""
        )
        row(
            "  CPU per second shown", f"{per_tick[app]:.2f} ms", versus, "<= 1.3x" if versus else ""
        )
        for line in lines:
            if line.startswith("#") and trace:
                print("   ", line[1:])


def _run_in_terminal(argv: list[str], home: Path, timeout: float) -> None:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COACH_HOME": str(home)}
    process = subprocess.Popen(
        argv,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    os.close(slave)
    deadline = time.perf_counter() + timeout
    while process.poll() is None and time.perf_counter() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                os.read(master, 65536)
            except OSError:
                break
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    os.close(master)


# -- commands: time and memory --------------------------------------------------------------


@dataclass
class CommandRun:
    seconds: float
    peak_mb: float
    code: int


_LAUNCH = """
import os, sys, time
quiet = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_WRONLY, 0) for fd in (1, 2)]
t = time.perf_counter()
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ, file_actions=quiet)
_, status, usage = os.wait4(pid, 0)
t = time.perf_counter() - t
print(t, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def run_command(exe: str, args: list[str], env: dict[str, str]) -> CommandRun:
    """Wall time and peak resident memory of one ``coach ARGS``, output thrown away.

    Started by a small launcher process: a child of this big process would begin as a copy
    of it (fork or vfork alike), and that copy would count in the child's peak memory.
    """
    launched = subprocess.run(
        [sys.executable, "-S", "-c", _LAUNCH, exe, *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, peak_kb, code = launched.stdout.split()
    return CommandRun(float(seconds), int(peak_kb) / 1024, int(code))


def command_rows(
    exe: str,
    commands: list[tuple[str, list[str], str]],
    env: dict[str, str],
    runs: int,
) -> None:
    """Each command ``runs`` times, interleaved, after one warm-up each; medians."""
    for _, args, _ in commands:
        run_command(exe, args, env)
    results: dict[str, list[CommandRun]] = {label: [] for label, _, _ in commands}
    for _ in range(runs):
        for label, args, _ in commands:
            results[label].append(run_command(exe, args, env))
    for label, _, budget in commands:
        done = results[label]
        seconds = [r.seconds * 1000 for r in done]
        codes = sorted({r.code for r in done})
        code = "" if codes == [0] else f"exit {','.join(map(str, codes))}"
        row(
            label,
            f"{median(seconds):.0f} ms ({min(seconds):.0f}-{max(seconds):.0f})",
            f"peak {max(r.peak_mb for r in done):.1f} MB {code}".rstrip(),
            budget,
        )


def bench_log(exe: str, home: Path, sessions: int, runs: int) -> None:
    from bench.bench_log import generate
    from coach.log import SessionStore

    today = date.today()
    store = SessionStore.open(home / "data" / "log.sqlite3")
    store.add(generate(sessions, today))
    store.close()
    since = (today - timedelta(days=3 * 365)).isoformat()
    env = _command_env(home)
    print(f"\nlog: {sessions} sessions over three years; {runs} interleaved runs, medians")
    command_rows(
        exe,
        [
            ("coach --help (the floor: start-up, no log)", ["--help"], ""),
            ("coach export --format csv", ["export", "--format", "csv"], "budget < 1 s"),
            ("coach export --format json", ["export", "--format", "json"], "budget < 1 s"),
            ("coach log", ["log"], "budget < 150 ms"),
            (f"coach log --since {since}", ["log", "--since", since], "budget < 150 ms"),
            ("coach log --routine desk-break", ["log", "--routine", "desk-break"], "< 150 ms"),
        ],
        env,
        runs,
    )


def bench_validate(exe: str, home: Path, files: int, runs: int) -> None:
    from coach.resources import builtin_routines_dir

    folder = home / "many"
    sources = sorted(builtin_routines_dir().glob("*.toml"))
    for n in range(files):
        nested = folder / f"part{n % 10}"
        nested.mkdir(parents=True, exist_ok=True)
        shutil.copy(sources[n % len(sources)], nested / f"routine-{n:04d}.toml")
    flat = home / "flat"
    flat.mkdir()
    for n in range(files):
        shutil.copy(sources[n % len(sources)], flat / f"routine-{n:04d}.toml")
    names = [str(p) for p in sorted(flat.glob("*.toml"))]
    env = _command_env(home)
    print(f"\nvalidate: {files} routine files; {runs} interleaved runs, medians")
    command_rows(
        exe,
        [
            ("coach validate FILE... (the anchor)", ["validate", *names], ""),
            ("coach validate DIR", ["validate", str(flat)], "budget < 1 s"),
            ("coach validate -r DIR (10 subfolders)", ["validate", "-r", str(folder)], "< 1 s"),
        ],
        env,
        runs,
    )


def _command_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["COACH_HOME"] = str(home)
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="app,hour,log,validate", help="parts to run")
    parser.add_argument("--rounds", type=int, default=5, help="app rounds")
    parser.add_argument("--seconds", type=float, default=20.0, help="app measuring window")
    parser.add_argument("--hour-rate", type=float, default=30.0, help="seconds per real second")
    parser.add_argument("--hour-warm", type=int, default=600, help="seconds before the hour")
    parser.add_argument("--trace", action="store_true", help="hour: what grew (tracemalloc)")
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5, help="command runs")
    args = parser.parse_args()
    parts = set(args.only.split(","))
    python = sys.executable
    coach = str(Path(python).with_name("coach"))
    compile_coach()
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    print(f"bench_lean on {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        routines = home / "config" / "routines"
        routines.mkdir(parents=True)
        routine = routines / "bench-hold.toml"
        routine.write_text(BENCH_ROUTINE)
        if "app" in parts:
            bench_app(python, coach, home, args.rounds, args.seconds)
        if "hour" in parts:
            bench_hour(
                python,
                home,
                args.hour_rate,
                args.hour_warm,
                args.trace,
            )
        if "log" in parts:
            bench_log(coach, home, args.sessions, args.runs)
        if "validate" in parts:
            bench_validate(coach, home, args.files, args.runs)
    print(f"\nload at the end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
