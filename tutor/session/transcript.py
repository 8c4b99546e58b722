"""Transcripts of a session: JSON for tools (docs/transcript-format.md), Markdown and HTML for people.

A transcript holds every event of the session (step shown, answer typed and how it was read,
verdict and message, hints with their level, reveals, time stamps) and the final state of each
step. ``tutor grade`` re-grades it from the typed answers, so stored verdicts are never trusted.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import time
from pathlib import Path

from ..engine.formatting import format_value, to_nested_list
from ..exercise.expression import to_text
from ..exercise.shown import visible
from ..grading.explain import right_value_text
from .saving import save_text
from .scoring import step_points
from .session import EXAM, REVEALED, Session, SessionError
from .store import ProgressStore, same_exercise

TRANSCRIPT_FORMAT = "backprop-tutor-transcript"
TRANSCRIPT_VERSION = 1
EXPORT_FOLDER = "backprop-tutor-transcripts"  # F6 saves here, in the current directory: easy to find
MAX_TRANSCRIPT_EVENTS = 5_000  # a long practice session has a few hundred
WITHHELD_NOTE = (
    "the exam is not submitted yet: the right values (each item's expected and right_value, and final) "
    "are withheld until it is"
)
WITHHELD_WORDS = "withheld until the exam is submitted"  # the files for people, where a right value would be


def withholds_right_values(session: Session) -> bool:
    """Whether a transcript of ``session`` must carry no right value: an exam before submission (issue 14: a
    learner exporting mid-exam must not read the answers)."""
    return session.mode == EXAM and not session.submitted


class TranscriptError(ValueError):
    """A transcript that cannot be used, with the reason in words."""


def step_items(session: Session) -> list[dict]:
    """The final state of every step: what was typed, the verdict, the right value, the credit."""
    items = []
    exercise = session.exercise
    output = session.solution.output
    exam_items = session.exam_report if session.mode == EXAM and session.submitted else None
    withheld = withholds_right_values(session)
    for index, (step, state) in enumerate(zip(session.steps, session.states)):
        expected = session.checker.expected(step.quantity)
        verdict = state.verdict
        if state.status == REVEALED:
            outcome = "revealed"
        elif verdict is None:
            outcome = "unanswered"
        else:
            outcome = verdict.verdict
        if exam_items is not None:
            credit = exam_items[index].credit
        else:
            credit = session.practice_credit(state)
        items.append(
            {
                "quantity": str(step.quantity),
                "label": step.quantity.label(output),
                "phase": step.phase,
                "prompt": step.prompt,
                "answer": state.answer,
                "read_as": verdict.read_as if verdict else "",
                "verdict": outcome,
                "carried_forward": bool(verdict and verdict.carried_forward),
                "diagnosis": verdict.diagnosis if verdict else None,
                "message": verdict.message if verdict else "",
                "expected": None if withheld else to_nested_list(expected),
                "right_value": None if withheld else right_value_text(session.solution, step.quantity, expected),
                "wrong_attempts": state.wrong_attempts,
                "hints": state.hints_shown,
                "credit": round(credit, 4),
                "points": step_points(exercise, step.quantity),  # what the step is worth; credit is the share earned
            }
        )
    return items


def build_transcript(session: Session, learner: str | None = None) -> dict:
    exercise = session.exercise
    solution = session.solution
    summary = session.summary()
    withheld = withholds_right_values(session)
    transcript = {
        "format": TRANSCRIPT_FORMAT,
        "version": TRANSCRIPT_VERSION,
        "generated": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "learner": learner or (session.store or ProgressStore()).learner_name(),
        "mode": session.mode,
        "exercise": {
            "name": exercise.name,
            "title": exercise.title,
            "path": str(exercise.path.resolve()) if exercise.path else None,  # re-gradable from any folder
            "fingerprint": session.fingerprint,
            "source": exercise.source,
        },
        "inputs": {name: spec.text for name, spec in exercise.written_inputs.items()},
        "graph": {node.name: to_text(node.expression) for node in exercise.written_nodes},
        "output": solution.output,
        "finished": session.finished,
        "score": {
            "points": summary.score,
            "max": summary.max_score,
            "percent": round(summary.percent, 2),
            "first_try": summary.first_try,
            "after_retries": summary.after_retries,
            "hinted": summary.hinted,
            "revealed": summary.revealed,
            "open": summary.open,
            "seconds": round(summary.seconds, 1),
        },
        "items": step_items(session),
        "events": session.events,
        "final": None
        if withheld
        else {
            name: {"value": to_nested_list(solution.values[name]), "grad": to_nested_list(solution.grads[name])}
            for name in solution.names
        },
    }
    if withheld:
        transcript["withheld"] = WITHHELD_NOTE
    return transcript


# -- for people: what each step's outcome and the score say, in words --------------------------


def as_typed(text: str) -> str:
    """What a learner typed, every invisible character written as an escape (\\n and \\t too: one line)."""
    return visible(text, keep="")


def outcome_words(verdict: str) -> str:
    """An item's verdict for people: "unanswered" is said "not answered"."""
    return "not answered" if verdict == "unanswered" else verdict


