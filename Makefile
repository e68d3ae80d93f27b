# Rendementsanalyse ICO: `make report` builds the report, `make test` checks the project.
# Each stage is a file target in data/processed/ that depends on its inputs, its code and the settings it
# reads, so a second `make report` with nothing changed runs nothing.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
.DEFAULT_GOAL := help
MAKEFLAGS += --warn-undefined-variables --no-builtin-rules

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
## What a run needs (make report) and, on top of it, what only the tests, lint and the benchmark need (make test):
## two locks, both with the hashes of every file for every platform, the second holding the first's versions
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock

## Inputs and outputs; override on the command line, e.g. make report BVH=data/raw/bvh.csv CLIENTS=data/raw/clients.csv
BVH ?= data/raw/synthetic/bvh.csv
CLIENTS ?= data/raw/synthetic/clients.csv
CONFIG ?= config/analysis.yaml
MAPPING ?= config/imk_mapping.yaml
OUT ?= reports
NARRATIVE ?= narrative
## optional: detention periods (client_id, van, tot) for time at risk
DETENTION ?=
## optional, both or neither: a comparison group from police data (issue 12); with the synthetic default its
## own synthetic comparison population, with your own BVH and CLIENTS none unless you name one
COMPARISON_PERSONS ?= $(if $(filter file,$(origin BVH)),data/raw/synthetic/comparison_persons.csv,)
COMPARISON_BVH ?= $(if $(filter file,$(origin BVH)),data/raw/synthetic/comparison_bvh.csv,)
P := data/processed

# A real export with the synthetic client list (or the reverse) gives a report of zeros: both or neither.
ifneq ($(filter report all,$(MAKECMDGOALS)),)
ifneq ($(origin BVH),$(origin CLIENTS))
$(error BVH en CLIENTS horen bij elkaar: geef beide op, of geen van beide voor de synthetische gegevens)
endif
ifneq ($(if $(COMPARISON_PERSONS),1,),$(if $(COMPARISON_BVH),1,))
$(error COMPARISON_PERSONS en COMPARISON_BVH horen bij elkaar: geef beide op, of geen van beide)
endif
endif

PIPE := $(PY) -m pipeline

# The code each stage runs is read from its imports (pipeline/tools/makedeps.py, standard library only, so it
# runs before .venv exists) into $(CODE_DEPS): VALIDATE_CODE, ALIGN_CODE, CLASSIFY_CODE, ANALYSE_CODE and
# RENDER_CODE, each the entry point, the command line and every module the stage's command can load, and into
# one list per stage ($(P)/code-STAGE.list). Both are read anew at every make (a fraction of a second) and
# rewritten only when they change, so no list is kept by hand: editing a module reruns the stages that import
# it, and removing one reruns the stages that loaded it (their list changed).
CODE_DEPS := $(P)/make-code.mk
$(CODE_DEPS): FORCE
	@$(PYTHON) pipeline/tools/makedeps.py --out $@
include $(CODE_DEPS)
$(P)/code-%.list: ;
.PHONY: FORCE
FORCE:

# Which files a stage was made from is part of what it was made from: a run with other inputs (BVH, CLIENTS,
# DETENTION, CONFIG, MAPPING, NARRATIVE), even older files or none, reruns what reads them. Each choice is kept
# in $(P)/args-NAME.txt, rewritten only when it changes.
remember = $(shell mkdir -p $(P) && f=$(P)/args-$(1).txt && printf '%s\n' '$(2)' | cmp -s - $$f || \
  printf '%s\n' '$(2)' > $$f; echo $(P)/args-$(1).txt)
