#!/usr/bin/env python3
"""Checks the shape of cimi-core: no module cycle, layers depended on downward
only, and no source file over 1,000 lines.

The module graph is read from the `crate::` paths of every source file
(comments and doc comments excluded): an edge A -> B means a file of the
top-level module A names something in the top-level module B. Run from the
repository's root; exits non-zero with the reasons when a rule is broken.
"""

import pathlib
import re
import sys

SRC = pathlib.Path("cimi-core/src")
MAX_LINES = 1000

# The layers, bottom first; a module may depend on its own layer (without a
# cycle) and on the layers below. See ARCHITECTURE.md.
LAYERS = [
    ("model", {"ids", "text", "i18n", "limits", "skills", "address", "member", "event",
               "registration", "statutes", "help", "watch", "waitlist", "change"}),
    ("error", {"error"}),
    ("engine", {"community", "directory", "table"}),
    ("services", {"store", "gdpr", "interop", "stats"}),
]
# What lib.rs re-exports at the crate's root, and from where.
REEXPORTS = {"Error": "error", "Community": "community", "Lang": "i18n",
             "UnknownLang": "i18n", "Statutes": "statutes", "journal": "store"}
LAYER_OF = {m: i for i, (_, mods) in enumerate(LAYERS) for m in mods}


def module_of(path: pathlib.Path) -> str:
    rel = path.relative_to(SRC)
    first = rel.parts[0]
    return first[:-3] if first.endswith(".rs") else first


def code_lines(text: str):
    """The lines of code, without line comments (doc comments included)."""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        yield line.split("//")[0] if "://" not in line else line


def main() -> int:
    problems = []
    graph = {}
    for path in sorted(SRC.rglob("*.rs")):
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n") + 1
        if lines > MAX_LINES:
            problems.append(f"{path}: {lines} lines (at most {MAX_LINES})")
        module = module_of(path)
        if module == "lib":
            continue
        deps = graph.setdefault(module, set())
        for line in code_lines(text):
            for target in re.findall(r"\bcrate::([A-Za-z_][A-Za-z0-9_]*)", line):
                target = REEXPORTS.get(target, target)
                if target != module:
                    deps.add(target)
    # Every module must be placed in a layer.
    for module in sorted(graph):
        if module not in LAYER_OF:
            problems.append(f"module `{module}` is in no layer of scripts/check_layers.py")
    # Layers: no edge upward.
    for module, deps in sorted(graph.items()):
        for dep in sorted(deps):
            if dep in LAYER_OF and module in LAYER_OF and LAYER_OF[dep] > LAYER_OF[module]:
                problems.append(
                    f"`{module}` ({LAYERS[LAYER_OF[module]][0]}) depends upward on "
                    f"`{dep}` ({LAYERS[LAYER_OF[dep]][0]})")
    # Cycles: strongly connected components of more than one module (Tarjan).
    index, low, stack, on_stack, sccs = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            scc = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                scc.append(w)
                if w == v:
                    break
            if len(scc) > 1:
                sccs.append(sorted(scc))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    for scc in sccs:
        problems.append("module cycle: " + " -> ".join(scc))
    if problems:
        print("cimi-core's shape is broken:", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 1
    edges = sum(len(d) for d in graph.values())
    print(f"cimi-core: {len(graph)} modules, {edges} dependencies, no cycle, layers respected, "
          f"every file at most {MAX_LINES} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
