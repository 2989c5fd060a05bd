# The Economic Strategy Tracker's application image: gunicorn serving Django, with LibreOffice and
# the fonts the papers' PDFs are drawn in. compose.yaml runs it as the app servers, the outbox and
# PDF workers and the scheduler; README.md "Production" says how.
#
#   docker build -t ses-tracker .

# --- build: the Python packages, from the lock file (each checked by its hash), into a virtualenv ---
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY requirements/production.txt pyproject.toml README.md ./
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install --require-hashes -r production.txt \
 && /opt/venv/bin/pip install --no-deps .

# --- run: Debian's LibreOffice and fonts, the code, the static files gathered, a user of its own -----
FROM python:3.11-slim-bookworm
# Debian's security updates come through the same package names: not pinned to a version on purpose.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends libreoffice-writer-nogui fonts-liberation2 util-linux \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin ses \
 && mkdir -p /data/media \
 && chown ses:ses /data/media
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY . .
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_ENV=production \
    MEDIA_ROOT=/data/media \
    STATIC_ROOT=/app/staticfiles \
    TZ=Europe/London
# The static files, hashed and compressed, are part of the image (whitenoise serves them).
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput --verbosity 0
# The user made above (ses), by number, as Kubernetes and compose check it.
USER 10001:10001
EXPOSE 8000
VOLUME ["/data/media"]
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8000/healthz/live', timeout=4)"]
# Each request's own JSON line is the app's (README "Logs"): gunicorn logs only its own events. A worker
# a core and 12 threads each served the load run best on 2 cores (README "Performance"); on a bigger
# host set GUNICORN_CMD_ARGS="--workers N" (gunicorn reads it) in compose.yaml's environment.
CMD ["gunicorn", "sefton_ses.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "12", "--timeout", "120"]
