"""`tutor hint EXERCISE QUANTITY [--rung N] [--json]`: the tutor's hint ladder (F2), headless, for working on paper."""

from __future__ import annotations

import json

from tutor.exercise import resolve_exercise
from tutor.grading.explain import worked_answer
from tutor.session import Session
from tutor_testing import no_traceback, tutor_command

SEED_001 = "sigmoid-neuron-mse"


def session_ladder(name: str, quantity: str) -> list[str]:
    """The rungs F2 shows for the step, one press at a time, as the session gives them."""
    session = Session(resolve_exercise(name))
    session.go_to(next(index for index, step in enumerate(session.steps) if str(step.quantity) == quantity))
    rungs = []
    while (rung := session.hint()) is not None:
        rungs.append(rung)
    return rungs


def test_every_rung_is_the_one_the_tutor_shows_and_the_last_is_the_answer():
    for name, quantity in ((SEED_001, "grad.z"), (SEED_001, "local.yhat.z"), ("network-3-2-1-sigmoid", "update.W3")):
        ladder = session_ladder(name, quantity)
        assert len(ladder) >= 3
        for rung, text in enumerate(ladder, start=1):
            data = json.loads(tutor_command("hint", name, quantity, "--rung", rung, "--json").stdout)
            assert data["hint"] == text and data["rung"] == rung and data["rungs"] == len(ladder)
            assert data["quantity"] == quantity and data["answer"] == (rung == len(ladder))
        session = Session(resolve_exercise(name))
        step = next(step for step in session.steps if str(step.quantity) == quantity)
        assert ladder[-1] == worked_answer(session.solution, step.quantity)


def test_the_first_rung_by_default_for_people():
    result = tutor_command("hint", SEED_001, "grad.z")
    no_traceback(result)
    assert result.returncode == 0
    ladder = session_ladder(SEED_001, "grad.z")
    assert result.stdout.startswith(f"Hint 1 of {len(ladder)} for dL/dz\n")
    assert " ".join(ladder[0].split()) in " ".join(result.stdout.split())
    assert "--rung 2 for a more specific one" in result.stdout
    last = tutor_command("hint", SEED_001, "grad.z", "--rung", len(ladder))
    assert "This last rung is the answer" in last.stdout and "-0.006195" in last.stdout


def test_a_rung_out_of_range_is_refused_with_the_range():
    rungs = len(session_ladder(SEED_001, "grad.z"))
    for rung in (0, rungs + 1, -1):
        result = tutor_command("hint", SEED_001, "grad.z", "--rung", rung)
        no_traceback(result)
        assert result.returncode == 2 and result.stdout == ""
        assert f"--rung {rung}: grad.z has hints 1 to {rungs} (the last is the answer)" in result.stderr


def test_an_unknown_step_gets_did_you_mean_and_a_malformed_one_the_forms():
    unknown = tutor_command("hint", SEED_001, "grad.zz")
    no_traceback(unknown)
    assert unknown.returncode == 2
    assert "'grad.zz' is not a step of this exercise (did you mean 'grad.z'?)" in unknown.stderr
    malformed = tutor_command("hint", SEED_001, "dz", "--json")
    assert malformed.returncode == 2
    message = json.loads(malformed.stdout)["problems"][0]["message"]
    assert "write value.NAME, grad.NAME, local.NODE.INPUT" in message


def test_hint_is_in_the_command_list():
    assert "hint" in tutor_command("--help").stdout
    usage = tutor_command("hint", "--help").stdout
    assert "--rung N" in usage and "QUANTITY" in usage
