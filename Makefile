# Prêt à dépenser — credit scoring. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_BIN ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
export PYSPARK_PYTHON := $(abspath $(PY))
export PYSPARK_DRIVER_PYTHON := $(abspath $(PY))
export OMP_NUM_THREADS ?= 2
export OMP_WAIT_POLICY ?= PASSIVE

DEMO_CLIENTS ?= 20000
SEED ?= 42
DATA_DIR ?= $(if $(wildcard data/raw/application_train.*),data/raw,data/synthetic)
FEATURES_DIR ?= data/features
API_PORT ?= 8000
PORTAL_PORT ?= 8001

say = @printf '\n\033[1m==> %s\033[0m\n' "$(1)"

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

# ---------------------------------------------------------------- environment
$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(call say,Creating $(VENV) and installing pinned requirements)
	@command -v $(PYTHON_BIN) >/dev/null || { echo "$(PYTHON_BIN) not found (see runtime.txt)"; exit 1; }
	test -x $(PY) || $(PYTHON_BIN) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

.PHONY: venv
venv: $(VENV)/.installed ## create the virtual environment (idempotent)

.PHONY: system-deps
system-deps: ## install Chromium + chromedriver (browser tests), wrk (benchmarks) and Pango (PDF) when missing
	$(call say,Checking system packages: chromium chromium-driver wrk libpango)
	@missing=""; for bin in chromium chromedriver wrk; do command -v $$bin >/dev/null || missing="$$missing $$bin"; done; \
	packages=$$(echo "$$missing" | sed 's/chromedriver/chromium-driver/'); \
	ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' || { missing="$$missing libpango"; packages="$$packages libpango-1.0-0 libpangoft2-1.0-0"; }; \
	if [ -z "$$missing" ]; then echo "all present"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$packages >/dev/null && echo "installed:$$missing"; \
	elif [ "$$CI" = true ]; then echo "missing:$$missing and cannot install them (not root or no apt-get): CI=true needs them, failing" >&2; exit 1; \
	else echo "missing:$$missing (browser tests will be skipped, the summary PDF unavailable; install them with your package manager)"; fi

node_modules/axe-core/axe.min.js: package.json
	$(call say,Installing axe-core (npm) for the accessibility tests)
	@if command -v npm >/dev/null; then npm install --silent --no-audit --no-fund; \
	elif [ "$$CI" = true ]; then echo "npm missing: CI=true needs axe-core, failing" >&2; exit 1; \
	else echo "npm missing: axe tests will be skipped"; fi
	@touch $@ 2>/dev/null || true

# ---------------------------------------------------------------- pipeline
data/synthetic/.done: | $(VENV)/.installed
	$(call say,Generating $(DEMO_CLIENTS) synthetic clients (seven tables) in data/synthetic)
	$(PY) -m ml synth --clients $(DEMO_CLIENTS) --seed $(SEED) --out data/synthetic
	touch $@

.PHONY: data
data: $(VENV)/.installed ## generate synthetic demo data unless real data is in data/raw
	@if [ "$(DATA_DIR)" = "data/raw" ]; then echo "Using the real Kaggle data in data/raw"; $(PY) -m ml validate --data data/raw; \
	else $(MAKE) --no-print-directory data/synthetic/.done; fi

.PHONY: features
features: data ## build the feature tables and dictionary
	@if [ -f $(FEATURES_DIR)/features_train.parquet ] && [ $(FEATURES_DIR)/features_train.parquet -nt $(DATA_DIR) ]; then echo "features up to date in $(FEATURES_DIR)"; \
	else printf '\n==> Building features from $(DATA_DIR)\n'; $(PY) -m ml features --data $(DATA_DIR) --out $(FEATURES_DIR); fi

.PHONY: train
train: features ## train the candidates, register the champion in MLflow
	@if $(PY) -m ml models --check-champion 2>/dev/null; then echo "a champion is registered (python -m ml models); 'make retrain' trains again"; \
	else printf '\n==> Training and registering a model\n'; $(PY) -m ml train --features $(FEATURES_DIR) && $(DEMO_PROMOTE); fi

# The demo needs a champion: on synthetic data only, a first version outside the fairness gate
# (ml/policy/input_policy.yaml) is promoted with this recorded justification (never on real data).
DEMO_JUSTIFICATION ?= Démonstration sur données synthétiques : version promue hors porte d'équité pour faire tourner la démo ; à ne jamais reproduire sur données réelles.
DEMO_PROMOTE = { $(PY) -m ml models --check-champion || { [ "$(DATA_DIR)" != "data/raw" ] && \
	$(PY) -m ml promote --latest --justify "$(DEMO_JUSTIFICATION)"; }; }

