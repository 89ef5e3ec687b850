"""dockui's benchmarks, beside the docker CLI and lazydocker measured in the same run.

``make bench`` runs ``.venv/bin/python bench/run.py``: every measure, a Markdown table on
stdout, and the same table (with the raw runs) in ``bench/results.md``, overwritten each run.
``--quick`` takes fewer runs and stops at 500 containers; ``--only NAME`` (repeatable) runs
only some measures. See ``bench/README.md`` for what each number means.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import common
import flood
from common import Pane, PaneError, Tool, log, median
from rows import CLI, Row, fmt, fmt_list, table, timeouts_note

KNOWN = "aaa-bench-known"
PAINT_PREFIX = "bench-c-"
PAINT_RUNNING = 10
IDLE_PREFIX = "bench-i-"
IDLE_TOTAL, IDLE_RUNNING = 200, 150
PAINT_TIMEOUT = 20.0
OUTSIDE_TIMEOUT = 10.0
RSS_SETTLE = 3.0
TOOL_SETTLE = 5.0
PAUSE_BETWEEN_RUNS = 0.5
RESULTS = Path(__file__).resolve().parent / "results.md"
MEASURES = ("paint", "idle", "outside", "rss", "flood")


@dataclass(frozen=True)
class Plan:
    """How much to measure: the full run or ``--quick``."""

    reps: int
    sizes: tuple[int, ...]
    idle_window: float
    quick: bool

    @classmethod
    def make(cls, quick: bool) -> Plan:
        if quick:
            return cls(reps=3, sizes=(0, 100, 500), idle_window=10.0, quick=True)
        return cls(reps=5, sizes=(0, 100, 500, 2000), idle_window=30.0, quick=False)


class Bench:
    """The state of one bench run: engine client, tools, population, results."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.client = common.engine_client()
        self.project = Path(tempfile.mkdtemp(prefix="dockui-bench-project-"))
        self.rows: list[Row] = []
        self.notes: list[str] = []
        self.failures: dict[str, int] = {}  # note on a failure → how many times it happened
        self.raw: list[str] = []
        self.paint_count: int | None = None  # bench-c-* containers present, if that population
        self.idle_ready = False
        self.out_counter = 0
        self.load_at_start = common.load_average()
        self.tools: list[Tool] = [common.dockui_tool(self.project)]
        lazydocker, note = common.lazydocker_tool()
        self.lazydocker_note = note
        if lazydocker is None:
            self.notes.append(f"{note}: its column is empty.")
        else:
            self.tools.append(lazydocker)

    # ----------------------------------------------------------------- populations

    def clear(self) -> None:
        """Remove every bench container."""
        removed = common.remove_bench_containers(self.client)
        if removed:
            log(f"removed {removed} bench containers")
        self.paint_count = None
        self.idle_ready = False

    def paint_population(self, n: int) -> None:
        """``n`` mostly created containers (``PAINT_RUNNING`` running), then KNOWN, newest."""
        if self.paint_count is None or self.paint_count > n:
            self.clear()
            self.paint_count = 0
        names = [f"{PAINT_PREFIX}{i:04d}" for i in range(self.paint_count, n)]
        running = [m for m in names if int(m.removeprefix(PAINT_PREFIX)) < PAINT_RUNNING]
        log(f"population: {n} containers ({min(n, PAINT_RUNNING)} running) + {KNOWN}")
        common.create_containers(self.client, running, start=True)
        common.create_containers(self.client, [m for m in names if m not in running],
                                 start=False)
        self.paint_count = n
        common.remove_named(self.client, KNOWN)
        common.create_container(self.client, KNOWN, start=True)
        time.sleep(2.0)  # let the engine finish the burst before timing anything

    def idle_population(self) -> None:
        """``IDLE_TOTAL`` containers, ``IDLE_RUNNING`` of them running (memory allowing)."""
        if self.idle_ready:
            return
        self.clear()
        names = [f"{IDLE_PREFIX}{i:04d}" for i in range(IDLE_TOTAL)]
        free_before = common.mem_available_mb()
        log(f"population: {IDLE_TOTAL} containers, starting {IDLE_RUNNING}")
        common.create_containers(self.client, names[IDLE_RUNNING:], start=False)
        started = common.start_with_memory_guard(self.client, names[:IDLE_RUNNING])
        used = free_before - common.mem_available_mb()
        self.notes.append(f"Idle and outside change: {IDLE_TOTAL} containers, {started} "
                          f"running (they took {used:.0f} MB of memory, "
                          f"{common.mem_available_mb():.0f} MB left available).")
        if started < IDLE_RUNNING:
            self.notes.append(f"Memory was short: only {started} of {IDLE_RUNNING} started.")
        self.idle_ready = True
        time.sleep(10.0)  # starts leave the engine busy for a while

    # ----------------------------------------------------------------- tool runs

    def launch(self, tool: Tool) -> Pane:
        return Pane.launch(tool.label.replace(" ", "-"), tool.command, self.project)

    def failed(self, tool: Tool, what: str, error: PaneError) -> None:
        """Record a tool that did not show what was awaited, keeping its screen."""
        path = common.save_screen(f"{tool.label}-{what}-error".replace(" ", "-"), error.screen)
        note = (f"{tool.label}, {what}: {error} (last screen in "
                f"{path.relative_to(common.ROOT)})")
        self.failures[note] = self.failures.get(note, 0) + 1
        log(f"{tool.label} {what}: {error}")

    def first_paint(self, tool: Tool, label: str) -> tuple[float | None, float | None,
                                                            float | None]:
        """Seconds until KNOWN shows, until the screen shows anything, until keys work."""
        pane = self.launch(tool)
        try:
            elapsed = pane.wait_for(KNOWN, timeout=PAINT_TIMEOUT)
            ready = (pane.wait_for(tool.ready_text, timeout=PAINT_TIMEOUT) if tool.ready_text
                     else elapsed)
            common.save_screen(f"{tool.label}-{label}".replace(" ", "-"), pane.capture())
            return elapsed, pane.first_output, ready
        except PaneError as error:
            self.failed(tool, label, error)
            return None, pane.first_output, None
        finally:
            pane.close()
            time.sleep(PAUSE_BETWEEN_RUNS)

    def cli_ps(self) -> list[tuple[float, float]]:
        """``docker ps -a > /dev/null``, ``reps`` times: [(seconds, peak RSS MB)]."""
        return [common.time_command(["docker", "ps", "-a"]) for _ in range(self.plan.reps)]

    # ----------------------------------------------------------------- measures

    def measure_paint(self, with_rss: bool) -> None:
        """First paint at each size; RSS too at the largest size when asked."""
        targets = {500: 0.30, 2000: 0.5}
        for n in self.plan.sizes:
            self.paint_population(n)
            row = Row(f"first paint, {n:,} containers + 1 (median of {self.plan.reps})", "s",
                      limit=targets.get(n))
            cli_times = [t for t, _ in self.cli_ps()]
            row.values[CLI] = median(cli_times)
            self.raw.append(f"paint N={n} {CLI}: {fmt_list(cli_times)}")
            ready_row = Row(f"ready for keys, {n:,} containers + 1 (median of "
                            f"{self.plan.reps})", "s")
            for tool in self.tools:
                runs3 = [self.first_paint(tool, f"paint-{n}") for _ in range(self.plan.reps)]
                runs = [known for known, _, _ in runs3]
                ready = [r for _, _, r in runs3]
                row.values[tool.label] = median(runs)
                row.extra[tool.label] = timeouts_note(runs, PAINT_TIMEOUT)
                ready_row.values[tool.label] = median(ready)
                self.raw.append(f"paint N={n} {tool.label}: {fmt_list(runs)} "
                                f"(first non-blank screen: {fmt_list([f for _, f, _ in runs3])}; "
                                f"ready for keys: {fmt_list(ready)})")
                log(f"first paint N={n} {tool.label}: {fmt_list(runs)}; ready {fmt_list(ready)}")
            self.rows += [row, ready_row]
            if with_rss and n == self.plan.sizes[-1]:
                self.measure_rss()

    def measure_rss(self) -> None:
        """Peak RSS after first paint + 3 s, at the current (largest) paint population."""
        n = self.paint_count
        row = Row(f"peak RSS at {n:,} containers, first paint + {RSS_SETTLE:.0f} s", "MB")
        if n == 2000:
            row.limit = 150
        else:
            row.target_note = "< 150 MB at 2,000"
        row.values[CLI] = max(rss for _, rss in self.cli_ps())
        for tool in self.tools:
            pane = self.launch(tool)
            try:
                pane.wait_for(KNOWN, timeout=PAINT_TIMEOUT)
                time.sleep(RSS_SETTLE)
            except PaneError as error:
                self.failed(tool, f"rss-{n}", error)
                row.extra[tool.label] = f" (list not shown in {PAINT_TIMEOUT:.0f} s)"
            rss = common.peak_rss_mb(pane.pid) if pane.alive() else None
            pane.close()
            row.values[tool.label] = rss
            self.raw.append(f"rss N={n} {tool.label}: {fmt(rss, 'MB')}")
            log(f"peak RSS N={n} {tool.label}: {fmt(rss, 'MB')}")
        self.rows.append(row)

    def measure_idle(self) -> None:
        """Tool CPU, engine CPU and engine CPU over baseline, idle at 200 containers.

        The engine's baseline (no tool running) is measured just before each tool, over the
        same length of time, as others may be using the engine too.
        """
        self.idle_population()
        window = self.plan.idle_window
        rows = {
            "tool": Row(f"idle CPU of the tool, % of one core, {IDLE_TOTAL} containers "
                        f"({window:.0f} s)", "%", limit=0.5),
            "base": Row("engine CPU (dockerd + containerd), no tool, just before", "%"),
            "engine": Row("engine CPU (dockerd + containerd) with the tool", "%"),
            "added": Row("engine CPU added by the tool (with − without)", "%", limit=1.0),
            "events": Row("engine events during the window (any source)", ""),
            "rss": Row(f"peak RSS at {IDLE_TOTAL} containers after the idle window", "MB"),
        }
        for tool in [*self.tools, common.watch_tool()]:
            result = self.idle_run(tool, window)
            for key, row in rows.items():
                row.values[tool.label] = None if result is None else result[key]
            if result is not None:
                self.raw.append(f"idle {tool.label}: " + ", ".join(
                    f"{key} {value:.2f}" for key, value in result.items()))
        self.rows += rows.values()

    def idle_run(self, tool: Tool, window: float) -> dict[str, float] | None:
        """Engine baseline, then ``tool`` started, settled and measured over ``window``."""
        log(f"engine baseline over {window:.0f} s")
        base_meter = common.CpuMeter(common.engine_pids())
        time.sleep(window)
        base = base_meter.percent()
        pane = self.launch(tool)
        try:
            pane.wait_for(IDLE_PREFIX, timeout=60)
            time.sleep(TOOL_SETTLE)
            log(f"idle {tool.label} over {window:.0f} s")
            tool_meter = common.CpuMeter([pane.pid], children=tool.children)
            engine_meter = common.CpuMeter(common.engine_pids())
            since = time.time()
            time.sleep(window)
            engine = engine_meter.percent()
            result = {"tool": tool_meter.percent(), "base": base, "engine": engine,
                      "added": engine - base, "rss": common.peak_rss_mb(pane.pid),
                      "events": common.engine_events(since, time.time())}
            common.save_screen(f"{tool.label}-idle".replace(" ", "-"), pane.capture())
            return result
        except PaneError as error:
            self.failed(tool, "idle", error)
            return None
        finally:
            pane.close()
            time.sleep(2.0)  # let the engine drop what the tool had open

    def measure_outside(self) -> None:
        """Seconds from ``docker run -d`` returning until its name shows, median of reps."""
        self.idle_population()
        row = Row(f"outside change: `docker run -d` returns → name on screen "
                  f"(median of {self.plan.reps})", "s", limit=0.10)
        for tool in [*self.tools, common.watch_tool()]:
            runs = self.outside_runs(tool)
            row.values[tool.label] = median(runs)
            row.extra[tool.label] = timeouts_note(runs, OUTSIDE_TIMEOUT)
            self.raw.append(f"outside {tool.label}: {fmt_list(runs)}")
            log(f"outside change {tool.label}: {fmt_list(runs)}")
        self.rows.append(row)

    def outside_runs(self, tool: Tool) -> list[float | None]:
        """One session of ``tool``; ``reps`` containers run from outside, each timed."""
        pane = self.launch(tool)
        runs: list[float | None] = []
        try:
            pane.wait_for(IDLE_PREFIX, timeout=60)
            time.sleep(2.0)
            for _ in range(self.plan.reps):
                runs.append(self.outside_once(pane, tool))
        except PaneError as error:
            self.failed(tool, "outside", error)
        finally:
            pane.close()
        return runs

    def outside_once(self, pane: Pane, tool: Tool) -> float | None:
        """Run one container with the docker CLI and time until ``pane`` shows it."""
        time.sleep(random.uniform(0.5, 2.5))  # no lock-step with a tool that polls
        self.out_counter += 1
        name = f"aaa-bench-out-{self.out_counter}"
        launched = time.perf_counter()
        subprocess.run(["docker", "run", "-d", "--label", f"{common.LABEL}=1", "--name", name,
                        common.IMAGE, *common.SLEEP_COMMAND], check=True,
                       stdout=subprocess.DEVNULL)
        returned = time.perf_counter()
        try:
            latency = pane.wait_for(name, since=returned, timeout=OUTSIDE_TIMEOUT)
            self.raw.append(f"outside {tool.label} {name}: {latency:.3f} s after `docker run` "
                            f"returned, {latency + returned - launched:.3f} s after it began")
            return latency
        except PaneError as error:
            self.failed(tool, f"outside-{name}", error)
            return None
        finally:
            common.remove_named(self.client, name)


