"""How long diagnosing a wrong formula answer takes. Prints figures; asserts nothing.

(a) Every [[questions]] formula of the catalog gets three wrong answers (the right one plus 1, times 1.37 and a
    lone variable: none is one of the candidate slips, so every candidate is tried; 1.37 times is then named as a
    constant factor too many), timed one check at a time
    (Checker.check: reading, the test points and the diagnosis), after one untimed check that imports the diagnosis
    modules. Target: every check under 0.2 s, the learner waits for it after pressing Enter.
(b) A long reference formula (60 terms, ~1,200 characters, 16 variables) with an answer no slip explains: the
    search stops after tutor/grading/diagnosis/formulas.py's MAX_WORK operations; target under 1.5 s.

Run:  python benchmarks/bench_formula_diagnosis.py
"""

from __future__ import annotations

import statistics
import time
from textwrap import dedent

from tutor.engine import solve
from tutor.exercise import catalog_names, parse_exercise, resolve_exercise
from tutor.exercise.expression import to_text
from tutor.grading import Checker, Quantity

CHECK_TARGET = 0.2  # seconds a check
LONG_TARGET = 1.5


def catalog_checks() -> None:
    warm_up = solve(resolve_exercise("l2-loss"))
    Checker(warm_up).check(Quantity("formula", warm_up.exercise.questions[0].id), "0")
    durations = []
    slowest = (0.0, "")
    for name in catalog_names():
        solution = solve(resolve_exercise(name))
        for question in solution.exercise.questions:
            right = to_text(question.answer)
            variable = sorted(question.variables)[0] if question.variables else "1"
            for answer in (f"({right}) + 1", f"1.37*({right})", variable):
                start = time.perf_counter()
                Checker(solution).check(Quantity("formula", question.id), answer)
                duration = time.perf_counter() - start
                durations.append(duration)
                slowest = max(slowest, (duration, f"{name} {question.id}: {answer}"))
    print(
        f"(a) {len(durations)} checks of wrong formulas: mean {statistics.mean(durations) * 1000:.1f} ms, "
        f"median {statistics.median(durations) * 1000:.1f} ms, slowest {slowest[0] * 1000:.1f} ms ({slowest[1]})"
    )
    print(
        "    " + ("PASS" if slowest[0] < CHECK_TARGET else "over target") + f" (target: every check < {CHECK_TARGET} s)"
    )


def long_formula() -> None:
    terms = " + ".join(f"sigmoid(a{i % 8}*b{(i + 1) % 8})*a{(i + 3) % 8}" for i in range(60))
    variables = ", ".join(f"a{i} = [-1, 1], b{i} = [-1, 1]" for i in range(8))
    exercise = dedent(f"""
        title = "A long derivation"
        [[questions]]
        id = "long"
        prompt = "A formula of 60 terms."
        answer = "{terms}"
        variables = {{ {variables} }}
    """)
    solution = solve(parse_exercise(exercise))
    start = time.perf_counter()
    verdict = Checker(solution).check(Quantity("formula", "long"), "a0")
    duration = time.perf_counter() - start
    print(
        f"(b) a {len(terms):,}-character reference, an answer no slip explains: {duration:.2f} s "
        f"(diagnosis: {verdict.diagnosis})"
    )
    print("    " + ("PASS" if duration < LONG_TARGET else "over target") + f" (target < {LONG_TARGET} s)")


if __name__ == "__main__":
    catalog_checks()
    long_formula()
