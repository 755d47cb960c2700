# Developer entry points; the logic lives in scripts/.
#   make run    create (once) a demo database in French and serve Odoo on http://localhost:8069
#   make test   lint + install into a fresh database + pytest

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

# benchmark of the dunning run (needs the dunning_test database made by make test)
bench:
	python3 bench/bench_dunning_run.py --database $${DUNNING_TEST_DB:-dunning_test}
