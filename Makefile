# Course kit for "Convolutional Neural Nets" (Foundations of Computer Vision, ch. 24).
# Every target sets up .venv first if needed.  `make help` lists them.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The CPU build of torch is enough everywhere.  Override to pick another
# build, e.g. make setup TORCH_SPEC="torch" PIP_EXTRA="--index-url https://download.pytorch.org/whl/cpu"
TORCH_SPEC ?= torch==2.13.0
PIP_EXTRA  ?=
JOBS   ?= 2

.PHONY: help setup demo test test-fast lab build bundle bench clean clean-grades
.DEFAULT_GOAL := help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/pip install --quiet $(PIP_EXTRA) "$(TORCH_SPEC)"
	$(BIN)/pip install --quiet -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (course)" >/dev/null
	touch $@

setup: $(BIN)/.installed  ## create .venv with everything the course needs

demo: setup  ## instructor round on a demo: release, sample submissions, autograde, feedback, grades
	$(BIN)/course demo

test: setup  ## the full test suite (what CI runs)
	$(BIN)/python -m pytest -n $(JOBS) --dist loadgroup

test-fast: setup  ## the in-process tier: ops, checkers, catalogues, answer keys, conventions (no kernels)
	$(BIN)/python -m pytest -n $(JOBS) --dist loadgroup -m "not nbgrader and not notebook"

lab: setup  ## open JupyterLab on the student notebooks (the formgrader needs the venv's tools on PATH)
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/jupyter lab release/

build: setup  ## regenerate release/ and solutions/ from source/
	$(BIN)/course build

bundle: setup  ## write student_bundle.zip (release notebooks + library)
	$(BIN)/course bundle

bench: setup  ## print the benchmarks
	$(BIN)/course bench

clean:  ## remove the demo course and build outputs (never grades or submissions)
	rm -rf demo_course student_bundle.zip student_bundle quarantine .pytest_cache .hypothesis build dist

clean-grades:  ## delete THIS course's gradebook, submissions, autograded notebooks and feedback (asks first)
	@printf 'This deletes gradebook.db, submitted/, autograded/ and feedback/ of %s.\nType "delete grades" to go on: ' "$(CURDIR)"; \
	read answer; [ "$$answer" = "delete grades" ] || { echo "nothing deleted"; exit 1; }; \
	rm -rf gradebook.db submitted autograded feedback; echo "deleted"
