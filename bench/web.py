"""What the web benchmarks share: the deployed command (``bin/web``, unchanged: production
settings, gunicorn.conf.py, the Procfile's process) on a free port with its log in a file, wrk
with a Lua script that counts 2xx answers and requests over 1 s, the restarts read from the
server's log, a throw-away PostgreSQL database, the server's memory."""
from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil
import requests

from ml.config import PROJECT_ROOT, settings

POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
SLOW_MS = 1000.0
# the bench's service user and its token (``manage.py shell -c``)
TOKEN_SNIPPET = """
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
user, _ = get_user_model().objects.get_or_create(username="bench-service")
Token.objects.filter(user=user).delete()
Token.objects.create(user=user, key="{token}")
"""

# wrk: ``request`` cycles over PATHS; every thread counts its 2xx and other answers; ``done``
# sums them, and finds how many requests took over SLOW_MS from the latency histogram.
WRK_SCRIPT = """
local paths = {%(paths)s}
local headers = {%(headers)s}
local threads = {}
local counter = 0
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  ok = 0
  other = 0
  counter = id * 7919
end
function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1], headers)
end
function response(status, headers, body)
  if status >= 200 and status < 300 then ok = ok + 1 else other = other + 1 end
end
local function over(latency, limit_us)
  if latency.max <= limit_us then return 0 end
  local low, high = 0.0, 100.0
  for _ = 1, 60 do
    local middle = (low + high) / 2
    if latency:percentile(middle) <= limit_us then low = middle else high = middle end
  end
  return low
end
function done(summary, latency, requests)
  local ok_total, other_total = 0, 0
  for _, thread in ipairs(threads) do
    ok_total = ok_total + thread:get("ok")
    other_total = other_total + thread:get("other")
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "connect": %%d, "read": %%d, "write": %%d, ' ..
    '"status": %%d, "timeout": %%d, "ok": %%d, "other": %%d, "p50_us": %%d, "p90_us": %%d, ' ..
    '"p95_us": %%d, "p99_us": %%d, "max_us": %%d, "le_slow_pct": %%.9f}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    ok_total, other_total, latency:percentile(50), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.max, over(latency, %(slow_us)d)))
end
"""


def wrk(url: str, paths: list[str], headers: dict[str, str], *, connections: int,
        seconds: int, workdir: Path, name: str) -> dict:
    """One wrk run; latencies in ms, ``over_1s`` requests slower than SLOW_MS, ``ok`` the 2xx."""
    script = workdir / f"{name}.lua"
    script.write_text(WRK_SCRIPT % {
        "paths": ", ".join(json.dumps(p) for p in paths),
        "headers": ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()),
        "slow_us": int(SLOW_MS * 1000)})
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
               "-s", str(script), url]
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120,
                            check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    raw = json.loads(line.removeprefix("RESULT "))
    socket_errors = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    completed = raw["requests"]
    le_slow = raw["le_slow_pct"]
    over = 0 if raw["max_us"] <= SLOW_MS * 1000 else max(1, round(completed * (1 - le_slow / 100)))
    return {"connections": connections, "seconds": seconds, "requests": completed,
            "rps": round(completed / (raw["duration_us"] / 1e6), 1),
            "ok_2xx": raw["ok"], "non_2xx": raw["other"], "socket_errors": socket_errors,
            "errors": raw["other"] + socket_errors,
            "p50_ms": raw["p50_us"] / 1000, "p90_ms": raw["p90_us"] / 1000,
            "p95_ms": raw["p95_us"] / 1000, "p99_ms": raw["p99_us"] / 1000,
            "max_ms": raw["max_us"] / 1000, "over_1s": over}


RESTART_PATTERNS = {
    "workers_booted": r"Booting worker with pid",
    "request_count_recycles": r"Autorestarting worker after current request",
    "memory_guard_recycles": r"memory guard: worker",
    "worker_timeouts": r"WORKER TIMEOUT",
    "workers_killed": r"Worker \(pid:\d+\) was sent SIGKILL",
}


