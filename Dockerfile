# One image for every HMS process; compose picks the command. Built from the locked workspace.
FROM python:3.11-slim AS base
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy
# the uv the workspace is locked with (make install's .tools/bin/uv)
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /app
COPY pyproject.toml uv.lock ./
COPY libs libs
COPY services services
COPY deploy/embedded deploy/embedded
RUN uv sync --frozen --no-dev --all-packages \
    && groupadd --system --gid 10001 hms && useradd --system --uid 10001 --gid hms hms
ENV PATH=/app/.venv/bin:$PATH
# numeric, so that Kubernetes' runAsNonRoot can check it (deploy/k8s runs as 10001:10001)
USER 10001:10001
