"""Smoke test of the generated Python bindings (plain python3, no packages).

Run by scripts/test.sh with PYTHONPATH=cimi-ffi/generated/python.
"""

import json
import os
import sys
import tempfile
import traceback

import cimi_ffi as cimi

DAY = 24 * 3600 * 1000


def ask(email, mode=cimi.AttendanceMode.ON_SITE):
    return cimi.RegistrationRequest(
        email=email,
        family_name="Martin",
        given_name="Alice",
        service="DNUM",
        grade="ingénieure des SIC",
        function="architecte",
        acknowledged=["deontology", "pssi"],
        attendance=mode,
    )


def miditech(c, now, capacity=1):
    start = now + 10 * DAY
    return c.schedule_event(
        cimi.event_spec(cimi.EventKind.MIDITECH, "L'État plateforme", start, start + 2 * 3600 * 1000, capacity),
        now,
    )


def test_register_refuse_cancel_promote():
    now = cimi.now_ms()
    c = cimi.Community.cimi()
    ev = miditech(c, now)
    first = c.register(ev, ask("alice@interieur.gouv.fr"), now)  # the registration's id
    assert c.registration(first).status == cimi.RegistrationStatus.CONFIRMED
    second = c.register_outcome(ev, ask("bob@agri.gouv.fr"), now)  # the whole answer
    assert not second.already_registered
    assert second.registration.status == cimi.RegistrationStatus.WAITLISTED
    assert c.waiting_list(ev) == [second.registration.id]
    again = c.register_outcome(ev, ask("ALICE@Interieur.gouv.fr"), now)
    assert again.already_registered and again.registration.id == first
    assert c.register(ev, ask("alice@INTERIEUR.gouv.fr"), now) == first
    cancel = c.cancel_registration(first, now + 1)
    assert cancel.promoted == [second.registration.id]
    assert c.check_invariants() is None


def test_refusal_is_typed():
    now = cimi.now_ms()
    c = cimi.Community.cimi()
    ev = miditech(c, now)
    try:
        c.register(ev, ask("jean@gmail.com"), now)
    except cimi.CimiError.Refused as e:
        assert e.kind == "address_not_allowed", e.kind
        assert "gouv.fr" in e.message and "autorisée" in e.message_fr
        assert e.details == {"allowed": "*@*.gouv.fr"}, e.details
    else:
        raise AssertionError("expected a refusal")


def test_invalid_input_is_an_exception():
    c = cimi.Community.cimi()
    now = cimi.now_ms()
    try:
        c.schedule_event(cimi.event_spec(cimi.EventKind.WORKSHOP, "PostgreSQL", now, now + 1, -5), now)
    except cimi.CimiError.InvalidInput as e:
        assert e.kind == "invalid_input" and "capacity" in e.message
        assert e.details == {"field": "capacity"}, e.details
    else:
        raise AssertionError("expected InvalidInput")
    try:
        c.register(-1, ask("alice@interieur.gouv.fr"), now)
    except cimi.CimiError.InvalidInput as e:
        assert "event_id" in e.message
    else:
        raise AssertionError("expected InvalidInput")
    try:
        cimi.paris_instant_ms(2017, 3, 26, 2, 30)
    except cimi.CimiError.InvalidInput as e:
        assert e.kind == "nonexistent_local_time", e.kind
    else:
        raise AssertionError("expected InvalidInput")


def test_save_and_load():
    now = cimi.now_ms()
    c = cimi.Community.cimi()
    ev = miditech(c, now, capacity=10)
    c.register(ev, ask("alice@interieur.gouv.fr"), now)
    doc = json.loads(c.to_json())
    assert doc["format"] == "cimi.community"
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "cimi.json")
        c.save(path)
        back = cimi.Community.load(path)
        assert back.occupancy(ev).on_site == 1
        assert back.to_json() == c.to_json()
    try:
        cimi.Community.from_json('{"format":"cimi.community","version":9}')
    except cimi.CimiError.Format as e:
        assert e.kind == "unsupported_version"
    else:
        raise AssertionError("expected Format")