class ServerLog:
    """The server's log file, read phase by phase (only what was written since ``mark``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0

    def mark(self) -> None:
        self.offset = self.path.stat().st_size

    def since_mark(self, counted_path: str = "/score/") -> dict[str, float]:
        """Restarts since ``mark``, the longest a new worker took to be ready, and
        ``server_2xx``: the 2xx answers to ``counted_path...`` the workers wrote (gunicorn logs
        a request once its answer is sent)."""
        counts = dict.fromkeys(RESTART_PATTERNS, 0)
        counts["server_2xx"] = 0
        counts["worker_ready_max_s"] = 0.0  # fork to first request accepted (gunicorn.conf.py)
        ready = re.compile(r"worker \d+ ready ([\d.]+) s after its fork")
        access = re.compile(r'^127\.0\.0\.1 .*"GET (\S+) HTTP/1\.1" (\d{3}) ')
        with self.path.open("r", errors="replace") as log:
            log.seek(self.offset)
            for line in log:
                if line.startswith("127.0.0.1 "):  # an access-log line
                    found = access.match(line)
                    if found and found[1].startswith(counted_path) and found[2][0] == "2":
                        counts["server_2xx"] += 1
                    continue
                for key, pattern in RESTART_PATTERNS.items():
                    counts[key] += bool(re.search(pattern, line))
                if found := ready.search(line):
                    counts["worker_ready_max_s"] = max(counts["worker_ready_max_s"],
                                                       float(found[1]))
        return counts

    def tail(self, characters: int = 3000) -> str:
        return self.path.read_text(errors="replace")[-characters:]


@dataclass
class Deployed:
    url: str
    process: subprocess.Popen
    log: ServerLog
    env: dict[str, str]

    def workers(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children()

    def memory_mb(self) -> dict:
        """Each worker's RSS (shared pages counted in full) and the proportional total of the
        master and its workers (PSS: what the dyno's memory limit sees)."""
        master = psutil.Process(self.process.pid)
        workers = master.children()
        rss = [w.memory_info().rss / 2**20 for w in workers]
        pss = sum(p.memory_full_info().pss for p in [master, *workers]) / 2**20
        return {"workers": len(workers), "worker_rss_max_mb": round(max(rss, default=0), 1),
                "server_pss_total_mb": round(pss, 1)}


def _tree_cpu_s(root: psutil.Process) -> float:
    """CPU seconds of ``root``, of its live children and of the children it has reaped (a
    recycled worker's time stays counted, in its master's ``children_*``)."""
    total = 0.0
    for process in (root, *root.children()):
        try:
            times = process.cpu_times()
        except psutil.Error:  # ended meanwhile: its master counts it once reaped
            continue
        total += times.user + times.system
        if process is root:
            total += times.children_user + times.children_system
    return total


def _service(name: str) -> psutil.Process | None:
    """The first process of a local service (``postgres``'s postmaster, ``redis-server``)."""
    for process in psutil.process_iter(["name", "ppid"]):
        if process.info["name"] == name:
            try:
                parent = psutil.Process(process.info["ppid"]).name()
            except psutil.Error:
                parent = ""
            if parent != name:
                return process
    return None


class CpuMeter:
    """CPU time by role over one load run: each server (its master and workers), PostgreSQL and
    Redis when they run here, the load generator (wrk, this process's child) and the whole
    machine. On Heroku the database and Redis are other machines: a dyno pays only its server's
    share (``per_request``'s ``server``)."""

    def __init__(self, **servers: Deployed) -> None:
        self.roots = {name: psutil.Process(server.process.pid) for name, server in servers.items()}
        for name in ("postgres", "redis-server"):
            if (service := _service(name)) is not None:
                self.roots[name.removesuffix("-server")] = service
        self.start = self._read()

    def _read(self) -> dict[str, float]:
        readings = {name: _tree_cpu_s(root) for name, root in self.roots.items()}
        children = os.times()
        readings["load_generator"] = children.children_user + children.children_system
        machine = psutil.cpu_times()
        readings["machine"] = sum(machine) - machine.idle - getattr(machine, "iowait", 0.0)
        return readings

    def per_request(self, requests_done: int) -> dict[str, float]:
        """Milliseconds of CPU per request since the meter started, by role."""
        end = self._read()
        return {name: round((end[name] - self.start[name]) / max(requests_done, 1) * 1000, 3)
                for name in end}


def production_env(project: str, port: int, database_url: str, **extra: str) -> dict[str, str]:
    """A dyno's environment for ``project`` on this machine: production settings, plain HTTP on
    127.0.0.1 (as `make prod`), a random secret."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("DJANGO_", "WEB_", "GUNICORN_"))}
    env.pop("REDIS_URL", None)
    env.update({
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        "DJANGO_PROJECT": project, "PORT": str(port), "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": f"{project}.config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SESSION_COOKIE_SECURE": "false", "DJANGO_CSRF_COOKIE_SECURE": "false",
        **extra})
    return env


def scoring_api_env(port: int, database_url: str, **extra: str) -> dict[str, str]:
    """``production_env`` of the scoring API on this machine's features, scores and champion,
    the throttle far above the default rate (a bench's single token sends ~1,000 requests a
    second)."""
    return production_env(
        "scoring_api", port, database_url,
        FEATURES_DIR=str(settings().features_dir.resolve()),
        SCORES_DIR=str(settings().scores_dir.resolve()),
        MLFLOW_TRACKING_URI=settings().tracking_uri, MODEL_URI=settings().model_uri,
        API_THROTTLE_USER="100000000/hour", **extra)


def migrated_api(port: int, database_url: str, token: str, **extra: str) -> dict[str, str]:
    """``scoring_api_env`` with the shared Redis when here (``REDIS_URL`` absent otherwise), its
    database migrated and ``token`` given to the bench's service user."""
    redis = redis_url()
    env = scoring_api_env(port, database_url, **({"REDIS_URL": redis} if redis else {}), **extra)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "shell", "-c", TOKEN_SNIPPET.format(token=token))
    return env


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{done.stderr[-2000:]}")
    return done.stdout


