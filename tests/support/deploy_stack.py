"""nginx for the deployment tests: nginx/nginx.conf rendered the way the nginx image renders it, run
for real on a loopback port (the Procfile processes and Redis come from tests/support/processes.py)."""
import os
import re
import shlex
import subprocess
import time
from pathlib import Path

import requests

from tests.support.processes import ROOT, Process

NGINX_DIR = ROOT / "nginx"
MAX_UPLOAD_MB = 2  # the stack's upload limit, small so the tests can go past it
NGINX_TEMPLATES = ("nginx.conf", "offload.conf")


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


def start_nginx(config: Path, run_dir: Path, log_dir: Path) -> Process:
    """Real nginx in the foreground with a private prefix (as root, workers may read pytest's 0700 dirs)."""
    directives = "daemon off; user root;" if os.geteuid() == 0 else "daemon off;"
    command = shlex.join(["nginx", "-p", str(run_dir), "-e", str(log_dir / "nginx-startup.log"),
                          "-c", str(config), "-g", directives])
    return Process("nginx", dict(os.environ), log_dir, command=command)


def wait_for_http(url, process: Process, timeout=30):
    """Wait until the URL answers 200 (and the process is still alive)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.alive(), f"{process.name} exited:\n{process.log}"
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer 200:\n{process.log}")


class BrowserSession(requests.Session):
    """Sends the app's Secure cookies back over plain http, as browsers do for localhost."""

    def request(self, *args, **kwargs):
        for cookie in self.cookies:
            cookie.secure = False
        return super().request(*args, **kwargs)
