#!/usr/bin/env bash
# Question pages per second (performance target of docs/performance.md): the app under gunicorn
# (production mode, 2 workers x 8 threads) on 127.0.0.1, Debian's wrk requesting one question
# page of a half-answered case (its signed session cookie made here) for 15 s with 32
# connections. Loopback only; bounded in time; the server is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
PORT=${PORT:-5099}
SECONDS_RUN=${SECONDS_RUN:-15}
export PATHWAY_ENV=production SECRET_KEY="question-pages-$(date +%s%N)"
.venv/bin/gunicorn ${GUNICORN_ARGS:--w 2 --threads 8} -b "127.0.0.1:$PORT" 'web:create_app()' --log-level warning &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 60); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 1; done
COOKIE=$(.venv/bin/python - <<'PY'
import os, random, secrets
from web import create_app
from engine.generate import random_walk_case
from engine.answers import answer_to_data
from web.case import SESSION_KEY
app = create_app({"SECRET_KEY": os.environ["SECRET_KEY"]})
kb = app.extensions["pathway_kb"]
answers = max((random_walk_case(kb, random.Random(seed), "baseline") for seed in range(5)), key=len)
given = list(answers.items())[: len(answers) // 2]
case = {"j": "baseline", "r": "2026-03-01T12:00", "a": [[k, answer_to_data(v)] for k, v in given], "n": ""}
# A browser's session after its first page also holds its CSRF token (Flask-WTF's raw token).
session = {SESSION_KEY: case, "csrf_token": secrets.token_hex(20)}
with app.test_request_context():
    print(app.config["SESSION_COOKIE_NAME"] + "=" + app.session_interface.get_signing_serializer(app).dumps(session))
PY
)
PAGE=$(curl -s -o /dev/null -w "%{redirect_url}" -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT/next")
echo "question page: $PAGE"
wrk -t2 -c"${CONNECTIONS:-32}" -d"${SECONDS_RUN}s" --latency -H "Cookie: $COOKIE" "$PAGE"
