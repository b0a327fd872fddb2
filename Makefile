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

.PHONY: help setup demo test lab build bundle bench clean
.DEFAULT_GOAL := help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

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

lab: setup  ## open JupyterLab on the student notebooks
	$(BIN)/jupyter lab release/

build: setup  ## regenerate release/ and solutions/ from source/
	$(BIN)/course build

bundle: setup  ## write student_bundle.zip (release notebooks + library)
	$(BIN)/course bundle

bench: setup  ## print the benchmarks
	$(BIN)/course bench

clean:  ## remove generated working state (not release/ or solutions/)
	rm -rf demo_course student_bundle.zip submitted autograded feedback gradebook.db .pytest_cache
