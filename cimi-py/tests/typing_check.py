"""Not a test: type-checked by `mypy --strict` (scripts/test.sh) to show that
the stubs describe a data scientist's session."""

from __future__ import annotations

import datetime as dt

import cimi


def session() -> list[str]:
    paris = dt.timezone(dt.timedelta(hours=1))
    community: cimi.Community = cimi.Community.cimi()
    event: int = community.schedule_event(
        "miditech",
        "L'État plateforme",
        dt.datetime(2030, 12, 12, 12, 30, tzinfo=paris),
        dt.datetime(2030, 12, 12, 14, 30, tzinfo=paris),
        80,
        quotas={"interieur": 60},
        venue={"name": "DGGN", "address": "4 rue Claude Bernard, 92130 Issy-les-Moulineaux"},
        program=[{"kind": "talk", "title": "L'État plateforme", "speakers": [{"name": "Henri Verdier"}]}],
    )
    reg: cimi.Registration = community.register(
        event,
        email="alice.martin@interieur.gouv.fr",
        family_name="Martin",
        given_name="Alice",
        service="DNUM",
        grade="ingénieure des SIC",
        function="architecte",
        acknowledged=True,
    )
    statuses: list[str] = community.register_many(event, [{"email": "bob@agri.gouv.fr", "acknowledged": True}])
    detailed = community.register_many(event, [{"email": "x@evil.com"}], detailed=True)
    for outcome in detailed:
        if isinstance(outcome, cimi.RegistrationRefused):
            statuses.append(outcome.kind)
        else:
            statuses.append(outcome.status)
    try:
        community.cancel(reg.id)
    except cimi.CimiError as error:
        statuses.append(error.kind)
    table: dict[str, list[object]] = community.registrations_table()
    statuses.extend(str(s) for s in table["status"])
    occupancy = community.occupancy(event)
    statuses.append(str(occupancy["on_site"]))
    return statuses
