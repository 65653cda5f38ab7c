"""nginx/*.conf rendered the way the nginx image renders them (its *.envsh scripts, then envsubst):
used by the deployment tests and by the benchmarks that put the shipped nginx in front of the app.
Light on purpose (no test fixtures, no app): bench/ scripts import it too."""
import os
import re
import subprocess
from pathlib import Path

NGINX_DIR = Path(__file__).resolve().parents[2] / "nginx"
NGINX_TEMPLATES = ("nginx.conf", "offload.conf")


def render_nginx_config(target_dir: Path, settings: dict) -> Path:
    """Render the nginx templates into target_dir as the nginx image does; return nginx.conf's path.

    The *.envsh files are sourced first (in name order, as the image's entrypoint does), then
    envsubst replaces only the names set in the environment.
    """
    target_dir.mkdir(parents=True, exist_ok=True)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **settings}
    script = ('for f in "$@"; do . "$f" || exit 1; done && '
              'envsubst "$(printf \'${%s} \' $(env | cut -d= -f1))" < "$TEMPLATE" > "$TARGET"')
    sourced = [str(path) for path in sorted(NGINX_DIR.glob("*.envsh"))]
    for name in NGINX_TEMPLATES:
        subprocess.run(["sh", "-c", script, "sh", *sourced], check=True,
                       env={**env, "TEMPLATE": str(NGINX_DIR / name), "TARGET": str(target_dir / name)})
        left = re.findall(r"\$\{[A-Z_]+\}", (target_dir / name).read_text())
        assert not left, f"{name}: template variables not set: {left}"
    return target_dir / "nginx.conf"
