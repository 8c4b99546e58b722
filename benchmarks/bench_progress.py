"""How long the learner model takes to build and to read (docs/learner-model.md). Prints figures; asserts nothing.

A learner with N recorded attempts (every catalog exercise without a batch, in turn, each with every step answered
right: `tutor check --record` as LearnerStore.record does it), then, as CPU times (time.process_time):

(a) the model rebuilt from all N sessions (no model file: every session replayed and observed);
(b) the model read again when nothing changed (the model file, each session's number of events compared);
(c) the model after one more attempt (one session replayed);
(d) the recommendation: the catalog's skills (every catalog exercise solved and tagged, once per process);
(e) the model without one session it has counted: what a resumed exercise's summary compares with (every other
    session replayed and observed, not saved).

Run:  python benchmarks/bench_progress.py [--attempts 30]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=30)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        os.environ["BACKPROP_TUTOR_HOME"] = home
        from tutor.engine.formatting import format_value
        from tutor.exercise import catalog_names, resolve_exercise
        from tutor.grading import QuantityKind
        from tutor.grading.quantities import expected_value
        from tutor.session import ProgressStore, Session
        from tutor.session.learners import LearnerStore, catalog_skills, session_id

        store = ProgressStore(Path(home))
        learners = LearnerStore(store)
        names = [name for name in catalog_names() if not resolve_exercise(name).batch]

        def attempt(name: str) -> None:
            session = Session(resolve_exercise(name))
            for step in session.steps:
                session.go_to(session.steps.index(step))
                if step.quantity.kind != QuantityKind.FORMULA:
                    session.answer(format_value(expected_value(session.solution, step.quantity), 6))
            learners.record(session, "Ada")

        for number in range(arguments.attempts):
            attempt(names[number % len(names)])
        steps = 0
        for path in (learners.folder("Ada") / "attempts").iterdir():
            steps += len(json.loads(path.read_text(encoding="utf-8"))["events"])

        def timed(action) -> float:
            start = time.process_time()
            action()
            return time.process_time() - start

        rebuilt = timed(lambda: learners.model("Ada"))
        unchanged = timed(lambda: learners.model("Ada"))
        attempt(names[0])
        one_more = timed(lambda: learners.model("Ada"))
        recommended = timed(lambda: (catalog_skills(), learners.recommend("Ada")))
        last = max((learners.folder("Ada") / "attempts").iterdir())
        without_last = session_id(last, json.loads(last.read_text(encoding="utf-8"))["events"])
        without = timed(lambda: learners.model_without("Ada", without_last))
        print(f"{arguments.attempts} recorded attempts, {steps:,} events in all")
        print(f"(a) model rebuilt from every session: {rebuilt:.3f} s")
        print(f"(b) model read, nothing new:          {unchanged:.3f} s")
        print(f"(c) model after one more attempt:     {one_more:.3f} s")
        print(f"(d) recommendation (catalog tagged):  {recommended:.3f} s for {len(catalog_names())} exercises")
        print(f"(e) model without a counted session:  {without:.3f} s")


if __name__ == "__main__":
    main()
