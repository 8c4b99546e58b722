"""Transcripts: every event of a session, exported as JSON (docs/transcript-format.md), Markdown with a
Mermaid graph, and one self-contained HTML file that a real browser renders and prints; and the
commands around them (`tutor sessions`, `tutor export`, `tutor check --transcript`, `tutor grade`),
run as subprocesses, including hand-edited, newer and damaged transcripts."""

from __future__ import annotations

import csv
import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tutor.engine.formatting import format_value
from tutor.exercise import load_exercise, parse_exercise, resolve_exercise
from tutor.session import EXAM, ProgressStore, Session
from tutor.session.transcript import (
    TRANSCRIPT_FORMAT,
    TRANSCRIPT_VERSION,
    TranscriptError,
    build_transcript,
    check_transcript,
    regrade,
    to_html,
    to_markdown,
    write_transcript,
)
from tutor_testing import FakeClock, no_traceback, tutor_command

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "tests" / "seed_answers"
SEED_001 = "sigmoid-neuron-mse"
STEPS_001 = 25  # value, local derivative and gradient steps of seed 001

ANSWER_FIELDS = {
    "time",
    "type",
    "step",
    "text",
    "read_as",
    "readable",
    "verdict",
    "message",
    "carried_forward",
    "diagnosis",
}


# -- helpers ------------------------------------------------------------------------------------


def right_answer(session: Session) -> str:
    return format_value(session.checker.expected(session.step.quantity), 6)


def finish_practice(session: Session) -> None:
    while not session.finished:
        if session.state.done:
            session.next_step()
            continue
        session.answer(right_answer(session))


def practice_walk(store: ProgressStore | None = None) -> Session:
    """Seed 001 in practice mode: right first time, an unreadable answer, a wrong try, hints, a reveal.

    step 1 value.p1: right first time
    step 2 value.p2: "2x" (unreadable, not a try), "7" (wrong), then right
    step 3 value.z: hint 1, hint 2, then right
    step 4 value.yhat: revealed
    step 5 value.L: "0.5" (wrong), then right; every other step right first time
    """
    session = Session(resolve_exercise(SEED_001), store=store, clock=FakeClock())
    session.answer(right_answer(session))
    session.answer("2x")
    session.answer("7")
    session.answer(right_answer(session))
    session.hint()
    session.hint()
    session.answer(right_answer(session))
    session.reveal()
    session.next_step()
    session.answer("0.5")
    finish_practice(session)
    return session


def exam_walk(store: ProgressStore | None = None) -> Session:
    """Seed 001 as an exam: step 1 first answered wrong then changed, step 5 left wrong, the last step blank."""
    session = Session(resolve_exercise(SEED_001), mode=EXAM, store=store, clock=FakeClock())
    session.answer("0.5")
    while session.first_open() is not None and session.first_open() != len(session.steps) - 1:
        session.answer("0.5" if session.index == 4 else right_answer(session))
    session.go_to(0)
    session.answer("0.8")
    session.submit()
    return session


def diagnosed_exam() -> Session:
    """Seed 001 as an exam with two diagnosed wrong answers and the last step blank, the rest right:
    ∂yhat/∂z = yhat (activation_not_derivative) and dL/dz = -0.06 (power_of_ten)."""
    session = Session(resolve_exercise(SEED_001), mode=EXAM, clock=FakeClock())
    wrong = {"local.yhat.z": "0.9427", "grad.z": "-0.06"}
    while session.first_open() is not None and session.first_open() != len(session.steps) - 1:
        session.answer(wrong.get(str(session.step.quantity), right_answer(session)))
    session.submit()
    return session


@pytest.fixture(scope="module")
def walked():
    session = practice_walk()
    return session, build_transcript(session, "alice")


def saved_practice(home: Path) -> Session:
    return practice_walk(ProgressStore(home))


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


# -- JSON ---------------------------------------------------------------------------------------


def test_json_transcript_has_the_documented_top_level_fields(walked):
    session, transcript = walked
    assert transcript["format"] == TRANSCRIPT_FORMAT == "backprop-tutor-transcript"
    assert transcript["version"] == TRANSCRIPT_VERSION == 1
    assert set(transcript) >= {
        "format",
        "version",
        "generated",
        "learner",
        "mode",
        "exercise",
        "inputs",
        "graph",
        "output",
        "finished",
        "score",
        "items",
        "events",
        "final",
    }
    assert transcript["learner"] == "alice" and transcript["mode"] == "practice" and transcript["finished"] is True
    assert transcript["exercise"]["name"] == SEED_001
    assert len(transcript["exercise"]["fingerprint"]) == 64
    assert transcript["inputs"]["w1"] == "4/5"
    assert transcript["graph"]["yhat"] == "sigmoid(z)"
    assert transcript["output"] == "L"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}", transcript["generated"])
    assert set(transcript["final"]) == set(session.solution.names)
    assert transcript["final"]["z"]["value"] == pytest.approx(2.8)
    assert transcript["final"]["L"]["grad"] == pytest.approx(1.0)
    # the whole thing survives JSON and passes its own check
    again = json.loads(json.dumps(transcript))
    assert check_transcript(again) is again


def test_json_transcript_has_every_event_with_its_fields_and_time_stamps(walked):
    session, transcript = walked
    events = transcript["events"]
    assert events == session.events
    times = [event["time"] for event in events]
    assert all(isinstance(stamp, float) for stamp in times)
    assert times == sorted(times) and len(set(times)) == len(times)  # the fake clock moves on every reading
    assert events[0]["type"] == "start" and events[0]["mode"] == "practice"

    shown = [event for event in events if event["type"] == "shown"]
    assert {event["step"] for event in shown} == {str(step.quantity) for step in session.steps}
    assert all(isinstance(event["index"], int) for event in shown)

    answers = [event for event in events if event["type"] == "answer"]
    assert all(set(event) == ANSWER_FIELDS for event in answers)
    on_p2 = [event for event in answers if event["step"] == "value.p2"]
    assert [event["text"] for event in on_p2] == ["2x", "7", "1.4"]
    unreadable, wrong, right = on_p2
    assert unreadable["readable"] is False and unreadable["read_as"] == ""
    assert "could not read" in unreadable["message"] and "2*x" in unreadable["message"]
    assert wrong["readable"] is True and wrong["verdict"] == "wrong" and wrong["read_as"] == "7"
    assert wrong["message"].startswith("Not right")
    assert right["verdict"] == "correct" and right["message"] == "Correct."

    hints = [event for event in events if event["type"] == "hint"]
    assert [(event["step"], event["level"]) for event in hints] == [("value.z", 1), ("value.z", 2)]
    reveals = [event for event in events if event["type"] == "reveal"]
    assert [event["step"] for event in reveals] == ["value.yhat"]
    assert len(answers) == 1 + 3 + 1 + 2 + (STEPS_001 - 5)


