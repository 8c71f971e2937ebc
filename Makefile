# ediflex_chorus: the two commands a newcomer needs are `make run` and `make test`.
PORT ?= 8070
ODOO_PATH ?= /opt/odoo18
VENV ?= .venv

.PHONY: test run emulator bench soak lint odoo-pytest

test:  ## every test: plain core tests, then the addon's Odoo tests when an Odoo 18 is found
	ODOO_PATH=$(ODOO_PATH) VENV=$(VENV) bash tools/test.sh

odoo-pytest:  ## the fast loop: the addon's Odoo tests under pytest-odoo on a kept database (ARGS="-k flow")
	ODOO_PATH=$(ODOO_PATH) ARGS="$(ARGS)" bash tools/odoo-pytest-dev.sh

run:  ## Odoo with the addon on a local database, wired to a local Chorus Pro emulator (qualification)
	ODOO_PATH=$(ODOO_PATH) EMULATOR_PORT=$(PORT) bash tools/run.sh

emulator:  ## the Chorus Pro emulator alone on 127.0.0.1:$(PORT)
	python3 -m chorus_emulator --port $(PORT)

bench:  ## the figures of docs/BENCHMARKS.md: the client against the emulator, then the addon inside Odoo 18
	@test -x $(VENV)/bin/python || python3 -m venv $(VENV)
	@$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements-test.txt
	@$(VENV)/bin/python bench/bench_deposits.py; plain=$$?; \
	ODOO_PATH=$(ODOO_PATH) bash bench/bench_odoo.sh; odoo=$$?; exit $$((plain || odoo))

soak:  ## crashes, concurrency and faults at full size against real Odoo servers; figures into docs/BENCHMARKS.md
	ODOO_PATH=$(ODOO_PATH) VENV=$(VENV) bash tools/soak.sh

lint:  ## ruff and pylint-odoo
	@test -x $(VENV)/bin/python || python3 -m venv $(VENV)
	@$(VENV)/bin/pip install -q --disable-pip-version-check ruff pylint-odoo
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pylint --rcfile=.pylintrc ediflex_chorus
