"""Command line: ``dockui [PROJECT_DIR] [--host URL] [--context NAME]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dockui import __version__


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="dockui",
        description="A terminal UI to build, run and watch Docker images and containers.",
        epilog="Without --host or --context, the engine is found as the docker CLI finds it: "
               "DOCKER_HOST, then DOCKER_CONTEXT, then the docker config's current context, "
               "then the local socket.",
    )
    parser.add_argument("project_dir", nargs="?", default=".", metavar="PROJECT_DIR",
                        help="the project folder shown in the Project pane (default: .)")
    parser.add_argument("--host", "-H", metavar="URL",
                        help="engine address, as DOCKER_HOST takes it (unix://, tcp://, ssh://)")
    parser.add_argument("--context", "-c", metavar="NAME", help="a docker context name")
    parser.add_argument("--version", action="version", version=f"dockui {__version__}")
    args = parser.parse_args(argv)
    if args.host and args.context:
        parser.error("--host and --context cannot be used together (as with the docker CLI)")
    if not Path(args.project_dir).is_dir():
        parser.error(f"{args.project_dir}: not a folder")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from dockui.first_frame import start_first_frame
    from dockui.prefetch import start_prefetch

    # Ask the engine now, and draw its answer while Textual and docker-py are imported.
    prefetch = start_prefetch(args.host, args.context)
    frame = start_first_frame(prefetch, Path(args.project_dir).resolve())
    try:
        from dockui.app import make_app  # imported late: --help and --version stay instant

        app = make_app(args.project_dir, host=args.host, context=args.context, prefetch=prefetch,
                       first_frame=frame)
    except BaseException as exc:
        if frame is not None:
            frame.stop(leave_screen=True)
        if isinstance(exc, KeyboardInterrupt):
            return 130  # ctrl+c while starting: quietly, with the shell's usual status
        raise
    if frame is not None:
        frame.hand_over()  # Textual sets the terminal up from here
    app.run()
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
