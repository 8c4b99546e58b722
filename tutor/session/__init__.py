"""A learner's walk through an exercise, independent of any screen.

Each name is loaded on first use: the catalog, the progress store and the modes need no NumPy, so
`tutor` opens its catalog without loading the engine.
"""

from importlib import import_module

_MODULE_OF = {
    "CORRECT": "session",
    "OPEN": "session",
    "REVEALED": "session",
    "ExamItem": "session",
    "Session": "session",
    "SessionError": "session",
    "StepState": "session",
    "Summary": "session",
    "EXAM": "modes",
    "PRACTICE": "modes",
    "Step": "steps",
    "build_steps": "steps",
    "OpenElsewhere": "store",
    "ProgressLock": "store",
    "lock_label": "store",
    "ProgressStore": "store",
    "data_dir": "store",
}
__all__ = sorted(_MODULE_OF)


def __getattr__(name: str):
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_MODULE_OF[name]}", __name__), name)
