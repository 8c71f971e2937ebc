"""Fixtures of the soak suite: one Odoo 18 found on the machine, one emulator, one template database per run.

SOAK_N: situations of the fault soak (default 18, 2 per case; `make soak`: 200); SOAK_QUEUE: deposits of the race
(default 12; `make soak`: 200); SOAK_CRASHES: kill -9 cycles (default 2; `make soak`: 10); SOAK_REAL_TIMEOUTS: answers
held past the client's 30 s timeout (default 0; `make soak`: 2); SOAK_DRAIN: deposits of the send lanes' drain (default
16, 4 senders only; `make soak`: 400, 1 sender against 4); SOAK_PORTAL: situations accepted on the portal (`make soak`:
20); SOAK_PREFORK=1 (`make soak`): the crash, race and portal cases run once more with Odoo in prefork mode, and the
drain's ratio is a limit; SOAK_RESULTS: a JSON file that receives the figures.
"""

import json
import os
import shutil
import time

import harness
import pytest
from chorus_emulator import Emulator

from report import SHORT_SIZES

RUN = f"ediflex_soak_{os.getpid()}"
# `make soak`: every case also in prefork mode (HTTP and cron worker processes, as in production); `make test` keeps
# one small prefork case (the send lanes' drain) beside its threaded ones.
PREFORK = os.environ.get("SOAK_PREFORK") == "1"
MODES = ("threaded", "prefork") if PREFORK else ("threaded",)
collect_ignore = [] if PREFORK else ["test_soak_portal.py"]
SECRETS = ("emulator-client-secret", "Emulator-Password-2026")


def sizes():
    """The sizes of this run, from the environment."""
    variables = {"situations": "SOAK_N", "queue": "SOAK_QUEUE", "crashes": "SOAK_CRASHES",
                 "real_timeouts": "SOAK_REAL_TIMEOUTS", "drain": "SOAK_DRAIN", "portal": "SOAK_PORTAL"}
    return {size: int(os.environ.get(variable, SHORT_SIZES[size])) for size, variable in variables.items()}


@pytest.fixture(scope="session")
def size():
    return sizes()


@pytest.fixture(scope="session", autouse=True)
def figures():
    """Figures of the run by case, written to SOAK_RESULTS at the end."""
    found = {"sizes": sizes(), "commit": os.environ.get("SOAK_COMMIT", "?"), "prefork": PREFORK,
             "load_before": os.getloadavg()}
    started = time.monotonic()
    yield found
    found["total_seconds"] = round(time.monotonic() - started, 1)
    if os.environ.get("SOAK_RESULTS"):
        with open(os.environ["SOAK_RESULTS"], "w", encoding="utf-8") as out:
            json.dump(found, out, indent=2)


@pytest.fixture(scope="session")
def odoo(request):
    """The Odoo 18 of the machine, a work folder, and the guarantee that nothing survives the suite."""
    python = harness.odoo_python()
    if python is None:
        pytest.skip(f"NO ODOO 18 FOUND at ODOO_PATH={harness.ODOO_PATH}: the soak suite did not run")
    work_dir = os.path.join(harness.REPO, "var", "soak", RUN)
    os.makedirs(work_dir, exist_ok=True)
    found = harness.Odoo(python, work_dir)
    yield found
    survivors = harness.kill_all()
    found.drop_all()
    shutil.rmtree(found.data_dir, ignore_errors=True)
    leaks = _secrets_in(found.log_dir)
    if not request.session.testsfailed and not leaks:
        shutil.rmtree(work_dir, ignore_errors=True)  # the logs stay only when something failed
    assert not leaks, f"secrets in the logs of the soak: {leaks}"
    assert not survivors, f"processes of the suite still alive after kill -9: {survivors}"


def _secrets_in(log_dir):
    leaks = []
    for name in os.listdir(log_dir):
        with open(os.path.join(log_dir, name), encoding="utf-8", errors="replace") as log:
            text = log.read()
        leaks += [(name, secret) for secret in SECRETS if secret in text]
    return leaks


@pytest.fixture(scope="session")
def emulator():
    """The suite's Chorus Pro, in this process, on a free loopback port kept for the whole run."""
    emu = Emulator()
    emu.start(0)
    yield emu
    emu.stop()


@pytest.fixture(scope="session")
def template(odoo, emulator):
    """A database with the addon, its company wired to the emulator: each test starts from a copy."""
    db = RUN + "_tpl"
    odoo.install(db)
    here = os.path.dirname(__file__)
    scripts = (os.path.join(here, "..", "tools", "emulator_company.py"), os.path.join(here, "setup_company.py"))
    odoo.run_shell(db, "\n".join(_read(path) for path in scripts), "setup", EMULATOR_URL=emulator.url)
    return db


def _read(path):
    with open(path, encoding="utf-8") as script:
        return script.read()


@pytest.fixture
def fresh_db(odoo, template, emulator):
    """A copy of the template named ediflex_soak_<run>_<name>; the emulator forgets every piece, fault and count."""
    emulator.reset()

    def make(name):
        db = f"{RUN}_{name}"
        odoo.copy(template, db)
        return db

    yield make
    harness.kill_running()
    emulator.reset()
