"""No module of tutor imports, directly or through others, a module that imports it back.

The import graph is grimp's (installed with import-linter): every import statement of every module, those inside
functions included, so a cycle cannot hide behind a function-level import.
"""

from __future__ import annotations

import grimp

# `tutor` with no command starts the TUI: the one import from the headless commands into it, made when it is run
# (the same exception as the layer contract in pyproject.toml).
DELIBERATE = {("tutor.cli.main", "tutor.tui.app")}


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """For each import a -> b where b leads back to a, the cycle a -> b -> ... -> a."""
    cycles = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if imported == importer or (importer, imported) in DELIBERATE:
                continue
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back is not None:
                cycles.append([importer, *back])
    return cycles


def test_tutor_has_no_import_cycles():
    graph = grimp.build_graph("tutor")
    for importer, imported in DELIBERATE:
        graph.remove_import(importer=importer, imported=imported)
    cycles = import_cycles(graph)
    assert cycles == [], "\n".join(" -> ".join(cycle) for cycle in cycles)


def test_the_check_finds_a_cycle_hidden_in_a_function():
    graph = grimp.ImportGraph()
    for module in ("pkg.a", "pkg.b"):
        graph.add_module(module)
    graph.add_import(importer="pkg.a", imported="pkg.b", line_number=1, line_contents="from . import b")
    graph.add_import(importer="pkg.b", imported="pkg.a", line_number=9, line_contents="    from . import a")
    assert import_cycles(graph) == [["pkg.a", "pkg.b", "pkg.a"], ["pkg.b", "pkg.a", "pkg.b"]]
