"""scripts/ensure-system-deps.sh installs only what is missing, and never by accident."""

import os
import stat
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "ensure-system-deps.sh"


def _executable(path: Path, body: str) -> None:
    path.write_text("#!/usr/bin/env bash\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


PANGO = "libpango-1.0.so.0 (libc6,x86-64) => /lib/libpango-1.0.so.0\n\tlibpangoft2-1.0.so.0 (libc6,x86-64) => /lib/libpangoft2-1.0.so.0"


def _run(
    tmp_path: Path, *, fonts: str, libraries: str = PANGO
) -> tuple[subprocess.CompletedProcess, Path]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    pg_bin = tmp_path / "pg"
    pg_bin.mkdir()
    _executable(pg_bin / "initdb", "exit 0")
    apt_log = tmp_path / "apt.log"
    _executable(bin_dir / "chromium", "exit 0")
    # A long font list whose match comes first: grep -q stops reading at once, so a piped
    # fc-list would be killed by SIGPIPE while still writing.
    _executable(
        bin_dir / "fc-list",
        f'printf "%s\\n" "{fonts}"; for i in $(seq 1 20000); do echo "DejaVu Sans $i"; done',
    )
    _executable(bin_dir / "ldconfig", f'printf "%s\\n" "{libraries}"')
    _executable(bin_dir / "apt-get", f'echo "$@" >> {apt_log}; exit 0')
    _executable(bin_dir / "sudo", 'exec "$@"')
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "GONGHUI_PG_BIN": str(pg_bin)}
    result = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True)
    return result, apt_log


def test_nothing_missing_installs_nothing_however_often_it_runs(tmp_path):
    for attempt in range(5):
        run_dir = tmp_path / str(attempt)
        run_dir.mkdir()
        result, apt_log = _run(run_dir, fonts="Noto Sans CJK SC,Noto Sans CJK SC Regular")

        assert result.returncode == 0, result.stderr
        assert "system dependencies present" in result.stdout
        assert not apt_log.exists()


def test_a_missing_font_installs_only_the_font(tmp_path):
    result, apt_log = _run(tmp_path, fonts="DejaVu Serif")

    assert result.returncode == 0, result.stderr
    calls = apt_log.read_text().splitlines()
    assert calls[-1].split()[-1] == "fonts-noto-cjk"
    assert "chromium" not in calls[-1]
    assert "postgresql" not in calls[-1]


def test_missing_pango_installs_only_pango(tmp_path):
    # WeasyPrint (the 一函两书 PDFs) needs pango's libraries at run time
    result, apt_log = _run(
        tmp_path, fonts="Noto Sans CJK SC", libraries="libc.so.6 (libc6,x86-64) => /lib/libc.so.6"
    )

    assert result.returncode == 0, result.stderr
    installed = apt_log.read_text().splitlines()[-1].split()
    assert installed[-2:] == ["libpango-1.0-0", "libpangoft2-1.0-0"]
    assert not {"chromium", "postgresql", "fonts-noto-cjk"} & set(installed)
