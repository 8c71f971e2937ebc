"""Real Odoo server processes for the soak suite: databases, servers on free loopback ports, JSON-RPC, shells.

Every process started here is remembered and killed by ``kill_all`` (the suite's teardown): none may survive it.
"""

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ODOO_PATH = os.environ.get("ODOO_PATH", "/opt/odoo18")
ADMIN = ("admin", "admin")
SEND_CRON = "ir_cron_send_deposits"
STATUS_CRON = "ir_cron_fetch_statuses"
_STARTED = []  # every Popen of the suite, for kill_all


def odoo_python():
    """Odoo's Python (ODOO_PYTHON, else ODOO_PATH's venv), or None when no Odoo 18 is found."""
    if not os.path.isfile(os.path.join(ODOO_PATH, "odoo-bin")):
        return None
    for candidate in (os.environ.get("ODOO_PYTHON"), os.path.join(ODOO_PATH, "venv/bin/python")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def free_port():
    """A TCP port free on the loopback interface now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _popen(args, log_path, **kwargs):
    log = open(log_path, "ab")  # noqa: SIM115 (the child keeps it; closed with the process)
    # A session of its own: kill_all reaches its children too (wkhtmltopdf).
    process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **kwargs)
    process.log_file = log
    _STARTED.append(process)
    return process


def _kill(process, sig=signal.SIGKILL):
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)


def kill_all():
    """Kill every process the suite started (and its children); returns those still alive after that (none)."""
    for process in _STARTED:
        _kill(process)  # the group too, even when the leader is gone: a child may survive it
    for process in _STARTED:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        process.log_file.close()
    # A prefork server's workers die with their master, orphans reaped by init a moment later: wait for them.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_group_alive(process.pid) for process in _STARTED):
        time.sleep(0.2)
    alive = [process.pid for process in _STARTED if process.poll() is None or _group_alive(process.pid)]
    _STARTED.clear()
    return alive


def kill_running():
    """kill -9 of every process of the suite still running (a failed case's servers): none sends to the suite's
    emulator while the next case runs."""
    for process in _STARTED:
        if process.poll() is None:
            _kill(process)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)


def _group_alive(pgid):
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def utc_now():
    return datetime.now(UTC).replace(tzinfo=None)


def odoo_datetime(moment):
    return moment.strftime("%Y-%m-%d %H:%M:%S")


class Odoo:
    """One Odoo 18 with the addon: databases (ediflex_soak_*), shells and servers, logs under log_dir."""

    def __init__(self, python, work_dir):
        self.python = python
        self.work_dir = work_dir
        self.data_dir = os.path.join(work_dir, "data")
        self.log_dir = os.path.join(work_dir, "logs")
        os.makedirs(self.log_dir, exist_ok=True)
        self.databases = []

    def args(self, db, command=(), addons=REPO):
        return [self.python, "odoo-bin", *command, f"--addons-path={ODOO_PATH}/odoo/addons,{addons}", "-d", db,
                f"--db-filter=^{db}$", f"--data-dir={self.data_dir}", "--without-demo=all"]

    def env(self, **extra):
        # The repository root on the path, as for the Odoo tests; cron changes wake the cron threads at once.
        path = REPO + (os.pathsep + os.environ["PYTHONPATH"] if os.environ.get("PYTHONPATH") else "")
        return dict(os.environ, PYTHONPATH=path, ODOO_NOTIFY_CRON_CHANGES="1", **extra)

    def log(self, name):
        return os.path.join(self.log_dir, name + ".log")

    def install(self, db, addons=REPO):
        """A new database with ediflex_chorus installed (from the folder ``addons``: another version's copy)."""
        self.databases.append(db)
        self._update(db, "-i", "install", addons)

    def upgrade(self, db):
        """Upgrade ediflex_chorus on db to this repository's version (its migration scripts run)."""
        self._update(db, "-u", "upgrade", REPO)

    def _update(self, db, option, step, addons):
        log = self.log(f"{db}-{step}")
        process = _popen([*self.args(db, addons=addons), option, "ediflex_chorus", "--stop-after-init",
                          "--log-level=warn", f"--http-port={free_port()}"], log, cwd=ODOO_PATH, env=self.env())
        if process.wait(timeout=600):
            raise RuntimeError(f"{step} of ediflex_chorus on {db} failed: see {log}")

    def copy(self, template, db):
        """A copy of a database (filestore included), as a fresh start for one test."""
        self.databases.append(db)
        subprocess.run(["createdb", "-T", template, db], check=True, capture_output=True)
        source = os.path.join(self.data_dir, "filestore", template)
        if os.path.isdir(source):
            shutil.copytree(source, os.path.join(self.data_dir, "filestore", db))

    def drop_all(self):
        for db in self.databases:
            subprocess.run(["dropdb", "--if-exists", db], capture_output=True, check=False)
            shutil.rmtree(os.path.join(self.data_dir, "filestore", db), ignore_errors=True)
        self.databases = []

    def shell(self, db, script, name, addons=REPO, **env):
        """Run a Python script in ``odoo-bin shell`` on db (a process); returns the Popen, not waited for."""
        return _popen([*self.args(db, ["shell"], addons), "--no-http", "--log-level=warn"], self.log(name),
                      cwd=ODOO_PATH, env=self.env(**env), stdin=_script_file(self.work_dir, name, script))

    def run_shell(self, db, script, name, timeout=300, addons=REPO, **env):
        """Run a script in ``odoo-bin shell`` and wait for it; raises when it fails."""
        process = self.shell(db, script, name, addons, **env)
        if process.wait(timeout=timeout):
            raise RuntimeError(f"odoo-bin shell {name} failed: see {self.log(name)}")

    def server(self, db, name, cron_threads=1, workers=0):
        """A started Odoo server on a free loopback port, ready to answer: threaded (workers=0, cron_threads cron
        threads) or, as in production, prefork (``workers`` HTTP worker processes, cron_threads cron workers)."""
        return Server(self, db, name, cron_threads, workers)


def _script_file(work_dir, name, script):
    path = os.path.join(work_dir, name + ".py")
    with open(path, "w", encoding="utf-8") as out:
        out.write(script)
    return open(path, "rb")  # noqa: SIM115 (stdin of the shell)


class Server:
    """``odoo-bin`` on 127.0.0.1:<free port>, threaded (``--workers=0``, cron threads) or prefork (HTTP and cron worker
    processes under a master); kill() is ``kill -9`` of the whole server."""

    def __init__(self, odoo, db, name, cron_threads, workers=0):
        self.db = db
        self.name = name
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = odoo.log(name)
        self.process = _popen(
            [*odoo.args(db), "--http-interface=127.0.0.1", f"--http-port={self.port}",
             f"--gevent-port={free_port()}", f"--workers={workers}", f"--max-cron-threads={cron_threads}",
             "--log-level=info", f"--logfile={self.log}"],
            self.log + ".out", cwd=ODOO_PATH, env=odoo.env(),
        )
        self._wait_ready()
        self.rpc = Rpc(self.url, db)

    def _wait_ready(self, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Odoo server {self.name} exited: see {self.log}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(self.url + "/web/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            time.sleep(0.3)
        raise RuntimeError(f"Odoo server {self.name} did not answer within {timeout} s: see {self.log}")

    @property
    def alive(self):
        return self.process.poll() is None

    def worker_pids(self, kind="WorkerCron"):
        """The pids of the prefork master's worker processes of one kind (WorkerCron, WorkerHTTP) alive now: its
        children that logged "Worker <kind> (<pid>) alive" (process titles change only with setproctitle)."""
        with open(self.log, encoding="utf-8", errors="replace") as log:
            started = {int(pid) for pid in re.findall(rf"Worker {kind} \((\d+)\) alive", log.read())}
        found = []
        for pid in started:
            with contextlib.suppress(OSError):
                with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
                    state, parent = stat.read().rsplit(")", 1)[1].split()[:2]
                if int(parent) == self.process.pid and state != "Z":
                    found.append(pid)
        return sorted(found)

    def wait_workers(self, kind, count, timeout=60, exclude=()):
        """Wait until ``count`` workers of that kind (not in ``exclude``: killed ones) are alive and have logged their
        start; returns their pids."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = [pid for pid in self.worker_pids(kind) if pid not in exclude]
            if len(pids) >= count:
                return pids
            time.sleep(0.2)
        raise RuntimeError(f"{count} {kind} of {self.name} not alive within {timeout} s: see {self.log}")

    def kill(self):
        """kill -9 of the server (and its children): no commit, no cleanup."""
        _kill(self.process)
        self.process.wait(timeout=30)

    def stop(self):
        """SIGTERM, then SIGKILL after 20 s."""
        _kill(self.process, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()


class RpcError(Exception):
    """An error answered by Odoo's JSON-RPC."""


class Rpc:
    """JSON-RPC of an Odoo server as the administrator."""

    def __init__(self, url, db, timeout=600):
        self.url = url + "/jsonrpc"
        self.db = db
        self.timeout = timeout
        self.uid = self._call("common", "login", db, *ADMIN)
        self._refs = {}  # (module, name) -> record id: fixed for the database, asked once

    def _call(self, service, method, *args):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1,
                           "params": {"service": service, "method": method, "args": list(args)}}).encode()
        request = urllib.request.Request(self.url, body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=self.timeout) as answer:
            reply = json.load(answer)
        if reply.get("error"):
            data = reply["error"].get("data") or {}
            raise RpcError(data.get("message") or reply["error"].get("message"))
        return reply["result"]

    def call(self, model, method, *args, **kwargs):
        return self._call("object", "execute_kw", self.db, self.uid, ADMIN[1], model, method, list(args), kwargs)

    def ref(self, name, module="ediflex_chorus"):
        if (module, name) not in self._refs:
            found = self.call("ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)],
                              fields=["res_id"])
            self._refs[module, name] = found[0]["res_id"]
        return self._refs[module, name]

    def run_cron(self, name=SEND_CRON, attempts=120):
        """One run of a cron now, in this server's HTTP thread (Odoo's "Run Manually"), once no one runs it."""
        cron_id = self.ref(name)
        for _ in range(attempts):
            try:
                return self.call("ir.cron", "method_direct_trigger", [cron_id])
            except RpcError as error:
                if "currently being executed" not in str(error):
                    raise
                time.sleep(0.5)  # a cron thread runs it now: wait for its end
        raise RuntimeError(f"the cron {name} stayed busy")

    def time_passes(self):
        """The retries of transient failures fall due now, as if their wait had passed; returns how many."""
        due = self.call("ediflex.chorus.deposit", "search",
                        [("state", "=", "error"), ("retryable", "=", True), ("next_attempt_date", "!=", False)])
        if due:
            self.call("ediflex.chorus.deposit", "write", due,
                      {"next_attempt_date": odoo_datetime(utc_now() - timedelta(seconds=1))})
        return len(due)

    def deposits(self, domain=()):
        return self.call("ediflex.chorus.deposit", "search_read", list(domain), fields=[
            "piece_number", "frame", "state", "situation_id", "chorus_piece_id", "error_code", "attempts",
            "retryable", "next_attempt_date"])


def psql(db, sql):
    """One SQL statement's rows through psql (tab-separated, unaligned)."""
    done = subprocess.run(["psql", "-X", "-d", db, "-Atq", "-F", "\t", "-c", sql], check=True, capture_output=True,
                          text=True)
    return [line.split("\t") for line in done.stdout.splitlines() if line]


def row_lock_holder(db, table, row_id, timeout=20):
    """The pid of the process (an Odoo worker) whose database session holds a row lock now, or None.

    A probe session asks for the row and waits; PostgreSQL names the session that blocks it (pg_blocking_pids); that
    backend's Unix socket leads to its client process. (The application_name odoo-<pid> does not tell the worker in
    prefork mode: the master loads the registry, and its workers connect with the master's pid in that name.)
    """
    probe = "ediflex-soak-probe"
    waiter = subprocess.Popen(  # noqa: S603 (psql, fixed arguments)
        ["psql", "-X", "-d", db, "-Atq", "-c", f"SET application_name = '{probe}'; SET lock_timeout = '{timeout}s'; "
         f"SELECT id FROM {table} WHERE id = {int(row_id)} FOR UPDATE"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and waiter.poll() is None:
            rows = psql(db, "SELECT blocker FROM pg_stat_activity, unnest(pg_blocking_pids(pid)) AS blocker "
                            f"WHERE application_name = '{probe}'")
            if rows:
                return client_of_backend(int(rows[0][0]))
            time.sleep(0.1)
        return None
    finally:
        waiter.kill()
        waiter.wait(timeout=10)


def _socket_inodes(pid):
    inodes = set()
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
                if link.startswith("socket:["):
                    inodes.add(link[8:-1])
    return inodes


def client_of_backend(backend_pid):
    """The pid of the client process of a PostgreSQL backend, by the peer of its Unix socket (``ss -x``)."""
    mine = _socket_inodes(backend_pid)
    listing = subprocess.run(["ss", "-xn"], check=True, capture_output=True, text=True).stdout.splitlines()[1:]
    # u_str ESTAB 0 0 /var/run/postgresql/.s.PGSQL.5432 <local inode> * <peer inode>
    peers = {columns[7] for columns in map(str.split, listing) if len(columns) >= 8 and columns[5] in mine}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != backend_pid and _socket_inodes(entry) & peers:
            return int(entry)
    return None


def kill_pid(pid):
    """kill -9 of one process (a prefork worker: its master lives on and spawns another)."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