.PHONY: retrain
retrain: features ## train again (promotes only if the new model beats the champion)
	$(PY) -m ml train --features $(FEATURES_DIR)

.PHONY: scores
scores: train ## batch-score every client with the champion (data/scores, read by the API)
	$(call say,Batch scoring the portfolio with the champion (DuckDB engine))
	$(PY) -m ml score-batch --data $(DATA_DIR) --features $(FEATURES_DIR)

.PHONY: drift
drift: train ## evidently data-drift report: application_train vs application_test
	$(call say,Data-drift report (evidently) in reports/drift/)
	$(PY) -m ml drift --data $(DATA_DIR) --features $(FEATURES_DIR)

REAL_SAMPLE_DIR ?= ../shared/data/homecredit-sample
.PHONY: real-sample
real-sample: $(VENV)/.installed ## realism check: train on the small real Kaggle sample (own registry, reports/real-sample)
	$(call say,Real sample: data directory, features, training (model credit-scoring-real-sample))
	$(PY) -m ml real-sample --sample $(REAL_SAMPLE_DIR) --out data/real-sample
	$(PY) -m ml features --data data/real-sample --out data/real-sample-features
	MODEL_NAME=credit-scoring-real-sample MLFLOW_EXPERIMENT=credit-scoring-real-sample \
		$(PY) -m ml train --features data/real-sample-features --reports reports/real-sample

.PHONY: report
report: $(VENV)/.installed ## methodology note + slides from the measured results (docs/, renderings in docs/build/)
	$(call say,Writing docs/methodology.md and docs/slides.md (docs/build/: methodology.html, slides.pptx) from reports/)
	$(PY) -m reporting --reports reports --out docs $(if $(wildcard reports/real-sample/results.json),--also reports/real-sample)
	@echo "print docs/build/methodology.html to PDF from a browser, or: chromium --headless --print-to-pdf=docs/build/methodology.pdf docs/build/methodology.html"

.PHONY: mlflow-screenshot
mlflow-screenshot: $(VENV)/.installed ## MLflow UI screenshot for the slides (reports/screenshots/0-mlflow.png)
	bin/mlflow-screenshot

.PHONY: slides
slides: report ## alias of `make report`

.PHONY: migrate
migrate: $(VENV)/.installed
	$(call say,Migrating both databases and creating demo users and tokens)
	mkdir -p db
	DJANGO_PROJECT=scoring_api $(PY) manage.py migrate --noinput -v0
	DJANGO_PROJECT=portal $(PY) manage.py migrate --noinput -v0
	DJANGO_PROJECT=scoring_api $(PY) manage.py demo_setup
	DJANGO_PROJECT=portal $(PY) manage.py demo_setup

.PHONY: demo
demo: train scores drift migrate ## everything: venv, data, features, model, both servers (API :8000, portal :8001)
	$(call say,Starting the API on :$(API_PORT) and the portal on :$(PORTAL_PORT) (Ctrl-C stops both))
	$(VENV)/bin/honcho -f Procfile.dev start

