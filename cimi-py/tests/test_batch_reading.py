"""`register_many` reads its rows as `register` reads its arguments.

The batch path reads rows differently (keys matched by identity, `str`
objects shared by many rows read once): whatever the rows, it must judge the
same requests as `register` called row by row, and raise the same error for
the first bad row.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cimi
from conftest import ENDS, NOW, STARTS, without_secrets

KEYS = ["email", "family_name", "given_name", "service", "grade", "function", "acknowledged", "attendance"]
#: Objects shared by many rows (as constants and data frame cells are).
SHARED = ["DNUM", "Prénom", "ingénieur des SIC", "  ", "", "chef de projet", "ÉTAT", "\u00a0x", "a\x00b"]
EMAILS = ["a@interieur.gouv.fr", "B@Interieur.Gouv.Fr", "c@agri.gouv.fr", "d@gmail.com", "not an address", "é@interieur.gouv.fr"]


def fresh(text: str) -> str:
    """An equal `str` that is a new object."""
    return "".join(list(text))


texts = st.one_of(
    st.sampled_from(SHARED),
    st.sampled_from(SHARED).map(fresh),
    st.text(max_size=12).map(fresh),
    st.none(),
)
acks = st.one_of(
    st.none(),
    st.booleans(),
    st.lists(st.sampled_from(["deontology", "pssi", "other"]), max_size=3),
    st.lists(st.sampled_from(["deontology", "pssi"]).map(fresh), max_size=2).map(tuple),
)
bad_values = st.sampled_from([1, 2.5, b"x", ["a"], "\ud800", "x\udcff"])


@st.composite
def rows(draw: st.DrawFn, bad: bool) -> list[dict[str, Any]]:
    out = []
    for _ in range(draw(st.integers(min_value=0, max_value=12))):
        row: dict[str, Any] = {}
        for key in KEYS:
            if key != "email" and draw(st.booleans()):
                continue
            if key == "email":
                value = draw(st.one_of(st.sampled_from(EMAILS), st.sampled_from(EMAILS).map(fresh)))
            elif key == "acknowledged":
                value = draw(acks)
            elif key == "attendance":
                value = draw(st.sampled_from([None, "on_site", "on_site_or_remote"]))
            else:
                value = draw(texts)
            # Keys built at run time are not the interned names.
            row[draw(st.sampled_from([key, fresh(key)]))] = value
        out.append(row)
    if bad and out:
        row = draw(st.sampled_from(out))
        row[draw(st.sampled_from(KEYS))] = draw(bad_values)
    return out


def one_by_one(community: cimi.Community, event: int, requests: list[dict[str, Any]]) -> list[str]:
    outcomes = []
    for r in requests:
        try:
            outcomes.append(community.register(event, **r, at=NOW).status)
        except cimi.RegistrationRefused as e:
            outcomes.append(e.kind)
    return outcomes


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests=rows(bad=False))
def test_batch_judges_what_single_calls_judge(requests: list[dict[str, Any]]) -> None:
    base = cimi.Community.cimi()
    event = base.schedule_event("workshop", "Batch", STARTS, ENDS, 3, quotas={"interieur": 2}, at=NOW)
    batch, single = base.copy(), base.copy()
    assert batch.register_many(event, requests, at=NOW) == one_by_one(single, event, requests)
    assert without_secrets(batch) == without_secrets(single)  # each registration's secret is random


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests=rows(bad=True))
def test_batch_raises_what_the_first_bad_row_raises(requests: list[dict[str, Any]]) -> None:
    base = cimi.Community.cimi()
    event = base.schedule_event("workshop", "Batch", STARTS, ENDS, 3, at=NOW)
    expected: BaseException | None = None
    single = base.copy()
    for r in requests:
        try:
            single.register(event, **r, at=NOW)
        except cimi.RegistrationRefused:
            pass
        except (cimi.CimiError, TypeError) as e:
            expected = e
            break
    batch = base.copy()
    try:
        batch.register_many(event, requests, at=NOW)
    except (cimi.CimiError, TypeError) as e:
        assert expected is not None, f"register_many raised {e!r}, register did not"
        assert (type(e), str(e)) == (type(expected), str(expected))
        assert batch == base  # nothing judged
    else:
        assert expected is None, f"register raised {expected!r}, register_many did not"
