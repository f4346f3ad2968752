"""Arrow in and out of `cimi`, against the paths they replace, in one run.

1. `members_table()` into a polars DataFrame at 10^5 and 10^6 members:
   before, a dict of Python lists given to `pl.DataFrame`; after, the
   `cimi.Table` (Arrow, PyCapsule interface) given to `pl.DataFrame`. The
   "before" is measured two ways: `pl.DataFrame(table.to_pydict())` (the dict
   of lists this module still builds on request), and, with `--before DIR`,
   the previous module's own `members_table()` (a `cimi` package from before
   the tables were Arrow data, loaded side by side as `cimi_before`).
   Floor: after ≥ 10× faster.
2. `register_many` with the requests as a polars DataFrame (read in Rust,
   column by column) against the same requests as a list of dicts, and
   against plain Python (`bench_register.py`'s implementation of the rules
   with email-validator). The list of dicts is timed as it is and with its
   making from the DataFrame (`df.to_dicts()`), what a DataFrame user pays.
   Floor: the DataFrame ≥ 1.5× faster than the list of dicts. Every path
   must give the same outcomes.

    python benches/python/bench_arrow.py [--members 100000,1000000] [--requests 100000]
                                         [--repeat 5] [--before DIR]

Figures are ratios within the run (see benches/README.md); nothing is
asserted on time.
"""

from __future__ import annotations

import argparse
import importlib
import pathlib
import shutil
import statistics
import sys
import tempfile
import time
from typing import Any, Callable, Optional

import polars as pl

import cimi

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from bench_register import ENDS, NOW, STARTS, PlainCommunity, requests  # noqa: E402


