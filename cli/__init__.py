"""The `pathway` command line: a thin layer over the engine (and, for `serve`, the web app).

It lives outside `engine/` so that nothing in the engine imports the web app."""

from cli.main import main

__all__ = ["main"]
