"""Run a script in a Django project's ``manage.py shell`` (a fresh process, the settings of a
given environment) and read back what it printed as ``RESULT <json>``."""
from __future__ import annotations

import json
import subprocess
import sys
from typing import Any


def shell_result(env: dict[str, str], script: str, *, timeout: int = 300) -> Any:
    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", script], env=env,
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))