@contextmanager
def deployed(env: dict[str, str], workdir: Path, ready_path: str, *,
             timeout_s: float = 180) -> Iterator[Deployed]:
    """``bin/web`` as the Procfile runs it, until ``ready_path`` answers below 500."""
    log_path = workdir / f"{env['DJANGO_PROJECT']}-web.log"
    log_file = log_path.open("w")
    process = subprocess.Popen(["bin/web"], cwd=PROJECT_ROOT, env=env, stdout=log_file,
                               stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{env['PORT']}"
    server = Deployed(url, process, ServerLog(log_path), env)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"bin/web exited with {process.returncode}:\n"
                                   f"{server.log.tail()}")
            try:
                if requests.get(url + ready_path, timeout=10).status_code < 500:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"bin/web did not answer {ready_path}:\n{server.log.tail()}")
            time.sleep(0.5)
        yield server
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log_file.close()


@contextmanager
def database(workdir: Path, name: str) -> Iterator[tuple[str, str]]:
    """(kind, URL): a throw-away PostgreSQL database (production's), else SQLite."""
    try:
        import psycopg

        with psycopg.connect(POSTGRES, autocommit=True, connect_timeout=3) as admin:
            database_name = f"bench_{name}_{uuid.uuid4().hex[:8]}"
            admin.execute(f'CREATE DATABASE "{database_name}"')
    except Exception as error:  # noqa: BLE001 (reported: SQLite instead)
        print(f"PostgreSQL unavailable ({error}): SQLite")
        yield "sqlite", f"sqlite:///{workdir / f'{name}.sqlite3'}"
        return
    try:
        yield "postgresql", POSTGRES.rsplit("/", 1)[0] + f"/{database_name}"
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database_name}" WITH (FORCE)')


def redis_url() -> str | None:
    """The Redis the deployed apps share their cache through (app.json's add-on), if here."""
    try:
        import redis

        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except Exception:  # noqa: BLE001 (then each worker's own memory, reported)
        return None
    return REDIS
