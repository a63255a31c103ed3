"""A throwaway PostgreSQL cluster for the tests: a real server started from Debian's binaries, never a mock.

One cluster per test session (``session_cluster()``, the ``pg_cluster`` fixture), in a fresh temporary
folder: TCP on 127.0.0.1 with a free port and a password (scram-sha-256, so a wrong password really
fails), plus a unix socket in the folder with trust (the harness's own administration). The cluster is
stopped and its folder removed at the end of the session, also when tests fail (fixture finalizer and
atexit); a cluster left behind by a session that was killed outright is cleaned up by the next one.

``initdb`` and ``pg_ctl`` refuse to run as root: as root (CI) the folder belongs to the ``postgres``
system user and the server programs run through ``runuser -u postgres --`` (or ``setpriv``).
Durability settings are relaxed for speed (fsync off): a server crash (``stop(mode="immediate")``) keeps
every committed transaction, only a crash of the machine could lose one.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Literal

PREFIX = "mou-pg-"
USER = "mou"
OWNER_FILE = "owner.pid"  # the pid of the Python process that made the cluster: stale clusters are swept


class PostgresUnavailable(Exception):
    """No PostgreSQL server binaries here (or nobody to run them as): the caller skips, or fails under MOU_REQUIRE_TOOLS."""


class ClusterError(Exception):
    """The server binaries exist but the cluster would not initialize, start or stop (the log tail is in the message)."""


def find_bindir() -> Path:
    """The folder holding ``initdb`` and ``pg_ctl``: from PATH, else the newest ``/usr/lib/postgresql/*/bin``.

    ``pg_config --bindir`` is not used: on Debian it names the client package's folder, which may lack the server.
    """
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        # Debian's /usr/local/bin or /usr/bin entries may be symlinks into /usr/lib/postgresql/N/bin.
        folder = Path(initdb).resolve().parent
        if (folder / "pg_ctl").exists() and (folder / "postgres").exists():
            return folder
    candidates = []
    for initdb_path in glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        folder = Path(initdb_path).parent
        version = folder.parent.name
        if (folder / "pg_ctl").exists() and (folder / "postgres").exists():
            key = tuple(int(n) for n in re.findall(r"\d+", version)) or (0,)
            candidates.append((key, folder))
    if not candidates:
        raise PostgresUnavailable("PostgreSQL server binaries (initdb, pg_ctl) not found (Debian package: postgresql)")
    return max(candidates)[1]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # an exited postmaster is a zombie until init reaps it, which some inits do late
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _clean_env() -> dict[str, str]:
    """The caller's environment without PG* settings (a developer's PGDATA or PGPORT must not leak in)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_MESSAGES"] = "C"
    return env


class Cluster:
    """One PostgreSQL cluster in its own temporary folder; ``start()`` initializes it on first use."""

    def __init__(self, bindir: Path | None = None) -> None:
        self.bindir = bindir or find_bindir()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            try:
                self._pw: pwd.struct_passwd | None = pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresUnavailable(
                    "running as root, but there is no 'postgres' system user to run the server as"
                ) from None
        else:
            self._pw = None
        self.password = secrets.token_urlsafe(18)
        self.port = 0
        self.base: Path | None = None
        self._initialized = False

    # -- paths -----------------------------------------------------------------------------------------

    @property
    def data(self) -> Path:
        assert self.base is not None
        return self.base / "data"

    @property
    def socket_dir(self) -> Path:
        assert self.base is not None
        return self.base

    @property
    def log(self) -> Path:
        assert self.base is not None
        return self.base / "server.log"

    # -- running the server programs -------------------------------------------------------------------

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.as_postgres:
            if shutil.which("runuser"):
                cmd = ["runuser", "-u", "postgres", "--", *cmd]
            else:
                cmd = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--", *cmd]
        result = subprocess.run(cmd, cwd=self.base, env=_clean_env(), capture_output=True, text=True, check=False)
        if check and result.returncode != 0:
            raise ClusterError(
                f"{' '.join(args[:1])} failed ({result.returncode}):\n{result.stdout}{result.stderr}{self._log_tail()}"
            )
        return result

    def _log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return ""
        return "\n--- server log ---\n" + "\n".join(text.splitlines()[-lines:])

    def _own(self, path: Path) -> None:
        if self._pw is not None:
            os.chown(path, self._pw.pw_uid, self._pw.pw_gid)

    # -- life cycle --------------------------------------------------------------------------------------

    def _make_folder(self) -> None:
        tmp = tempfile.gettempdir()
        # A unix socket path is limited to about 107 bytes: fall back to /tmp when TMPDIR is deep.
        if len(os.path.join(tmp, PREFIX + "x" * 8, ".s.PGSQL.65535")) > 100:
            tmp = "/tmp"
        self.base = Path(tempfile.mkdtemp(prefix=PREFIX, dir=tmp))
        (self.base / OWNER_FILE).write_text(f"{os.getpid()}\n")
        self._own(self.base)

    def _initdb(self) -> None:
        assert self.base is not None
        pwfile = self.base / "pwfile"
        pwfile.write_text(self.password + "\n")
        pwfile.chmod(0o600)
        self._own(pwfile)
        try:
            common = ["initdb", "-D", str(self.data), "-U", USER, f"--pwfile={pwfile}", "-E", "UTF8"]
            common += ["--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync", "--no-instructions"]
            try:
                self._run(*common, "--locale=C.UTF-8")
            except ClusterError:  # no C.UTF-8 locale on this system: plain C (still UTF8 encoded)
                shutil.rmtree(self.data, ignore_errors=True)
                self._run(*common, "--locale=C")
        finally:
            pwfile.unlink(missing_ok=True)
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.socket_dir}'",
            "fsync": "off",  # a server crash keeps committed data; only a machine crash could lose it
            "full_page_writes": "off",
            "max_connections": "100",
            "shared_buffers": "32MB",
            "log_min_messages": "warning",
            "log_connections": "off",
        }
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n# mou test harness\n" + "".join(f"{k} = {v}\n" for k, v in settings.items()))
        self._initialized = True

    def _set_port(self, port: int) -> None:
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {port}\n")  # the last setting in the file wins
        self.port = port

    def start(self) -> None:
        """Start the server (initializing the cluster the first time) and wait until it accepts connections."""
        if self.base is None:
            self._make_folder()
        if not self._initialized:
            self._initdb()
        if self.running:
            return
        attempts = 1 if self.port else 5  # a fresh port may be taken between probing and binding: try another
        for attempt in range(attempts):
            if not self.port or attempt:
                self._set_port(_free_port())
            result = self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start", check=False)
            if result.returncode == 0:
                return
            if "already in use" not in self._log_tail() or attempt == attempts - 1:
                raise ClusterError(
                    f"pg_ctl start failed ({result.returncode}):\n{result.stdout}{result.stderr}{self._log_tail()}"
                )
        raise AssertionError("unreachable")

    def stop(self, mode: Literal["fast", "immediate", "smart"] = "fast") -> None:
        """Stop the server: ``fast`` rolls back open transactions and checkpoints; ``immediate`` is a crash."""
        if self.base is None or not self.running:
            return
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def restart(self, mode: Literal["fast", "immediate", "smart"] = "fast") -> None:
        self.stop(mode)
        self.start()

    @property
    def running(self) -> bool:
        if self.base is None or not self._initialized:
            return False
        return self._run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def destroy(self) -> None:
        """Stop the server (immediately: nothing to keep) and remove the folder. Safe to call twice."""
        if self.base is None:
            return
        try:
            if self._initialized and self.running:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "-t", "60", "stop", check=False)
        finally:
            _kill_postmaster(self.data)
            shutil.rmtree(self.base, ignore_errors=True)
            self.base = None
            self._initialized = False

    # -- clients ----------------------------------------------------------------------------------------

    def url(self, dbname: str = "postgres") -> str:
        """``postgresql://mou:PASSWORD@127.0.0.1:PORT/dbname``: TCP with the password, as a user would connect."""
        return f"postgresql://{USER}:{self.password}@127.0.0.1:{self.port}/{dbname}"

    def admin_conninfo(self, dbname: str = "postgres") -> str:
        """The unix socket with trust: for the harness itself (no password, not affected by PG* variables)."""
        return f"host={self.socket_dir} port={self.port} user={USER} dbname={dbname}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_conninfo(), autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self, name: str) -> str:
        """A fresh, empty UTF8 database (from template0); returns its URL."""
        _check_name(name)
        self._admin(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop the database, disconnecting whoever is still connected to it."""
        _check_name(name)
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _check_name(name: str) -> None:
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise ValueError(f"not a plain database name: {name!r}")


def _kill_postmaster(data: Path) -> None:
    """Last resort when pg_ctl could not stop it: SIGQUIT (immediate shutdown) to the postmaster of ``data``."""
    try:
        pid = int((data / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return
    if _pid_alive(pid):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGQUIT)
        for _ in range(100):
            if not _pid_alive(pid):
                break
            time.sleep(0.05)


def sweep_stale(tmp: str | None = None) -> None:
    """Stop and remove clusters left by test sessions that were killed outright (their owner process is gone)."""
    for folder_name in {tmp or tempfile.gettempdir(), "/tmp"}:
        for base in Path(folder_name).glob(PREFIX + "*"):
            try:
                owner = int((base / OWNER_FILE).read_text())
            except (OSError, ValueError):
                continue
            if owner == os.getpid() or _pid_alive(owner):
                continue
            _kill_postmaster(base / "data")
            shutil.rmtree(base, ignore_errors=True)


_session: Cluster | None = None


def session_cluster() -> Cluster:
    """The one running cluster of this test session, started on first use (raises PostgresUnavailable)."""
    global _session
    if _session is None:
        sweep_stale()
        cluster = Cluster()
        atexit.register(cluster.destroy)
        try:
            cluster.start()
        except BaseException:
            cluster.destroy()
            raise
        _session = cluster
    elif not _session.running:  # a test stopped it (a crash test) and did not start it again
        _session.start()
    return _session


def end_session() -> None:
    """Stop and remove the session's cluster (the fixture's finalizer; atexit does it too)."""
    global _session
    if _session is not None:
        _session.destroy()
        _session = None
