"""Every public callable, hostile arguments, in a child interpreter.

`hostile_calls.py` does the calling (see its docstring); running it in a
child process is what tells a crash of the interpreter (a signal) from an
exception. The number of calls is printed at the end of the pytest run.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import report

HERE = Path(__file__).parent


def test_every_public_callable_with_hostile_arguments(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-W", "ignore", str(HERE / "hostile_calls.py"), "--workdir", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode >= 0, f"the interpreter was killed by signal {-run.returncode}:\n{run.stderr[-5000:]}"
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-8000:]
    line = run.stdout.strip().splitlines()[-1]
    match = re.match(r"hostile calls: (\d+) calls on (\d+) public callables", line)
    assert match, run.stdout
    calls, callables = map(int, match.groups())
    assert callables >= 179 and calls >= 100 * callables
    report(line)
