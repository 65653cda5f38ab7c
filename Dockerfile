# syntax=docker/dockerfile:1
# Reelhouse images. `app` (the default, last stage) runs gunicorn, the worker, the scheduler and
# migrations; `nginx` is the front server with the static files and the config templates baked in.
# Build tools exist only in the `build` stage: the final images carry the installed packages only.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install -r /tmp/requirements.txt


FROM nginx:1.27-alpine AS nginx
# The official image renders /etc/nginx/templates/*.template with envsubst at start-up;
# *.envsh files in /docker-entrypoint.d are sourced first.
ENV NGINX_ENVSUBST_OUTPUT_DIR=/etc/nginx
COPY nginx/nginx.conf /etc/nginx/templates/nginx.conf.template
COPY nginx/offload.conf /etc/nginx/templates/offload.conf.template
COPY --chmod=755 nginx/body-size.envsh /docker-entrypoint.d/15-reelhouse-body-size.envsh
COPY --chmod=755 nginx/upstream.envsh /docker-entrypoint.d/15-reelhouse-upstream.envsh
COPY static /srv/static


FROM python:3.11-slim AS app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    APP_ENV=production \
    MEDIA_ROOT=/srv/media \
    INSTANCE_PATH=/srv/instance \
    GUNICORN_BIND=0.0.0.0:8000
RUN groupadd --system --gid 10001 reelhouse \
 && useradd --system --uid 10001 --gid reelhouse --home-dir /app --shell /usr/sbin/nologin reelhouse \
 && mkdir -p /srv/media /srv/instance \
 && chown reelhouse:reelhouse /srv/media /srv/instance
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# Code belongs to root: the app user can read it, not change it.
COPY . /app
USER reelhouse
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["gunicorn", "wsgi:app", "-c", "gunicorn.conf.py"]
