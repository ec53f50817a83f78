# The 동행 포털 image: gunicorn serving portal.wsgi; the same image runs the Celery worker and
# beat (see docker-compose.yml). Two stages so the build tools (gettext) stay out of the image
# that runs.

# --- build: dependencies, compiled message catalogues, collected static files ---------------
FROM python:3.11-slim AS build

ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# msgfmt for compilemessages (the .mo files are build output, not kept in git).
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /app
# Dependencies first, from pyproject.toml alone, so a code change does not reinstall them.
# (pyproject.toml declares no packages: installing "." installs the dependencies; the code
# runs from /app.)
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .

# Settings refuse to load with DEBUG off and no secret or hosts. These values exist for this
# RUN line only: they are not kept in the image's environment, and the real ones come from
# the environment at run time.
RUN DEBUG=False \
    SECRET_KEY=build-time-only-not-a-secret-never-used-at-run-time \
    ALLOWED_HOSTS=localhost \
    sh -c 'python manage.py compilemessages --ignore "staticfiles/*" \
        && python manage.py collectstatic --noinput'

# --- run ------------------------------------------------------------------------------------
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH

# The code stays owned by root and read-only to the service user; only media is writable.
RUN groupadd --system --gid 10001 portal \
    && useradd --system --uid 10001 --gid portal --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin portal

COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
RUN mkdir -p /app/media && chown portal:portal /app/media

USER portal
EXPOSE 8000

# --worker-tmp-dir: gunicorn's heartbeat files on tmpfs, not the container's overlay disk.
CMD ["gunicorn", "portal.wsgi", \
     "--bind", "0.0.0.0:8000", \
     "--workers", "2", \
     "--worker-tmp-dir", "/dev/shm", \
     "--access-logfile", "-", \
     "--error-logfile", "-"]
