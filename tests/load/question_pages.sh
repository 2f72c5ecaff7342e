#!/usr/bin/env bash
# Question pages per second (performance target of docs/performance.md): the app under gunicorn
# (production mode, one sync worker per core: -w 2) on 127.0.0.1, Debian's wrk requesting one
# question page of a half-answered case (its signed session cookie written by the app's own
# code) for 15 s with 32 connections. GUNICORN_ARGS, CONNECTIONS and SECONDS_RUN change the
# set-up. Loopback only; bounded in time; the server is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
PORT=${PORT:-5099}
SECONDS_RUN=${SECONDS_RUN:-15}
export PATHWAY_ENV=production SECRET_KEY="question-pages-$(date +%s%N)"
.venv/bin/gunicorn ${GUNICORN_ARGS:--w 2} -b "127.0.0.1:$PORT" 'web:create_app()' --log-level warning &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 60); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 1; done
COOKIE=$(.venv/bin/python - <<'PY'
import datetime as dt, os, random
from flask import session
from flask_wtf.csrf import generate_csrf
from web import create_app
from engine.analysis.generate import random_walk_case
from web.case import Case, save_case
app = create_app({"SECRET_KEY": os.environ["SECRET_KEY"]})
kb = app.extensions["pathway_kb"]
answers = max((random_walk_case(kb, random.Random(seed), "baseline") for seed in range(5)), key=len)
given = dict(list(answers.items())[: len(answers) // 2])
# The cookie a browser holds half-way through an interview, written by the app's own code
# (with its CSRF token, as after any page with a form).
with app.test_request_context():
    save_case(Case("baseline", dt.datetime(2026, 3, 1, 12, 0), given))
    generate_csrf()
    print(app.config["SESSION_COOKIE_NAME"] + "=" + app.session_interface.get_signing_serializer(app).dumps(dict(session)))
PY
)
PAGE=$(curl -s -o /dev/null -w "%{redirect_url}" -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT/next")
echo "question page: $PAGE"
wrk -t2 -c"${CONNECTIONS:-32}" -d"${SECONDS_RUN}s" --latency -H "Cookie: $COOKIE" "$PAGE"
