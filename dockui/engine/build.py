"""Building images through docker-py's classic builder, as a stream of progress records.

docker-py drives the classic builder (no BuildKit session), so ``RUN --mount`` and heredocs
do not work here; ``forcerm`` keeps a failed build from leaving its intermediate containers.
"""

from __future__ import annotations

import contextlib
import re
import shlex
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from docker import APIClient

from dockui.engine.sanitize import clean
from dockui.engine.service import (
    EngineError,
    describe_error,
    response_socket,
    split_reference,
    wake_reader,
)

_STEP = re.compile(r"^Step (\d+)/(\d+) : (.*)$")
_EXIT_CODE = re.compile(r"returned a non-zero code: (\d+)")
TAIL_LINES = 12
# The builder's own bookkeeping lines: not what a user wants in a failure's "last lines".
_BUILDER_CHATTER = (" ---> ", "Removing intermediate container", "Successfully ")


@dataclass(frozen=True)
class BuildSpec:
    """What the build form asks for."""

    path: str
    tags: tuple[str, ...]
    dockerfile: str = "Dockerfile"
    build_args: tuple[tuple[str, str], ...] = ()
    target: str = ""
    no_cache: bool = False
    pull: bool = False
    labels: tuple[tuple[str, str], ...] = field(default=())

    def to_cli(self) -> str:
        """The equivalent ``docker build`` command line."""
        parts = ["docker", "build"]
        for tag in self.tags:
            parts += ["-t", tag]
        if self.dockerfile != "Dockerfile":
            parts += ["-f", self.dockerfile]
        for key, value in self.build_args:
            parts += ["--build-arg", f"{key}={value}"]
        if self.target:
            parts += ["--target", self.target]
        if self.no_cache:
            parts.append("--no-cache")
        if self.pull:
            parts.append("--pull")
        parts.append(".")
        return shlex.join(parts)


@dataclass(frozen=True)
class BuildRecord:
    """One thing the build said: a line of output, a step, or the end."""

    kind: str
    """``output``, ``step``, ``done`` or ``failed``."""
    text: str = ""
    step: int = 0
    total: int = 0
    image_id: str = ""


@dataclass(frozen=True)
class BuildFailure:
    """Why a build failed, in the terms a user needs: which step, its output, its exit code."""

    message: str
    step: int = 0
    total: int = 0
    instruction: str = ""
    exit_code: int | None = None
    tail: tuple[str, ...] = ()

    def summary(self) -> str:
        """One line for a notification."""
        where = f"step {self.step}/{self.total} ({self.instruction})" if self.step else "the build"
        code = f", exit code {self.exit_code}" if self.exit_code is not None else ""
        return f"{where} failed{code}: {self.message}"


class BuildFailed(EngineError):
    """The build stopped with an error; ``failure`` holds the details."""

    def __init__(self, failure: BuildFailure) -> None:
        super().__init__(failure.summary())
        self.failure = failure


class BuildCancelled(EngineError):
    """The user cancelled the build."""


class Build:
    """One running build: iterate for records; :meth:`cancel` from another thread stops it."""

    def __init__(self, api: APIClient, spec: BuildSpec) -> None:
        self.api = api
        self.spec = spec
        self._response: Any = None
        self._cancelled = threading.Event()
        self.started = time.monotonic()

    def cancel(self) -> None:
        """Stop the build: closing the connection makes the engine cancel it."""
        self._cancelled.set()
        response = self._response
        if response is not None:
            wake_reader(response_socket(self.api, response))
            with contextlib.suppress(Exception):
                response.close()

    def __iter__(self) -> Iterator[BuildRecord]:
        step, total, instruction = 0, 0, ""
        tail: deque[str] = deque(maxlen=TAIL_LINES)
        image_id = ""
        try:
            for chunk in self._stream():
                if self._cancelled.is_set():
                    raise BuildCancelled("build cancelled")
                if "error" in chunk or "errorDetail" in chunk:
                    detail = chunk.get("errorDetail") or {}
                    message = clean(detail.get("message") or chunk.get("error") or "failed")
                    code = _EXIT_CODE.search(message)
                    raise BuildFailed(BuildFailure(
                        message=message.strip(), step=step, total=total,
                        instruction=instruction,
                        exit_code=int(code.group(1)) if code else detail.get("code"),
                        tail=tuple(tail)))
                if "aux" in chunk and isinstance(chunk["aux"], dict):
                    image_id = chunk["aux"].get("ID", image_id)
                text = chunk.get("stream") or _status_text(chunk)
                for raw_line in text.splitlines():
                    line = clean(raw_line, keep_tabs=True)
                    match = _STEP.match(line)
                    if match:
                        step, total, instruction = int(match[1]), int(match[2]), match[3]
                        tail.clear()
                        yield BuildRecord("step", line, step, total)
                    elif line.strip():
                        if not line.startswith(_BUILDER_CHATTER):
                            tail.append(line)
                        yield BuildRecord("output", line, step, total)
        except EngineError:
            raise
        except Exception as exc:
            if self._cancelled.is_set():
                raise BuildCancelled("build cancelled") from exc
            raise EngineError(describe_error(exc)) from exc
        if self._cancelled.is_set():
            raise BuildCancelled("build cancelled")
        if not image_id:
            raise BuildFailed(BuildFailure("the engine did not say which image it built",
                                           step, total, instruction, None, tuple(tail)))
        self._tag_others(image_id)
        yield BuildRecord("done", f"built {image_id[7:19]} as {', '.join(self.spec.tags)}",
                          step, total, image_id)

    def _stream(self) -> Iterator[dict[str, Any]]:
        spec = self.spec
        original = self.api._stream_helper

        def capture(response: Any, decode: bool = False) -> Any:
            # Keep the response, so that cancel() can close its socket from another thread.
            self._response = response
            return original(response, decode=decode)

        self.api._stream_helper = capture  # type: ignore[method-assign]
        try:
            stream = self.api.build(
                path=spec.path,
                dockerfile=spec.dockerfile,
                tag=spec.tags[0] if spec.tags else None,
                buildargs=dict(spec.build_args) or None,
                target=spec.target or None,
                nocache=spec.no_cache,
                pull=spec.pull,
                rm=True,
                forcerm=True,
                decode=True,
                labels=dict(spec.labels) or None,
            )
        finally:
            self.api._stream_helper = original  # type: ignore[method-assign]
        yield from stream

    def _tag_others(self, image_id: str) -> None:
        for tag in self.spec.tags[1:]:
            repo, version = split_reference(tag)
            try:
                self.api.tag(image_id, repo, version or "latest")
            except Exception as exc:
                raise EngineError(f"built, but tagging {tag} failed: {describe_error(exc)}") \
                    from exc


def _status_text(chunk: dict[str, Any]) -> str:
    # Pull progress inside a build (FROM an image not present): one line per layer status.
    status = chunk.get("status")
    if not status:
        return ""
    layer = chunk.get("id")
    return f"{layer}: {status}" if layer else str(status)


def timestamp_tag(now: float | None = None) -> str:
    """A ``YYYYMMDDHHMMSS`` tag, as the build scripts of the tutorials make."""
    return time.strftime("%Y%m%d%H%M%S", time.localtime(now))
