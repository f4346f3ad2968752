"""Bad input raises a cimi exception or TypeError; it never crashes."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cimi
from conftest import ENDS, NOW, STARTS, person

NAIVE = dt.datetime(2030, 11, 20, 9, 0)


def raises_cleanly(call: Callable[[], object]) -> BaseException:
    with pytest.raises((cimi.CimiError, TypeError)) as info:
        call()
    return info.value


@pytest.mark.parametrize("event_id", ["1", None, 1.0, True, [1], object()])
def test_wrong_id_types(community: cimi.Community, event: int, event_id: Any) -> None:
    error = raises_cleanly(lambda: community.register(event_id, **person("a@interieur.gouv.fr"), at=NOW))
    assert isinstance(error, TypeError)
    assert isinstance(raises_cleanly(lambda: community.event(event_id)), TypeError)
    assert isinstance(raises_cleanly(lambda: community.cancel(event_id)), TypeError)


@pytest.mark.parametrize("unknown", [0, 999, -1, 2**64, 10**40, -(10**40)])
def test_unknown_ids(community: cimi.Community, event: int, unknown: int) -> None:
    for call, kind in [
        (lambda: community.event(unknown), "event_not_found"),
        (lambda: community.register(unknown, **person("a@interieur.gouv.fr"), at=NOW), "event_not_found"),
        (lambda: community.register_many(unknown, [person("a@interieur.gouv.fr")], at=NOW), "event_not_found"),
        (lambda: community.occupancy(unknown), "event_not_found"),
        (lambda: community.cancel_event(unknown, at=NOW), "event_not_found"),
        (lambda: community.cancel(unknown, at=NOW), "registration_not_found"),
        (lambda: community.check_in(unknown, at=NOW), "registration_not_found"),
        (lambda: community.registration(unknown), "registration_not_found"),
        (lambda: community.member(unknown), "member_not_found"),
        (lambda: community.member_status(unknown, at=NOW), "member_not_found"),
        (lambda: community.update_profile(unknown, grade="x", at=NOW), "member_not_found"),
        (lambda: community.set_consent(unknown, "recording", True, at=NOW), "member_not_found"),
    ]:
        with pytest.raises(cimi.NotFound) as info:
            call()
        assert info.value.kind == kind
        assert str(unknown) in str(info.value)


@pytest.mark.parametrize(
    "field", ["email", "family_name", "given_name", "service", "grade", "function", "attendance"]
)
@pytest.mark.parametrize("value", [1, 2.5, b"bytes", ["a"], {"a": 1}])
def test_wrong_request_types(community: cimi.Community, event: int, field: str, value: object) -> None:
    request = dict(person("a@interieur.gouv.fr"), **{field: value})
    assert isinstance(raises_cleanly(lambda: community.register(event, **request, at=NOW)), TypeError)
    assert isinstance(raises_cleanly(lambda: community.register_many(event, [request], at=NOW)), TypeError)


def test_none_values(community: cimi.Community, event: int) -> None:
    assert isinstance(raises_cleanly(lambda: community.register(event, email=None, at=NOW)), TypeError)  # type: ignore[arg-type]
    error = raises_cleanly(lambda: community.register(event, **person("a@interieur.gouv.fr", family_name=None), at=NOW))
    assert isinstance(error, cimi.RegistrationRefused) and error.kind == "missing_field"
    assert isinstance(raises_cleanly(lambda: community.register_many(event, None, at=NOW)), TypeError)  # type: ignore[arg-type]
    assert isinstance(raises_cleanly(lambda: community.register_many(event, [None], at=NOW)), TypeError)  # type: ignore[list-item]
    assert isinstance(raises_cleanly(lambda: community.schedule_event(None, "x", STARTS, ENDS, 1)), TypeError)  # type: ignore[arg-type]
    assert isinstance(raises_cleanly(lambda: community.schedule_event("workshop", "x", None, ENDS, 1)), TypeError)  # type: ignore[arg-type]
    assert isinstance(raises_cleanly(lambda: community.schedule_event("workshop", "x", STARTS, ENDS, None)), TypeError)  # type: ignore[arg-type]
    assert isinstance(raises_cleanly(lambda: cimi.Community.from_json(None)), TypeError)  # type: ignore[arg-type]
    assert isinstance(raises_cleanly(lambda: cimi.parse_address(None)), TypeError)  # type: ignore[arg-type]


def test_batch_shapes(community: cimi.Community, event: int) -> None:
    for requests in ["a@interieur.gouv.fr", person("a@interieur.gouv.fr"), 5, [["email", "x"]], [{}]]:
        assert isinstance(raises_cleanly(lambda: community.register_many(event, requests, at=NOW)), TypeError)  # type: ignore[arg-type]
    typo = dict(person("a@interieur.gouv.fr"), fonction="architecte")
    error = raises_cleanly(lambda: community.register_many(event, [typo], at=NOW))
    assert isinstance(error, TypeError) and "fonction" in str(error)
    assert isinstance(raises_cleanly(lambda: community.register_many(event, [{1: "x"}], at=NOW)), TypeError)  # type: ignore[dict-item]
    assert isinstance(raises_cleanly(lambda: community.register_many(event, [person("a@interieur.gouv.fr", acknowledged="pssi")], at=NOW)), TypeError)


def test_huge_strings(community: cimi.Community, event: int) -> None:
    huge = "x" * 5_000_000
    error = raises_cleanly(lambda: community.register(event, **person(huge + "@interieur.gouv.fr"), at=NOW))
    assert isinstance(error, cimi.RegistrationRefused) and error.kind == "invalid_address"
    assert error.details == {"reason": "too_long"} and len(str(error)) < 200
    error = raises_cleanly(lambda: community.register(event, **person("a@interieur.gouv.fr", family_name=huge), at=NOW))
    assert isinstance(error, cimi.RegistrationRefused) and error.kind == "field_too_long"
    error = raises_cleanly(lambda: community.schedule_event("workshop", huge, STARTS, ENDS, 1, at=NOW))
    assert isinstance(error, cimi.InvalidInput)
    error = raises_cleanly(lambda: community.add_member("a@interieur.gouv.fr", skills=[huge], at=NOW))
    assert isinstance(error, cimi.InvalidInput)
    error = raises_cleanly(lambda: cimi.Community.from_json(huge))
    assert isinstance(error, cimi.FormatError)
    error = raises_cleanly(lambda: cimi.Community.from_json("[" * 100_000 + "]" * 100_000))
    assert isinstance(error, cimi.FormatError)


def test_surrogates_and_controls(community: cimi.Community, event: int) -> None:
    error = raises_cleanly(lambda: community.register(event, **person("a\ud800@interieur.gouv.fr"), at=NOW))
    assert isinstance(error, cimi.InvalidInput)
    error = raises_cleanly(lambda: community.register(event, **person("a@interieur.gouv.fr", grade="\ud800"), at=NOW))
    assert isinstance(error, cimi.InvalidInput)
    error = raises_cleanly(lambda: community.register(event, **person("a@interieur.gouv.fr", grade="a\x00b"), at=NOW))
    assert isinstance(error, cimi.RegistrationRefused) and error.kind == "invalid_field"


@pytest.mark.parametrize(
    "call",
    [
        lambda c, e: c.register(e, **person("a@interieur.gouv.fr"), at=NAIVE),
        lambda c, e: c.register_many(e, [person("a@interieur.gouv.fr")], at=NAIVE),
        lambda c, e: c.schedule_event("workshop", "x", NAIVE, ENDS, 1, at=NOW),
        lambda c, e: c.schedule_event("workshop", "x", STARTS, ENDS.replace(tzinfo=None), 1, at=NOW),
        lambda c, e: c.schedule_event("workshop", "x", STARTS, ENDS, 1, registration_opens=NAIVE, at=NOW),
        lambda c, e: c.set_registration_window(e, closes=NAIVE, at=NOW),
        lambda c, e: c.add_member("a@interieur.gouv.fr", at=NAIVE),
        lambda c, e: c.members_table(at=NAIVE),
        lambda c, e: c.check_statutes(at=NAIVE),
        lambda c, e: c.cancel_event(e, at=NAIVE),
        lambda c, e: c.event(e).accepts_registrations_at(NAIVE),
    ],
)
def test_naive_datetimes_refused(community: cimi.Community, event: int, call: Callable[[cimi.Community, int], object]) -> None:
    error = raises_cleanly(lambda: call(community, event))
    assert isinstance(error, cimi.InvalidInput) and error.kind == "naive_datetime"
    assert "timezone-aware" in str(error)


def test_not_a_datetime(community: cimi.Community, event: int) -> None:
    for value in ["2030-11-20", 1_900_000_000, dt.date(2030, 11, 20)]:
        assert isinstance(raises_cleanly(lambda: community.register(event, **person("a@interieur.gouv.fr"), at=value)), TypeError)


def test_counts(community: cimi.Community, event: int) -> None:
    for capacity in [-1, 2**32, 10**30]:
        error = raises_cleanly(lambda: community.schedule_event("workshop", "x", STARTS, ENDS, capacity, at=NOW))
        assert isinstance(error, cimi.InvalidInput) and error.details == {"field": "capacity"}
    error = raises_cleanly(lambda: community.schedule_event("workshop", "x", STARTS, ENDS, 2**31, at=NOW))
    assert isinstance(error, cimi.InvalidInput)  # above the core's maximum
    for capacity in [1.5, "10", None, True]:
        assert isinstance(raises_cleanly(lambda: community.schedule_event("workshop", "x", STARTS, ENDS, capacity, at=NOW)), TypeError)
    assert isinstance(raises_cleanly(lambda: community.set_quota(event, "interieur", -3, at=NOW)), cimi.InvalidInput)
    assert isinstance(raises_cleanly(lambda: community.schedule_event("workshop", "x", STARTS, ENDS, 1, quotas=[("interieur", 1)], at=NOW)), TypeError)  # type: ignore[arg-type]


def test_shapes_of_dict_arguments(community: cimi.Community, event: int) -> None:
    assert isinstance(raises_cleanly(lambda: community.set_program(event, [{"kind": "dance"}], at=NOW)), cimi.InvalidInput)  # type: ignore[list-item]
    assert isinstance(raises_cleanly(lambda: community.set_program(event, [{"title": "x"}], at=NOW)), cimi.InvalidInput)  # type: ignore[list-item]
    assert isinstance(raises_cleanly(lambda: community.set_venue(event, {"name": 3}, at=NOW)), cimi.InvalidInput)  # type: ignore[typeddict-item]
    assert isinstance(raises_cleanly(lambda: community.set_remote(event, {"capacity": 3}, at=NOW)), cimi.InvalidInput)  # type: ignore[typeddict-item]
    assert isinstance(raises_cleanly(lambda: community.set_program(event, [{"kind": "talk", "title": object()}], at=NOW)), TypeError)  # type: ignore[list-item]
    assert isinstance(raises_cleanly(lambda: community.publish_report(event, "x", [{"kind": "slides"}], at=NOW)), cimi.InvalidInput)  # type: ignore[list-item]
    assert isinstance(raises_cleanly(lambda: cimi.Statutes.from_json("{}")), cimi.StatutesError)
    assert isinstance(raises_cleanly(lambda: cimi.Statutes.from_dict({"format": "cimi.statutes", "version": 1})), cimi.StatutesError)
    assert isinstance(raises_cleanly(lambda: cimi.Statutes.from_path("/nonexistent/statutes.json")), cimi.StatutesError)
    assert isinstance(raises_cleanly(lambda: cimi.Community(statutes="CIMI")), TypeError)  # type: ignore[arg-type]


values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True),
    st.text(max_size=300),
    st.binary(max_size=20),
    st.datetimes(),
    st.datetimes(timezones=st.just(dt.timezone.utc)),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(args=st.fixed_dictionaries({}, optional={k: values for k in [
    "email", "family_name", "given_name", "service", "grade", "function", "acknowledged", "attendance", "at"]}),
       event_id=st.one_of(st.just(1), values))
def test_register_never_crashes(community: cimi.Community, event: int, args: dict[str, Any], event_id: Any) -> None:
    try:
        reg = community.register(event_id, **args)
    except (cimi.CimiError, TypeError):
        return
    assert reg.status in {"confirmed", "waitlisted"}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(requests=st.lists(st.one_of(values, st.dictionaries(st.sampled_from(["email", "grade", "attendance", "acknowledged"]), values)), max_size=4))
def test_register_many_never_crashes(community: cimi.Community, event: int, requests: list[Any]) -> None:
    try:
        outcomes = community.register_many(event, requests, at=NOW)
    except (cimi.CimiError, TypeError):
        return
    assert len(outcomes) == len(requests)


def test_datetimes_at_the_edges(community: cimi.Community, event: int) -> None:
    east = dt.timezone(dt.timedelta(hours=5))
    west = dt.timezone(dt.timedelta(hours=-5))
    for value in [dt.datetime.min.replace(tzinfo=east), dt.datetime.max.replace(tzinfo=west)]:
        error = raises_cleanly(lambda: community.register(event, **person("a@interieur.gouv.fr"), at=value))
        assert isinstance(error, cimi.InvalidInput) and error.details == {"field": "at"}
    late = raises_cleanly(
        lambda: community.register(event, **person("a@interieur.gouv.fr"), at=dt.datetime.max.replace(tzinfo=dt.timezone.utc))
    )
    assert isinstance(late, cimi.RegistrationRefused) and late.kind == "registration_closed"
    early = community.register(event, **person("a@interieur.gouv.fr"), at=dt.datetime.min.replace(tzinfo=dt.timezone.utc))
    assert early.requested_at == dt.datetime.min.replace(tzinfo=dt.timezone.utc)
