"""Log floods: a container writes its log as fast as it can while each tool follows it.

Three floods, one at a time: 200,000 short lines, 2,000 lines of 10 kB, 200,000 lines full of
colour codes. The container first writes the flood to a file (so the speed of ``awk`` does not
count), prints ``FLOOD-READY`` and waits; once the tool shows that line, the bench touches the
go file and the container ``cat``s the flood, then prints ``FLOOD-END``. Timed from the go
file's creation until ``FLOOD-END`` is on screen. Key presses are timed during all three
floods in a row.
"""

from __future__ import annotations

import re
import subprocess
import time

import common
from common import Pane, PaneError, Tool, log, median
from rows import CLI, DOCKUI, Row, fmt, fmt_list

NAME = "aaa-bench-flood"
READY, END = "FLOOD-READY", "FLOOD-END"
# Each flood: (label, awk program writing it). Run one at a time; `?` is timed during all three.
FLOODS = {
    "short": ("200,000 short lines",
              'BEGIN { for (i = 1; i <= 200000; i++) print "short " i }'),
    "long": ("2,000 lines of 10 kB",
             'BEGIN { s = sprintf("%10000s", ""); gsub(/ /, "x", s); '
             'for (i = 1; i <= 2000; i++) print "long " i " " s }'),
    "colour": ("200,000 colour lines",
               'BEGIN { for (i = 1; i <= 200000; i++) printf "\\033[31mred\\033[0m '
               '\\033[1;32mgreen %d\\033[0m \\033[44;37mblue\\033[0m\\n", i }'),
}


def script(kinds: list[str]) -> str:
    """The container's shell script: write the floods to a file, wait for go, then cat it."""
    writes = "\n".join(f"awk '{FLOODS[kind][1]}' >> /tmp/flood" for kind in kinds)
    return (f"mkdir -p /tmp\n{writes}\necho {READY}\n"
            "while [ ! -e /tmp/go ]; do sleep 0.01; done\n"
            f"cat /tmp/flood\necho {END}\nexec sleep 36000\n")


LAST_TIMEOUT = 60.0  # a tool still behind after this long is reported with how far it got
KEY_SAMPLES = 8
KEY_TIMEOUT = 5.0
MIN_FREE_MB = 2000  # a tool that eats the machine's memory is stopped (and the note says so)
PROGRESS = re.compile(r"\b(short|long|green) (\d+)\b")

# What `?` shows in each tool: the key's effect that the bench waits for.
HELP_MARKERS = {DOCKUI: "Everywhere", "lazydocker": "focus main panel"}


def start_flood(bench, kinds: list[str]) -> None:
    """A fresh flood container (a used one would replay its old flood)."""
    common.remove_named(bench.client, NAME)
    created = bench.client.api.create_container(common.IMAGE,
                                                command=["sh", "-c", script(kinds)],
                                                name=NAME, labels={common.LABEL: "1"})
    bench.client.api.start(created["Id"])


def go(bench) -> float:
    """Let the flood out; the time the go file exists."""
    exec_id = bench.client.api.exec_create(NAME, ["touch", "/tmp/go"])["Id"]
    bench.client.api.exec_start(exec_id)
    return time.perf_counter()


def progress(screen: str) -> str:
    """How far a tool got: the last numbered line on its screen."""
    found = PROGRESS.findall(screen)
    if not found:
        return "no flood line on screen"
    kind, number = found[-1]
    return f"showing line {kind} {int(number):,}"


def wait_last_line(pane: Pane, since: float) -> float:
    """Seconds from ``since`` until END shows; PaneError on timeout or memory running out."""
    deadline = since + LAST_TIMEOUT
    while True:
        screen = pane.capture()
        now = time.perf_counter()
        if END in screen:
            return now - since
        if now > deadline:
            raise PaneError(f"{END} not on screen after {LAST_TIMEOUT:.0f} s "
                            f"({progress(screen)})", screen)
        if common.mem_available_mb() < MIN_FREE_MB:
            raise PaneError(f"stopped at {now - since:.0f} s: less than {MIN_FREE_MB} MB "
                            f"of memory left ({progress(screen)})", screen)
        time.sleep(common.POLL_SECONDS)


def last_line_run(bench, tool: Tool, kind: str) -> tuple[float | None, float | None,
                                                          float | None]:
    """One flood: (seconds to the last line, peak RSS MB, CPU seconds) for ``tool``."""
    start_flood(bench, [kind])
    pane = bench.launch(tool)
    try:
        pane.wait_for(READY, timeout=60)
        cpu_before = common.cpu_seconds(pane.pid)
        seconds = wait_last_line(pane, go(bench))
        cpu = common.cpu_seconds(pane.pid) - cpu_before
        time.sleep(1.0)  # the RSS a tool keeps once the flood is in
        common.save_screen(f"{tool.label}-flood-{kind}".replace(" ", "-"), pane.capture())
        return seconds, common.peak_rss_mb(pane.pid), cpu
    except PaneError as error:
        bench.failed(tool, f"flood-{kind}", error)
        rss = common.peak_rss_mb(pane.pid) if pane.alive() else None
        return None, rss, None
    finally:
        pane.close()
        time.sleep(1.0)