def test_json_items_give_each_step_its_final_state_and_credit(walked):
    session, transcript = walked
    items = transcript["items"]
    assert [item["quantity"] for item in items] == [str(step.quantity) for step in session.steps]
    assert [item["prompt"] for item in items] == [step.prompt for step in session.steps]
    by_quantity = {item["quantity"]: item for item in items}
    p1 = by_quantity["value.p1"]
    assert (p1["verdict"], p1["credit"], p1["wrong_attempts"], p1["hints"], p1["answer"]) == (
        "correct",
        1.0,
        0,
        0,
        "0.8",
    )
    assert set(p1) == {
        "quantity",
        "label",
        "phase",
        "prompt",
        "answer",
        "read_as",
        "verdict",
        "carried_forward",
        "diagnosis",
        "message",
        "expected",
        "right_value",
        "wrong_attempts",
        "hints",
        "credit",
        "points",
    }
    assert by_quantity["value.p2"]["wrong_attempts"] == 1  # the unreadable answer is not a try
    assert by_quantity["value.p2"]["credit"] == 0.75
    assert by_quantity["value.z"]["hints"] == 2 and by_quantity["value.z"]["credit"] == 0.5
    assert by_quantity["value.yhat"]["verdict"] == "revealed" and by_quantity["value.yhat"]["credit"] == 0
    assert by_quantity["value.yhat"]["answer"] == ""
    assert by_quantity["value.L"]["credit"] == 0.75
    assert by_quantity["value.yhat"]["expected"] == pytest.approx(0.9426758, rel=1e-6)
    score = transcript["score"]
    assert score["points"] == session.summary().score == STEPS_001 - 4 + 0.75 + 0.5 + 0.75
    assert score["points"] == pytest.approx(sum(item["credit"] for item in items))
    assert score["max"] == STEPS_001
    assert (score["first_try"], score["after_retries"], score["hinted"], score["revealed"], score["open"]) == (
        STEPS_001 - 4,
        2,
        1,
        1,
        0,
    )
    assert score["percent"] == round(100 * score["points"] / STEPS_001, 2)


def test_reviewing_a_finished_practice_session_adds_no_working_time():
    session = practice_walk()  # the fake clock moves 1.5 s per reading
    finished_seconds = session.summary().seconds
    assert finished_seconds == pytest.approx(session.events[-1]["time"] - session.events[0]["time"])
    for index in (0, 3, 7):  # going back over the steps: each is a "shown" event, 1.5 s later
        session.go_to(index)
    assert session.events[-1]["type"] == "shown" and session.events[-1]["time"] > session.events[-4]["time"]
    assert session.summary().seconds == finished_seconds
    assert build_transcript(session, "alice")["score"]["seconds"] == round(finished_seconds, 1)


def test_the_progress_file_on_disk_holds_the_same_events(tmp_path):
    session = saved_practice(tmp_path)
    saved = json.loads(session.progress_file.read_text(encoding="utf-8"))
    assert saved["events"] == session.events
    assert saved["finished"] is True and saved["score"] == session.summary().score


def test_exam_transcript_keeps_verdicts_out_of_the_events_until_submitted():
    session = exam_walk()
    transcript = build_transcript(session, "bea")
    check_transcript(transcript)
    answers = [event for event in transcript["events"] if event["type"] == "answer"]
    assert all(event["verdict"] is None and event["message"] == "" for event in answers)
    assert [event["text"] for event in answers if event["step"] == "value.p1"] == ["0.5", "0.8"]
    assert transcript["events"][-1]["type"] == "submit"
    items = transcript["items"]
    assert items[0]["verdict"] == "correct" and items[0]["answer"] == "0.8"
    assert items[4]["verdict"] == "wrong" and items[4]["credit"] == 0
    assert items[-1]["verdict"] == "unanswered" and items[-1]["answer"] == ""
    assert transcript["score"]["points"] == STEPS_001 - 2
    markdown = to_markdown(transcript, session.solution)
    assert "typed `0.5` (read as 0.5): **saved**" in markdown
    assert "- (no answer)" in markdown  # the blank last step


def test_exam_transcript_gives_partial_credit_per_element_and_regrades_the_same():
    exercise = resolve_exercise("network-3-2-1-sigmoid")
    session = Session(exercise, mode=EXAM, clock=FakeClock())
    vector_step = next(index for index, step in enumerate(session.steps) if step.shape == (2,))
    session.go_to(vector_step)
    expected = session.checker.expected(session.step.quantity)
    session.answer(f"[{format_value(expected[0], 6)}, {format_value(expected[1] * 3 + 1, 6)}]")
    session.submit()
    transcript = json.loads(json.dumps(build_transcript(session, "cy")))
    assert transcript["items"][vector_step]["credit"] == pytest.approx(0.5)
    assert transcript["score"]["points"] == pytest.approx(0.5)
    fresh, differences = regrade(transcript, exercise)
    assert differences == []
    assert fresh["items"][vector_step]["credit"] == pytest.approx(0.5)


# -- Markdown -----------------------------------------------------------------------------------


def test_markdown_has_a_mermaid_graph_with_every_node_and_its_final_value_and_gradient(walked):
    session, transcript = walked
    markdown = to_markdown(transcript, session.solution)
    blocks = re.findall(r"```mermaid\n(.*?)\n```", markdown, flags=re.DOTALL)
    assert len(blocks) == 1
    block = blocks[0]
    assert block.startswith("flowchart")
    solution = session.solution
    for name in solution.names:
        value = format_value(solution.values[name], 4)
        grad = format_value(solution.grads[name], 4)
        assert re.search(rf'n\d+[\[(]"{re.escape(name)} = {re.escape(value)}<br/>∇ {re.escape(grad)}"[\])]', block), (
            f"node {name} missing from the Mermaid block"
        )
    assert block.count("-->") == len(solution.edges)


