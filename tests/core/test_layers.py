"""The shape of the code: data walks one way, and no app package imports itself back."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]


def _app_graph() -> dict[str, set[str]]:
    graph = grimp.build_graph("supportdesk")
    apps = sorted({m.split(".")[1] for m in graph.modules if m.count(".") >= 1})
    return {
        a: {
            b
            for b in apps
            if a != b
            and graph.direct_import_exists(
                importer=f"supportdesk.{a}", imported=f"supportdesk.{b}", as_packages=True
            )
        }
        for a in apps
    }


def _cycle(edges: dict[str, set[str]]) -> list[str]:
    """One import circle among the packages, or [] (depth-first search)."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = 2
        path.pop()
        return []

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_no_import_circle_among_the_app_packages():
    assert _cycle(_app_graph()) == []


def test_the_cycle_finder_finds_a_circle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) == []


def test_ticket_actions_import_no_channel_or_side_effect():
    graph = grimp.build_graph("supportdesk")
    for higher in ("mail", "console", "search", "odoo", "reports", "portal", "api", "phone"):
        assert not graph.direct_import_exists(
            importer="supportdesk.tickets",
            imported=f"supportdesk.{higher}",
            as_packages=True,
        ), higher


def test_layer_contract_is_kept():
    """`lint-imports` with the contract of pyproject.toml, as `make lint` runs it."""
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout
