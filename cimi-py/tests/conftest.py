"""Shared fixtures: a CIMI community, a clock and an open miditech."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Iterator

import pytest

import cimi

UTC = dt.timezone.utc
#: "Now" for the tests: the registrations arrive a few weeks before the event.
NOW = dt.datetime(2030, 11, 20, 9, 0, tzinfo=UTC)
STARTS = dt.datetime(2030, 12, 12, 11, 30, tzinfo=UTC)
ENDS = dt.datetime(2030, 12, 12, 13, 30, tzinfo=UTC)


def person(email: str, **extra: Any) -> dict[str, Any]:
    """A complete registration request (the fields of the registration e-mail)."""
    request: dict[str, Any] = dict(
        email=email,
        family_name="Martin",
        given_name="Alice",
        service="DNUM",
        grade="ingénieure des SIC",
        function="architecte",
        acknowledged=["deontology", "pssi"],
    )
    request.update(extra)
    return request


def without_secrets(community: cimi.Community) -> Any:
    """The community's JSON document without the registrations' cancel
    secrets: each registration draws a random one, so two communities built
    by the same operations differ only there (`==` compares them too)."""
    document = json.loads(community.to_json())
    for registration in document["registrations"]:
        registration.pop("cancel_secret", None)
    return document


#: Lines that tests want shown at the end of the run (counts of calls,
#: operations...): pytest hides a passing test's output.
REPORTED: list[str] = []


def report(line: str) -> None:
    """Shows `line` in the terminal summary of the pytest run."""
    REPORTED.append(line)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for line in REPORTED:
        terminalreporter.write_line(line)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    cimi.set_language("en")
    yield
    cimi.set_language("en")


@pytest.fixture
def community() -> cimi.Community:
    return cimi.Community.cimi()


@pytest.fixture
def event(community: cimi.Community) -> int:
    return community.schedule_event("miditech", "L'État plateforme", STARTS, ENDS, 80, at=NOW)