def test_markdown_has_every_step_with_prompt_typed_text_verdict_hints_and_score(walked):
    session, transcript = walked
    markdown = to_markdown(transcript, session.solution)
    assert markdown.startswith("# Sigmoid neuron with squared error")
    assert "Learner: alice" in markdown and "mode: practice" in markdown
    score = transcript["score"]
    assert f"**Score: {score['points']:g} of {STEPS_001} ({score['percent']:.0f}%)**" in markdown
    assert "| w1 | 4/5 |" in markdown and "| yhat | `sigmoid(z)` |" in markdown
    sections = re.split(r"^### ", markdown, flags=re.MULTILINE)[1:]
    assert len(sections) == STEPS_001
    for number, (section, item) in enumerate(zip(sections, transcript["items"]), start=1):
        assert section.startswith(f"{number}. {item['phase']}: {item['prompt']}\n")
        assert f"Verdict: **{item['verdict']}**" in section  # a finished practice session: no "unanswered"
        assert f"credit {item['credit']:g}" in section
        if item["answer"]:
            assert f"typed `{item['answer']}`" in section
    p2, z, yhat = sections[1], sections[2], sections[3]
    assert "typed `2x`" in p2 and "I could not read that" in p2
    assert "typed `7` (read as 7): **wrong**" in p2
    assert "typed `1.4` (read as 1.4): **correct**" in p2
    assert "asked for hint 1" in z and "asked for hint 2" in z
    assert "revealed the answer" in yhat and "Verdict: **revealed**" in yhat
    assert re.search(r"^- \d\d:\d\d:\d\d typed", p2, flags=re.MULTILINE)  # each line has its time


def test_markdown_calls_an_unreadable_answer_unreadable(walked):
    session, transcript = walked
    markdown = to_markdown(transcript, session.solution)
    line = next(line for line in markdown.splitlines() if "typed `2x`" in line)
    assert "**unreadable**" in line


def test_exam_transcripts_tell_wrong_from_unanswered_as_the_report_does():
    session = diagnosed_exam()
    transcript = json.loads(json.dumps(build_transcript(session, "dan")))
    report = session.exam_report
    right = sum(item.verdict is not None and item.verdict.correct for item in report)
    wrong = sum(item.verdict is not None and not item.verdict.correct for item in report)
    blank = sum(item.verdict is None for item in report)
    assert (right, wrong, blank) == (STEPS_001 - 3, 2, 1)
    verdicts = [item["verdict"] for item in transcript["items"]]
    assert (verdicts.count("correct"), verdicts.count("wrong"), verdicts.count("unanswered")) == (right, wrong, blank)
    assert transcript["score"]["open"] == wrong + blank  # the JSON field keeps its documented meaning
    markdown = to_markdown(transcript, session.solution)
    page = to_html(transcript, session.solution)
    assert f"— right {right}, wrong {wrong}, not answered {blank}." in markdown
    assert f"<p>Right {right}, wrong {wrong}, not answered {blank}.</p>" in page
    assert "not done" not in markdown and "not done" not in page
    last = re.split(r"^### ", markdown, flags=re.MULTILINE)[-1]
    assert "Verdict: **not answered**" in last and "- (no answer)" in last


def test_exam_transcripts_explain_each_wrong_answer_in_words_not_labels():
    session = diagnosed_exam()
    transcript = json.loads(json.dumps(build_transcript(session, "dan")))
    items = {item["quantity"]: item for item in transcript["items"]}
    # the label stays a machine field in the JSON, for a teacher counting mistakes
    assert items["local.yhat.z"]["diagnosis"] == "activation_not_derivative"
    assert items["grad.z"]["diagnosis"] == "power_of_ten"
    markdown = to_markdown(transcript, session.solution)
    page = to_html(transcript, session.solution)
    for label in ("activation_not_derivative", "power_of_ten"):
        assert label not in markdown and label not in page
    for quantity, words in (
        ("local.yhat.z", "yhat itself is used instead of its derivative"),
        ("grad.z", "a decimal point has slipped"),
    ):
        explanation = items[quantity]["message"]
        assert words in explanation
        by_report = next(item.verdict.message for item in session.exam_report if str(item.step.quantity) == quantity)
        assert explanation == by_report  # what the report's why column said
        assert f"Why: {explanation}" in markdown
        assert f'class="wrong">wrong<br>{html.escape(explanation)}</td>' in page
    assert markdown.count("Why: ") == 2  # right and unanswered steps need no explanation


def test_an_unsubmitted_exam_transcript_says_how_many_are_answered():
    session = Session(resolve_exercise(SEED_001), mode=EXAM, clock=FakeClock())
    for _ in range(3):
        session.answer(right_answer(session))
    transcript = build_transcript(session, "eve")
    assert "— not submitted yet: 3 of 25 answered." in to_markdown(transcript, session.solution)
    assert "<p>Not submitted yet: 3 of 25 answered.</p>" in to_html(transcript, session.solution)


def test_practice_transcripts_explain_a_diagnosed_mistake_in_words_not_labels():
    session = Session(resolve_exercise(SEED_001), clock=FakeClock())
    session.go_to(next(index for index, step in enumerate(session.steps) if str(step.quantity) == "grad.z"))
    explanation = session.answer("-0.06").message
    assert session.state.verdict.diagnosis == "power_of_ten" and "a decimal point has slipped" in explanation
    transcript = build_transcript(session, "fay")
    markdown = to_markdown(transcript, session.solution)
    page = to_html(transcript, session.solution)
    assert "power_of_ten" not in markdown and "power_of_ten" not in page
    assert f"**wrong** — {explanation}" in markdown  # the wrong try, as the learner saw it
    assert f"Why: {explanation}" in markdown  # the step is still open on that wrong answer
    assert html.escape(explanation) in page
    session.answer(right_answer(session))
    markdown = to_markdown(build_transcript(session, "fay"), session.solution)
    assert f"**wrong** — {explanation}" in markdown and "Why: " not in markdown  # right in the end


