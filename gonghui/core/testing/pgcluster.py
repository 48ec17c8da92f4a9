"""A throwaway PostgreSQL cluster for tests and benchmarks (initdb + pg_ctl).

initdb refuses to run as root, so when we are root the cluster runs as the
`postgres` system user (runuser). It listens on a Unix socket in its own
directory plus a private TCP port on 127.0.0.1, with trust auth: nothing else
can reach it and it disappears with its directory.
"""

import contextlib
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

PG_BIN_CANDIDATES = [Path(f"/usr/lib/postgresql/{v}/bin") for v in (17, 16, 15, 14)]


def pg_bin_dir() -> Path:
    configured = os.environ.get("GONGHUI_PG_BIN")
    if configured:
        return Path(configured)
    for candidate in PG_BIN_CANDIDATES:
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    raise RuntimeError(
        "PostgreSQL server binaries not found: apt-get install postgresql (or set GONGHUI_PG_BIN)"
    )


def _free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    root: Path
    port: int
    run_as: str | None

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def database_url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = list(args)
        if self.run_as:
            cmd = ["runuser", "-u", self.run_as, "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True)

    def stop(self) -> None:
        self._run(
            str(pg_bin_dir() / "pg_ctl"),
            "-D",
            str(self.root / "data"),
            "-m",
            "immediate",
            "stop",
            check=False,
        )
        shutil.rmtree(self.root, ignore_errors=True)


def start_cluster(*, extra_conf: dict[str, str] | None = None) -> Cluster:
    """initdb a fresh cluster in a temp dir and start it; the caller must stop() it."""
    bindir = pg_bin_dir()
    run_as = "postgres" if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="gonghui-pg-"))
    root.chmod(0o755)
    if run_as:
        shutil.chown(root, user=run_as)
    cluster = Cluster(root=root, port=_free_port(), run_as=run_as)
    data = root / "data"
    result = cluster._run(
        str(bindir / "initdb"),
        "-D",
        str(data),
        "-U",
        "postgres",
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
        "--no-sync",
        check=False,
    )
    if result.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"initdb failed: {result.stderr or result.stdout}")
    conf = {
        "listen_addresses": "'127.0.0.1'",
        "port": str(cluster.port),
        "unix_socket_directories": f"'{root}'",
        # Throwaway data: durability buys nothing and costs test time.
        "fsync": "off",
        "synchronous_commit": "off",
        "full_page_writes": "off",
        "max_connections": "100",
        "shared_buffers": "256MB",
        "timezone": "'Asia/Shanghai'",
        **(extra_conf or {}),
    }
    with open(data / "postgresql.conf", "a") as fh:
        for key, value in conf.items():
            fh.write(f"{key} = {value}\n")
    result = cluster._run(
        str(bindir / "pg_ctl"),
        "-D",
        str(data),
        "-l",
        str(root / "server.log"),
        "-w",
        "-t",
        "60",
        "start",
        check=False,
    )
    if result.returncode != 0:
        log = (root / "server.log").read_text() if (root / "server.log").exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"pg_ctl start failed: {result.stderr}\n{log}")
    _start_watchdog(cluster, owner_pid=os.getpid())
    return cluster


def _start_watchdog(cluster: Cluster, *, owner_pid: int) -> None:
    """Stop and remove the cluster once its owner process is gone, however it died.

    stop() does this on a normal exit; the watchdog covers SIGKILL and crashes, so no
    orphaned postgres keeps running. It runs in its own session, so killing the owner's
    process group does not take the watchdog with it.
    """
    pg_ctl = [
        str(pg_bin_dir() / "pg_ctl"),
        "-D",
        str(cluster.root / "data"),
        "-m",
        "immediate",
        "stop",
    ]
    if cluster.run_as:
        pg_ctl = ["runuser", "-u", cluster.run_as, "--", *pg_ctl]
    script = (
        f"while kill -0 {owner_pid} 2>/dev/null; do sleep 1; done; "
        f"if [ -d {shlex.quote(str(cluster.root))} ]; then "
        f"{shlex.join(pg_ctl)} >/dev/null 2>&1; rm -rf {shlex.quote(str(cluster.root))}; fi"
    )
    subprocess.Popen(
        ["sh", "-c", script],
        start_new_session=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
