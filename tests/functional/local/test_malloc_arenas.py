"""The stack's process caps glibc's malloc arenas before its threads start: eight threads that allocate
then share two arenas instead of taking one each. Each case runs in a fresh interpreter, since a process
keeps the arenas its threads made."""

from __future__ import annotations

import ctypes.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
# Eight threads allocate at once, then glibc's malloc_info counts the arenas (one <heap> each).
CHILD = """
import ctypes, os, sys, tempfile, threading
if sys.argv[1] == "capped":
    from caseline_local.stack import cap_malloc_arenas
    assert cap_malloc_arenas()
libc = ctypes.CDLL("libc.so.6")
together, kept = threading.Barrier(8), []
def allocate():
    together.wait()
    kept.append([bytearray(4096) for _ in range(50)])
threads = [threading.Thread(target=allocate) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
libc.fdopen.restype = ctypes.c_void_p
with tempfile.TemporaryFile() as report:
    stream = ctypes.c_void_p(libc.fdopen(os.dup(report.fileno()), b"w"))
    libc.malloc_info(0, stream)
    libc.fclose(stream)
    report.seek(0)
    print(report.read().decode().count("<heap nr="))
"""

glibc_only = pytest.mark.skipif(
    not sys.platform.startswith("linux") or "libc.so.6" not in (ctypes.util.find_library("c") or ""),
    reason="malloc arenas are glibc's",
)


def arenas_after_eight_threads(mode: str) -> int:
    paths = os.pathsep.join(str(ROOT / part) for part in ("layers/core", "infra/local"))
    env = {**os.environ, "PYTHONPATH": paths}
    env.pop("MALLOC_ARENA_MAX", None)
    done = subprocess.run([sys.executable, "-c", CHILD, mode], env=env, capture_output=True, text=True, check=True)
    return int(done.stdout.split()[-1])


@glibc_only
def test_eight_threads_share_two_arenas_once_capped_and_take_one_each_otherwise() -> None:
    assert arenas_after_eight_threads("capped") == 2
    assert arenas_after_eight_threads("as glibc starts") > 4  # the main arena and one per thread, up to 16