INPUT_ARGS := $(call remember,inputs,$(BVH) $(CLIENTS) $(DETENTION) $(COMPARISON_PERSONS) $(COMPARISON_BVH) $(CONFIG))
MAPPING_ARGS := $(call remember,mapping,$(MAPPING))
# The analyst's chapters (pipeline/report/narrative.py CHAPTERS): which of them exist is remembered too, so a
# chapter written reruns the render (it is newer) and a chapter removed does as well (the list changed).
CHAPTER_FILES := $(wildcard $(addprefix $(NARRATIVE)/,samenvatting.md inleiding.md methode.md interviews.md \
  conclusies.md) $(NARRATIVE)/*.png $(NARRATIVE)/*.jpg $(NARRATIVE)/*.jpeg $(NARRATIVE)/*.gif)
RENDER_ARGS := $(call remember,render,$(NARRATIVE) $(CHAPTER_FILES))

# What else a stage reads besides its code: the installed packages; the report's templates and fonts.
COMMON := $(STAMP)
TEMPLATE_FILES := $(wildcard templates/*.html templates/*.css templates/fonts/*)

# Each stage's target is the file it writes last; its other outputs are written before it (validate:
# clients.parquet, bvh.parquet; align: aligned.parquet; analyse: client_counts.parquet). One target per stage
# rather than grouped targets: GNU make 4.3 does not carry grouped targets through a dry run (make -n).
VALIDATED := $(P)/inputs.json
ALIGNED := $(P)/clients_aligned.parquet
CLASSIFIED := $(P)/classified.parquet
RESULTS := $(P)/results.json
REPORT := $(OUT)/rendementsanalyse.html

.PHONY: help all report vergelijk test test-fast lint schema golden synth simulate bench key lock clean distclean

help: ## show this help
	@echo "Rendementsanalyse ICO. Targets:"
	@grep -hE '^[a-z-]+:.*## ' $(firstword $(MAKEFILE_LIST)) | sed -E 's/^([a-z-]+):.*## (.*)/  make \1\t\2/' | expand -t 22
	@echo "Inputs (override as VAR=path): BVH=$(BVH) CLIENTS=$(CLIENTS) CONFIG=$(CONFIG) MAPPING=$(MAPPING)"
	@echo "                               NARRATIVE=$(NARRATIVE) OUT=$(OUT)"
	@echo "  optional: DETENTION=$(DETENTION) COMPARISON_PERSONS=$(COMPARISON_PERSONS) COMPARISON_BVH=$(COMPARISON_BVH)"

all: report test ## build the report and run the tests

report: $(REPORT) ## set up .venv if needed, run every stage, write the report to OUT (default reports/; publish it without intern/)
	@echo "Rapport: $(OUT)/rendementsanalyse.html en $(OUT)/rendementsanalyse.pdf; niet publiceren: $(OUT)/intern/ (results.json, verantwoording, onderdrukkingen)"

test: $(DEV_STAMP) ## set up .venv if needed, run ruff, the import contract and the tests
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest

test-fast: $(DEV_STAMP) ## the unit, property and report-text tests (under three minutes): the loop while you edit
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest -m "not slow" -q

lint: $(DEV_STAMP) ## ruff and the import contract (.importlinter) only
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports --no-cache

schema: $(STAMP) ## write schemas/results.schema.json from the typed results model (schemas/results.py)
	$(PY) -m pipeline.tools.results_schema

golden: $(DEV_STAMP) ## after a deliberate change of a result: rewrite tests/golden/ from the synthetic default (say why in the commit)
	$(PY) -m tests.goldenfiles

synth: $(STAMP) ## regenerate the synthetic default in data/raw/synthetic/
	$(PIPE) synth

# Every package at the version and with the file hash of the lock (pip refuses any other file); the project
# itself after it, without dependencies, so nothing outside the lock comes in. An analyst's run installs the
# runtime lock only; the tests add the development lock, whose shared packages have the runtime lock's versions.
$(STAMP): pyproject.toml $(LOCK)
	@echo "Eenmalige installatie in $(VENV): $$(grep -c '^[a-z]' $(LOCK)) pakketten met gecontroleerde hashes (1 tot 2 minuten)"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check --progress-bar off --require-hashes --no-deps -r $(LOCK) 2>&1 \
	  | tee $(VENV)/install.log | { grep --line-buffered -E '^(Collecting|Successfully)' | sed -u 's/^/  /'; true; } \
	  || { echo "installatie mislukt; de hele uitvoer staat in $(VENV)/install.log" >&2; exit 1; }
	$(PY) -m pip check >/dev/null || { echo "installatie onvolledig: $(PY) -m pip check" >&2; exit 1; }
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(DEV_STAMP): $(STAMP) $(DEV_LOCK)
	@echo "Gereedschap voor de tests in $(VENV): $(DEV_LOCK) met gecontroleerde hashes"
	$(PY) -m pip install --disable-pip-version-check --progress-bar off --require-hashes --no-deps -r $(DEV_LOCK) 2>&1 \
	  | tee $(VENV)/install-dev.log | { grep --line-buffered -E '^(Collecting|Successfully)' | sed -u 's/^/  /'; true; } \
	  || { echo "installatie mislukt; de hele uitvoer staat in $(VENV)/install-dev.log" >&2; exit 1; }
	$(PY) -m pip check >/dev/null || { echo "installatie onvolledig: $(PY) -m pip check" >&2; exit 1; }
	touch $@

bench: $(DEV_STAMP) ## benchmark 10 thousand to 10 million registrations against DuckDB (about 10 min); benchmarks/RESULTS.md
	$(PY) scripts/bench.py

simulate: $(STAMP) ## the simulation study that tries to break the effect estimators (about 25 min on 2 cores); updates README.md
	$(PY) scripts/simulate.py

## the secret key for pseudonyms: outside the repository, never committed
KEY ?= $(HOME)/.rendementsanalyse/pseudoniem.key

key: ## make a new random key file for pseudonymise, outside the repository (KEY=path)
	@case "$$(realpath -m $(KEY))" in "$$(realpath .)"/*) echo "KEY must lie outside the repository" >&2; exit 2;; esac
	@if [ -e "$(KEY)" ]; then echo "$(KEY) exists; remove it first if you really want a new key" >&2; exit 2; fi
	@mkdir -p "$$(dirname $(KEY))" && chmod 700 "$$(dirname $(KEY))"
	@umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_hex(32))" > "$(KEY)"
	@echo "New key: $(KEY). Give it to the police and the ZVH by a separate, safe route; never put it in the repository."

LOCK_HEADER = '\# $(1), its exact version and the hashes of its files, for every platform: refresh with `make lock`'
lock: ## refresh both locks: the newest allowed versions for every platform, with their hashes (uv); commit both
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --disable-pip-version-check uv
	.venv-lock/bin/uv pip compile pyproject.toml --universal --generate-hashes --python-version 3.11 --quiet \
	  --no-header --no-annotate --output-file .venv-lock/runtime.lock
	grep -E '^[A-Za-z]' .venv-lock/runtime.lock | sed -E 's/ *;.*//; s/ *\\$$//' | sort -u > .venv-lock/runtime-pins.txt
	.venv-lock/bin/uv pip compile pyproject.toml --extra dev --extra bench -c .venv-lock/runtime-pins.txt --universal \
	  --generate-hashes --python-version 3.11 --quiet --no-header --no-annotate --output-file .venv-lock/dev.lock
	{ echo $(call LOCK_HEADER,Every package a run needs (make report)); cat .venv-lock/runtime.lock; } > $(LOCK)
	{ echo $(call LOCK_HEADER,Every package of the tests and the benchmark besides (make test; the runtime versions)); \
	  cat .venv-lock/dev.lock; } > $(DEV_LOCK)
	rm -rf .venv-lock

$(VALIDATED): $(BVH) $(CLIENTS) $(DETENTION) $(COMPARISON_PERSONS) $(COMPARISON_BVH) $(CONFIG) $(INPUT_ARGS) \
  $(VALIDATE_CODE) $(P)/code-validate.list $(COMMON)
	$(PIPE) validate --bvh $(BVH) --clients $(CLIENTS) $(if $(DETENTION),--detention $(DETENTION)) \
	  $(if $(COMPARISON_PERSONS),--comparison-persons $(COMPARISON_PERSONS) --comparison-bvh $(COMPARISON_BVH)) \
	  --config $(CONFIG) --processed $(P)

$(ALIGNED): $(VALIDATED) $(CONFIG) $(ALIGN_CODE) $(P)/code-align.list $(COMMON)
	$(PIPE) align --config $(CONFIG) --processed $(P)

$(CLASSIFIED): $(ALIGNED) $(CONFIG) $(MAPPING) $(MAPPING_ARGS) $(CLASSIFY_CODE) $(P)/code-classify.list $(COMMON)
	$(PIPE) classify --config $(CONFIG) --mapping $(MAPPING) --processed $(P)

$(RESULTS): $(CLASSIFIED) $(ALIGNED) $(VALIDATED) $(CONFIG) $(MAPPING) $(MAPPING_ARGS) $(ANALYSE_CODE) $(P)/code-analyse.list $(COMMON)
	$(PIPE) analyse --config $(CONFIG) --mapping $(MAPPING) --processed $(P)

$(REPORT): $(RESULTS) $(CLASSIFIED) $(RENDER_CODE) $(P)/code-render.list $(TEMPLATE_FILES) $(CHAPTER_FILES) $(RENDER_ARGS) $(COMMON)
	$(PIPE) render --results $(P)/results.json --out $(OUT) --narrative $(NARRATIVE)

## Editions and regions compared: make vergelijk RESULTATEN="a/intern/results.json b/intern/results.json ..."
## (the first is the reference for the method); without RESULTATEN: this report, a simulated later edition
## and a simulated other region (pipeline/synthetic/editions.py, each with a documented true effect)
VOORBEELD := $(P)/voorbeeld
VOORBEELDEN := editie-2025 regio-b
RESULTATEN ?= $(RESULTS) $(foreach v,$(VOORBEELDEN),$(VOORBEELD)/$(v)/rapport/intern/results.json)
VERGELIJKING ?= vergelijking

vergelijk: $(STAMP) $(filter $(P)/%,$(RESULTATEN)) ## compare runs (RESULTATEN="..."; default: this report beside a second edition and region); writes VERGELIJKING/ (default vergelijking/)
	$(PIPE) vergelijk $(RESULTATEN) --out $(VERGELIJKING)
	@echo "Vergelijking: $(VERGELIJKING)/vergelijking.html en .pdf, cijfers in $(VERGELIJKING)/vergelijking.json"

$(VOORBEELD)/.made: $(STAMP) pipeline/synthetic/editions.py pipeline/synthetic/simulation.py $(CONFIG)
	$(PY) -m pipeline.synthetic.editions $(VOORBEELD) $(CONFIG) >/dev/null
	touch $@

$(VOORBEELD)/%/rapport/intern/results.json: $(VOORBEELD)/.made $(ANALYSE_CODE) $(RENDER_CODE) $(MAPPING)
	$(PIPE) --quiet run --bvh $(VOORBEELD)/$*/bvh.csv --clients $(VOORBEELD)/$*/clients.csv \
	  --config $(VOORBEELD)/$*/analysis.yaml --mapping $(MAPPING) --out $(VOORBEELD)/$*/rapport

clean: ## remove stage outputs and reports (not the virtual environment)
	rm -rf $(P) $(OUT) $(VERGELIJKING)

distclean: clean ## also remove .venv
	rm -rf $(VENV)
