# Developer entry points; the logic lives in scripts/.
#   make run    create (once) a demo database in French and serve Odoo on http://localhost:8069
#   make test   lint + install into a fresh database + pytest
#   make bench  benchmark (SIZE=small|large|xlarge), side by side with OCA credit control,
#               then the run shared by queue_job workers

.PHONY: run test lint setup clean bench readme format

run:
	scripts/run.sh

test:
	scripts/test.sh

# lint only (ruff, pylint-odoo, oca-checks-*, READMEs, prettier, wheels)
lint:
	scripts/test.sh --lint

setup:
	scripts/setup.sh

# README.rst and static/description/index.html of each add-on, from its
# readme/*.md fragments and manifest (the lint checks they are up to date)
readme: setup
	scripts/format.sh --readme

# rewrite the XML, JS, SCSS... with prettier (OCA's options), then the READMEs
format: setup
	scripts/format.sh

# drop the test databases and the local cache (the demo database is kept)
clean:
	scripts/clean.sh

# benchmark of the dunning run against OCA credit control, in its own database
# (needs the template database made by make test), then of the run carried out
# by queue_job workers: make bench [SIZE=large] [BENCH_ARGS=--skip-queue]
# (or --queue-only)
SIZE ?= small
BENCH_ARGS ?=
bench:
	scripts/bench.sh $(SIZE) $(BENCH_ARGS)
