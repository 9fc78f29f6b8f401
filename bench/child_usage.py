"""Run a command; write its wall time, CPU time and peak memory to a file.

``python child_usage.py REPORT COMMAND...``: the command runs as a child of this small process,
its standard streams inherited. Measured from here rather than from the benchmark because Linux
counts a child's peak memory from its parent's size when it forks (and, for a vfork, from the
parent's own peak): a child of the benchmark, which holds whole cycles, would be lent its size.
"""

from __future__ import annotations

import os
import sys
import time


def main() -> int:
    report, argv = sys.argv[1], sys.argv[2:]
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.execvp(argv[0], argv)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    with open(report, "w", encoding="utf-8") as out:
        out.write(f"{wall} {usage.ru_utime + usage.ru_stime} {usage.ru_maxrss / 1024}\n")
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