def engine_floor(bench, kind: str) -> float:
    """Seconds until the engine hands the last line to a bare reader: no terminal, no UI."""
    start_flood(bench, [kind])
    reader = subprocess.Popen(["sh", "-c", f"docker logs -f {NAME} 2>&1 | grep -m1 {END}"],
                              stdout=subprocess.PIPE)
    try:
        deadline = time.perf_counter() + 60
        while READY.encode() not in bench.client.api.logs(NAME, tail=5):
            if time.perf_counter() > deadline:
                raise RuntimeError("the flood container never got ready")
            time.sleep(0.05)
        time.sleep(0.5)  # the reader is following by now
        since = go(bench)
        assert reader.stdout is not None
        reader.stdout.readline()
        return time.perf_counter() - since
    finally:
        reader.kill()
        reader.wait()


def key_latencies(bench, tool: Tool) -> list[float | None]:
    """During all three floods in a row: `?`, seconds until help shows; escape; again."""
    marker = HELP_MARKERS[tool.label]
    start_flood(bench, list(FLOODS))
    pane = bench.launch(tool)
    samples: list[float | None] = []
    try:
        pane.wait_for(READY, timeout=60)
        go(bench)
        time.sleep(0.2)  # into the flood
        for _ in range(KEY_SAMPLES):
            pressed = time.perf_counter()
            common.tmux("send-keys", "-t", pane.name, "?")
            try:
                samples.append(pane.wait_for(marker, since=pressed, timeout=KEY_TIMEOUT))
            except PaneError as error:
                bench.failed(tool, "flood-key", error)
                samples.append(None)
            common.tmux("send-keys", "-t", pane.name, "Escape")
            time.sleep(0.15)
        flooding = END not in pane.capture()
        bench.raw.append(f"flood keys {tool.label}: {fmt_list(samples)} "
                         f"({'still flooding' if flooding else 'flood shown in full'} "
                         "after the last sample)")
    except PaneError as error:
        bench.failed(tool, "flood-keys", error)
    finally:
        pane.close()
        time.sleep(1.0)
    return samples


def measure_flood(bench) -> None:
    """Per flood: last line on screen per tool, beside a bare reader; then RSS, CPU, keys."""
    bench.clear()
    reps = 1 if bench.plan.quick else 3
    cli = Tool(CLI, f"docker logs -f {NAME}")
    rss_row = Row("log flood: peak RSS (any of the floods)", "MB", limit=200)
    cpu_row = Row("log flood: CPU seconds until the last line (sum over the floods)", "s")
    rss: dict[str, list[float]] = {}
    cpu: dict[str, list[float | None]] = {}
    floors = []
    for kind, (label, _) in FLOODS.items():
        row = Row(f"log flood, {label}: last line on screen (median of {reps}; lazydocker 1)",
                  "s", limit=3.0)
        floor = engine_floor(bench, kind)
        floors.append(f"{label} {floor:.2f} s")
        log(f"flood {kind}: a bare reader got the last line after {floor:.3f} s")
        for tool in [cli, *bench.tools]:
            runs = [last_line_run(bench, tool, kind)
                    for _ in range(1 if tool.label == "lazydocker" else reps)]
            log(f"flood {kind} {tool.label}: last line {fmt_list([r[0] for r in runs])}")
            bench.raw.append(f"flood {kind} {tool.label}: " + ", ".join(
                f"{fmt(s, 's')} / {fmt(r, 'MB')} / cpu {fmt(c, 's')}" for s, r, c in runs))
            row.values[tool.label] = median([r[0] for r in runs])
            rss.setdefault(tool.label, []).extend(r[1] for r in runs if r[1] is not None)
            cpu.setdefault(tool.label, []).append(median([r[2] for r in runs]))
        bench.rows.append(row)
    for label, values in rss.items():
        rss_row.values[label] = max(values) if values else None
    for label, values in cpu.items():
        cpu_row.values[label] = sum(v for v in values if v is not None) \
            if all(v is not None and v != float("inf") for v in values) else None
    key_row = Row(f"log flood: `?` → help on screen during the floods (median of "
                  f"{KEY_SAMPLES})", "s", limit=0.1)
    key_max = Row("log flood: slowest of those key presses", "s")
    for tool in bench.tools:
        samples = key_latencies(bench, tool)
        log(f"flood keys {tool.label}: {fmt_list(samples)}")
        key_row.values[tool.label] = median(samples)
        shown = [s for s in samples if s is not None]
        key_max.values[tool.label] = max(shown) if shown else None
    bench.rows += [rss_row, cpu_row, key_row, key_max]
    bench.notes.append(
        "Log floods: each flood is written to a file in the container first, then `cat` once "
        "every tool shows the container's first line; timed from that moment until "
        f"`{END}` is on screen. A bare reader (`docker logs -f | grep -m1`, no terminal) got "
        f"the last line after: {'; '.join(floors)} — the engine's own pace on this machine. "
        f"A tool still behind after {LAST_TIMEOUT:.0f} s is stopped; the failure notes say "
        "how far it got. docker CLI column: `docker logs -f` in tmux. `?` is pressed "
        f"{KEY_SAMPLES} times while all three floods stream in a row (34 MB).")
    common.remove_named(bench.client, NAME)
