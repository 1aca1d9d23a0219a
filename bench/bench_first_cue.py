"""How late the first cue's sound starts on an audio device that is slow to wake, with and
without waiting for the device to be warm before the routine's clock starts.

Run by hand with a PulseAudio server (no sound card needed: a private daemon with a null
sink, as ``onset.sh`` starts one; nothing may record from it, or the sink never sleeps):

    pulseaudio --daemonize=no --exit-idle-time=-1 -n --use-pid-file=no \\
        --load="module-null-sink sink_name=rec" \\
        --load="module-native-protocol-unix auth-anonymous=1 socket=/tmp/pa.sock" &
    PULSE_SERVER=unix:/tmp/pa.sock .venv/bin/python -m bench.bench_first_cue [--runs 5]

Each run opens the device, (with the wait) waits for :meth:`MixingPlayer.wait_warm`, then
plays the bell 0.2 s later, as a routine's first cue, and reads when the audio callback
first pulled it (``Playing.started_at``: when its audio really starts).
"""

from __future__ import annotations

import argparse
import statistics
import time

from coach.settings import AUDIO_READY_WAIT
from coach.sound import open_player


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for warm in (False, True):
        lates = []
        for _ in range(args.runs):
            player = open_player()
            if warm:
                player.wait_warm(AUDIO_READY_WAIT)
            time.sleep(0.2)
            playing = player.play("bell")
            time.sleep(2.5)
            if playing.started_at is not None:
                lates.append(1000 * (playing.started_at - playing.requested_at))
            player.close()
            time.sleep(0.5)
        label = "warm first" if warm else "no wait"
        shown = ", ".join(f"{x:.0f}" for x in lates) or "never started"
        median = f"median {statistics.median(lates):.0f} ms" if lates else ""
        print(f"{label:>10}: the first cue's audio started {shown} ms late {median}")


if __name__ == "__main__":
    main()
