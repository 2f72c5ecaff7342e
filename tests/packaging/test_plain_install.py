"""A plain `pip install .` into a new virtual environment works on this Python, web app included.

experta 1.9.4 pins frozendict==1.2, which does not import on Python >= 3.10. The project keeps
experta's pins and restores the aliases in engine/experta_compat.py; this test proves that a
plain install (no --no-deps, no overrides) imports experta, fires a rule, and ships the
knowledge base with it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_plain_pip_install_imports_experta_and_assesses_a_case(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "__pycache__", "*.egg-info", "build", ".pytest_cache", ".hypothesis", ".ruff_cache"
        ),
    )
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(source)], check=True, env=env, cwd=tmp_path)
    pins = subprocess.run(
        [str(python), "-m", "pip", "show", "frozendict"], check=True, capture_output=True, text=True, env=env
    ).stdout
    assert "Version: 1.2" in pins  # experta's own pin was kept
    script = (
        "import engine.run.experta_compat as e\n"
        "class Light(e.Fact): pass\n"
        "fired = []\n"
        "class Engine(e.KnowledgeEngine):\n"
        "    @e.Rule(Light(color='green'))\n"
        "    def go(self):\n"
        "        fired.append('go')\n"
        "engine = Engine(); engine.reset(); engine.declare(Light(color='green')); engine.run()\n"
        "assert fired == ['go'], fired\n"
        "import collections\n"
        "assert not hasattr(collections, 'Mapping'), 'the aliases experta needed outlived its import'\n"
        "import engine as api\n"
        "kb = api.load_knowledge()\n"
        "print(len(kb.rules), api.assess(kb, {}).next_question.question.id)\n"
        "from web import create_app\n"
        "client = create_app({'SECRET_KEY': 'packaging-test'}).test_client()\n"
        "assert client.get('/').status_code == 200\n"
        "assert client.get('/static/pathway.css').status_code == 200\n"
        "assert client.get('/api/v1/openapi.json').status_code == 200\n"
    )
    done = subprocess.run(
        [str(python), "-c", script], check=True, capture_output=True, text=True, env=env, cwd=tmp_path
    )
    rules, first_question = done.stdout.split()
    assert int(rules) > 0 and first_question
    check = subprocess.run(
        [str(venv / "bin" / "pathway"), "check"], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert check.returncode == 0, check.stdout + check.stderr