def test_help_watch_and_stats():
    now = cimi.now_ms()
    c = cimi.Community.cimi()
    profile = lambda *skills: cimi.MemberProfile(
        family_name="", given_name="", service="", grade="", function="", corps=None,
        affiliation=["Intérieur"], skills=list(skills), interests=[])
    jean = c.add_member("jean@interieur.gouv.fr", profile("Docker", "OpenStreetMap"), now)
    ask_id = c.ask_help("pascaline@interieur.gouv.fr", "Tuiles OSM", "Comment ?",
                        ["openstreetmap"], cimi.HelpVisibility.PUBLIC, now)
    assert [s.member_id for s in c.suggest_helpers(ask_id, 3, now)] == [jean]
    item = c.share_watch_item(cimi.NewWatchItem(
        title="Projet interne", link="https://intranet.interieur.gouv.fr/p", summary="",
        tags=["messagerie"], scope=cimi.WatchScope.INTERNAL, shared_by="jean@interieur.gouv.fr",
        event_id=None, help_request_id=None), now)
    try:
        c.publish_watch_item(item, "twitter", now)
    except cimi.CimiError.PublicationRefused as e:
        assert e.kind == "internal_item_on_public_channel"
    else:
        raise AssertionError("expected PublicationRefused")
    assert len(c.members_joined_per_month()) >= 1


def test_durable_community():
    with tempfile.TemporaryDirectory() as d:
        now = cimi.now_ms()
        c = cimi.Community.open(os.path.join(d, "store"), None, "python-smoke")
        ev = miditech(c, now, capacity=5)
        c.register(ev, ask("alice@interieur.gouv.fr"), now)
        del c
        again = cimi.Community.open(os.path.join(d, "store"), None, "python-smoke")
        assert again.occupancy(ev).on_site == 1
        assert again.is_durable()


def test_interop():
    now = cimi.now_ms()
    c = cimi.Community.cimi()
    ev = miditech(c, now, capacity=5)
    c.register(ev, ask("alice@interieur.gouv.fr"), now)
    opts = cimi.CsvOptions(dialect=cimi.CsvDialect.RFC4180, lang=cimi.Lang.EN, include_cancelled=False)
    assert "alice@interieur.gouv.fr" in c.attendees_csv(ev, opts)
    assert c.event_ical(ev, now).startswith("BEGIN:VCALENDAR")
    report = c.import_members_csv(b"E-mail\nbob@interieur.gouv.fr\n", False, now)
    assert report.complete and len(report.imported) == 1
    try:
        c.import_members_csv(b"", False, now)
    except cimi.CimiError.Interop as e:
        assert e.kind == "csv_empty"
    else:
        raise AssertionError("expected Interop")


def test_moderation_admission_and_calendar_updates():
    now = cimi.now_ms()
    c = cimi.Community.cimi()
    start = now + 10 * DAY
    spec = cimi.event_spec(cimi.EventKind.WORKSHOP, "Rust", start, start + 2 * 3600 * 1000, 5)
    assert spec.admission == cimi.Admission() and not spec.moderated  # record defaults
    spec.moderated = True
    spec.admission = cimi.Admission(allowed=["*@*.interieur.gouv.fr", "*@interieur.gouv.fr"])
    ev = c.schedule_event(spec, now)
    r = c.register(ev, ask("alice@interieur.gouv.fr"), now)
    assert c.registration(r).status == cimi.RegistrationStatus.PENDING
    assert c.approve(r, now).status == cimi.RegistrationStatus.CONFIRMED
    try:
        c.register(ev, ask("bob@agri.gouv.fr"), now)
    except cimi.CimiError.Refused as e:
        assert e.kind == "address_not_admitted"
    else:
        raise AssertionError("expected address_not_admitted")
    b = c.register(ev, ask("bob@interieur.gouv.fr"), now)
    rejected = c.reject(b, "Complet", now)
    assert rejected.rejection == "Complet" and rejected.rejection_message_fr.endswith(": Complet")
    try:
        c.set_admission(ev, cimi.Admission(allowed=["gouv.fr"]), now)
    except cimi.CimiError.InvalidInput as e:
        assert e.details["field"] == "admission.allowed"
    else:
        raise AssertionError("expected invalid_input")
    c.reschedule(ev, start + DAY, start + DAY + 3600 * 1000, now)
    assert c.event(ev).revision == 1
    ics = c.event_ical_with(ev, cimi.IcalOptions(reminder_ms=30 * 60 * 1000), now)
    assert "\r\nSEQUENCE:1\r\n" in ics and "\r\nTRIGGER:-PT30M\r\n" in ics
    c.cancel_event(ev, now)
    assert "\r\nMETHOD:CANCEL\r\n" in c.event_ical(ev, now)
    assert c.check_invariants() is None


