"""Bytecode for every test process, written once before the runs (`make test`).

This machine kind sets PYTHONDONTWRITEBYTECODE, so a process that finds no bytecode compiles
the module again and keeps nothing. `compileall` writes the project's ordinary bytecode; but
pytest imports the test modules, the conftest files and its plugins' packages (hypothesis,
schemathesis, faker, anyio, pytest-django, xdist, time-machine) with their asserts rewritten,
from bytecode of its own (`*.cpython-311-pytest-<version>.pyc`), which it writes only when
bytecode may be written. Without it, each of the suite's six test processes rewrote them all
again: about 16 s of CPU a process that collects the whole suite (28 s against 12 s,
docs/BENCHMARKS.md «Test suite»). pytest reads that bytecode whatever the setting, and checks it
against the source's hash, as it checks what it wrote itself.

Here: compileall; the test modules and conftest files rewritten by pytest's own rewriter, in
parallel; the plugins' modules by pytest itself, collecting one module that imports them all.
Should pytest's rewriter move, the test modules are left to the test processes (slower, never
wrong)."""

import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# A test module whose imports bring in every plugin package pytest rewrites.
IMPORTS_THE_PLUGINS = "src/onewindow/web/tests/test_api_fuzz.py"


def _rewrite(paths: list[Path]) -> None:
    from _pytest.assertion import rewrite

    for path in paths:
        cache = rewrite.get_cache_dir(path)
        pyc = cache / (path.name[:-3] + rewrite.PYC_TAIL)
        if rewrite._read_pyc(path, pyc) is not None:
            continue
        source_hash, code = rewrite._rewrite_test(path, None)
        cache.mkdir(exist_ok=True)
        rewrite._write_pyc(None, code, source_hash, pyc)


def main() -> int:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    plugins = subprocess.Popen(
        [BIN / "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", IMPORTS_THE_PLUGINS],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    compiled = subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "-j", "0", "src", "tests", "conftest.py"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    ).returncode
    tests = [ROOT / "conftest.py"]
    for top in ("src", "tests"):
        tests += (p for p in (ROOT / top).rglob("*.py") if p.name.startswith(("test_", "conftest")))
    try:
        with ProcessPoolExecutor(2) as pool:
            list(pool.map(_rewrite, [tests[0::2], tests[1::2]]))
    except (ImportError, AttributeError, TypeError) as e:  # pytest's rewriter moved
        print(f"tests/precompile.py: test modules not rewritten ahead ({e!r})", file=sys.stderr)
    plugins.wait()
    return compiled


if __name__ == "__main__":
    sys.exit(main())
