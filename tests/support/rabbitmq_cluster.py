"""A private three-node RabbitMQ cluster on this host, for tests that kill a node.

RabbitMQ's docs describe several nodes on one host: each has its own node name, AMQP and
distribution ports, data and log folders, and all share one Erlang cookie. The shared
broker on 5672 is never touched: these nodes listen on free ports, keep everything
under a temporary folder and are stopped (and their data deleted) afterwards.

Debian's /usr/sbin/rabbitmq-server and rabbitmqctl are wrappers that, run as root,
switch to the rabbitmq user with its home (/var/lib/rabbitmq) and its log folder, so an
extra node would share the system node's cookie file and logs and could not write to our
folders. We call the scripts in /usr/lib/rabbitmq/bin directly, with HOME set to our
folder holding a cookie of our own.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.processes import free_port

SCRIPTS = Path(os.environ.get("RABBITMQ_SCRIPTS", "/usr/lib/rabbitmq/bin"))
# The broker settings we ship, so the cluster tests check them too.
ADVANCED_CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "rabbitmq" / "advanced.config"


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def available() -> str | None:
    """Why a private cluster cannot run here, or None if it can."""
    for script in ("rabbitmq-server", "rabbitmqctl"):
        if not (SCRIPTS / script).exists():
            return f"{SCRIPTS / script} is missing (install rabbitmq-server)"
    return None


@dataclass
class Node:
    name: str  # e.g. rabbit-a@localhost
    amqp_port: int
    dist_port: int
    base: Path
    process: subprocess.Popen[bytes] | None = None
    os_pid: int | None = None  # the beam process, which kill -9 is aimed at

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.amqp_port}//"


@dataclass
class Cluster:
    root: Path
    nodes: list[Node] = field(default_factory=list)

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def broker_url(self) -> str:
        """Every node's address, as BROKER_URL takes them (separated by ';')."""
        return ";".join(node.url for node in self.nodes)

    def env(self, node: Node) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RABBITMQ_")}
        env.update(
            HOME=str(self.home),
            RABBITMQ_NODENAME=node.name,
            RABBITMQ_NODE_PORT=str(node.amqp_port),
            RABBITMQ_NODE_IP_ADDRESS="127.0.0.1",
            RABBITMQ_DIST_PORT=str(node.dist_port),
            RABBITMQ_MNESIA_BASE=str(node.base / "mnesia"),
            RABBITMQ_LOG_BASE=str(node.base / "log"),
            RABBITMQ_CONFIG_FILE=str(node.base / "rabbitmq"),  # .conf is added
            RABBITMQ_ADVANCED_CONFIG_FILE=str(node.base / "advanced.config"),
            RABBITMQ_ENABLED_PLUGINS_FILE=str(node.base / "enabled_plugins"),
            RABBITMQ_CONF_ENV_FILE=str(node.base / "rabbitmq-env.conf"),
            RABBITMQ_PID_FILE=str(node.base / "pid"),
            # the system env file binds epmd to loopback; ours must find the same epmd
            ERL_EPMD_ADDRESS="127.0.0.1",
            RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}",
        )
        return env

    def ctl(self, node: Node, *args: str, timeout: float = 60) -> str:
        result = subprocess.run(
            [str(SCRIPTS / "rabbitmqctl"), "-n", node.name, *args],
            env=self.env(node),
            capture_output=True,
            timeout=timeout,
            text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"rabbitmqctl -n {node.name} {' '.join(args)} failed: "
                f"{result.stdout[-2000:]}{result.stderr[-2000:]}"
            )
        return result.stdout

    def _prepare(self, node: Node) -> None:
        for folder in ("mnesia", "log"):
            (node.base / folder).mkdir(parents=True, exist_ok=True)
        (node.base / "rabbitmq.conf").write_text(
            f"listeners.tcp.default = 127.0.0.1:{node.amqp_port}\n"
            "loopback_users = none\n"
            "log.console = false\n"
            "log.file.level = info\n"
            # no disk or memory alarm from a busy shared machine during the test
            "disk_free_limit.absolute = 1MB\n"
            "vm_memory_high_watermark.relative = 0.9\n"
        )
        shutil.copyfile(ADVANCED_CONFIG, node.base / "advanced.config")
        (node.base / "enabled_plugins").write_text("[].\n")  # no management, no prometheus
        (node.base / "rabbitmq-env.conf").write_text("")

    def start(self, node: Node) -> None:
        with open(node.base / "server.out", "ab") as log:  # the child keeps its own copy
            node.process = subprocess.Popen(
                [str(SCRIPTS / "rabbitmq-server")],
                env=self.env(node),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def await_started(self, node: Node, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if node.process is not None and node.process.poll() is not None:
                raise RuntimeError(f"{node.name} exited: {self.tail(node)}")
            try:
                self.ctl(node, "await_startup", "--timeout", "10", timeout=20)
                break
            except (RuntimeError, subprocess.TimeoutExpired):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{node.name} did not start: {self.tail(node)}") from None
                time.sleep(1)
        node.os_pid = int(self.ctl(node, "eval", "list_to_integer(os:getpid()).").strip())

    def tail(self, node: Node) -> str:
        text = ""
        for path in [node.base / "server.out", *sorted((node.base / "log").glob("*.log"))]:
            if path.exists():
                text += f"\n--- {path.name}\n" + path.read_text(errors="replace")[-3000:]
        return text

    def kill(self, node: Node) -> None:
        """kill -9 of the node's beam process: no goodbye to clients or peers."""
        assert node.os_pid is not None
        os.kill(node.os_pid, signal.SIGKILL)
        if node.process is not None:
            node.process.wait(timeout=30)

    def stop(self) -> None:
        for node in self.nodes:
            if node.process is None or node.process.poll() is not None:
                continue
            with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                self.ctl(node, "stop", timeout=60)
            try:
                node.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(node.process.pid, signal.SIGKILL)
                node.process.wait(timeout=10)
            if node.os_pid is not None:  # the beam may outlive its start script
                with contextlib.suppress(ProcessLookupError):
                    os.kill(node.os_pid, signal.SIGKILL)


def start_cluster(root: Path, size: int = 3) -> Cluster:
    """Start `size` nodes (rabbit-a@localhost, ...) under root and join them in one cluster."""
    cluster = Cluster(root)
    cluster.home.mkdir(parents=True, exist_ok=True)
    cookie = cluster.home / ".erlang.cookie"
    cookie.write_text(secrets.token_hex(20).upper())
    cookie.chmod(0o400)
    suffix = secrets.token_hex(3)
    for index in range(size):
        node = Node(
            name=f"rabbit-{chr(ord('a') + index)}-{suffix}@localhost",
            amqp_port=free_port(),
            dist_port=free_port(),
            base=root / f"node-{index}",
        )
        cluster._prepare(node)
        cluster.nodes.append(node)
    try:
        for node in cluster.nodes:  # they boot in parallel: 2 cores, about 10 s each
            cluster.start(node)
        for node in cluster.nodes:
            cluster.await_started(node)
        first = cluster.nodes[0]
        for node in cluster.nodes[1:]:
            cluster.ctl(node, "stop_app")
            cluster.ctl(node, "join_cluster", first.name)
            cluster.ctl(node, "start_app")
            cluster.ctl(node, "await_startup")
    except BaseException:
        cluster.stop()
        raise
    return cluster


def remove(cluster: Cluster) -> None:
    cluster.stop()
    shutil.rmtree(cluster.root, ignore_errors=True)