def right_value_words(item: dict) -> str:
    """A step's right value as people read it, or that it is withheld (an exam not yet submitted)."""
    if item["expected"] is None:
        return WITHHELD_WORDS
    return item.get("right_value") or format_value(item["expected"])  # older transcripts have no right_value


def why(item: dict) -> str:
    """What the learner was told about a step's final answer: for a wrong one, the checker's message
    with the likely mistake in words; for one right only from their own earlier numbers, that; else ""."""
    return as_typed(item["message"]) if item["verdict"] == "wrong" or item["carried_forward"] else ""


def score_counts(transcript: dict) -> str:
    """How the steps went, in words. An exam counts right, wrong and unanswered steps from the items,
    as its report does (the score's `open` lumps wrong and unanswered together)."""
    score = transcript["score"]
    if transcript["mode"] != EXAM:
        return (
            f"right first time {score['first_try']}, after retries {score['after_retries']}, "
            f"with hints {score['hinted']}, revealed {score['revealed']}, not done {score['open']}"
        )
    items = transcript["items"]
    if not transcript["finished"]:
        return f"not submitted yet: {sum(bool(item['answer']) for item in items)} of {len(items)} answered"
    return exam_counts(items)


def exam_counts(items: list[dict]) -> str:
    """A submitted exam's steps counted by verdict: the report and the transcripts say the same."""
    verdicts = [item["verdict"] for item in items]
    return (
        f"right {verdicts.count('correct')}, wrong {verdicts.count('wrong')}, "
        f"not answered {verdicts.count('unanswered')}"
    )


# -- Markdown -----------------------------------------------------------------------------------


def mermaid_graph(transcript: dict, solution) -> str:
    """The graph as a Mermaid flowchart, each node with its final value and gradient, each edge with its local
    derivative; only the names and edges while the right values are withheld (an exam not yet submitted)."""
    lines = ["```mermaid", "flowchart LR"]
    identifiers = {name: f"n{index}" for index, name in enumerate(solution.names)}
    final_values = transcript["final"]
    for name in solution.names:
        label = name
        if final_values is not None:
            final = final_values[name]
            label = f"{name} = {format_value(final['value'], 4)}<br/>∇ {format_value(final['grad'], 4)}"
        shape = ('["', '"]') if name in solution.graph.inputs else ('("', '")')
        lines.append(f"    {identifiers[name]}{shape[0]}{_mermaid_escape(label)}{shape[1]}")
    for source, target in solution.edges:
        if final_values is None:
            lines.append(f"    {identifiers[source]} --> {identifiers[target]}")
            continue
        local = format_value(solution.local_derivative(target, source).value, 3)
        lines.append(f'    {identifiers[source]} -->|"{_mermaid_escape(local)}"| {identifiers[target]}')
    lines.append("```")
    return "\n".join(lines)


def _mermaid_escape(text: str) -> str:
    return text.replace('"', "#quot;").replace("[", "#91;").replace("]", "#93;")


def _event_lines(transcript: dict, quantity: str) -> list[str]:
    lines = []
    for event in transcript["events"]:
        if event.get("step") != quantity or event["type"] not in ("answer", "hint", "reveal"):
            continue
        stamp = time.strftime("%H:%M:%S", time.localtime(event["time"]))
        if event["type"] == "answer":
            verdict = "unreadable" if not event.get("readable", True) else event.get("verdict") or "saved"
            message = f" — {as_typed(event['message'])}" if event.get("message") else ""  # it may quote the text
            lines.append(
                f"- {stamp} typed `{as_typed(event['text'])}` (read as {event.get('read_as') or '?'}): "
                f"**{verdict}**{message}"
            )
        elif event["type"] == "hint":
            lines.append(f"- {stamp} asked for hint {event['level']}")
        else:
            lines.append(f"- {stamp} revealed the answer")
    return lines


