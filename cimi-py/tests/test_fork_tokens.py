"""Cancellation secrets stay distinct when a process forks (Python's
multiprocessing, a pre-forking server). Forked processes inherit the random
generator's state and draw the same values; writing to one shared store they
give different registration ids, and each secret is a keyed hash of its id,
so the secrets differ and one's own tells nothing of another's."""

from __future__ import annotations

import json
import multiprocessing as mp
import sys
from typing import Any

import pytest

import cimi
from conftest import NOW, person


def _register(document: str, shift: int, event: int, out: Any) -> None:
    # A copy whose next registration id is `shift` further on: what a
    # process writing to a shared store after others would get. Loading
    # draws nothing, so every child draws from the state it inherited.
    doc = json.loads(document)
    doc["next_ids"]["registration"] += shift
    community = cimi.Community.from_json(json.dumps(doc))
    out.put(community.register(event, **person("child@interieur.gouv.fr"), at=NOW).cancel_token)


@pytest.mark.skipif(sys.platform != "linux", reason="fork is the Linux default start method")
def test_forked_writers_draw_distinct_secrets(community: cimi.Community, event: int) -> None:
    # The parent draws first, so that its generator has a state to inherit.
    community.register(event, **person("parent@interieur.gouv.fr"), at=NOW)
    document = community.to_json()
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    children = [ctx.Process(target=_register, args=(document, 10 * i, event, out)) for i in range(3)]
    for p in children:
        p.start()
    tokens = [out.get(timeout=60) for _ in children]
    for p in children:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert None not in tokens
    ids = {t.split("-")[0] for t in tokens}
    secrets = {t.split("-")[1] for t in tokens}
    assert len(ids) == 3, tokens
    assert len(secrets) == 3, "forked writers drew the same secret"