def best(runs: int, setup: Callable[[], Any], body: Callable[[Any], Any]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        state = setup()
        t0 = time.perf_counter()
        result = body(state)
        times.append(time.perf_counter() - t0)
    return min(times), result


def load_before(directory: Optional[pathlib.Path]) -> Any:
    """The `cimi` package in `directory`, imported as `cimi_before`."""
    if directory is None:
        return None
    scratch = pathlib.Path(tempfile.mkdtemp(prefix="cimi-before-"))
    shutil.copytree(directory, scratch / "cimi_before", ignore=shutil.ignore_patterns("__pycache__"))
    sys.path.insert(0, str(scratch))
    return importlib.import_module("cimi_before")


def directory(n: int) -> cimi.Community:
    """`n` members with a full profile, imported as a table."""
    ministries = ["interieur", "agri", "finances", "defense", "sante"]
    columns = {
        "email": [f"membre.{i}@{ministries[i % 5]}.gouv.fr" for i in range(n)],
        "family_name": [f"Nom{i % 5000}" for i in range(n)],
        "given_name": ["Prénom"] * n,
        "service": [("DNUM", "DGGN", "SDSICIF")[i % 3] for i in range(n)],
        "grade": ["attaché"] * n,
        "function": ["chef de projet"] * n,
        "affiliation": [["Intérieur", "DNUM"] if i % 2 else [] for i in range(n)],
        "skills": [["rust", f"s{i % 40}"] if i % 3 == 0 else [] for i in range(n)],
    }
    c = cimi.Community.cimi()
    report = c.import_members(pl.DataFrame(columns), at=NOW)
    assert report["complete"], report["rejected"][:3]
    return c


def bench_tables(sizes: list[int], repeat: int, before: Any) -> list[str]:
    lines = []
    for n in sizes:
        c = directory(n)
        runs = max(1, min(repeat, 5) if n <= 100_000 else 2)
        t_after, after = best(runs, lambda: None, lambda _: pl.DataFrame(c.members_table(at=NOW)))
        t_dict, via_dict = best(runs, lambda: None, lambda _: pl.DataFrame(c.members_table(at=NOW).to_pydict()))
        t_table, _ = best(runs, lambda: None, lambda _: c.members_table(at=NOW))
        assert after.equals(via_dict), "the two paths disagree"
        line = (f"members_table -> polars, {n:>9,} members: Arrow {t_after * 1e3:8.1f} ms "
                f"(of which the table {t_table * 1e3:.1f} ms); dict of lists (to_pydict) {t_dict * 1e3:8.1f} ms "
                f"= {t_dict / t_after:5.1f}x")
        if before is not None:
            old = before.Community.from_json(c.to_json())
            t_old, old_frame = best(runs, lambda: None, lambda _: pl.DataFrame(old.members_table(at=NOW)))
            assert old_frame.height == n
            line += f"; previous module's dict {t_old * 1e3:8.1f} ms = {t_old / t_after:5.1f}x"
        ratio = (t_old if before is not None else t_dict) / t_after
        line += f"  (floor 10x: {'met' if ratio >= 10 else 'NOT met'})"
        print(line, flush=True)
        lines.append(line)
    return lines


def interleaved(runs: int, setup: Callable[[], Any], bodies: dict[str, Callable[[Any], Any]]) -> dict[str, tuple[float, float, Any]]:
    """Each body once per round, in a rotating order, so that the load of a
    shared machine and the allocator's state fall on every path alike:
    (best, median, result) per body."""
    times: dict[str, list[float]] = {name: [] for name in bodies}
    results: dict[str, Any] = {}
    names = list(bodies)
    for round_ in range(runs):
        for name in names[round_ % len(names):] + names[: round_ % len(names)]:
            state = setup()
            t0 = time.perf_counter()
            results[name] = bodies[name](state)
            times[name].append(time.perf_counter() - t0)
    return {name: (min(t), statistics.median(t), results[name]) for name, t in times.items()}


def bench_register(n: int, repeat: int) -> list[str]:
    reqs = requests(n)
    frame = pl.DataFrame(reqs)
    capacity, quotas = n // 2, {"interieur": n // 4}
    base = cimi.Community.cimi()

    def setup() -> tuple[cimi.Community, int]:
        c = base.copy()
        return c, c.schedule_event("conference", "Bench", STARTS, ENDS, capacity, quotas=quotas, at=NOW)

    def plain_setup() -> tuple[PlainCommunity, int]:
        c = PlainCommunity()
        return c, c.schedule_event(capacity, quotas, STARTS)

    def glue(rows: Any) -> Callable[[tuple[cimi.Community, int]], None]:
        """`register_many` for an event that does not exist: the rows are
        read (and, for Arrow, checked) as for a real batch, then the core
        answers at once. What this costs is the bindings' share."""
        def run(s: tuple[cimi.Community, int]) -> None:
            try:
                s[0].register_many(s[1] + 1_000_000, rows, at=NOW)
            except cimi.NotFound:
                return
            raise AssertionError("an unknown event was found")
        return run

    m = interleaved(repeat, setup, {
        "frame": lambda s: s[0].register_many(s[1], frame, at=NOW),
        "dicts": lambda s: s[0].register_many(s[1], reqs, at=NOW),
        "to_dicts": lambda s: s[0].register_many(s[1], frame.to_dicts(), at=NOW),
        "glue frame": glue(frame),
        "glue dicts": glue(reqs),
    })
    t_plain, by_plain = best(max(1, repeat // 2), plain_setup, lambda s: s[0].register_many(s[1], reqs, NOW))
    by_frame = m["frame"][2]
    assert by_frame == m["dicts"][2] == m["to_dicts"][2], "the DataFrame and the dicts disagree"
    agree = sum(a == b for a, b in zip(by_plain, by_frame))
    us = lambda t: t / n * 1e6  # noqa: E731

    def row(label: str, key: str) -> str:
        best_, median, _ = m[key]
        glue_key = {"frame": "glue frame", "dicts": "glue dicts"}.get(key)
        reading = f" (reading the rows: {us(m[glue_key][0]):.2f})" if glue_key else ""
        ratio = "" if key == "frame" else (
            f"  -> {best_ / m['frame'][0]:4.2f}x best, {median / m['frame'][1]:4.2f}x median")
        return f"  {label:<26} {us(best_):6.2f} us/request best, {us(median):6.2f} median{reading}{ratio}"

    floor = min(m["dicts"][0] / m["frame"][0], m["dicts"][1] / m["frame"][1])
    lines = [
        f"register_many, {n:,} requests ({repeat} interleaved rounds); outcomes: polars = dicts on {n}/{n}, "
        f"plain Python = cimi on {agree}/{n}",
        row("polars DataFrame", "frame"),
        row("list of dicts", "dicts") + f"  (floor 1.5x: {'met' if floor >= 1.5 else 'NOT met'})",
        row("df.to_dicts() + the list", "to_dicts"),
        f"  {'plain Python':<26} {us(t_plain):6.2f} us/request best  -> {t_plain / m['frame'][0]:5.1f}x",
    ]
    for line in lines:
        print(line, flush=True)
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", default="100000,1000000", help="sizes of the members table, comma-separated")
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--before", type=pathlib.Path, help="a `cimi` package from before the Arrow tables")
    args = parser.parse_args()
    before = load_before(args.before)
    print(f"cimi {cimi.__version__}, polars {pl.__version__}, Python {sys.version.split()[0]}"
          + (f", before: {args.before}" if before is not None else ""))
    bench_tables([int(s) for s in args.members.split(",") if s], args.repeat, before)
    bench_register(args.requests, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
