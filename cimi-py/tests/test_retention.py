"""The statutes' retention rule covers people who never registered."""

from __future__ import annotations

import datetime as dt

import cimi

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def test_an_imported_row_and_a_help_asker_are_retention_candidates() -> None:
    c = cimi.Community.cimi()  # activity window and retention: 365 days each
    imported = c.add_member("imported@interieur.gouv.fr", family_name="Martin", at=T0)
    request = c.ask_help(
        "asker@interieur.gouv.fr", "PostgreSQL", "Réplication ?", ["postgresql"], at=T0
    )
    asker = c.help_request(request).asker_id
    later = T0 + dt.timedelta(days=400)
    assert imported in c.retention_candidates(at=later)
    # An open help request keeps its asker; closed, its last step is the trace.
    assert asker not in c.retention_candidates(at=later)
    c.close_help(request, at=T0 + dt.timedelta(days=10))
    assert asker in c.retention_candidates(at=later)
    assert asker not in c.retention_candidates(at=T0 + dt.timedelta(days=300))
