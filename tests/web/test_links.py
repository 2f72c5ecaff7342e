"""Template links: the same as Flask's url_for, also when the app is mounted under a prefix."""

from __future__ import annotations

import flask

CALLS = [
    ("interview.start", {}),
    ("interview.check", {}),
    ("static", {"filename": "pathway.css"}),
    ("interview.step", {"number": 1}),
    ("interview.step", {"number": 2, "from": "check"}),
    ("interview.start", {"_anchor": "main"}),
    ("interview.start", {"_external": True}),
]


def test_template_links_equal_flask_url_for_under_each_mount_point(app):
    template_url_for = app.jinja_env.globals["url_for"]
    for _ in range(2):  # the second round comes from the kept links
        for mount in ("", "/pathway", "/other"):
            with app.test_request_context("/", base_url=f"http://localhost{mount}/"):
                for endpoint, values in CALLS:
                    assert template_url_for(endpoint, **values) == flask.url_for(endpoint, **values)
                assert template_url_for("interview.start") == f"{mount}/"
