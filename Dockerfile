# One image for every HMS process; compose picks the command. Built from the locked workspace.
FROM python:3.11-slim AS base
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy
RUN pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock ./
COPY libs libs
COPY services services
COPY deploy/embedded deploy/embedded
RUN uv sync --frozen --no-dev --all-packages && useradd --system --uid 10001 hms
ENV PATH=/app/.venv/bin:$PATH
USER hms
