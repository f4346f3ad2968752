"""A data scientist's session with `cimi`, as a script (each `# %%` is a
notebook cell; VS Code and Jupytext open it as a notebook).

1. Build the main job's community in Python: the miditech of 12 December 2017
   "L'État plateforme", its requests replayed one by one from
   `tests/data/miditech-2017-requests.json` exactly as
   `cargo run -p cimi-core --example miditech_2017` does; the counts are
   checked against the main job's golden output.
2. Schedule the next season and register the requests of a CSV file read
   with polars: `register_many` takes the DataFrame as it is (Arrow, read in
   Rust without the GIL).
3. Read the tables as polars DataFrames (Arrow, no copy) and plot the fill
   rate and the waiting list of every event with matplotlib (Agg backend),
   saved to a PNG whose path is printed.

    .venv/bin/python examples/notebook_walkthrough.py [--out DIR]

Needs the `cimi` wheel, polars and matplotlib (cimi-py/requirements-dev.txt);
run by `bash cimi-py/scripts/test.sh` after the Python tests.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import pathlib
import random
import re
import sys
import tempfile
from zoneinfo import ZoneInfo

import matplotlib

matplotlib.use("Agg")  # no display: the figure goes to a file

import matplotlib.pyplot as plt  # noqa: E402
import polars as pl  # noqa: E402

import cimi  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
PARIS = ZoneInfo("Europe/Paris")
OBLIGATIONS = ["deontology", "pssi"]


def paris(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=PARIS)


# %% 1. The main job's community, built in Python


def miditech_2017(community: cimi.Community) -> int:
    """The event of the main job, as `cimi-core/examples/miditech_2017/replay.rs` schedules it."""

    def speaker(name: str, title: str, organisation: str, consent: bool = True) -> dict[str, object]:
        return {"name": name, "title": title, "organisation": organisation, "recording_consent": consent}

    return community.schedule_event(
        "miditech", "L'État plateforme", paris(2017, 12, 12, 12, 30), paris(2017, 12, 12, 14, 30), 60,
        venue={"name": "Direction Générale de la Gendarmerie Nationale",
               "address": "4 rue Claude Bernard, 92130 Issy-les-Moulineaux"},
        remote="https://visio.interieur.gouv.fr/cimi-miditech",
        quotas={"interieur": 40, "other_ministries": 20},
        registration_opens=paris(2017, 11, 20, 9), registration_closes=paris(2017, 12, 11, 12),
        program=[
            {"kind": "introduction", "title": "Introduction CIMI",
             "speakers": [speaker("Isabelle Meslier", "commandant", "Préfecture de police")]},
            {"kind": "welcome", "title": "Accueil gendarmerie",
             "speakers": [speaker("Eric Freyssinet", "colonel", "Gendarmerie nationale")]},
            {"kind": "talk", "title": "Ubérisons l'État ! Avant que d'autres ne s'en chargent",
             "speakers": [speaker("Laura Letourneau", "auteure", "", consent=False)]},
            {"kind": "talk", "title": "L'âge de la multitude",
             "speakers": [speaker("Henri Verdier", "directeur", "DINSIC")]},
            {"kind": "questions_and_answers", "title": "",
             "speakers": [speaker("Laura Letourneau", "auteure", "", consent=False),
                          speaker("Henri Verdier", "directeur", "DINSIC")]},
            {"kind": "conclusion", "title": "", "speakers": [speaker("Philippe Bron", "", "DSIC")]},
        ],
        at=paris(2017, 11, 15, 10),
    )


def replay(community: cimi.Community, event: int, ops: list[dict[str, object]]) -> dict[str, int]:
    """The requests one by one, at their own instants, as the main job replays them."""
    counts = {"registrations": 0, "repeats": 0, "refusals": 0, "cancellations": 0, "promotions": 0}
    for op in ops:
        at = dt.datetime.fromisoformat(str(op["at"]))
        if op["action"] == "register":
            attendance = op.get("attendance")
            try:
                reg = community.register(
                    event, email=str(op["email"]), family_name=op.get("nom"), given_name=op.get("prenom"),
                    service=op.get("service"), grade=op.get("grade"), function=op.get("fonction"),
                    acknowledged=OBLIGATIONS if op.get("acknowledged") else None,
                    attendance=attendance if attendance in ("on_site", "remote", "on_site_or_remote") else None,
                    at=at,
                )
                counts["repeats" if reg.already_registered else "registrations"] += 1
            except cimi.RegistrationRefused:
                counts["refusals"] += 1
        else:
            member = community.member_by_email(str(op["email"]))
            live = [r for r in community.registrations(event) if member and r.member_id == member.id and r.is_live]
            if live:
                counts["promotions"] += len(community.cancel(live[0].id, at=at).promoted)
                counts["cancellations"] += 1
    return counts


def check_against_the_main_job(counts: dict[str, int], requests: int) -> None:
    """The same counts as the main job's golden output (`tests/golden/miditech-2017.en.txt`)."""
    golden = (ROOT / "tests" / "golden" / "miditech-2017.en.txt").read_text(encoding="utf-8")
    line = next(line for line in golden.splitlines() if line.startswith("Requests processed"))
    numbers = [int(n) for n in re.findall(r"\d+", line)]
    mine = [requests, counts["registrations"], counts["repeats"], counts["refusals"],
            counts["cancellations"], counts["promotions"]]
    if numbers != mine:
        raise SystemExit(f"the Python replay differs from the main job: {mine} != {numbers} ({line})")
    print(f"main job replayed in Python: {line}")


