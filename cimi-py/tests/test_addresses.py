"""The address table of the core issue, through registrations (the CIMI policy
`*@*.gouv.fr`) and through `cimi.parse_address`."""

from __future__ import annotations

import pytest

import cimi
from conftest import NOW, person


def register(community: cimi.Community, event: int, email: str) -> cimi.Registration:
    return community.register(event, **person(email), at=NOW)


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("Alice.Martin@AGRI.GOUV.FR", "Alice.Martin@agri.gouv.fr"),
        ("alice+events@interieur.gouv.fr", "alice+events@interieur.gouv.fr"),
    ],
)
def test_accepted(community: cimi.Community, event: int, given: str, stored: str) -> None:
    reg = register(community, event, given)
    assert reg.status == "confirmed"
    member = community.member(reg.member_id)
    assert member.email == stored  # domain lowercase, local part kept
    assert cimi.parse_address(given) == stored
    assert community.member_by_email(stored.upper()) == member


@pytest.mark.parametrize(
    "email",
    ["alice@gouv.fr", "alice@agri.gouv.fr.evil.com", "alice@evilgouv.fr", "alice@agri-gouv.fr"],
)
def test_not_allowed(community: cimi.Community, event: int, email: str) -> None:
    with pytest.raises(cimi.RegistrationRefused) as info:
        register(community, event, email)
    assert info.value.kind == "address_not_allowed"
    assert community.statutes.allows(email) is False


def _address_of_length(n: int) -> str:
    local = "a" * 60
    domain_len = n - len(local) - 1
    labels: list[str] = []
    rest = domain_len - len(".gouv.fr")
    while rest > 0:
        take = min(60, rest)
        labels.append("b" * take)
        rest -= take + 1
    domain = ".".join(labels)
    domain = domain[: domain_len - len(".gouv.fr")].rstrip(".") + ".gouv.fr"
    address = f"{local}@{domain}"
    assert len(address) == n, len(address)
    return address


INVALID = [
    "alice@agri.gouv.fr.",
    '"x@evil.com"@agri.gouv.fr',
    "Alice <alice@agri.gouv.fr>",
    "alice(c)@agri.gouv.fr",
    "alice@[192.0.2.1]",
    "a" * 65 + "@agri.gouv.fr",
    _address_of_length(255),
    "alice\r@agri.gouv.fr",
    "alice@agri.gouv.fr\r\n",
    "alice\n@agri.gouv.fr",
    "alice@agri.gouv.fr\nBcc: x@evil.com",
    "alice\x00@agri.gouv.fr",
    "alice@agri.gouv.fr\x00",
    "alice\u202e@agri.gouv.fr",
    "alice@agri\u202e.gouv.fr",
    "\u2066alice@agri.gouv.fr\u2069",
    "alice\u200f@agri.gouv.fr",
    "alice\u061c@agri.gouv.fr",
    "",
    "   ",
    "alice",
    "@agri.gouv.fr",
    "alice@",
]


@pytest.mark.parametrize("email", INVALID, ids=[repr(e)[:40] for e in INVALID])
def test_invalid(community: cimi.Community, event: int, email: str) -> None:
    with pytest.raises(cimi.RegistrationRefused) as info:
        register(community, event, email)
    assert info.value.kind == "invalid_address"
    assert info.value.details["reason"]
    with pytest.raises(cimi.InvalidInput) as parsed:
        cimi.parse_address(email)
    assert parsed.value.kind == "invalid_address"
    # The message does not repeat the address (it may be logged).
    assert email.strip() == "" or email not in str(info.value)


def test_length_limits_are_exact(community: cimi.Community, event: int) -> None:
    assert register(community, event, "a" * 64 + "@agri.gouv.fr").status == "confirmed"
    assert register(community, event, _address_of_length(254)).status == "confirmed"
    with pytest.raises(cimi.RegistrationRefused) as info:
        register(community, event, _address_of_length(255))
    assert info.value.details == {"reason": "too_long"}


LOOKALIKES = [
    "alice@\u0430gri.gouv.fr",  # Cyrillic а
    "alice@agri.gouv.f\u0433",  # Cyrillic г
    "alice@agri\uff0egouv\uff0efr",  # fullwidth full stops
    "alice@agri\u3002gouv\u3002fr",  # ideographic full stops
    "alice@agri\uff61gouv\uff61fr",  # halfwidth ideographic full stops
    "alice@agri.gouv\uff0efr",
    "alice@\uff41gri.gouv.fr",  # fullwidth a
]


@pytest.mark.parametrize("email", LOOKALIKES, ids=[e.encode("unicode_escape").decode() for e in LOOKALIKES])
def test_lookalikes_never_accepted(community: cimi.Community, event: int, email: str) -> None:
    with pytest.raises(cimi.RegistrationRefused) as info:
        register(community, event, email)
    assert info.value.kind in {"invalid_address", "address_not_allowed"}
    assert community.members() == []


def test_punycode_domain_is_compared_in_ascii(community: cimi.Community) -> None:
    open_policy = community.statutes.to_dict()
    open_policy["policy"]["allowed"] = ["*@*.gouv.fr", "*@xn--prfecture-c4a.fr"]
    statutes = cimi.Statutes.from_dict(open_policy)
    assert statutes.allows("jean@PRÉFECTURE.fr")
    assert cimi.parse_address("jean@préfecture.fr") == "jean@xn--prfecture-c4a.fr"
