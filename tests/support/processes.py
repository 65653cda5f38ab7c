"""Starting the Procfile's worker and scheduler, and throwaway Redis servers, as real processes in tests."""
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

ROOT = Path(__file__).resolve().parents[2]


def procfile_command(name: str) -> str:
    """The command line of a process type in the Procfile."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        process, _, command = line.partition(":")
        if process.strip() == name:
            return command.strip()
    raise KeyError(f"no {name!r} process in the Procfile")


def process_env(database_url: str, redis_url: str, tmp_path: Path, **settings) -> dict:
    """Environment of a worker or scheduler run against the test database and Redis."""
    env = dict(os.environ)
    env.update({
        "APP_ENV": "testing",
        "TEST_DATABASE_URL": database_url,
        "TEST_REDIS_URL": redis_url,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        "PYTHONUNBUFFERED": "1",
    })
    env.update({key: str(value) for key, value in settings.items()})
    return env


class Process:
    """A Procfile process (or the given command line) started through a shell, logging to a file;
    stop() ends its whole group."""

    def __init__(self, name: str, env: dict, log_dir: Path, command: str | None = None):
        self.name = name
        self.log_path = log_dir / f"{name}-{time.monotonic_ns()}.log"
        self._log = self.log_path.open("wb")
        # exec: the shell becomes the process itself, so signals and wait() reach it.
        self.popen = subprocess.Popen("exec " + (command or procfile_command(name)), shell=True, cwd=ROOT, env=env,
                                      stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.popen.poll() is None

    def wait_for_log(self, text: str, deadline: float = 30.0) -> None:
        """Block until `text` appears in the process's output."""
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if text in self.log:
                return
            if not self.alive():
                raise AssertionError(f"{self.name} exited:\n{self.log}")
            time.sleep(0.1)
        raise AssertionError(f"{self.name} never logged {text!r}:\n{self.log}")

    def stop(self) -> None:
        """SIGTERM the process group, SIGKILL it if it has not ended within 10 s."""
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=10)
        self._log.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tcp_connections() -> list[list[str]]:
    """The kernel's IPv4 TCP table (/proc/net/tcp), one list of fields per connection."""
    with open("/proc/net/tcp") as table:
        return [line.split() for line in table.readlines()[1:]]


def _loopback(port: int) -> str:
    return f"0100007F:{port:04X}"


def established_connections_to(port: int) -> int:
    """Client-side TCP connections to 127.0.0.1:port in ESTABLISHED state."""
    return sum(1 for row in _tcp_connections() if row[2] == _loopback(port) and row[3] == "01")


def connections_held_by(pid: int, port: int) -> int:
    """Accepted TCP connections on 127.0.0.1:port that process `pid` holds open (its socket
    descriptors matched against the kernel's table)."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return sum(1 for row in _tcp_connections() if row[1] == _loopback(port) and row[3] == "01" and row[9] in inodes)


def child_pids(pid: int) -> list[int]:
    """Process ids of a process's children (a gunicorn master's workers)."""
    found = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(child) for child in found.stdout.split()]


class ThrowawayRedis:
    """A private redis-server on a free port (no persistence) that a test may stop and start again."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/5"
        self.popen = None

    def start(self) -> "ThrowawayRedis":
        self.popen = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = Redis(port=self.port, socket_connect_timeout=1)
        end = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except RedisConnectionError:
                if time.monotonic() > end:
                    raise
                time.sleep(0.05)
        client.close()
        return self

    def stop(self) -> None:
        if self.popen and self.popen.poll() is None:
            self.popen.terminate()
            self.popen.wait(timeout=10)

    def client(self) -> Redis:
        return Redis.from_url(self.url)


def wait_until(predicate, deadline: float = 30.0, interval: float = 0.2, message: str = "condition"):
    """Poll `predicate` until it returns a truthy value; fail after `deadline` seconds."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {message}")