def test_offers_tokens_and_check_in_window():
    now = cimi.now_ms()
    c = cimi.Community.cimi()
    start = now + 10 * DAY
    spec = cimi.event_spec(cimi.EventKind.WORKSHOP, "Rust", start, start + 2 * 3600 * 1000, 1)
    assert spec.waitlist_offer_ms is None and spec.cancellation_closes_at_ms is None  # record defaults
    spec.waitlist_offer_ms = 2 * DAY
    spec.cancellation_closes_at_ms = start - DAY
    ev = c.schedule_event(spec, now)
    e = c.event(ev)
    assert (e.waitlist_offer_ms, e.offer_cutoff_ms, e.cancellation_deadline_ms) == (2 * DAY, 0, start - DAY)
    assert e.check_in_opens_at_ms == start - DAY
    a = c.register(ev, ask("alice@interieur.gouv.fr"), now)
    b = c.register(ev, ask("bob@interieur.gouv.fr"), now)
    token = c.cancel_token(a)
    assert token.startswith(f"{a}-") and token.split("-")[1] not in repr(c.registration(a))
    try:
        c.cancel_by_token(f"{a}-" + "0" * 32, None, now)
    except cimi.CimiError.InvalidState as err:
        assert err.kind == "invalid_token"
    else:
        raise AssertionError("expected invalid_token")
    assert c.cancel_by_token(token, ev, now).promoted == [b]
    offered = c.registration(b)
    assert offered.status == cimi.RegistrationStatus.OFFERED and offered.offer_expires_at_ms == now + 2 * DAY
    assert c.occupancy(ev).offered == 1
    assert c.accept_offer(b, now + 1).status == cimi.RegistrationStatus.CONFIRMED
    assert c.expire_offers(now + 3 * DAY) == cimi.OfferRound(expired=[], promoted=[])
    try:
        c.check_in(b, now)
    except cimi.CimiError.InvalidState as err:
        assert err.kind == "check_in_outside_window" and set(err.details) == {"opens_at", "closes_at"}
    else:
        raise AssertionError("expected check_in_outside_window")
    assert c.check_invariants() is None

def test_time_helpers():
    ms = cimi.paris_instant_ms(2017, 12, 12, 12, 30)
    assert cimi.instant_to_rfc3339(ms) == "2017-12-12T11:30:00.000Z"
    assert cimi.instant_to_paris_rfc3339(ms) == "2017-12-12T12:30:00+01:00"
    assert cimi.instant_from_rfc3339("2017-12-12T12:30:00+01:00") == ms


def test_panics_become_exceptions():
    if not hasattr(cimi, "probe_unguarded_panic"):
        return  # library built without the `probes` feature
    try:
        cimi.probe_unguarded_panic("boom")
    except cimi.InternalError as e:
        assert "boom" in str(e)
    else:
        raise AssertionError("expected InternalError")
    c = cimi.Community.cimi()
    try:
        c.probe_panic_while_changing("bang")
    except cimi.CimiError.Internal as e:
        assert e.kind == "panic" and "bang" in e.message
    else:
        raise AssertionError("expected Internal")
    try:
        c.members()
    except cimi.CimiError.Internal as e:
        assert e.kind == "poisoned"
    else:
        raise AssertionError("expected poisoned")


def main():
    tests = [(n, f) for n, f in sorted(globals().items()) if n.startswith("test_") and callable(f)]
    failed = 0
    for name, test in tests:
        try:
            test()
            print(f"ok   {name}")
        except Exception:  # noqa: BLE001 - report every failure
            failed += 1
            print(f"FAIL {name}")
            traceback.print_exc()
    print(f"python: {len(tests) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
