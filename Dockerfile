# The staff web app (web/): built from its committed lockfile, then served by nginx as the
# unprivileged image's user 101 with deploy/web/nginx.conf (`--target web`: compose's and
# Kubernetes' hms-web). The Python image below stays the default (last) target.
FROM node:20-bookworm-slim AS web-build
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY web/index.html web/vite.config.ts web/tsconfig.json ./
COPY web/public public
COPY web/src src
RUN npm run build

FROM nginxinc/nginx-unprivileged:1.27-alpine AS web
COPY deploy/web/nginx.conf /etc/nginx/nginx.conf
COPY --from=web-build /web/dist /usr/share/nginx/html
USER 101:101
EXPOSE 8080

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
