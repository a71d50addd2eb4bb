"""Evaluation of the translator: suites of cases, grids of configurations, runs, scores and reports.

The modules are small and named after one concept each (`suite`, `shrink`,
`grid`, `filtered`, `keyed_replay`, `pool`, `timing`, `codebleu`, `similarity`,
`runner`, `metrics`, `report`, plus `ablation` and `command` for the CLI).
Nothing heavy is imported here: torch and jax only load inside the sandbox
handlers, matplotlib only when a report is drawn. The trade-off of that many
small modules is more imports to follow, in exchange for each concept being
testable on its own with fakes (a fake measure for shrinking, a fake retriever
for the kind filter) instead of through a whole run.
"""
