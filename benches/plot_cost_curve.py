"""Plots benches/cost-curve.csv (written by the cost_curve binary) as
benches/cost-curve.png: time per operation and memory per member against N.

    .venv/bin/python benches/plot_cost_curve.py   # needs matplotlib
"""
import csv
import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

here = pathlib.Path(__file__).parent
rows = list(csv.DictReader(open(here / "cost-curve.csv")))
n = [int(r["n"]) for r in rows]
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
for key, label in [
    ("register_ns", "registration decision"),
    ("hashset_insert_ns", "HashSet<String> insert (baseline)"),
    ("cancel_promote_100_ns", "cancel + promote, waiting list 100"),
    ("cancel_promote_long_ns", "cancel + promote, waiting list min(N, 100k)"),
    ("address_check_ns", "address check"),
]:
    left.plot(n, [float(r[key]) for r in rows], marker="o", label=label)
left.plot(n, [5 * float(r["hashset_insert_ns"]) for r in rows], linestyle="--", color="grey", label="5 x HashSet insert (registration floor)")
left.set(xscale="log", yscale="log", xlabel="members (N)", ylabel="ns per operation", title="Time per operation")
left.legend(fontsize=8)
right.plot(n, [float(r["bytes_per_member"]) for r in rows], marker="o", label="resident bytes per member")
right.plot(n, [float(r["load_journal_s"]) * 1e9 / int(r["n"]) for r in rows], marker="s", label="load from journal, ns per member")
right.plot(n, [float(r["load_json_s"]) * 1e9 / int(r["n"]) for r in rows], marker="^", label="load from JSON, ns per member")
right.axhline(250, color="grey", linestyle="--", label="memory floor: 250 bytes")
right.set(xscale="log", xlabel="members (N)", title="Memory and loading per member")
right.legend(fontsize=8)
fig.tight_layout()
fig.savefig(here / "cost-curve.png", dpi=110)
print("wrote", here / "cost-curve.png")
