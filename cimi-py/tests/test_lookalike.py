"""Look-alike domains (docs/hostile-inputs.md, "Look-alike domains"): a domain
label a reader could take for another name is refused with the reason
`lookalike_domain`, through a registration and through `cimi.parse_address`."""

from __future__ import annotations

import pytest

import cimi
from conftest import NOW, person

#: (address, the label the refusal names: as the caller wrote it)
LOOKALIKES = [
    # Capital I with dot above: IDNA would store `agri` + U+0307, read `agri`.
    ("alice@AGR\u0130.gouv.fr", "AGR\u0130"),
    # All Cyrillic (а, р, р, ӏ, е): reads `apple`.
    ("alice@\u0430\u0440\u0440\u04cf\u0435.gouv.fr", "\u0430\u0440\u0440\u04cf\u0435"),
    # The first one as it was stored before the rule: punycode.
    ("alice@xn--agri-twc.gouv.fr", "xn--agri-twc"),
]
IDS = [address.encode("unicode_escape").decode() for address, _ in LOOKALIKES]


@pytest.mark.parametrize(("address", "label"), LOOKALIKES, ids=IDS)
def test_registration_refuses_a_lookalike_domain(
    community: cimi.Community, event: int, address: str, label: str
) -> None:
    with pytest.raises(cimi.RegistrationRefused) as info:
        community.register(event, **person(address), at=NOW)
    assert info.value.kind == "invalid_address"
    assert info.value.details == {"reason": "lookalike_domain"}
    assert label in str(info.value)
    assert community.members() == []


@pytest.mark.parametrize(("address", "label"), LOOKALIKES, ids=IDS)
def test_parse_address_refuses_a_lookalike_domain(address: str, label: str) -> None:
    with pytest.raises(cimi.InvalidInput) as info:
        cimi.parse_address(address)
    assert info.value.kind == "invalid_address"
    assert info.value.details == {"reason": "lookalike_domain"}
    assert f"'{label}'" in str(info.value)
    cimi.set_language("fr")
    with pytest.raises(cimi.InvalidInput) as in_french:
        cimi.parse_address(address)
    assert f"« {label} »" in str(in_french.value)


def test_mixed_scripts_keep_their_reason() -> None:
    with pytest.raises(cimi.InvalidInput) as info:
        cimi.parse_address("alice@\u0440\u0430\u0443\u0440\u0430l.com")  # Cyrillic р, а, у
    assert info.value.details == {"reason": "mixed_script_domain"}


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("marie@élysée.gouv.fr", "marie@xn--lyse-9oad.gouv.fr"),
        ("jean@müller.de", "jean@xn--mller-kva.de"),
        ("ivan@пример.рф", "ivan@xn--e1afmkfd.xn--p1ai"),
    ],
)
def test_international_names_that_read_as_themselves_are_accepted(given: str, stored: str) -> None:
    assert cimi.parse_address(given) == stored


def test_a_legitimate_accented_domain_registers(community: cimi.Community, event: int) -> None:
    reg = community.register(event, **person("marie@élysée.gouv.fr"), at=NOW)
    assert reg.status == "confirmed"