# ---------------------------------------------------------------- production-like local run
# Both apps under gunicorn with their production settings (bin/web, as on Heroku), plain HTTP on
# localhost: secure cookies and the HTTPS redirect are turned off by env, nothing else changes.
# PostgreSQL when DATABASE_URL is set (both apps), else SQLite files in db/.
API_DATABASE_URL ?= $(or $(DATABASE_URL),sqlite:///$(CURDIR)/db/prod-api.sqlite3)
PORTAL_DATABASE_URL ?= $(or $(DATABASE_URL),sqlite:///$(CURDIR)/db/prod-portal.sqlite3)
# make prod's secrets, generated once (never the demo's public admin/admin, conseiller/conseiller
# or docs/api.md's token, which demo_setup refuses under production settings); git-ignored
PROD_SECRETS := db/.prod-secrets.env
PROD_ENV = PATH="$(CURDIR)/$(VENV)/bin:$$PATH" DJANGO_SECRET_KEY="$$(cat db/.prod-secret-key)" \
	DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=false \
	DJANGO_SESSION_COOKIE_SECURE=false DJANGO_CSRF_COOKIE_SECURE=false \
	SCORING_API_TOKEN=$${SCORING_API_TOKEN:-$$(sed -n 's/^SCORING_API_TOKEN=//p' $(PROD_SECRETS))} \
	DJANGO_ADMIN_PASSWORD=$${DJANGO_ADMIN_PASSWORD:-$$(sed -n 's/^DJANGO_ADMIN_PASSWORD=//p' $(PROD_SECRETS))} \
	PORTAL_ADVISOR_PASSWORD=$${PORTAL_ADVISOR_PASSWORD:-$$(sed -n 's/^PORTAL_ADVISOR_PASSWORD=//p' $(PROD_SECRETS))} \
	API_DATABASE_URL=$(API_DATABASE_URL) PORTAL_DATABASE_URL=$(PORTAL_DATABASE_URL) \
	API_PORT=$(API_PORT) PORTAL_PORT=$(PORTAL_PORT)

.PHONY: prod-setup
prod-setup: $(VENV)/.installed
	$(call say,Production settings: migrate, demo users, collectstatic (both apps))
	mkdir -p db
	test -s db/.prod-secret-key || $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > db/.prod-secret-key
	@test -s $(PROD_SECRETS) || { umask 077; $(PY) -c 'import secrets; \
		print(f"DJANGO_ADMIN_PASSWORD={secrets.token_urlsafe(18)}"); \
		print(f"PORTAL_ADVISOR_PASSWORD={secrets.token_urlsafe(18)}"); \
		print(f"SCORING_API_TOKEN={secrets.token_hex(20)}")' > $(PROD_SECRETS); }
	@echo "make prod's logins (admin, conseiller) and API token: $(CURDIR)/$(PROD_SECRETS) (generated once; set DJANGO_ADMIN_PASSWORD, PORTAL_ADVISOR_PASSWORD or SCORING_API_TOKEN to choose yours)"
	for project in portal scoring_api; do \
		db=$$([ $$project = portal ] && echo "$(PORTAL_DATABASE_URL)" || echo "$(API_DATABASE_URL)"); \
		$(PROD_ENV) DJANGO_PROJECT=$$project DJANGO_SETTINGS_MODULE=$$project.config.settings.production \
			DATABASE_URL=$$db sh -c '$(PY) manage.py migrate --noinput -v0 && $(PY) manage.py demo_setup && \
			$(PY) manage.py collectstatic --noinput -v0' || exit 1; \
	done

.PHONY: prod
prod: train prod-setup ## both apps under gunicorn with production settings (API :8000, portal :8001)
	$(call say,Production-like run: gunicorn + production settings (Ctrl-C stops both))
	$(PROD_ENV) $(VENV)/bin/honcho -f Procfile.prod start

.PHONY: prod-check
prod-check: prod-setup ## smoke check of `make prod`: both apps answer, an advisor opens a client
	$(PROD_ENV) bin/prod-check

.PHONY: serve-api
serve-api: $(VENV)/.installed ## run the scoring API alone on :8000
	DJANGO_PROJECT=scoring_api $(PY) manage.py runserver $(API_PORT)

.PHONY: serve-portal
serve-portal: $(VENV)/.installed ## run the portal alone on :8001
	DJANGO_PROJECT=portal $(PY) manage.py runserver $(PORTAL_PORT)

.PHONY: mlflow-ui
mlflow-ui: $(VENV)/.installed ## open the MLflow UI on :5000
	$(VENV)/bin/mlflow ui --backend-store-uri sqlite:///$(CURDIR)/mlruns.db --port 5000

# ---------------------------------------------------------------- quality
PYTEST := $(VENV)/bin/pytest
.PHONY: lint
lint: $(VENV)/.installed ## ruff, and the layering contracts (import-linter, pyproject.toml)
	$(call say,Lint: ruff and the layering contracts)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

.PHONY: openapi
openapi: $(VENV)/.installed ## write the API's contract, scoring_api/openapi.yaml, from the code
	DJANGO_PROJECT=scoring_api $(PY) manage.py spectacular --file scoring_api/openapi.yaml --validate

.PHONY: test
test: $(VENV)/.installed system-deps node_modules/axe-core/axe.min.js lint ## run every test (both Django projects)
	$(call say,Tests: ml + scoring API + delivery)
	$(PYTEST) --ds=scoring_api.config.settings.test --junitxml=reports/tests/pipeline-api-delivery.xml tests/ml tests/reporting tests/vocabulary tests/scoring_api tests/delivery
	$(call say,Tests: portal (views, end-to-end, browser))
	$(PYTEST) --ds=portal.config.settings.test --junitxml=reports/tests/portal.xml tests/portal

.PHONY: bench
bench: train scores system-deps ## benchmarks (300k clients; API and portal on the demo champion); results in reports/bench/
	$(PY) -m bench.run

.PHONY: clean
clean: ## remove generated data, models and reports (keeps the venv)
	rm -rf data/synthetic data/features data/scores reports mlruns.db mlartifacts db

.PHONY: bench-scale
bench-scale: $(VENV)/.installed ## scale benchmark: 1M and 3M clients, DuckDB and Spark (2g driver), memory by role; reports/bench/scale.json
	$(PY) -m bench.run scale