def test_control_characters_typed_are_shown_as_escapes_for_people_and_kept_in_the_json():
    session = Session(resolve_exercise(SEED_001), clock=FakeClock())
    session.answer("0.5\x1b[31m")  # unreadable: an escape sequence a terminal would obey
    session.answer("\t0.8\x0b")  # readable: the whitespace around the number is ignored
    transcript = build_transcript(session, "gus")
    assert [event["text"] for event in transcript["events"] if event["type"] == "answer"] == [
        "0.5\x1b[31m",
        "\t0.8\x0b",
    ]  # tutor grade types exactly these again
    markdown = to_markdown(transcript, session.solution)
    page = to_html(transcript, session.solution)
    for text in (markdown, page):
        assert "\x1b" not in text and "\x0b" not in text and "\t0.8" not in text
    assert "typed `0.5\\x1b[31m`" in markdown and "typed `\\t0.8\\x0b` (read as 0.8)" in markdown
    assert "<code>\\t0.8\\x0b</code>" in page


# -- HTML ---------------------------------------------------------------------------------------


def test_html_is_one_self_contained_file_with_every_step(walked):
    session, transcript = walked
    page = to_html(transcript, session.solution)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert '<meta charset="utf-8">' in page
    for external in (
        r"\bsrc\s*=",
        r"\bhref\s*=",
        r"<link\b",
        r"<script\b",
        r"@import",
        r"url\(",
        r"<iframe\b",
        r"<img\b",
    ):
        assert not re.search(external, page, flags=re.IGNORECASE), f"{external} makes the page depend on another file"
    assert "<style>" in page and "@media print" in page
    score = transcript["score"]
    assert f"Score: {score['points']:g} of {STEPS_001} ({score['percent']:.0f}%)" in page
    for item in transcript["items"]:
        assert html.escape(item["prompt"]) in page
    assert "asked for hint 2" in page and "revealed the answer" in page and "typed 2x" in page


def test_html_escapes_what_the_learner_typed():
    session = Session(resolve_exercise(SEED_001), clock=FakeClock())
    session.answer("<script>alert(1)</script>")
    transcript = build_transcript(session, "<b>mallory</b>")
    page = to_html(transcript, session.solution)
    assert "<script>" not in page and "<b>mallory" not in page
    assert "&lt;script&gt;" in page and "&lt;b&gt;mallory" in page


