# ediflex_chorus: the two commands a newcomer needs are `make run` and `make test`.
PORT ?= 8070
ODOO_PATH ?= /opt/odoo18
VENV ?= .venv

.PHONY: test run emulator bench soak lint odoo-pytest dist

# Odoo 18 is found at ODOO_PATH or brought there when missing: ODOO_SRC (a folder or archive of its source), else a
# clone of ODOO_GIT_URL's 18.0 branch bounded to a minute; its venv is built from tools/odoo-requirements.txt.
test:  ## every test: plain tests (core, emulator), the wheel, the addon's Odoo tests, the short soak
	ODOO_PATH=$(ODOO_PATH) VENV=$(VENV) bash tools/test.sh

dist:  ## the addon's wheel (whool, OCA's build backend) in dist/, version from the manifest
	VENV=$(VENV) bash tools/dist.sh

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

lint:  ## the pre-commit hooks (ruff, pylint-odoo, XML and TOML checks) on every file, as CI runs them
	VENV=$(VENV) bash tools/lint.sh
