# lrcourse: two commands do everything.
#   make lab    set up .venv if needed and open JupyterLab on notebooks/
#   make test   set up .venv if needed, lint, run the unit tests and doctests, execute every notebook
# Also: make test-portable (the notebooks on another CPU code path), make test-deep (longer
# property tests), make test-scale (lrcourse.tune on Ray Tune, in its own .venv-scale),
# make notebooks (re-execute every notebook and store its outputs), make clean.
# Teachers: make classroom DEST=folder [LESSONS="01 02"] writes nbgrader assignments from the
# lessons (TEACHING.md); make test-classroom runs nbgrader on them end to end.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PORT     ?= 8888
HOST     ?= 127.0.0.1
LAB_ARGS ?=
# Jupyter refuses to run as root unless told; containers often run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
reverse = $(if $(1),$(call reverse,$(wordlist 2,$(words $(1)),$(1))) $(firstword $(1)))
# Each notebook cell may take this long before nbval gives up on it.
CELL_TIMEOUT ?= 600

# Both cores: unit tests and notebooks run on two pytest-xdist workers. Each
# notebook stays on one worker (--dist loadscope) and its kernel keeps one thread.
WORKERS ?= 2
# Another CPU code path than a recent machine's own: PyTorch's scalar kernels, and
# oneDNN and MKL without AVX-512 (what many laptops run). make test-portable
# re-runs every notebook on it.
PORTABLE_ENV ?= ATEN_CPU_CAPABILITY=default ONEDNN_MAX_CPU_ISA=AVX2 MKL_ENABLE_INSTRUCTIONS=AVX2

.PHONY: lab test test-portable test-deep test-scale test-classroom classroom lint unit nbval notebooks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The stamp files make set-up idempotent: pip runs again only when pyproject.toml changes.
$(VENV)/.lab-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[lab]'
	touch $@

# The tests include the classroom kit's, so they need nbgrader too.
$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,classroom]'
	touch $@

$(VENV)/.classroom-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[lab,classroom]'
	touch $@

lab: $(VENV)/.lab-installed
	$(BIN)/jupyter lab --ip=$(HOST) --port=$(PORT) --ServerApp.root_dir=notebooks $(ROOT_FLAG) $(LAB_ARGS)

test: $(VENV)/.dev-installed
	$(MAKE) lint unit nbval

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .

unit: $(VENV)/.dev-installed
	$(BIN)/python -m pytest -n $(WORKERS) tests --ignore=tests/classroom
	$(BIN)/python -m pytest --doctest-modules lrcourse

# Later lessons take longer: handing them out first keeps both workers busy to the end.
nbval: $(VENV)/.dev-installed
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest --nbval $(call reverse,$(NOTEBOOKS)) -n $(WORKERS) --dist loadscope \
		--nbval-cell-timeout=$(CELL_TIMEOUT)

# The notebooks again, on a CPU code path other than this machine's (see PORTABLE_ENV).
test-portable: $(VENV)/.dev-installed
	$(PORTABLE_ENV) $(MAKE) nbval

# More hypothesis examples per property test than make test runs.
test-deep: $(VENV)/.dev-installed
	HYPOTHESIS_PROFILE=deep $(BIN)/python -m pytest -n $(WORKERS) tests --ignore=tests/classroom

# The classroom kit with the real nbgrader: build, generate_assignment, autograde three
# submissions of lessons 01 and 02 and read the gradebook (one worker), and nbgrader validate
# on every lesson (the other worker, then both).
test-classroom: $(VENV)/.dev-installed
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest tests/classroom -n $(WORKERS) --dist loadgroup \
		--durations=5

# nbgrader assignments from the lessons, for a teacher: DEST/nbgrader_config.py and
# DEST/source/<lesson>/<lesson>.ipynb; then run nbgrader's own commands in DEST.
LESSONS ?=
classroom: $(VENV)/.classroom-installed
	@test -n "$(DEST)" || { echo 'usage: make classroom DEST=folder [LESSONS="01 02"]' >&2; exit 2; }
	$(BIN)/python -m lrcourse.classroom build $(DEST) $(LESSONS)

# lrcourse.tune needs the optional extra `scale` (Ray Tune, about half a gigabyte).
# It lives in a venv of its own, so .venv and `make test` never carry Ray. One
# Ray for the whole session (a fixture), so no xdist; then the Ray Tune section
# of lesson 11 (docs/ray_tune_section.ipynb) under nbval.
SCALE_VENV := .venv-scale
SCALE_NOTEBOOKS := docs/ray_tune_section.ipynb

$(SCALE_VENV)/bin/python:
	$(PYTHON) -m venv $(SCALE_VENV)
	$(SCALE_VENV)/bin/python -m pip install --quiet --upgrade pip

$(SCALE_VENV)/.scale-installed: pyproject.toml | $(SCALE_VENV)/bin/python
	$(SCALE_VENV)/bin/python -m pip install --quiet torch==2.13.0
	$(SCALE_VENV)/bin/python -m pip install --quiet -e '.[dev,scale]'
	touch $@

test-scale: $(SCALE_VENV)/.scale-installed
	OMP_NUM_THREADS=1 $(SCALE_VENV)/bin/python -m pytest tests/scale tests/test_tune_extra.py
	OMP_NUM_THREADS=1 $(SCALE_VENV)/bin/python -m pytest --nbval $(SCALE_NOTEBOOKS) \
		--nbval-cell-timeout=$(CELL_TIMEOUT)

notebooks: $(VENV)/.dev-installed
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.timeout=$(CELL_TIMEOUT) \
		--ExecutePreprocessor.record_timing=False \
		--ExecutePreprocessor.store_widget_state=False \
		$(if $(NB),$(NB),$(NOTEBOOKS))

clean:
	rm -rf $(VENV) $(SCALE_VENV) .pytest_cache .ruff_cache .hypothesis
