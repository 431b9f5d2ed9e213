"""Runs the GUI end-to-end scenarios (test_*.py), each in its own process and world;
prints `N passed, M failed` last and exits non-zero on any failure.

    /usr/bin/python3 tests/e2e_gui/run.py [NAME...]

Needs the release binaries: cargo build --release --features umockdev --bins.
UPDATE_SCREENSHOTS=1 refreshes the committed pictures of the path (screenshots/).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
# One scenario, including its start and teardown, never takes longer than this.
LIMIT = 300


def main():
    names = sys.argv[1:] or sorted(p.stem for p in HERE.glob("test_*.py"))
    for binary in ("dfu-station", "dfu-station-harness"):
        if not (HERE.parents[1] / "target" / "release" / binary).is_file():
            sys.exit(f"target/release/{binary} is missing: cargo build --release --features umockdev --bins")
    failed = []
    for name in names:
        print(f"{name}:", flush=True)
        started = time.monotonic()
        test = subprocess.Popen([sys.executable, str(HERE / f"{name}.py")], cwd=HERE, start_new_session=True)
        try:
            code = test.wait(timeout=LIMIT)
        except subprocess.TimeoutExpired:
            os.killpg(test.pid, signal.SIGKILL)
            test.wait()
            print(f"  killed after {LIMIT} s", flush=True)
            code = -1
        verdict = "ok" if code == 0 else "FAILED"
        print(f"{name}: {verdict} ({time.monotonic() - started:.1f} s)", flush=True)
        if code != 0:
            failed.append(name)
    if failed:
        print(f"failed: {' '.join(failed)}")
    print(f"{len(names) - len(failed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
