"""The templates' `url_for`, with links that take no values built once per mount point.

Every page links the same dozen places (header, footer, stylesheets, the check page); building
each with werkzeug's router took about 7% of a question page. A link without values depends
only on its endpoint and on where the app is mounted (the request's script root), so it is kept
after the first build. Anything else (values, `_external`, `_anchor`, relative endpoints) is
built by Flask every time, as before; values never enter the cache, so no case data can.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request

MAX_LINKS = 256  # endpoints x mount points; cleared when full (it never is in practice)


def install(app: Flask) -> None:
    """Wrap the Jinja global `url_for` that Flask installed."""
    build = app.jinja_env.globals["url_for"]
    links: dict[tuple[str, str, str | None], str] = {}

    def url_for(endpoint: str, /, **values: Any) -> str:
        static = endpoint == "static" and values.keys() == {"filename"} and isinstance(values["filename"], str)
        if (values and not static) or endpoint.startswith("."):
            return build(endpoint, **values)
        key = (request.script_root, endpoint, values.get("filename"))
        found = links.get(key)
        if found is None:
            if len(links) >= MAX_LINKS:
                links.clear()
            found = links[key] = build(endpoint, **values)
        return found

    app.jinja_env.globals["url_for"] = url_for
