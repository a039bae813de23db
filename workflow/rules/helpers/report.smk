# The report's run tables: each paper's scopes (the training jobs behind one report subcategory),
# the inputs of their rules, and the paper targets they join (workflow/rules/report.smk).

#: paper -> its category in the report (the figures' `category=` in rules/<paper>.smk)
REPORT_CATEGORIES = {
    "primer": "Primer: single-module benchmark",
    "division": "Division modules: single-module studies",
    "division_mnist": "Division modules: arithmetic MNIST",
    "nalu": "NALU paper (Trask et al. 2018)",
    "npu": "Neural Power Units",
    "ntm": "Neural Turing Machines",
}
#: paper -> the citation the run tables' captions give
REPORT_PAPERS = {
    "primer": "*A Primer for Neural Arithmetic Logic Modules* (Mistry, Farrahi & Hare, JMLR 2022, arXiv 2101.09530)",
    "division": "*Exploring the Learning Mechanisms of Neural Division Modules* (Mistry, Farrahi & Hare, TMLR 2022, arXiv 2110.05177)",
    "division_mnist": "*Exploring the Learning Mechanisms of Neural Division Modules* (Mistry, Farrahi & Hare, TMLR 2022, arXiv 2110.05177), arithmetic MNIST",
    "nalu": "*Neural Arithmetic Logic Units* (Trask et al., NeurIPS 2018, arXiv 1808.00508)",
    "npu": "*Neural Power Units* (Heim, Pevný & Šmídl, NeurIPS 2020, arXiv 2006.01681)",
    "ntm": "*Neural Turing Machines* (Graves, Wayne & Danihelka, arXiv 1410.5401)",
}
REPORT_PATHS = {
    "provenance": "results/run_tables/{paper}/{scope}_provenance.csv",
    "timing": "results/run_tables/{paper}/{scope}_timing.csv",
}
check_result_paths(REPORT_PATHS.values())


def _blocks(rule, wildcard_sets, manifest=True):
    """[(trained output, benchmark file, provenance sidecar or None)] of the training jobs of `rule`
    with these wildcards; the sidecar is the rule's output named `provenance`, if it has one."""
    proxy = getattr(rules, rule)
    sidecar = getattr(proxy.output, "provenance", None)
    return [
        (str(proxy.output[0]).format(**values), str(proxy.benchmark).format(**values),
         None if sidecar is None else str(sidecar).format(**values))
        for values in wildcard_sets
    ]  # fmt: skip


def _primer_scopes():
    return {
        figure: _blocks("primer_train", [{"experiment": e, "block": b} for e in _figure_experiments(figure) for b in PRIMER_BLOCKS])
        for figure in PRIMER_FIGURES
    }


def _division_scopes():
    figures = [name for name in (DIVISION_CONFIG["figures"] or DIVISION_FIGURES) if name in DIVISION_FIGURES]
    return {
        figure: _blocks(
            "division_train",
            [{"experiment": e, "block": b} for e in _division_figure_experiments(figure) for b in _division_blocks_of(e)],
        )
        for figure in figures
    }


def _division_mnist_scopes():
    return {"mnist": _blocks("division_mnist_train", [{"head": h, "block": b} for h in DIVISION_MNIST_HEADS for b in DIVISION_MNIST_BLOCKS])}


def _npu_scopes():
    return {
        group: _blocks("npu_train", [{"experiment": e, "block": b} for e, b in NPU_BLOCKS if e == group])
        for group in NPU_CONFIG["groups"]
    }


def _ntm_scopes():
    return {task: _blocks("ntm_train", [{"task": task, "block": b} for b in NTM_BLOCKS]) for task in NTM_CONFIG["tasks"]}


def _nalu_scopes():
    static = [
        {"setting": s, "model": m, "block": b}
        for s in NALU_CONFIG["settings"] for m in NALU_SETTINGS[s]["static"]["models"] for b in NALU_STATIC_BLOCKS
    ]  # fmt: skip
    return {
        "identity": _blocks("nalu_identity", [{"block": b} for b in NALU_IDENTITY_BLOCKS]),
        "static": _blocks("nalu_static", static),
        "language": _blocks("nalu_language", [{"run": run} for run in NALU_LANGUAGE_RUNS]),
    }


#: paper -> function giving {scope: [(trained output, benchmark file)]}
REPORT_SCOPES = {
    "primer": _primer_scopes,
    "division": _division_scopes,
    "division_mnist": _division_mnist_scopes,
    "nalu": _nalu_scopes,
    "npu": _npu_scopes,
    "ntm": _ntm_scopes,
}


def report_jobs(wildcards):
    """[(trained output, benchmark file)] of the training jobs of one paper's scope."""
    scopes = REPORT_SCOPES[wildcards.paper]()
    if wildcards.scope not in scopes:
        raise WorkflowError(f"{wildcards.paper} has no run tables for {wildcards.scope!r} (expected one of: {', '.join(scopes)})")
    return scopes[wildcards.scope]


def report_trained(wildcards):
    return [trained for trained, _, _ in report_jobs(wildcards)]


def report_benchmarks(wildcards):
    return shlex.join(benchmark for _, benchmark, _ in report_jobs(wildcards))


def report_provenance_inputs(wildcards):
    """What `nalm provenance` reads for one scope: the jobs' block manifests, or their sidecars."""
    if _writes_sidecars(wildcards):
        return [sidecar for _, _, sidecar in report_jobs(wildcards)]
    return report_trained(wildcards)


def _writes_sidecars(wildcards):
    """Whether the scope's training jobs write one table of many runs with a provenance sidecar
    (an output named `provenance`, the NALU paper's) instead of run directories with a manifest."""
    return any(sidecar is not None for _, _, sidecar in report_jobs(wildcards))


def report_provenance_flag(wildcards):
    return "--sidecars" if _writes_sidecars(wildcards) else ""


def report_manifest_flags(wildcards):
    """`--manifests ...` to count the runs of each job, for papers whose jobs write block manifests."""
    return "" if _writes_sidecars(wildcards) else shlex.join(["--manifests", *report_trained(wildcards)])


def _with_run_tables(paper, targets):
    def with_tables():
        tables = [REPORT_PATHS[kind].format(paper=paper, scope=scope) for scope in REPORT_SCOPES[paper]() for kind in ("provenance", "timing")]
        return targets() + tables

    return with_tables


for _paper in list(PAPER_TARGETS):
    if _paper in REPORT_SCOPES:
        PAPER_TARGETS[_paper] = _with_run_tables(_paper, PAPER_TARGETS[_paper])