# %% 2. Next season, requests from a CSV file read with polars

SEASON = [  # kind, title, day, seats, audience quotas
    ("miditech", "Données ouvertes", paris(2018, 2, 13, 12, 30), 60, {"interieur": 40}),
    ("workshop", "Rust pour les SIC", paris(2018, 3, 6, 9, 30), 20, {}),
    ("conference", "Cybersécurité", paris(2018, 4, 10, 9, 0), 150, {"interieur": 90, "other_ministries": 60}),
    ("miditech", "L'IA dans l'administration", paris(2018, 5, 15, 12, 30), 60, {"interieur": 30}),
]


def write_requests_csv(path: pathlib.Path, titles: list[str], seed: int = 2018) -> None:
    """The kind of file an organiser exports from a form: one row per request."""
    rnd = random.Random(seed)
    services = ["DNUM", "DGGN", "DGPN", "ST(SI)²", "Préfecture du Rhône", "SNUM"]
    domains = ["interieur.gouv.fr"] * 5 + ["gendarmerie.interieur.gouv.fr", "agriculture.gouv.fr",
                                            "finances.gouv.fr", "sante.gouv.fr", "gmail.com"]
    demand = {titles[0]: 130, titles[1]: 45, titles[2]: 260, titles[3]: 70}
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["event", "email", "family_name", "given_name", "service", "grade", "function",
                      "acknowledged", "attendance"])
        for title, n in demand.items():
            for i in range(n):
                name = rnd.choice(["martin", "bernard", "dubois", "thomas", "robert", "richard", "petit"])
                out.writerow([
                    title, f"{name}.{rnd.randrange(400)}@{rnd.choice(domains)}", name.capitalize(), "Camille",
                    rnd.choice(services), rnd.choice(["attaché", "ingénieur des SIC", "capitaine"] * 6 + [""]),
                    "chef de projet", rnd.random() < 0.93, rnd.choice(["", "", "", "on_site_or_remote"]),
                ])


def register_season(community: cimi.Community, csv_path: pathlib.Path) -> pl.DataFrame:
    events = {
        title: community.schedule_event(kind, title, starts, starts + dt.timedelta(hours=2), seats,
                                        quotas=quotas, remote="https://visio.interieur.gouv.fr/cimi",
                                        at=paris(2018, 1, 8, 9))
        for kind, title, starts, seats, quotas in SEASON
    }
    requests = pl.read_csv(csv_path)  # acknowledged: Boolean, attendance: String (null when empty)
    outcomes = []
    for (title,), rows in requests.partition_by("event", as_dict=True).items():
        kinds = community.register_many(events[str(title)], rows.drop("event"), at=paris(2018, 1, 22, 10))
        outcomes.append(rows.select("event").with_columns(outcome=pl.Series(kinds)))
    summary = pl.concat(outcomes).group_by("event", "outcome").len().sort("event", "len", descending=[False, True])
    print(f"\n{requests.height} requests from {csv_path.name}, by outcome:")
    print(summary)
    return summary


# %% 3. Tables and a figure


def figure(community: cimi.Community, out: pathlib.Path) -> pathlib.Path:
    stats = pl.DataFrame(community.event_stats())  # Arrow: no copy, fixed schema
    events = pl.DataFrame(community.events_table()).select(pl.col("id").alias("event_id"), "title", "starts_at")
    table = stats.join(events, on="event_id").sort("starts_at")
    print("\nFill rate and waiting list per event:")
    print(table.select("title", "capacity", "confirmed_on_site", "confirmed_remote", "waiting", "fill_rate"))

    labels = [f"{t}\n{s:%d/%m/%Y}" for t, s in zip(table["title"], table["starts_at"])]
    fig, (fill, waiting) = plt.subplots(1, 2, figsize=(13, 5), constrained_layout=True)
    fill.barh(labels, table["fill_rate"].fill_null(0).to_list(), color="#000091")
    fill.set_xlim(0, 1.05)
    fill.set_xlabel("fill rate (confirmed on site / seats)")
    fill.invert_yaxis()
    waiting.barh(labels, table["waiting"].to_list(), color="#e1000f")
    waiting.set_xlabel("waiting list (registrations)")
    waiting.invert_yaxis()
    waiting.tick_params(labelleft=False)
    fig.suptitle("CIMI events: fill rate and waiting list")
    out.mkdir(parents=True, exist_ok=True)
    path = out / "cimi-fill-and-waiting.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=pathlib.Path, help="directory of the CSV and the figure (default: a temporary one)")
    args = parser.parse_args()
    out = args.out or pathlib.Path(tempfile.mkdtemp(prefix="cimi-walkthrough-"))
    out.mkdir(parents=True, exist_ok=True)

    community = cimi.Community.cimi()
    event = miditech_2017(community)
    ops = json.loads((ROOT / "tests" / "data" / "miditech-2017-requests.json").read_text(encoding="utf-8"))
    check_against_the_main_job(replay(community, event, ops), len(ops))
    assert community.check_invariants() is None

    members = pl.DataFrame(community.members_table(at=paris(2017, 12, 12)))
    print(f"\n{members.height} members after the miditech, by domain:")
    print(members.group_by("domain").len().sort("len", descending=True).head(5))

    csv_path = out / "requests-2018.csv"
    write_requests_csv(csv_path, [title for _, title, *_ in SEASON])
    register_season(community, csv_path)
    assert community.check_invariants() is None

    path = figure(community, out)
    print(f"\nfigure: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
