# Two commands on a fresh machine (README "Quick start"):
#     make fig14     # results/figures/fig14_add.pdf at full paper fidelity
#     make test      # the test suite (the SLURM cluster tests are opt-in: make test-cluster)
# Each sets up $(VENV) first (python3 -m venv + pip; torch is the CPU build, never CUDA).
# Extra snakemake arguments: make fig14 ARGS='--dry-run'

VENV ?= .venv
PYTHON ?= python3
ARGS ?=
TORCH_CPU_INDEX ?= https://download.pytorch.org/whl/cpu
LOCK ?= requirements/lock.txt
TEST_WORKERS ?= logical

BIN := $(VENV)/bin
# The rules call `nalm` from PATH: put this venv first.
SNAKEMAKE := PATH="$(abspath $(BIN)):$$PATH" $(BIN)/snakemake

FIGURES := fig14_add fig15_sub fig16_mul fig17_div fig18_inalu_in10_add \
           fig19_nau_in10_add_sub fig20_nau_in100_sub

.PHONY: help venv figures quick test test-cluster lint dry-run report archive profiles \
        $(foreach f,$(FIGURES),$(firstword $(subst _, ,$(f))))

help:
	@echo "make fig14 .. fig20   one figure (results/figures/), full paper fidelity"
	@echo "make figures          all of figures 14-20"
	@echo "make quick            figure 14 from the smoke preset (config/quick.yaml)"
	@echo "make test             the test suite (without the SLURM cluster tests)"
	@echo "make test-cluster     the SLURM cluster tests (root: installs and starts slurm, munge, mariadb)"
	@echo "make lint             snakemake --lint"
	@echo "make dry-run          what would run for all figures (job counts)"
	@echo "make report           results/report.html of what is built (or TARGETS=...)"
	@echo "make archive          nalm-archive-<commit>.tar.gz: code, config, wheels, results; restores offline"
	@echo "make profiles         link workflow/profiles/{lsf,slurm} for --profile NAME"
	@echo "Pass snakemake options with ARGS='...'; the environment is $(VENV)."

venv: $(VENV)/.installed

# Every package of nalm[workflow,test] at the exact version and hash of $(LOCK), torch as its
# CPU build (torch==2.13.0+cpu): from a local wheel if pip finds one (find-links), otherwise
# with the PyTorch CPU index added. Then this checkout's nalm, without dependencies (the lock's).
$(VENV)/.installed: pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --requirement $(LOCK) \
	  || $(BIN)/python -m pip install --quiet --require-hashes --requirement $(LOCK) --extra-index-url $(TORCH_CPU_INDEX)
	$(BIN)/python -m pip install --quiet --no-deps --editable .
	touch $@

# A figure with the provenance and training-time tables of its runs (its report entries).
$(foreach f,$(FIGURES),$(firstword $(subst _, ,$(f)))): %: venv
	$(SNAKEMAKE) results/figures/$(filter $*_%,$(FIGURES)).pdf \
	    $(foreach t,provenance timing,results/run_tables/primer/$(filter $*_%,$(FIGURES))_$(t).csv) $(ARGS)

figures: venv
	$(SNAKEMAKE) $(ARGS)

quick: venv
	$(SNAKEMAKE) results/figures/fig14_add.pdf results/run_tables/primer/fig14_add_provenance.csv results/run_tables/primer/fig14_add_timing.csv \
	    --configfile config/quick.yaml $(ARGS)

# The suite runs on every logical core (pytest-xdist; TEST_WORKERS=0 runs it in this process):
# each test works in its own temporary directory, so the order and the worker do not matter.
# A module's tests stay on one worker (loadscope): the workflow tests' module fixtures (a tiny
# build of a whole paper, minutes each) then run once, not once per worker.
test: venv
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadscope $(ARGS)

# Opt-in (tests/conftest.py): a one-node SLURM cluster on this machine, installed with apt-get
# on first use (tests/cluster/start-slurm.sh). CI runs it after `make test` (.ci/run).
test-cluster: venv
	NALM_CLUSTER_TESTS=1 PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m pytest -m cluster -s tests/cluster $(ARGS)

lint: venv
	$(SNAKEMAKE) --lint

dry-run: venv
	$(SNAKEMAKE) --dry-run --quiet rules $(ARGS)

# Snakemake reports only files that exist: the figures and run tables built so far (every one of
# them a rule's output), or the files named in TARGETS.
BUILT := $(sort $(shell find results/figures results/run_tables -type f \( -name '*.pdf' -o -name '*.csv' \) 2>/dev/null))
report: venv
	@test -n "$(or $(TARGETS),$(BUILT))" || { echo "make report: nothing built under results/figures or results/run_tables: build a figure first (make fig14)" >&2; exit 1; }
	$(SNAKEMAKE) --report results/report.html $(or $(TARGETS),$(BUILT)) $(ARGS)

# One tar.gz of code, config, lock + wheels, results (runs too), Snakemake metadata and report,
# restorable offline (nalm archive --help; README "Archiving a paper").
archive: venv
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/nalm archive --runs $(ARGS)

profiles: venv
	$(BIN)/nalm profiles install $(ARGS)
