#!/usr/bin/env python3
"""Which top-level packages of parindex import each other in a circle.

    .venv/bin/python scripts/import-layers.py            # summary
    .venv/bin/python scripts/import-layers.py --edges    # also the imports behind each cyclic pair

Builds the import graph with grimp (the library import-linter uses, so it sees what
`make lint` sees, deferred imports inside functions included), collapses it to one node per
top-level package or module of parindex, and prints the strongly connected components of that
graph: a component with more than one member is a set of packages none of which can be
understood, tested or layered without the others. It also lists the pairs of packages that
import each other directly, and the import cycles among the demo modules (`parindex/demo/`,
`*/demo.py`, the demo management commands), which run at start-up of `manage.py demo`.

Exit status 1 when any package-level cycle or demo cycle exists, so the script can guard CI.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping

import grimp

ROOT = "parindex"


def top_level(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else module


def strongly_connected(nodes: Iterable[str], edges: Mapping[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; components in reverse topological order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for start in sorted(nodes):
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def is_demo(module: str) -> bool:
    parts = module.split(".")
    return (
        parts[-1] == "demo"
        or "demo" in parts
        or ("commands" in parts and parts[-1].startswith("demo"))
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--edges", action="store_true", help="list the imports behind each cyclic pair"
    )
    args = parser.parse_args(argv)

    graph = grimp.build_graph(ROOT)
    modules = sorted(m for m in graph.modules if m.startswith(ROOT + "."))

    packages = sorted({top_level(m) for m in modules})
    edges: dict[str, set[str]] = defaultdict(set)
    behind: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    module_edges: dict[str, set[str]] = defaultdict(set)
    for importer in modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            if not imported.startswith(ROOT + "."):
                continue
            module_edges[importer].add(imported)
            a, b = top_level(importer), top_level(imported)
            if a != b:
                edges[a].add(b)
                behind[(a, b)].append((importer, imported))

    components = strongly_connected(packages, edges)
    cyclic = [c for c in components if len(c) > 1]
    largest = max((len(c) for c in components), default=0)
    pairs = sorted((a, b) for a in packages for b in edges[a] if a < b and a in edges[b])
    print(f"top-level packages and modules of {ROOT}: {len(packages)}")
    print(f"strongly connected components with a cycle: {len(cyclic)}")
    print(f"largest component: {largest if cyclic else 1}")
    for component in cyclic:
        print(f"  [{len(component)}] " + " ".join(p.removeprefix(ROOT + ".") for p in component))
    print(f"pairs importing each other directly: {len(pairs)}")
    for a, b in pairs:
        print(f"  {a.removeprefix(ROOT + '.')} <-> {b.removeprefix(ROOT + '.')}")
        if args.edges:
            for importer, imported in sorted(behind[(a, b)] + behind[(b, a)]):
                print(f"      {importer} -> {imported}")

    demo = {m for m in modules if is_demo(m)}
    demo_edges = {m: {n for n in module_edges[m] if n in demo} for m in demo}
    demo_cycles = [c for c in strongly_connected(demo, demo_edges) if len(c) > 1]
    print(f"demo modules: {len(demo)}, import cycles among them: {len(demo_cycles)}")
    for component in demo_cycles:
        print("  " + " ".join(component))
        if args.edges:
            for importer in component:
                for imported in sorted(demo_edges[importer] & set(component)):
                    print(f"      {importer} -> {imported}")

    return 1 if cyclic or demo_cycles else 0


if __name__ == "__main__":
    sys.exit(main())