def to_markdown(transcript: dict, solution) -> str:
    score = transcript["score"]
    parts = [
        f"# {transcript['exercise']['title']}",
        "",
        f"Learner: {transcript['learner']} · mode: {transcript['mode']} · generated {transcript['generated']}",
        "",
        f"**Score: {score['points']:g} of {score['max']} ({score['percent']:.0f}%)** — {score_counts(transcript)}.",
        "",
        *([f"Right values: {WITHHELD_WORDS}.", ""] if transcript["final"] is None else []),
        "## Inputs",
        "",
        "| input | value |",
        "| --- | --- |",
        *[f"| {name} | {value} |" for name, value in transcript["inputs"].items()],
        "",
        "## Graph",
        "",
        "| node | expression |",
        "| --- | --- |",
        *[f"| {name} | `{expression}` |" for name, expression in transcript["graph"].items()],
        "",
        mermaid_graph(transcript, solution),
        "",
        "## Steps",
        "",
    ]
    for number, item in enumerate(transcript["items"], start=1):
        parts.append(f"### {number}. {item['phase']}: {item['prompt']}")
        parts.append("")
        parts.append(
            f"Verdict: **{outcome_words(item['verdict'])}**"
            + (" (graded using earlier answers)" if item["carried_forward"] else "")
            + f" · right value: `{right_value_words(item)}` · credit {item['credit']:g}"
        )
        parts.append("")
        if why(item):
            parts.extend([f"Why: {why(item)}", ""])
        parts.extend(_event_lines(transcript, item["quantity"]) or ["- (no answer)"])
        parts.append("")
    # a title or an answer with an escape sequence must not act on the terminal of whoever prints the file
    return visible("\n".join(parts))


# -- HTML ---------------------------------------------------------------------------------------

_CSS = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #111; }
h1 { margin-bottom: 0.2rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; width: 100%; }
th, td { border: 1px solid #999; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #eee; }
code { font-family: ui-monospace, monospace; }
.correct { color: #075e07; } .wrong { color: #9b0000; } .revealed, .unanswered { color: #6b4e00; }
.score { font-size: 1.2rem; font-weight: bold; }
@media print { body { margin: 0; max-width: none; } tr { page-break-inside: avoid; } }
"""


def to_html(transcript: dict, solution) -> str:
    escape = html.escape
    score = transcript["score"]
    counts = score_counts(transcript)
    rows = []
    for number, item in enumerate(transcript["items"], start=1):
        history = (
            "<br>".join(
                escape(line.lstrip("- ").replace("**", "").replace("`", ""))
                for line in _event_lines(transcript, item["quantity"])
            )
            or "(no answer)"
        )
        verdict = outcome_words(item["verdict"]) + (" (earlier answers)" if item["carried_forward"] else "")
        rows.append(
            f"<tr><td>{number}</td><td>{escape(item['phase'])}: {escape(item['prompt'])}</td>"
            f"<td><code>{escape(as_typed(item['answer']))}</code></td>"
            f'<td class="{escape(item["verdict"])}">{escape(verdict)}'
            f"{'<br>' + escape(why(item)) if why(item) else ''}</td>"
            f"<td><code>{escape(right_value_words(item))}</code></td><td>{item['credit']:g}</td>"
            f"<td>{history}</td></tr>"
        )
    if transcript["final"] is None:
        final_table = f"<p>{escape(WITHHELD_WORDS[:1].upper() + WITHHELD_WORDS[1:])}.</p>"
    else:
        final_rows = [
            f"<tr><td>{escape(name)}</td><td><code>{escape(format_value(final['value']))}</code></td>"
            f"<td><code>{escape(format_value(final['grad']))}</code></td></tr>"
            for name, final in transcript["final"].items()
        ]
        final_table = f"<table><tr><th>name</th><th>value</th><th>gradient</th></tr>{''.join(final_rows)}</table>"
    graph_rows = [
        f"<tr><td>{escape(name)}</td><td><code>{escape(expression)}</code></td></tr>"
        for name, expression in transcript["graph"].items()
    ]
    input_rows = [
        f"<tr><td>{escape(name)}</td><td><code>{escape(value)}</code></td></tr>"
        for name, value in transcript["inputs"].items()
    ]
    # control characters written as escapes, as in the Markdown (html.escape leaves them)
    return visible(f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{escape(transcript["exercise"]["title"])}: transcript</title>
<style>{_CSS}</style>
</head>
<body>
<h1>{escape(transcript["exercise"]["title"])}</h1>
<p>Learner: {escape(transcript["learner"])} · mode: {escape(transcript["mode"])} · {escape(transcript["generated"])}</p>
<p class="score">Score: {score["points"]:g} of {score["max"]} ({score["percent"]:.0f}%)</p>
<p>{escape(counts[:1].upper() + counts[1:])}.</p>
<h2>Inputs</h2>
<table><tr><th>input</th><th>value</th></tr>{"".join(input_rows)}</table>
<h2>Graph</h2>
<table><tr><th>node</th><th>expression</th></tr>{"".join(graph_rows)}</table>
<h2>Final values and gradients of {escape(transcript["output"])}</h2>
{final_table}
<h2>Steps</h2>
<table><tr><th>#</th><th>step</th><th>answer</th><th>verdict</th><th>right value</th><th>credit</th><th>history</th></tr>
{"".join(rows)}</table>
</body>
</html>
""")


# -- reading and re-grading ---------------------------------------------------------------------


def check_transcript(data) -> dict:
    """A transcript's JSON, checked for the fields a re-grade needs."""
    if not isinstance(data, dict) or data.get("format") != TRANSCRIPT_FORMAT:
        raise TranscriptError("this is not a backprop-tutor transcript")
    version = data.get("version")
    if not isinstance(version, int):
        raise TranscriptError("the transcript has no format version")
    if version > TRANSCRIPT_VERSION:
        raise TranscriptError(
            f"the transcript is format version {version}, written by a newer backprop-tutor; "
            f"this one reads version {TRANSCRIPT_VERSION}: please upgrade"
        )
    for key, kind in (("exercise", dict), ("events", list), ("items", list), ("score", dict), ("mode", str)):
        if not isinstance(data.get(key), kind):
            raise TranscriptError(f"the transcript is damaged: '{key}' is missing or malformed")
    if data["mode"] not in ("practice", "exam"):
        raise TranscriptError(f"the transcript has an unknown mode '{data['mode']}'")
    if len(data["events"]) > MAX_TRANSCRIPT_EVENTS:  # each answer is graded again, a few milliseconds each
        raise TranscriptError(
            f"the transcript has {len(data['events']):,} events; the limit is {MAX_TRANSCRIPT_EVENTS:,}"
        )
    for event in data["events"]:
        if not isinstance(event, dict) or "type" not in event or not isinstance(event.get("time"), (int, float)):
            raise TranscriptError("the transcript is damaged: an event has no type or time")
    return data


def replayed_transcript(transcript: dict, exercise) -> Session:
    """A fresh session of the exercise with the transcript's actions replayed: every verdict re-derived."""
    session = Session(exercise, mode=transcript["mode"])
    try:
        session.replay(transcript["events"])
    except (KeyError, TypeError, ValueError, SessionError):
        raise TranscriptError("the transcript's answers do not fit this exercise's steps") from None
    return session


def regrade(transcript: dict, exercise) -> tuple[dict, list[str]]:
    """Replay the typed answers on a fresh session; return the re-derived transcript and every place
    where the stored one disagrees with it (a verdict or score edited by hand)."""
    session = replayed_transcript(transcript, exercise)
    fresh = build_transcript(session, transcript.get("learner"))
    differences = []
    stored_items = {item.get("quantity"): item for item in transcript["items"] if isinstance(item, dict)}
    for item in fresh["items"]:
        stored = stored_items.get(item["quantity"])
        if stored is None:
            differences.append(f"{item['quantity']}: missing from the transcript")
            continue
        for key in ("verdict", "credit", "answer"):
            if stored.get(key) != item[key]:
                differences.append(f"{item['quantity']}: stored {key} {stored.get(key)!r}, re-graded {item[key]!r}")
    stored_answers = [event for event in transcript["events"] if event.get("type") == "answer"]
    fresh_answers = [event for event in session.regraded_events if event.get("type") == "answer"]
    for stored, recomputed in zip(stored_answers, fresh_answers):
        for key in ("verdict", "carried_forward", "readable"):
            if stored.get(key) != recomputed.get(key):
                differences.append(
                    f"{stored.get('step')}: an answer event's stored {key} {stored.get(key)!r}, "
                    f"re-graded {recomputed.get(key)!r}"
                )
    for key in fresh["score"]:
        if key == "seconds":
            continue
        if transcript["score"].get(key) != fresh["score"][key]:
            differences.append(
                f"score: stored {key} {transcript['score'].get(key)!r}, re-graded {fresh['score'][key]!r}"
            )
    fingerprint = transcript["exercise"].get("fingerprint")
    if not isinstance(fingerprint, str) or not fingerprint:
        differences.append("the exercise's fingerprint is missing: which exercise was worked on cannot be checked")
    elif exercise.path is not None and not same_exercise(fingerprint, exercise.path):
        differences.append("the exercise file differs from the one the learner worked on")
    return fresh, differences


# -- a teacher's key: signed transcripts (docs/transcript-format.md, "What a re-grade can detect") ------------

SIGNATURE_ALGORITHM = "hmac-sha256"
KEY_MINIMUM_BYTES = 16


def read_key(path: Path) -> bytes:
    """A teacher's key file: its bytes, without a final newline. ValueError, in words, when it cannot be one."""
    try:
        key = path.read_bytes().rstrip(b"\r\n")
    except OSError as error:
        raise ValueError(f"the key file {path} cannot be read: {error.strerror or error}") from None
    if len(key) < KEY_MINIMUM_BYTES:
        raise ValueError(
            f"the key file {path} holds {len(key)} bytes; a key needs at least {KEY_MINIMUM_BYTES} "
            "(make one with: head -c 32 /dev/urandom | base64 > FILE)"
        )
    return key


def _signed_bytes(transcript: dict) -> bytes:
    """Every field but the signature, in one canonical form: any edit anywhere changes it."""
    unsigned = {key: value for key, value in transcript.items() if key != "signature"}
    return json.dumps(unsigned, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign(transcript: dict, key: bytes) -> dict:
    """The transcript with an HMAC-SHA256 of all its fields under the teacher's key."""
    digest = hmac.new(key, _signed_bytes(transcript), hashlib.sha256).hexdigest()
    return {**transcript, "signature": {"algorithm": SIGNATURE_ALGORITHM, "value": digest}}


def signature_problem(transcript: dict, key: bytes) -> str | None:
    """Why a transcript's signature does not prove it unedited under ``key``, or None when it does."""
    signature = transcript.get("signature")
    if not isinstance(signature, dict) or not signature.get("value"):
        return "it is not signed: the key cannot vouch for it (taken without the key, or the signature removed)"
    if signature.get("algorithm") != SIGNATURE_ALGORITHM or not isinstance(signature["value"], str):
        return f"its signature is not {SIGNATURE_ALGORITHM}"
    expected = hmac.new(key, _signed_bytes(transcript), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature["value"]):
        return "its signature does not match: it was changed after it was written, or signed with another key"
    return None


def write_transcript(transcript: dict, solution, form: str, destination: Path | None) -> str:
    if form == "json":
        text = json.dumps(transcript, indent=2, ensure_ascii=False)
    elif form == "md":
        text = to_markdown(transcript, solution)
    else:
        text = to_html(transcript, solution)
    if destination is not None:
        save_text(destination, text)
    return text


def export_all(session: Session, folder: Path, learner: str | None = None, key: bytes | None = None) -> list[Path]:
    """Write the transcript in all three formats, signed with the teacher's ``key`` when given; return the files
    written."""
    transcript = build_transcript(session, learner)
    if key is not None:
        transcript = sign(transcript, key)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    written = []
    for form, suffix in (("md", ".md"), ("json", ".json"), ("html", ".html")):
        path = folder / f"{session.exercise.name}-{session.mode}-{stamp}{suffix}"
        write_transcript(transcript, session.solution, form, path)
        written.append(path)
    return written
