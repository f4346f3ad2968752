"""Cancellation secrets stay unique when a process forks (Python's
multiprocessing, a pre-forking server): each forked child draws its own,
not the ones its parent draws next."""

from __future__ import annotations

import multiprocessing as mp
import sys
from typing import Any

import pytest

import cimi
from conftest import NOW, person


def _register(community: cimi.Community, event: int, email: str, out: Any) -> None:
    token = community.register(event, **person(email), at=NOW).cancel_token
    out.put(token)


@pytest.mark.skipif(sys.platform != "linux", reason="fork is the Linux default start method")
def test_forked_children_draw_their_own_secrets(community: cimi.Community, event: int) -> None:
    # The parent draws first, so that its thread's generator has a state
    # the children inherit.
    community.register(event, **person("parent@interieur.gouv.fr"), at=NOW)
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    children = [
        ctx.Process(target=_register, args=(community, event, f"child{i}@interieur.gouv.fr", out))
        for i in range(3)
    ]
    for p in children:
        p.start()
    tokens = [out.get(timeout=60) for _ in children]
    for p in children:
        p.join(timeout=60)
        assert p.exitcode == 0
    # Each child registered into its own copy of the community: the same
    # registration id, so equal secrets would make equal tokens.
    mine = community.register(event, **person("parent2@interieur.gouv.fr"), at=NOW).cancel_token
    assert None not in tokens and mine is not None
    assert len({t.split("-")[0] for t in tokens} | {mine.split("-")[0]}) == 1
    assert len(set(tokens) | {mine}) == 4, "a secret was drawn twice"
