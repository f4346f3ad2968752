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
    table: cimi.Table = community.registrations_table()
    statuses.extend(str(s) for s in table["status"])
    columns: dict[str, list[object]] = dict(table)
    statuses.extend(columns)
    plain: dict[str, list[object]] = table.to_pydict()
    statuses.append(str(len(plain)))
    other = cimi.Community.cimi()
    report = other.import_members(community.members_table())  # Arrow data
    report = other.import_members([{"email": "carol@interieur.gouv.fr", "skills": ["rust"]}])
    statuses.extend(str(r["kind"]) for r in report["rejected"])
    statuses.extend(other.register_many(event, community.registrations_table(), detailed=False))
    occupancy = community.occupancy(event)
    statuses.append(str(occupancy["on_site"]))
    # Moderation, admission, calendar updates, the compte-rendu's attendees.
    moderated = community.schedule_event(
        "workshop", "Rust", dt.datetime(2030, 12, 1, 12, tzinfo=paris), dt.datetime(2030, 12, 1, 14, tzinfo=paris), 10,
        moderated=True, allowed=["*@interieur.gouv.fr"], audiences=["interieur"], replace_policy=False,
    )
    pending = community.register(moderated, email="dan@interieur.gouv.fr", acknowledged=True)
    rejected: cimi.Registration = community.reject(pending.id, "Complet")
    message: str | None = rejected.rejection_message("fr")
    statuses.extend([rejected.status, rejected.rejection or "", message or ""])
    community.set_admission(moderated, allowed=None, audiences=["interieur"])
    admission: cimi._cimi.Admission = community.event(moderated).admission
    statuses.extend(admission["allowed"] + admission["audiences"])
    community.reschedule(moderated, dt.datetime(2030, 12, 2, 12, tzinfo=paris), dt.datetime(2030, 12, 2, 14, tzinfo=paris))
    revision: int = community.event(moderated).revision
    ics: str = community.event_ical(moderated, reminder=dt.timedelta(minutes=30))
    attendees = community.report_attendees(event)
    statuses.extend(attendees["named"])
    statuses.append(f"{revision} {len(ics)} {attendees['unnamed'] + 0}")
    # Offers of freed seats, self-service cancellation, the check-in window.
    offering = community.schedule_event(
        "workshop", "Go", dt.datetime(2030, 12, 3, 12, tzinfo=paris), dt.datetime(2030, 12, 3, 14, tzinfo=paris), 1,
        waitlist_offer=dt.timedelta(hours=48), offer_cutoff=dt.timedelta(days=1),
        cancellation_deadline=dt.datetime(2030, 12, 1, 12, tzinfo=paris),
    )
    spec = community.event(offering)
    hold: dt.timedelta | None = spec.waitlist_offer
    deadline: dt.datetime = spec.cancellation_deadline
    opens, closes = spec.check_in_window
    expires: dt.datetime | None = spec.offer_deadline(opens)
    token: str | None = community.register(offering, email="eve@interieur.gouv.fr", acknowledged=True).cancel_token
    if token is not None:
        cancelled: cimi.Cancellation = community.cancel_by_token(token, offering)
        statuses.extend(str(r) for r in cancelled.promoted)
    waiting = community.waiting_list(offering)
    if waiting:
        offer: cimi.Registration = community.accept_offer(waiting[0])
        expiry: dt.datetime | None = offer.offer_expires_at
        statuses.append(f"{offer.offered_at} {expiry}")
        declined: cimi.Cancellation = community.decline_offer(waiting[0])
        statuses.append(declined.registration.status)
    swept = community.expire_offers()
    statuses.extend(str(r) for r in swept["expired"] + swept["promoted"])
    statuses.append(f"{hold} {deadline} {closes} {expires} {community.occupancy(offering)['offered']}")
    return statuses
