"""dockui: a terminal UI to build, run and watch Docker images and containers."""

__version__ = "0.1.0"