# --------------------------------------------------------------------------- formatting


def engine_version(client) -> str:
    """Engine, API and containerd versions."""
    info = client.version()
    parts = {c["Name"]: c["Version"] for c in info.get("Components", [])}
    return (f"Docker Engine {info['Version']} (API {info['ApiVersion']}), containerd "
            f"{parts.get('containerd', '?')}")


def dockui_revision() -> str:
    """The commit dockui was measured at, marked when the tree has local changes."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=common.ROOT, capture_output=True,
                              text=True, check=False).stdout.strip()
    dirty = " + uncommitted changes" if git("status", "--porcelain") else ""
    return f"{git('rev-parse', '--short', 'HEAD') or '?'}{dirty}"


def busy_note(load: str) -> list[str]:
    """A warning when other work kept the machine busy at the start of the run."""
    one_minute = float(load.split()[0])
    if one_minute < 1.0:
        return []
    return [f"The machine was busy with other work (load average {one_minute:.1f} on "
            f"{os.cpu_count()} cores at the start): times include waiting for a core."]


def report(bench: Bench, argv: list[str], started: float) -> str:
    """The whole results.md text."""
    command = " ".join([".venv/bin/python", "bench/run.py", *argv])
    header = [
        "# dockui benchmarks",
        "",
        f"- date: {time.strftime('%Y-%m-%d %H:%M:%S %Z')}",
        f"- command: `{command}` ({'quick' if bench.plan.quick else 'full'} run, "
        f"{time.perf_counter() - started:.0f} s)",
        f"- machine: {common.machine()}",
        f"- engine: {engine_version(bench.client)}",
        f"- dockui: {dockui_revision()}; {bench.lazydocker_note}; {common.docker_cli_version()}",
        f"- screen: tmux {common.WIDTH}x{common.HEIGHT}, TERM=xterm-256color, "
        f"polled every {common.POLL_SECONDS * 1000:.0f} ms",
        f"- load average (1/5/15 min) at the start: {bench.load_at_start}; at the end: "
        f"{common.load_average()}",
        "",
        table(bench.rows),
        "",
        "docker CLI column: `docker ps -a > /dev/null` for first paint and RSS; "
        "`watch -n 2 docker ps -a` in tmux for idle and outside change "
        "(its CPU includes the `docker ps` it runs).",
    ]
    failures = [note + (f", {count} times." if count > 1 else ".")
                for note, count in bench.failures.items()]
    notes = [*busy_note(bench.load_at_start), *bench.notes, *failures]
    notes = ["", "## Notes", "", *(f"- {n}" for n in notes)] if notes else []
    raw = ["", "## Raw runs", "", "```", *bench.raw, "```", ""]
    return "\n".join(header + notes + raw)


# --------------------------------------------------------------------------- entry


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true",
                        help="3 runs instead of 5, up to 500 containers, 10 s idle window")
    parser.add_argument("--only", action="append", choices=MEASURES,
                        help="run only this measure (repeatable)")
    return parser.parse_args(argv)


def run(bench: Bench, selected: set[str]) -> None:
    """Every selected measure, paint-sized populations first, then the 200-container one."""
    if "paint" in selected:
        bench.measure_paint(with_rss="rss" in selected)
    elif "rss" in selected:
        bench.paint_population(bench.plan.sizes[-1])
        bench.measure_rss()
    if "idle" in selected:
        bench.measure_idle()
    if "outside" in selected:
        bench.measure_outside()
    if "flood" in selected:
        flood.measure_flood(bench)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    selected = set(args.only or MEASURES)
    started = time.perf_counter()
    if shutil.which("docker") is None:
        print("bench: the docker CLI is needed", file=sys.stderr)
        return 2
    bench = Bench(Plan.make(args.quick))
    common.ensure_image(bench.client)
    common.start_tmux_server()
    try:
        bench.clear()
        run(bench, selected)
    finally:
        log("cleaning up")
        common.stop_tmux_server()
        bench.clear()
        shutil.rmtree(bench.project, ignore_errors=True)
    text = report(bench, argv, started)
    RESULTS.write_text(text)
    print(text)
    log(f"wrote {RESULTS.relative_to(common.ROOT)}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
