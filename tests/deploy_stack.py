"""The production processes, run the way docker-compose runs them but on loopback ports.

Procfile commands (gunicorn with gunicorn.conf.py, the rq worker, the scheduler), a throwaway
redis-server, and real nginx with nginx/nginx.conf rendered by the same envsubst step the nginx
image performs.
"""
import os
import re
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
NGINX_DIR = REPO / "nginx"
NGINX_TEMPLATES = ("nginx.conf", "offload.conf")
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def procfile_commands(path=REPO / "Procfile") -> dict:
    """{process name: argv} from the Procfile."""
    commands = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, command = line.split(":", 1)
            commands[name.strip()] = shlex.split(command)
    return commands


def render_nginx_config(target_dir: Path, settings: dict) -> Path:
    """Render the nginx templates into target_dir as the nginx image does; return nginx.conf's path.

    body-size.envsh is sourced first, then envsubst replaces only the names set in the environment.
    """
    target_dir.mkdir(parents=True, exist_ok=True)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **settings}
    script = '. "$1" && envsubst "$(printf \'${%s} \' $(env | cut -d= -f1))" < "$2" > "$3"'
    for name in NGINX_TEMPLATES:
        subprocess.run(["sh", "-c", script, "sh", str(NGINX_DIR / "body-size.envsh"),
                        str(NGINX_DIR / name), str(target_dir / name)], env=env, check=True)
        left = re.findall(r"\$\{[A-Z_]+\}", (target_dir / name).read_text())
        assert not left, f"{name}: template variables not set: {left}"
    return target_dir / "nginx.conf"


class Process:
    """A child process with its output in log files; stopped with SIGTERM, then SIGKILL."""

    def __init__(self, name, argv, log_dir: Path, env=None, cwd=REPO):
        self.name = name
        self.stdout_path = log_dir / f"{name}.out"
        self.stderr_path = log_dir / f"{name}.err"
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.popen = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=err,
                                          stdin=subprocess.DEVNULL)

    def running(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        return self.stdout_path.read_text(errors="replace") + self.stderr_path.read_text(errors="replace")

    def stop(self, timeout=10):
        if self.running():
            self.popen.terminate()
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


class RedisServer:
    """A throwaway redis-server on its own port, that a test may stop and start again."""

    def __init__(self, work_dir: Path):
        self.work_dir = work_dir
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.process = Process("redis", ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port),
                                         "--save", "", "--appendonly", "no", "--dir", str(self.work_dir)],
                               self.work_dir)
        wait_for_port(self.port, self.process)
        return self

    def stop(self):
        if self.process:
            self.process.stop()


def wait_for_port(port, process: Process, timeout=20):
    """Wait until something accepts connections on the port (and the process is still alive)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.running(), f"{process.name} exited:\n{process.output()}"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{process.name} did not listen on {port}:\n{process.output()}")


def wait_for_http(url, process: Process, timeout=30):
    """Wait until the URL answers 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.running(), f"{process.name} exited:\n{process.output()}"
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer 200:\n{process.output()}")


def start_nginx(config: Path, run_dir: Path, log_dir: Path) -> Process:
    """Real nginx in the foreground with a private prefix (as root, workers may read pytest's 0700 dirs)."""
    directives = "daemon off; user root;" if os.geteuid() == 0 else "daemon off;"
    return Process("nginx", ["nginx", "-p", str(run_dir), "-e", str(log_dir / "startup.log"),
                             "-c", str(config), "-g", directives], log_dir)
