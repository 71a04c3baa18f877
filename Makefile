# Shortcuts; each target is one documented command.
REF ?= main

.PHONY: repro test test-quick report

repro:
	dvc repro

test:
	python -m pytest

test-quick:
	python -m pytest -m "not slow"

# Markdown report of metric, param and plot changes against $(REF): reports/pr/report.md
report:
	python -m rednote.report --ref $(REF) --out reports/pr
