# Deux commandes suffisent sur une machine neuve (Python 3.11+ et make) :
#   make run   — crée l'environnement virtuel si besoin, installe et lance l'application
#   make test  — installe si besoin et lance toute la suite de tests (sans écran)
# Application figée (docs/packaging.md) :
#   make dist       — dist/roadmap-app/ : roadmap-app et roadmap-cli, tout compris (PyInstaller)
#   make dist-test  — construit puis essaie l'application figée elle-même (pas les sources)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

DIST_STAMP := $(VENV)/.dist-installed

.PHONY: run test bench lint clean dist dist-test

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m roadmap_app

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m bench

# PyInstaller (extra « dist ») : installé ici seulement, make test n'en a pas besoin.
$(DIST_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[dist]"
	touch $(DIST_STAMP)

dist: $(DIST_STAMP)
	rm -rf build/roadmap-app dist/roadmap-app
	$(PY) -m PyInstaller --noconfirm --log-level ERROR --distpath dist --workpath build \
		packaging/roadmap-app.spec

dist-test: dist
	$(PY) packaging/dist_test.py dist/roadmap-app

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
