"""Hostile input (issue 13): every case of tests/hostile_cases.py run as a real `tutor` process, in its own
folder, with its exit code, its message, its wall time and its peak memory checked and printed.

Targets, per case: the exit code and message the case expects, no traceback, no "internal error", no raw control
character in the output, under 2 s and under 300 MB of peak memory (the child's maximum resident set size, from
wait4). The 2 s apply to the processor time the process used (user and system, from wait4), which a shared
machine does not inflate; its wall time is printed beside it. tests/test_hostile.py asserts the same exit codes and messages in-process; time and
memory are measured here only, so that a loaded machine never fails a unit test. A process that outlives
the 2 s target is given up to 60 s before it is killed and counted as a hang.

Run:  python benchmarks/bench_limits.py [--only SUBSTRING ...] [--jobs N]
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from hostile_cases import Case, all_cases, lay_out, output_problems  # noqa: E402

TIME_TARGET = 2.0  # seconds
MEMORY_TARGET = 300  # MB
HANG = 60.0  # seconds before a process is killed


def run_case(case: Case) -> tuple[Case, float, float, float, list[str]]:
    """The case's wall time and processor time (s), peak memory (MB) and problems, run as
    `python -m tutor.cli.main`."""
    with tempfile.TemporaryDirectory(prefix="bench-limits-") as folder:
        environment = {**os.environ, **lay_out(case, Path(folder)), "COLUMNS": "80", "TERM": "dumb"}
        with tempfile.TemporaryFile() as output:
            started = time.perf_counter()
            process = subprocess.Popen(
                [sys.executable, "-m", "tutor.cli.main", *case.argv],
                cwd=folder,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
            deadline = started + HANG
            while True:
                pid, status, usage = os.wait4(process.pid, os.WNOHANG)
                if pid:
                    break
                if time.perf_counter() > deadline:
                    os.kill(process.pid, signal.SIGKILL)
                    pid, status, usage = os.wait4(process.pid, 0)
                    break
                time.sleep(0.005)
            seconds = time.perf_counter() - started
            process.returncode = os.waitstatus_to_exitcode(status)
            output.seek(0)
            text = output.read().decode("utf-8", errors="replace")
    megabytes = usage.ru_maxrss / 1024  # kilobytes on Linux
    processor = usage.ru_utime + usage.ru_stime
    problems = output_problems(case, process.returncode, text)
    if processor > TIME_TARGET:
        problems.append(f"took {processor:.2f} s of processor time (target {TIME_TARGET} s)")
    if megabytes > MEMORY_TARGET:
        problems.append(f"peak memory {megabytes:.0f} MB (target {MEMORY_TARGET} MB)")
    return case, seconds, processor, megabytes, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=[], help="run the cases whose name contains one of these")
    parser.add_argument("--jobs", type=int, default=1, help="cases run at once (times grow on a loaded machine)")
    arguments = parser.parse_args()
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    cases = [case for case in all_cases() if not arguments.only or any(part in case.name for part in arguments.only)]
    with ThreadPoolExecutor(max_workers=arguments.jobs) as pool:
        results = list(pool.map(run_case, cases))
    width = max(len(case.name) for case in cases)
    print(f"{'case':<{width}}  exit     wall      cpu     peak  result")
    for case, seconds, processor, megabytes, problems in results:
        verdict = "ok" if not problems else "FAIL: " + "; ".join(problems)
        print(
            f"{case.name:<{width}}  {case.code:>4}  {seconds:5.2f} s  {processor:5.2f} s  {megabytes:4.0f} MB  {verdict}"
        )
    walls = sorted(result[1] for result in results)
    processors = sorted(result[2] for result in results)
    peaks = sorted(result[3] for result in results)
    failed = [result[0].name for result in results if result[4]]
    print(
        f"\n{len(results)} cases: wall time median {walls[len(walls) // 2]:.2f} s, max {walls[-1]:.2f} s; "
        f"processor time median {processors[len(processors) // 2]:.2f} s, max {processors[-1]:.2f} s; "
        f"peak memory median {peaks[len(peaks) // 2]:.0f} MB, max {peaks[-1]:.0f} MB"
    )
    print(
        f"{len(results) - len(failed)} of {len(results)} within every target"
        + (f"; failed: {', '.join(failed)}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
