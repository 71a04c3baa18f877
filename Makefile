# Shortcuts; each target is one documented command. `make help` lists them.
REF ?= main

.PHONY: help repro test test-quick lint format typecheck check diff report mutate mutate-save

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 14

repro:  ## run the pipeline (dvc repro)
	dvc repro

test:  ## every test, as CI runs them
	python -m pytest

test-quick:  ## the tests without the slow end-to-end DVC runs
	python -m pytest -m "not slow"

lint:  ## ruff lint and format check (changes nothing)
	ruff check .
	ruff format --check .

format:  ## let ruff fix what it can and format the code
	ruff check --fix .
	ruff format .

typecheck:  ## mypy on the package
	mypy

check: lint typecheck test  ## what CI runs

diff:  ## metrics that changed beyond float noise against $(REF), as a Markdown table
	python -m rednote.report.compare --ref $(REF)

report:  ## Markdown report of metric, param and plot changes against $(REF): reports/pr/report.md
	python -m rednote.report.pr --ref $(REF) --out reports/pr

mutate:  ## mutation testing of the modules where a silent bug changes the answer (hours; docs/mutation.md), resuming from docs/mutation-state
	mkdir -p mutants && cp -rn docs/mutation-state/. mutants/
	mutmut run --max-children 2
	mutmut results

mutate-save:  ## keep mutmut's kills in docs/mutation-state, for the next `make mutate` on a fresh clone to resume from
	python tests/mutation_state.py mutants docs/mutation-state