def chromium_binary() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def test_html_renders_and_prints_in_headless_chromium(walked, tmp_path):
    browser = chromium_binary()
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail(".ci/run installs chromium: this test must run in CI")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    session, transcript = walked
    page = tmp_path / "transcript.html"
    write_transcript(transcript, session.solution, "html", page)
    flags = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    environment = {**os.environ, "HOME": str(tmp_path)}

    pdf = tmp_path / "transcript.pdf"
    # one start of the browser (seconds each) both prints the page and dumps the DOM it rendered
    result = subprocess.run(
        [*flags, "--dump-dom", "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    score = transcript["score"]
    assert f"Score: {score['points']:g} of {STEPS_001} ({score['percent']:.0f}%)" in result.stdout
    assert result.stdout.count("<tr>") >= STEPS_001 + 1
    assert pdf.exists() and pdf.stat().st_size > 1000
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 1


# -- check_transcript and regrade in-process ----------------------------------------------------


def test_check_transcript_refuses_newer_foreign_and_damaged_data(walked):
    _, transcript = walked
    newer = {**transcript, "version": TRANSCRIPT_VERSION + 98}
    with pytest.raises(TranscriptError, match="version 99.*newer.*upgrade"):
        check_transcript(newer)
    with pytest.raises(TranscriptError, match="not a backprop-tutor transcript"):
        check_transcript([transcript])
    with pytest.raises(TranscriptError, match="no format version"):
        check_transcript({**transcript, "version": "1"})
    with pytest.raises(TranscriptError, match="'events' is missing"):
        check_transcript({key: value for key, value in transcript.items() if key != "events"})
    with pytest.raises(TranscriptError, match="unknown mode"):
        check_transcript({**transcript, "mode": "homework"})
    with pytest.raises(TranscriptError, match="no type or time"):
        check_transcript({**transcript, "events": [{"type": "start"}]})


def test_regrade_of_an_untouched_transcript_finds_nothing(walked):
    session, transcript = walked
    fresh, differences = regrade(json.loads(json.dumps(transcript)), session.exercise)
    assert differences == []
    assert fresh["score"]["points"] == transcript["score"]["points"]


def test_regrade_does_not_trust_stored_verdicts_and_names_each_edit(walked):
    session, transcript = walked
    tampered = json.loads(json.dumps(transcript))
    tampered["items"][3].update(verdict="correct", credit=1.0)  # the revealed step claimed as right
    tampered["score"]["points"] = STEPS_001
    fresh, differences = regrade(tampered, session.exercise)
    assert fresh["score"]["points"] == transcript["score"]["points"]
    assert "value.yhat: stored verdict 'correct', re-graded 'revealed'" in differences
    assert "value.yhat: stored credit 1.0, re-graded 0.0" in differences
    assert f"score: stored points {STEPS_001}, re-graded {transcript['score']['points']}" in differences


def test_regrade_detects_a_wrong_try_removed_from_the_events(walked):
    session, transcript = walked
    tampered = json.loads(json.dumps(transcript))
    tampered["events"] = [
        event for event in tampered["events"] if not (event["type"] == "answer" and event["text"] == "7")
    ]
    _, differences = regrade(tampered, session.exercise)
    assert "value.p2: stored credit 0.75, re-graded 1.0" in differences


def test_regrade_refuses_answers_for_steps_the_exercise_does_not_have(walked):
    _, transcript = walked
    with pytest.raises(TranscriptError, match="do not fit"):
        regrade(transcript, resolve_exercise("cs231n-add-multiply"))


# -- tutor sessions -----------------------------------------------------------------------------


def test_sessions_lists_a_saved_session(tmp_path):
    empty = tutor_command("sessions", home=tmp_path / "nobody")
    no_traceback(empty)
    assert empty.returncode == 0 and "No saved sessions" in empty.stdout

    session = saved_practice(tmp_path)
    result = tutor_command("sessions", home=tmp_path)
    no_traceback(result)
    assert result.returncode == 0
    assert SEED_001 in result.stdout and "practice" in result.stdout and "finished" in result.stdout
    assert f"{session.summary().score:g}/{STEPS_001}" in result.stdout

    listing = tutor_command("sessions", "--json", home=tmp_path)
    assert listing.returncode == 0
    rows = json.loads(listing.stdout)
    assert len(rows) == 1
    row = rows[0]
    assert row["session"] == str(session.progress_file)
    assert (row["exercise"], row["mode"], row["steps"], row["finished"]) == (SEED_001, "practice", STEPS_001, True)
    assert row["score"] == session.summary().score
    assert row["last_activity"] == session.events[-1]["time"]


def test_sessions_skips_damaged_and_set_aside_files(tmp_path):
    saved_practice(tmp_path)
    (tmp_path / "progress" / "broken.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "progress" / "x.set-aside-20240101-000000.json").write_text("{}", encoding="utf-8")
    result = tutor_command("sessions", "--json", home=tmp_path)
    no_traceback(result)
    assert [row["exercise"] for row in json.loads(result.stdout)] == [SEED_001]


# -- tutor export -------------------------------------------------------------------------------


@pytest.mark.parametrize("by", ["name", "path"])
def test_export_in_all_three_formats_by_name_and_by_progress_file(tmp_path, by):
    session = saved_practice(tmp_path)
    reference = SEED_001 if by == "name" else str(session.progress_file)
    out = tmp_path / "out"

    result = tutor_command(
        "export", reference, "--format", "json", "-o", out / "t.json", "--learner", "alice", home=tmp_path
    )
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    transcript = check_transcript(json.loads((out / "t.json").read_text(encoding="utf-8")))
    assert transcript["learner"] == "alice"
    assert transcript["events"] == session.events  # every saved event, with its original time stamp
    assert transcript["score"]["points"] == session.summary().score
    assert [item["verdict"] for item in transcript["items"]] == [
        item["verdict"] for item in build_transcript(session, "alice")["items"]
    ]

    result = tutor_command("export", reference, "--format", "md", "-o", out / "t.md", home=tmp_path)
    assert result.returncode == 0, result.stderr
    markdown = (out / "t.md").read_text(encoding="utf-8")
    assert "```mermaid" in markdown and markdown.count("\n### ") == STEPS_001
    assert "asked for hint 2" in markdown and "revealed the answer" in markdown

    result = tutor_command("export", reference, "--format", "html", "-o", out / "t.html", home=tmp_path)
    assert result.returncode == 0, result.stderr
    page = (out / "t.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Score: " in page


def test_export_prints_to_stdout_without_an_output_file(tmp_path):
    saved_practice(tmp_path)
    result = tutor_command("export", SEED_001, "--format", "json", home=tmp_path)
    no_traceback(result)
    assert result.returncode == 0
    assert json.loads(result.stdout)["format"] == TRANSCRIPT_FORMAT
    assert "```mermaid" in tutor_command("export", SEED_001, home=tmp_path).stdout  # Markdown by default


def test_export_an_exam_and_grade_it(tmp_path):
    session = exam_walk(ProgressStore(tmp_path))
    out = tmp_path / "exam.json"
    result = tutor_command("export", str(session.progress_file), "--format", "json", "-o", out, home=tmp_path)
    assert result.returncode == 0, result.stderr
    transcript = json.loads(out.read_text(encoding="utf-8"))
    assert transcript["mode"] == "exam" and transcript["score"]["points"] == STEPS_001 - 2
    graded = tutor_command("grade", out, "--json", home=tmp_path)
    no_traceback(graded)
    assert graded.returncode == 0, graded.stdout
    report = json.loads(graded.stdout)
    assert report["problems"] == [] and report["results"][0]["points"] == STEPS_001 - 2


def test_export_by_name_takes_the_latest_session_of_the_mode_asked_for(tmp_path):
    exam = exam_walk(ProgressStore(tmp_path))
    os.utime(exam.progress_file, (1, 1))  # the practice session below is the newer of the two
    saved_practice(tmp_path)
    modes = {
        mode: json.loads(tutor_command("export", SEED_001, "--format", "json", *option, home=tmp_path).stdout)["mode"]
        for mode, option in [("either", []), ("exam", ["--mode", "exam"]), ("practice", ["--mode", "practice"])]
    }
    assert modes == {"either": "practice", "exam": "exam", "practice": "practice"}
    only_practice = tmp_path / "only-practice"
    saved_practice(only_practice)
    result = tutor_command("export", SEED_001, "--mode", "exam", home=only_practice)
    no_traceback(result)
    assert result.returncode == 2 and f"no saved exam session for '{SEED_001}'" in result.stderr


def test_export_of_an_unknown_session_says_so(tmp_path):
    result = tutor_command("export", "no-such-exercise", home=tmp_path)
    no_traceback(result)
    assert result.returncode == 2
    assert "no saved session for 'no-such-exercise'" in result.stderr and "tutor sessions" in result.stderr
    (tmp_path / "junk.json").write_text("{oops", encoding="utf-8")
    result = tutor_command("export", tmp_path / "junk.json", home=tmp_path)
    no_traceback(result)
    assert result.returncode == 2 and f"{tmp_path / 'junk.json'}: is damaged: it is not valid JSON" in result.stderr


def test_export_refuses_a_progress_file_from_a_newer_version(tmp_path):
    session = saved_practice(tmp_path)
    data = json.loads(session.progress_file.read_text(encoding="utf-8"))
    newer = write_json(tmp_path / "newer.json", {**data, "version": 99})
    result = tutor_command("export", newer, "--format", "json", home=tmp_path)
    no_traceback(result)
    assert result.returncode == 2 and "newer" in result.stderr


def test_export_of_a_progress_file_with_damaged_events_gets_a_clear_message(tmp_path):
    session = saved_practice(tmp_path)
    data = json.loads(session.progress_file.read_text(encoding="utf-8"))
    damaged = write_json(tmp_path / "damaged.json", {**data, "events": [{"type": "answer", "time": 1}]})
    result = tutor_command("export", damaged, "--format", "json", home=tmp_path)
    no_traceback(result)
    assert result.returncode == 2 and "damaged" in result.stderr


def test_export_given_a_transcript_instead_of_a_session_says_what_it_wants(tmp_path, walked):
    _, transcript = walked
    path = write_json(tmp_path / "transcript.json", transcript)
    result = tutor_command("export", path, "--format", "md", home=tmp_path)
    no_traceback(result)
    assert result.returncode == 2
    assert "{'name'" not in result.stderr and "session" in result.stderr


# -- tutor check --transcript -------------------------------------------------------------------


def test_check_writes_a_transcript_in_each_format(tmp_path):
    answers = SEEDS / f"{SEED_001}.student.toml"
    for suffix in (".json", ".md", ".html"):
        out = tmp_path / f"student{suffix}"
        result = tutor_command("check", SEED_001, answers, "--transcript", out, "--learner", "sam", home=tmp_path)
        no_traceback(result)
        assert result.returncode == 1  # the student's file has wrong answers
        assert f"Transcript written to {out}" in result.stdout
        assert out.exists()
    transcript = check_transcript(json.loads((tmp_path / "student.json").read_text(encoding="utf-8")))
    assert transcript["learner"] == "sam" and transcript["mode"] == "practice"
    assert transcript["origin"] == f"tutor check {answers}"
    by_quantity = {item["quantity"]: item for item in transcript["items"]}
    assert by_quantity["value.yhat"]["answer"] == "0,94" and by_quantity["value.yhat"]["verdict"] == "correct"
    assert by_quantity["value.L"]["answer"] == "0,003" and by_quantity["value.L"]["verdict"] == "wrong"
    assert by_quantity["grad.x1"]["verdict"] == "unanswered"
    answered = [event for event in transcript["events"] if event["type"] == "answer"]
    assert len(answered) == 14  # one try per answer in the file
    result = tutor_command("check", SEED_001, answers, "--json", home=tmp_path)
    graded = json.loads(result.stdout)
    assert transcript["score"]["points"] == graded["score"]["correct"]  # one try each: full or no credit
    markdown = (tmp_path / "student.md").read_text(encoding="utf-8")
    assert "```mermaid" in markdown and "typed `0,94`" in markdown and "Learner: sam" in markdown
    page = (tmp_path / "student.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "sam" in page


def test_check_with_all_answers_right_writes_a_full_score_transcript(tmp_path):
    out = tmp_path / "right.json"
    result = tutor_command("check", SEED_001, SEEDS / f"{SEED_001}.correct.toml", "--transcript", out, home=tmp_path)
    no_traceback(result)
    assert result.returncode == 0
    transcript = json.loads(out.read_text(encoding="utf-8"))
    assert transcript["score"]["points"] == STEPS_001 and transcript["finished"] is True


# -- tutor grade --------------------------------------------------------------------------------


@pytest.fixture
def student_transcripts(tmp_path):
    """Two learners' transcripts written by `tutor check --transcript`."""
    paths = {}
    for learner, kind in (("sam", "student"), ("amy", "correct")):
        path = tmp_path / f"{learner}.json"
        result = tutor_command(
            "check",
            SEED_001,
            SEEDS / f"{SEED_001}.{kind}.toml",
            "--transcript",
            path,
            "--learner",
            learner,
            home=tmp_path,
        )
        assert path.exists(), result.stderr
        paths[learner] = path
    return paths


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def check_gradescope_schema(results: dict) -> None:
    assert isinstance(results["score"], (int, float))
    assert isinstance(results["tests"], list) and results["tests"]
    for test in results["tests"]:
        assert isinstance(test["name"], str) and test["name"]
        assert isinstance(test["score"], (int, float)) and isinstance(test["max_score"], (int, float))
        assert 0 <= test["score"] <= max(test["max_score"], 0) or test["max_score"] == 0
        assert isinstance(test["output"], str)
    assert results["score"] == pytest.approx(sum(test["score"] for test in results["tests"]))


def test_grade_good_transcripts_table_csv_and_gradescope(tmp_path, student_transcripts):
    sam = json.loads(student_transcripts["sam"].read_text(encoding="utf-8"))
    result = tutor_command(
        "grade",
        student_transcripts["sam"],
        student_transcripts["amy"],
        "--csv",
        tmp_path / "out" / "grades.csv",
        "--gradescope",
        tmp_path / "out" / "gradescope",
        home=tmp_path,
    )
    no_traceback(result)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "EDITED" not in result.stdout
    points = sam["score"]["points"]
    assert f"{points:g}/{STEPS_001}" in result.stdout and f"{STEPS_001}/{STEPS_001} (100%)" in result.stdout
    assert f"sam: {points:g} of {STEPS_001} points over 1 exercise(s)" in result.stdout  # per learner
    assert "amy: 25 of 25 points" in result.stdout
    assert f"{SEED_001}: mean" in result.stdout and "over 2 transcript(s)" in result.stdout  # per exercise

    rows = read_csv(tmp_path / "out" / "grades.csv")
    assert [row["learner"] for row in rows] == ["sam", "amy"]
    assert list(rows[0]) == ["learner", "exercise", "mode", "points", "max", "percent", "tampered", "file", "counted"]
    assert float(rows[0]["points"]) == points and rows[0]["max"] == str(STEPS_001)
    assert all(row["tampered"] == "no" and row["exercise"] == SEED_001 and row["counted"] == "yes" for row in rows)

    # one results.json per learner, as Gradescope expects one per submission
    folders = sorted(path.parent.name for path in (tmp_path / "out" / "gradescope").glob("*/results.json"))
    assert folders == ["amy", "sam"]
    results = json.loads((tmp_path / "out" / "gradescope" / "sam" / "results.json").read_text(encoding="utf-8"))
    check_gradescope_schema(results)
    assert len(results["tests"]) == STEPS_001  # one test per graded quantity
    assert results["score"] == pytest.approx(points)
    names = [test["name"] for test in results["tests"]]
    assert f"{SEED_001}: yhat" in names
    yhat = next(test for test in results["tests"] if test["name"] == f"{SEED_001}: yhat")
    assert yhat["score"] == 1 and yhat["max_score"] == 1 and "0,94" in yhat["output"]


def test_grade_json_output(tmp_path, student_transcripts):
    result = tutor_command("grade", student_transcripts["sam"], "--json", home=tmp_path)
    no_traceback(result)
    report = json.loads(result.stdout)
    assert report["problems"] == []
    (entry,) = report["results"]
    assert entry["learner"] == "sam" and entry["tampered"] is False and entry["differences"] == []
    assert len(entry["items"]) == STEPS_001


def test_grade_reports_a_verdict_edited_by_hand(tmp_path, student_transcripts):
    data = json.loads(student_transcripts["sam"].read_text(encoding="utf-8"))
    item = next(item for item in data["items"] if item["quantity"] == "value.L")
    assert item["verdict"] == "wrong"
    item["verdict"] = "correct"
    tampered = write_json(tmp_path / "sam-edited.json", data)
    result = tutor_command(
        "grade",
        student_transcripts["amy"],
        tampered,
        "--csv",
        tmp_path / "g.csv",
        "--gradescope",
        tmp_path / "gradescope",
        home=tmp_path,
    )
    no_traceback(result)
    assert result.returncode == 1
    assert "EDITED" in result.stdout
    assert "value.L: stored verdict 'correct', re-graded 'wrong'" in result.stdout
    rows = {row["learner"]: row for row in read_csv(tmp_path / "g.csv")}
    assert rows["sam"]["tampered"] == "yes" and rows["amy"]["tampered"] == "no"
    assert float(rows["sam"]["points"]) == data["score"]["points"]  # the re-graded score, not a stored one
    results = {
        learner: json.loads((tmp_path / "gradescope" / learner / "results.json").read_text(encoding="utf-8"))
        for learner in ("amy", "sam")
    }
    for each in results.values():
        check_gradescope_schema(each)
    integrity = [test for test in results["sam"]["tests"] if test["name"].endswith("transcript integrity")]
    assert len(integrity) == 1 and "value.L: stored verdict 'correct'" in integrity[0]["output"]
    assert not any(test["name"].endswith("transcript integrity") for test in results["amy"]["tests"])
    value_l = [
        test["score"]
        for learner in ("amy", "sam")
        for test in results[learner]["tests"]
        if test["name"] == f"{SEED_001}: L"
    ]
    assert value_l == [1.0, 0.0]  # amy right; sam's edit earns nothing


def test_grade_reports_a_score_edited_by_hand(tmp_path, student_transcripts):
    data = json.loads(student_transcripts["sam"].read_text(encoding="utf-8"))
    real = data["score"]["points"]
    data["score"]["points"] = STEPS_001
    tampered = write_json(tmp_path / "sam-score.json", data)
    result = tutor_command("grade", tampered, "--json", home=tmp_path)
    no_traceback(result)
    assert result.returncode == 1
    (entry,) = json.loads(result.stdout)["results"]
    assert entry["tampered"] is True and entry["points"] == real
    assert f"score: stored points {STEPS_001}, re-graded {real}" in entry["differences"]
    human = tutor_command("grade", tampered, home=tmp_path)
    assert human.returncode == 1 and "EDITED: score: stored points 25" in human.stdout


def test_grade_reports_a_changed_exercise_file(tmp_path):
    exercise_file = tmp_path / "my-neuron.toml"
    shutil.copy(resolve_exercise(SEED_001).path, exercise_file)
    session = Session(load_exercise(exercise_file), clock=FakeClock())
    finish_practice(session)
    path = write_json(tmp_path / "mine.json", build_transcript(session, "kim"))
    assert tutor_command("grade", path, home=tmp_path).returncode == 0
    text = exercise_file.read_text(encoding="utf-8")
    exercise_file.write_text(text + "\n# a comment: what is graded is the same\n", encoding="utf-8")
    assert tutor_command("grade", path, home=tmp_path).returncode == 0
    exercise_file.write_text(text.replace("y = 1\n", "y = 1.0\n"), encoding="utf-8")
    result = tutor_command("grade", path, home=tmp_path)
    no_traceback(result)
    assert result.returncode == 1 and "exercise file differs" in result.stdout
    exercise_file.unlink()
    result = tutor_command("grade", path, home=tmp_path)
    no_traceback(result)
    assert result.returncode == 2 and "cannot be found" in result.stderr and "my-neuron" in result.stderr


def test_grade_reports_a_verdict_edited_in_the_events(tmp_path, student_transcripts):
    data = json.loads(student_transcripts["sam"].read_text(encoding="utf-8"))
    for event in data["events"]:
        if event["type"] == "answer" and event["step"] == "value.L":
            event.update(verdict="correct", message="Correct.")
    tampered = write_json(tmp_path / "sam-events.json", data)
    result = tutor_command("grade", tampered, home=tmp_path)
    no_traceback(result)
    assert result.returncode == 1 and "EDITED" in result.stdout


def test_grade_reports_a_percentage_edited_by_hand(tmp_path, student_transcripts):
    data = json.loads(student_transcripts["sam"].read_text(encoding="utf-8"))
    data["score"]["percent"] = 100
    tampered = write_json(tmp_path / "sam-percent.json", data)
    result = tutor_command("grade", tampered, home=tmp_path)
    no_traceback(result)
    assert result.returncode == 1 and "percent" in result.stdout


def test_grade_refuses_a_transcript_from_a_newer_version(tmp_path, student_transcripts):
    data = json.loads(student_transcripts["sam"].read_text(encoding="utf-8"))
    newer = write_json(tmp_path / "newer.json", {**data, "version": 99})
    result = tutor_command("grade", newer, home=tmp_path)
    no_traceback(result)
    assert result.returncode == 2
    assert f"{newer}: the transcript is format version 99, written by a newer backprop-tutor" in result.stderr
    assert "please upgrade" in result.stderr
    # one unusable transcript among good ones: the good ones are graded, the exit code says something is wrong
    mixed = tutor_command("grade", student_transcripts["amy"], newer, "--csv", tmp_path / "m.csv", home=tmp_path)
    no_traceback(mixed)
    assert mixed.returncode == 1 and "version 99" in mixed.stderr
    assert [row["learner"] for row in read_csv(tmp_path / "m.csv")] == ["amy"]


@pytest.mark.parametrize(
    "damage, message",
    [
        ("missing events", "the transcript is damaged: 'events' is missing or malformed"),
        ("event without time", "the transcript is damaged: an event has no type or time"),
        ("not a transcript", "this is not a backprop-tutor transcript"),
        ("answer without step", "the transcript's answers do not fit this exercise's steps"),
        ("unknown step", "the transcript's answers do not fit this exercise's steps"),
    ],
)
def test_grade_gives_a_clear_message_for_a_damaged_transcript(tmp_path, student_transcripts, damage, message):
    data = json.loads(student_transcripts["sam"].read_text(encoding="utf-8"))
    if damage == "missing events":
        del data["events"]
    elif damage == "event without time":
        del data["events"][3]["time"]
    elif damage == "not a transcript":
        data = {"hello": "world"}
    elif damage == "answer without step":
        next(event for event in data["events"] if event["type"] == "answer").pop("step")
    else:
        next(event for event in data["events"] if event["type"] == "answer")["step"] = "value.nowhere"
    path = write_json(tmp_path / "damaged.json", data)
    result = tutor_command("grade", path, home=tmp_path)
    no_traceback(result)
    assert result.returncode == 2
    assert f"{path}: {message}" in result.stderr


@pytest.mark.parametrize("content", ['{"format": "backprop-tutor-transcript", "vers', "", "\x00\x01binary"])
def test_grade_survives_a_file_that_is_not_json(tmp_path, content):
    path = tmp_path / "corrupt.json"
    path.write_text(content, encoding="utf-8")
    result = tutor_command("grade", path, home=tmp_path)
    no_traceback(result)
    assert result.returncode == 2
    assert str(path) in result.stderr


def test_grade_survives_bytes_that_are_not_utf8_and_a_missing_file(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"learner": "J\xf6rg"}')
    result = tutor_command("grade", path, tmp_path / "missing.json", home=tmp_path)
    no_traceback(result)
    assert result.returncode == 2
    assert f"{path}:1: is not UTF-8 text" in result.stderr
    assert f"{tmp_path / 'missing.json'}: no such file" in result.stderr


def test_grade_says_a_truncated_transcript_is_damaged(tmp_path, student_transcripts):
    text = student_transcripts["sam"].read_text(encoding="utf-8")
    path = tmp_path / "truncated.json"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    result = tutor_command("grade", path, home=tmp_path)
    no_traceback(result)
    assert result.returncode == 2
    assert "damaged" in result.stderr or "not valid JSON" in result.stderr


def test_an_exam_without_feedback_saves_no_hint_of_right_or_wrong(tmp_path):
    session = Session(resolve_exercise(SEED_001), mode=EXAM, store=ProgressStore(tmp_path), clock=FakeClock())
    session.go_to(next(index for index, step in enumerate(session.steps) if str(step.quantity) == "local.yhat.z"))
    session.answer("0.9427")  # σ(z) for σ'(z)
    saved = json.loads(session.progress_file.read_text(encoding="utf-8"))
    (event,) = [event for event in saved["events"] if event["type"] == "answer"]
    assert event["verdict"] is None and event["message"] == ""
    assert event["diagnosis"] is None and event["carried_forward"] is False


# -- the documents ------------------------------------------------------------------------------


def test_the_transcript_format_document_names_every_field_and_event_type(walked):
    _, transcript = walked
    document = (REPO / "docs" / "transcript-format.md").read_text(encoding="utf-8")
    assert f'"version": {TRANSCRIPT_VERSION}' in document
    for key in transcript:
        assert f"`{key}`" in document, f"top-level field {key} is not documented"
    for key in transcript["exercise"]:
        assert f"`exercise.{key}`" in document
    for key in [*transcript["score"], *transcript["items"][0], *ANSWER_FIELDS, "origin", "level", "index"]:
        assert f"`{key}`" in document, f"field {key} is not documented"
    for kind in ("start", "shown", "answer", "hint", "reveal", "submit"):
        assert f"| `{kind}` |" in document, f"event type {kind} is not documented"
    assert "newer" in document and "re-grade" in document


def test_the_scoring_document_gives_the_numbers_the_code_uses():
    from tutor.session import scoring
    from tutor.session.session import IDLE_CAP_SECONDS

    document = (REPO / "docs" / "scoring.md").read_text(encoding="utf-8")
    assert scoring.PENALTY_PER_WRONG_TRY == scoring.PENALTY_PER_HINT == scoring.MINIMUM_FOR_CORRECT == 0.25
    assert "max(0.25, 1 − 0.25·w − 0.25·h)" in document
    assert "0.25 per wrong try" in document and "0.25 per hint" in document
    assert f"at most {IDLE_CAP_SECONDS} s" in document
    for wrong, hints, credit in ((0, 0, 1.0), (1, 0, 0.75), (1, 1, 0.5), (2, 0, 0.5), (5, 3, 0.25)):
        assert scoring.practice_credit(True, wrong, hints) == credit
    assert scoring.practice_credit(False, 0, 0) == 0.0  # revealed or not done


def test_an_unsubmitted_exam_with_feedback_is_not_reported_as_edited(tmp_path):
    from tutor.session.transcript import export_all

    session = Session(resolve_exercise(SEED_001), mode=EXAM, exam_feedback=True, clock=FakeClock())
    session.answer("0.8")
    session.answer("7")
    written = export_all(session, tmp_path, learner="fay")  # what F6 does
    path = next(path for path in written if path.suffix == ".json")
    result = tutor_command("grade", path, home=tmp_path)
    no_traceback(result)
    assert result.returncode == 0 and "EDITED" not in result.stdout


@pytest.mark.parametrize("columns", [80, 60])
def test_the_grade_table_never_cuts_a_name(tmp_path, student_transcripts, columns):
    result = tutor_command("grade", student_transcripts["sam"], home=tmp_path, columns=columns)
    assert result.returncode == 0
    rows = [line for line in result.stdout.splitlines() if "sam" in line and "│" in line]
    assert rows and f" {SEED_001} " in rows[0]  # whole, on the row of its learner


def test_exported_files_show_control_characters_as_escapes():
    """A title or an answer carrying an escape sequence (clear screen, a window title, a right-to-left
    override) must not act on the terminal of a teacher who prints the file."""
    text = 'title = "Sneaky \\u001b[2J \\u202e title"\n[inputs]\nx = 2\n[graph]\nL = "x^2"\n'
    session = Session(parse_exercise(text, name="sneaky"), clock=FakeClock())
    session.answer("4\x1b]0;pwned\x07")
    transcript = build_transcript(session, "tester")
    for exported in (to_markdown(transcript, session.solution), to_html(transcript, session.solution)):
        assert not any(character in exported for character in "\x1b\x07\u202e")
        assert "\\x1b[2J" in exported and "\\u202e" in exported and "\\x1b]0;pwned\\x07" in exported
