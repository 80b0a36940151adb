# syntax=docker/dockerfile:1
# attribution HTTP service: gunicorn + Flask, CPU-only torch, models bundled in the package.
#   docker build -t attribution .
#   docker run --rm -p 8000:8000 attribution     # then: curl localhost:8000/readyz

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH
# CPU wheels only: the CUDA build would add gigabytes the service never uses.
RUN python -m venv /opt/venv \
    && pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
WORKDIR /src
COPY pyproject.toml README.md openapi.yaml ./
COPY attribution ./attribution
COPY service ./service
# The project itself; its dependencies are pinned by pyproject.toml's lower bounds.
# hadolint ignore=DL3013
RUN pip install ".[serve]" \
    && python -c "import attribution.pipeline, service, gunicorn"

FROM ${PYTHON_IMAGE}
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    ATTRIBUTION_BIND=0.0.0.0:8000 \
    ATTRIBUTION_WORKERS=2 \
    ATTRIBUTION_THREADS=1 \
    ATTRIBUTION_PRELOAD=1 \
    ATTRIBUTION_OPENAPI_PATH=/app/openapi.yaml
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app app
# jemalloc in place of glibc's malloc: a worker analysing article after article
# fragments glibc's heap (benchmarks/bench_memory.py: peak RSS about 472 MB a
# worker with jemalloc, 483-515 MB with glibc, for 5-10% more CPU; README).
# `docker run -e LD_PRELOAD= ...` runs glibc's malloc.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libjemalloc2 \
    && rm -rf /var/lib/apt/lists/* \
    && ln -s "$(find /usr/lib -name libjemalloc.so.2 -print -quit)" /usr/local/lib/libjemalloc.so.2
ENV LD_PRELOAD=/usr/local/lib/libjemalloc.so.2
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY openapi.yaml service/gunicorn.conf.py ./
USER 10001:10001
EXPOSE 8000
# Ready = this worker's models are loaded (eager loading starts at worker start).
HEALTHCHECK --interval=30s --timeout=5s --start-period=180s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request as u; sys.exit(u.urlopen('http://127.0.0.1:8000/readyz', timeout=4).status != 200)"]
# No preload in the master (torch must not start before the fork): see gunicorn.conf.py.
CMD ["sh", "-c", "exec gunicorn --config /app/gunicorn.conf.py service.wsgi:app"]
