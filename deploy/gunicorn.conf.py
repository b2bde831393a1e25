"""gunicorn settings shared by every TrialReach web app (registry, messaging, consent).

Used as `gunicorn -c deploy/gunicorn.conf.py "services.<svc>:create_app()"`. Values that
differ per deployment come from the environment; command-line flags (`-b`, `-w`) still
win over this file, which the local run and the end-to-end tests rely on.
"""

from __future__ import annotations

import os


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cores() -> int:
    # The CPUs this process may run on (respects cpusets), not every CPU of the host.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# 0.0.0.0 so the container's port mapping or a load balancer can reach it.
bind: str = f"0.0.0.0:{_env_int('PORT', 8000)}"

# Requests mostly wait on PostgreSQL, so a few processes with threads each go further
# than many processes; capped so each process's connection pool fits the database.
workers: int = _env_int("WEB_CONCURRENCY", min(2 * _cores() + 1, 8))
# gthread, except that a connection a browser opened and left idle does not hold a thread
# (it held one for 5 s, stalling the next page of a one-process app: issue 14, item 5).
worker_class: str = "shared.http.gunicorn_worker.PollingThreadWorker"
threads: int = _env_int("GUNICORN_THREADS", 4)

# A request slower than this is stuck (every handler is a few queries); kill and replace.
timeout: int = 30
# On SIGTERM, finish requests in flight before exiting; shorter than compose's stop grace.
graceful_timeout: int = 20
# Longer than nothing so a load balancer can reuse connections, short to free threads.
keepalive: int = 5

# Off: the apps log each request themselves, as JSON, with phone and NHS numbers masked.
# gunicorn's access log would print query strings unmasked.
accesslog: str | None = None
errorlog: str = "-"
loglevel: str = os.environ.get("LOG_LEVEL", "info").lower()

# Trust X-Forwarded-* only from these proxies. Twilio signs the public URL, so behind a
# TLS-terminating proxy set this to the proxy's address for the scheme to come out right.
forwarded_allow_ips: str = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Recycle each process now and then to bound slow leaks; jitter so they don't all
# restart at once. Not often: a restart re-imports the app (2 s of CPU for messaging on a
# slow 2-core machine), and the webhook route takes hundreds of requests a second in a burst.
max_requests: int = _env_int("GUNICORN_MAX_REQUESTS", 100_000)
max_requests_jitter: int = max_requests // 10

# Each process builds its own app, engine pool and broker connection after the fork:
# sockets opened before a fork must not be shared between processes.
preload_app: bool = False

# The workers' heartbeat files: in memory, since container disks can stall them.
worker_tmp_dir: str | None = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# gunicorn's control socket (for `gunicornc`) defaults to one path under $HOME, which
# the three apps on one host would share and which is read-only in the image. Off unless
# GUNICORN_CONTROL_SOCKET names a path for this app.
_control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "").strip()
control_socket_disable: bool = not _control_socket
if _control_socket:
    control_socket: str = _control_socket
