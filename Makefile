# Developer entry points; the logic lives in scripts/.
#   make run    create (once) a demo database in French and serve Odoo on http://localhost:8069
#   make test   lint + install into a fresh database + pytest
#   make bench  benchmark (SIZE=small|large|xlarge), side by side with OCA credit control

.PHONY: run test lint setup clean bench

run:
	scripts/run.sh

test:
	scripts/test.sh

# lint only (ruff, pylint-odoo, oca-checks-*)
lint:
	scripts/test.sh --lint

setup:
	scripts/setup.sh

# drop the test databases and the local cache (the demo database is kept)
clean:
	scripts/clean.sh

# benchmark of the dunning run against OCA credit control, in its own database
# (needs the template database made by make test): make bench [SIZE=large]
SIZE ?= small
bench:
	scripts/bench.sh $(SIZE)
