"""Calls every public callable of `cimi` with hostile arguments.

Run by `test_hostile_calls.py` in a child interpreter (so that a crash of the
interpreter shows as a signal, not as a vanished test run), from a scratch
working directory (`Store.open` and `from_statutes_file` get paths; every
`path` argument is made relative to it, see `confined`):

    python hostile_calls.py [--examples N]

The callables are found by introspection — every function of the module,
every class (its constructor), and every method, static method, class method
(the pickling helpers included), dunder defined by a class, and property of
each class — so new API is covered without touching this file. Each one is
called by hypothesis with values of wrong types and sizes (None, huge and
negative ints, nan and inf, bytes, a 10 MB string, NUL and lone surrogates,
naive and aware datetimes, lists and dicts of junk, objects whose `__len__`
lies or whose `__iter__` raises...), mixed with valid values so that the
later arguments are reached too. The only exceptions allowed out are
`cimi.CimiError` subclasses, `TypeError`, and `Boom` (raised by the hostile
objects themselves and propagated as it should). Properties are read on
every object and must refuse assignment (`AttributeError`: records are
read-only snapshots). Prints the number of callables and calls; exits 1 on
the first other exception (hypothesis prints the falsifying call).
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import resource
import sys
from typing import Any, Callable, Iterator
from zoneinfo import ZoneInfo

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cimi
from conftest import person  # the test suite's complete request

UTC = dt.timezone.utc
PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2030, 11, 20, 9, 0, tzinfo=UTC)
STARTS = dt.datetime(2030, 12, 12, 11, 30, tzinfo=UTC)
ENDS = dt.datetime(2030, 12, 12, 13, 30, tzinfo=UTC)

#: The enumeration must find at least this many callables (it found 190 when
#: this was written); fewer means introspection missed part of the API.
EXPECTED_AT_LEAST = 190

ALLOWED: tuple[type[BaseException], ...]


class Boom(Exception):
    """Raised by the hostile objects' own methods."""


ALLOWED = (cimi.CimiError, TypeError, Boom)


# ----- hostile values --------------------------------------------------------------------


class Opaque:
    """An object of no expected type."""


class LyingLen:
    """Claims a billion items and yields none."""

    def __len__(self) -> int:
        return 10**9

    def __iter__(self) -> Iterator[Any]:
        return iter(())


class RaisingIter:
    def __iter__(self) -> Iterator[Any]:
        raise Boom("__iter__")

    def __len__(self) -> int:
        raise Boom("__len__")


class RaisingMapping:
    def items(self) -> Any:
        raise Boom("items")

    def keys(self) -> Any:
        raise Boom("keys")


class FakeMapping:
    """`.items()` yields junk pairs."""

    def items(self) -> Any:
        return [(1, 2), ("email",), None]


class SneakyStr(str):
    """A `str` whose comparisons and hash raise."""

    def __eq__(self, other: object) -> bool:
        raise Boom("__eq__")

    def __hash__(self) -> int:
        raise Boom("__hash__")

    def __len__(self) -> int:
        return 10**9


class BadTz(dt.tzinfo):
    def utcoffset(self, d: dt.datetime | None) -> dt.timedelta:
        raise Boom("utcoffset")

    def dst(self, d: dt.datetime | None) -> dt.timedelta:
        raise Boom("dst")

    def tzname(self, d: dt.datetime | None) -> str:
        return "bad"


class WeirdTz(dt.tzinfo):
    """An offset that is not a whole number of minutes, just under a day."""

    def utcoffset(self, d: dt.datetime | None) -> dt.timedelta:
        return dt.timedelta(hours=23, minutes=59, seconds=59, microseconds=999_999)

    def dst(self, d: dt.datetime | None) -> dt.timedelta:
        return dt.timedelta(0)


def raising_callable(*args: Any) -> Any:
    raise Boom("called")


class ArrowExporter:
    """Has `__arrow_c_stream__`, which returns `result` (or raises `Boom`)."""

    def __init__(self, result: Any) -> None:
        self.result = result

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        if self.result is Boom:
            raise Boom("__arrow_c_stream__")
        return self.result


#: Arrow data of every wrong shape: columns of the wrong type or name, nulls
#: where a value is required, junk or failing exports, capsules of the wrong
#: kind.
ARROW_OBJECTS: list[Any] = [
    pa.table({"email": [1, 2]}),
    pa.table({"email": ["a@interieur.gouv.fr", None], "acknowledged": [["pssi", None], None]}),
    pa.table({"email": ["a@interieur.gouv.fr"], "attendance": ["by pigeon"], "skills": [["x"]]}),
    pa.table({"nope": pa.nulls(3)}),
    pa.table({"email": pa.array(["\x00", "x" * 10_000], pa.string_view()), "acknowledged": [True, None]}),
    pa.table({"email": pa.array([None, None], pa.null()), "affiliation": pa.array([[], None], pa.list_(pa.null()))}),
    ArrowExporter(42),
    ArrowExporter(Boom),
    ArrowExporter(pa.schema([]).__arrow_c_schema__()),
    pa.schema([pa.field("x", pa.int8())]).__arrow_c_schema__(),
    pa.table({"a": [1]}).__arrow_c_stream__(),
]


HUGE = "x" * 10_000_000  # one object, shared by every draw
HUGE_EMAIL = HUGE + "@interieur.gouv.fr"
ODD_STRINGS = [
    "",
    "\x00",
    "a\x00b@interieur.gouv.fr",
    "\ud800",
    "a\udcff@interieur.gouv.fr",
    "\u202e\u200b",
    "ａ@ｉｎｔｅｒｉｅｕｒ.ｇｏｕｖ.ｆｒ",
    "x" * 70 + "@interieur.gouv.fr",
    "{" * 10_000,
    '{"format": "cimi.community", "version": 999}',
    "Europe/Paris",
    "../../../../etc/passwd",
]
ODD_INTS = [0, -1, 1, 2**31, 2**32, 2**63 - 1, 2**63, 2**64, -(2**63), 10**100, -(10**100)]
ODD_OBJECTS: list[Any] = [
    Opaque(),
    LyingLen(),
    RaisingIter(),
    RaisingMapping(),
    FakeMapping(),
    SneakyStr("email"),
    object,
    int,
    len,
    raising_callable,
    lambda *a, **k: None,
    cimi,
    cimi.Community,
    Ellipsis,
    NotImplemented,
    memoryview(b"abc"),
    bytearray(b"abc"),
    range(10**12),
    dt.date(2030, 1, 1),
    dt.time(12, 0),
    dt.timedelta(days=-1),
    dt.datetime(2030, 1, 1, tzinfo=BadTz()),
    dt.datetime(2030, 1, 1, tzinfo=WeirdTz()),
    dt.datetime.min.replace(tzinfo=dt.timezone(dt.timedelta(hours=5))),
    dt.datetime.max.replace(tzinfo=dt.timezone(dt.timedelta(hours=-5))),
    HUGE,
    HUGE_EMAIL,
    HUGE.encode(),
    *ARROW_OBJECTS,
]

def pick(values: list[Any]) -> st.SearchStrategy[Any]:
    """`sampled_from` by index: the strategy's repr stays short (hypothesis
    builds it eagerly, and these lists hold a 10 MB string)."""
    return st.integers(min_value=0, max_value=len(values) - 1).map(values.__getitem__)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from(ODD_INTS),
    st.floats(allow_nan=True, allow_infinity=True),
    st.binary(max_size=32),
    st.text(max_size=32),
    pick(ODD_STRINGS),
    st.datetimes(),
    st.datetimes(timezones=st.sampled_from([UTC, PARIS, dt.timezone(dt.timedelta(hours=-11))])),
    pick(ODD_OBJECTS),
)
junk = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(st.one_of(st.text(max_size=12), st.sampled_from(["email", "kind", "url", "name"])), inner, max_size=4),
        st.frozensets(st.integers(), max_size=3),
    ),
    max_leaves=8,
)


# ----- the objects the methods are called on ----------------------------------------------


def fixtures(workdir: str) -> dict[type, list[Any]]:
    """At least one object of every class, with data behind them."""
    community = cimi.Community.cimi()
    event = community.schedule_event(
        "miditech", "Hostile", STARTS, ENDS, 2, quotas={"interieur": 1},
        remote="https://example.invalid/live", at=NOW,
    )
    regs = [community.register(event, **person(f"p{i}@interieur.gouv.fr"), at=NOW) for i in range(3)]
    cancellation = community.cancel(regs[0].id, at=NOW)
    # A moderated event with an admission of its own: pending requests for
    # approve/reject, a rejected one for its rejection message.
    moderated = community.schedule_event(
        "workshop", "Moderated", STARTS, ENDS, 1, moderated=True, allowed=["*@*.gouv.fr"],
        audiences=["interieur"], at=NOW,
    )
    pending = [community.register(moderated, **person(f"m{i}@interieur.gouv.fr"), at=NOW) for i in range(3)]
    regs.append(community.reject(pending[0].id, "Complet", at=NOW))
    # An event offering freed seats, with an open offer to accept or decline,
    # and a deadline of self-service cancellation.
    offers = community.schedule_event(
        "workshop", "Offers", STARTS, ENDS, 1, waitlist_offer=dt.timedelta(hours=48),
        offer_cutoff=dt.timedelta(hours=24), cancellation_deadline=STARTS - dt.timedelta(days=2), at=NOW,
    )
    waiting = [community.register(offers, **person(f"o{i}@interieur.gouv.fr"), at=NOW) for i in range(3)]
    community.cancel(waiting[0].id, at=NOW)
    regs.append(community.registration(waiting[1].id))
    assert regs[-1].status == "offered"
    member = community.add_member("ada@interieur.gouv.fr", skills=["rust"], at=NOW)
    help_id = community.ask_help("ada@interieur.gouv.fr", "Rust", "FFI?", skills=["rust"], at=NOW)
    watch_id = community.share_watch_item(
        "PyO3", "https://pyo3.rs", scope="external", shared_by="ada@interieur.gouv.fr", at=NOW
    )
    digest = community.digest("forum", NOW - dt.timedelta(days=30), NOW + dt.timedelta(days=1), at=NOW)
    violations = community.check_statutes(at=NOW)
    assert violations, "the CIMI preset without a bureau breaks its statutes"
    store = cimi.Store.open(f"{workdir}/store", durable=False)
    return {
        cimi.Community: [community, community.copy()],
        cimi.Statutes: [community.statutes],
        cimi.Member: [community.member(member)],
        cimi.Event: [community.event(event), community.event(offers)],
        cimi.Registration: regs,
        cimi.Cancellation: [cancellation],
        cimi.Violation: violations[:1],
        cimi.HelpRequest: [community.help_request(help_id)],
        cimi.WatchItem: [community.watch_item(watch_id)],
        cimi.Digest: [digest],
        cimi.Store: [store, cimi.Store.in_memory(community)],
        cimi.Table: [community.members_table(at=NOW), community.help_requests_table(), cimi.Community.cimi().events_table()],
    }


def valid_values(objects: dict[type, list[Any]]) -> dict[str, st.SearchStrategy[Any]]:
    """Plausible values by parameter name, so that calls get past their first
    argument: the hostile value then lands on a later one."""
    community: cimi.Community = objects[cimi.Community][0]
    events = [e.id for e in community.events()]
    regs = [r.id for r in community.registrations()]
    members = [m.id for m in community.members()]
    emails = ["new@interieur.gouv.fr", "p1@interieur.gouv.fr", "x@agri.gouv.fr", "x@gmail.com"]
    moments = st.sampled_from([NOW, STARTS, ENDS, NOW.astimezone(PARIS)])
    return {
        "event_id": st.sampled_from(events),
        "registration_id": st.sampled_from(regs),
        "member_id": st.sampled_from(members),
        "help_request_id": st.just(objects[cimi.HelpRequest][0].id),
        "watch_item_id": st.just(objects[cimi.WatchItem][0].id),
        "email": st.sampled_from(emails),
        "shared_by": st.sampled_from(emails),
        "organizer_email": st.sampled_from(emails),
        "address": st.sampled_from(emails),
        "at": moments,
        "starts_at": moments,
        "ends_at": moments,
        "start": moments,
        "end": moments,
        "opens": moments,
        "closes": moments,
        "local": st.just(dt.datetime(2030, 3, 31, 2, 30)),
        "kind": st.sampled_from(["workshop", "miditech", "recording", "mailing_list"]),
        "capacity": st.integers(min_value=0, max_value=100),
        "title": st.just("Title"),
        "requests": st.lists(st.builds(person, st.sampled_from(emails)), max_size=3),
        "statutes": st.just(objects[cimi.Statutes][0]),
        "community": st.just(community),
        "channel": st.sampled_from(["forum", "twitter"]),
        "scope": st.sampled_from(["internal", "external"]),
        "language": st.sampled_from(["fr", "en"]),
        "reason": st.just("Complet"),
        "allowed": st.sampled_from([["*@*.gouv.fr"], ["*@paris.fr", "*@lyon.fr"], None]),
        "audiences": st.sampled_from([["interieur"], [], None]),
        "reminder": st.sampled_from([None, dt.timedelta(minutes=30)]),
        "waitlist_offer": st.sampled_from([None, dt.timedelta(hours=48), dt.timedelta(seconds=5)]),
        "offer_cutoff": st.sampled_from([None, dt.timedelta(0), dt.timedelta(days=1)]),
        "cancellation_deadline": moments,
        "token": st.sampled_from([r.cancel_token for r in community.registrations()] + ["1-" + "0" * 32]),
        "text": st.just(community.to_json()),
        "change": st.just('{"seq": 1}'),
        "data": st.just(objects[cimi.Statutes][0].to_dict()),
        "actor": st.just("hostile-test"),
        "operation": st.just(lambda c: c.check_invariants()),
        "members": st.sampled_from([community.members_table(at=NOW), [{"email": "new@interieur.gouv.fr"}]]),
        "requested_schema": st.none(),
    }


def confined(name: str, value: Any) -> Any:
    """A `path` argument kept inside the scratch directory (the process may
    run as root): made relative, `..` taken out; NUL bytes, lone surrogates,
    huge names and wrong types stay."""
    if name != "path":
        return value
    if isinstance(value, str) and type(value) is str:
        return "./" + value.replace("..", "__")
    if isinstance(value, bytes):
        return b"./" + value.replace(b"..", b"__")
    if isinstance(value, (dt.date, dt.time, int, float, type(None), list, dict, tuple)):
        return value
    return Opaque()  # an object that could be os.PathLike to anywhere


# ----- enumeration -------------------------------------------------------------------------


def public_callables() -> list[tuple[str, Callable[..., Any], Any]]:
    """(name, callable, class or None) for every public callable."""
    found: list[tuple[str, Callable[..., Any], Any]] = []
    for name in cimi.__all__:
        obj = getattr(cimi, name)
        if isinstance(obj, type):
            found.append((f"cimi.{name}", obj, None))
            if issubclass(obj, BaseException):
                continue  # plain Python exception classes: their constructor is enough
            for attr, raw in vars(obj).items():
                if attr.startswith("__") and attr not in {
                    "__eq__", "__repr__", "__reduce__", "__copy__", "__deepcopy__", "__contains__",
                    "__arrow_c_stream__", "__arrow_c_schema__",
                }:
                    continue
                if isinstance(raw, (staticmethod, classmethod)) or type(raw).__name__ == "classmethod_descriptor":
                    found.append((f"cimi.{name}.{attr}", getattr(obj, attr), None))
                elif callable(raw):
                    found.append((f"cimi.{name}.{attr}", raw, obj))
        elif callable(obj):
            found.append((f"cimi.{name}", obj, None))
    return found


def properties() -> list[tuple[str, str, type]]:
    return [
        (f"cimi.{name}.{attr}", attr, cls)
        for name in cimi.__all__
        if isinstance(cls := getattr(cimi, name), type) and not issubclass(cls, BaseException)
        for attr, raw in vars(cls).items()
        if type(raw).__name__ == "getset_descriptor"
    ]


def parameters(target: Callable[..., Any], bound: bool) -> list[inspect.Parameter]:
    try:
        params = list(inspect.signature(target).parameters.values())
    except (TypeError, ValueError):  # no signature (a record class: no constructor)
        return []
    if bound and params:
        params = params[1:]  # self
    return [p for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


# ----- the run --------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=20, help="hypothesis examples per callable")
    parser.add_argument("--workdir", default=".")
    parser.add_argument("--memory-gib", type=int, default=8, help="address space limit of this process")
    args = parser.parse_args()
    # A memory bomb (a list filled from an endless iterator) then fails here
    # instead of taking the machine down.
    limit = args.memory_gib << 30
    resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))

    objects = fixtures(args.workdir)
    valid = valid_values(objects)
    targets = public_callables()
    props = properties()
    if len(targets) < EXPECTED_AT_LEAST:
        print(f"error: found {len(targets)} callables, expected at least {EXPECTED_AT_LEAST}", file=sys.stderr)
        return 1
    calls = 0
    failures: list[str] = []
    example_cache: dict[str, Any] = {}

    def attempt(name: str, target: Callable[..., Any], positional: list[Any], keywords: dict[str, Any]) -> str | None:
        """Calls `target`; what went wrong (another exception than a `cimi` one
        or `TypeError`), or None."""
        nonlocal calls
        calls += 1
        try:
            target(*positional, **keywords)
        except ALLOWED:
            return None
        except BaseException as e:  # noqa: BLE001 - the point of the test
            return f"{name}(*{short(positional)}, **{short(keywords)}) raised {type(e).__name__}: {short(e)}"
        finally:
            cimi.set_language("en")
        return None

    def call(name: str, target: Callable[..., Any], receivers: list[Any] | None, data: st.DataObject) -> None:
        params = parameters(target, receivers is not None)
        positional: list[Any] = []
        keywords: dict[str, Any] = {}
        skipped = False
        for p in params:
            if p.default is not p.empty and data.draw(st.booleans(), label=f"omit {p.name}"):
                skipped = True  # the next ones go by keyword
                continue
            choices = [junk, valid[p.name]] if p.name in valid else [junk]
            value = confined(p.name, data.draw(st.one_of(*choices), label=p.name))
            if p.kind is p.KEYWORD_ONLY or (skipped and p.kind is p.POSITIONAL_OR_KEYWORD):
                keywords[p.name] = value
            else:
                positional.append(value)
        extra = data.draw(st.sampled_from([None, None, None, "positional", "keyword"]), label="extra")
        if extra == "positional":
            positional.append(data.draw(junk, label="extra positional"))
        elif extra == "keyword":
            keywords["unexpected"] = data.draw(junk, label="extra keyword")
        if receivers is not None:
            positional.insert(0, data.draw(st.sampled_from(receivers), label="self"))
        failure = attempt(name, target, positional, keywords)
        if failure is not None:
            raise AssertionError(failure)

    # 1. A sweep: every parameter of every callable gets every value of the
    # fixed hostile list, the other parameters valid (or left out).
    fixed = [None, True, 1.5, float("nan"), float("inf"), b"bytes", [None], {"k": object()}, *ODD_INTS, *ODD_STRINGS,
             *ODD_OBJECTS, dt.datetime(2030, 11, 20, 9, 0), NOW, [HUGE], {"email": HUGE_EMAIL}]
    for name, target, cls in targets:
        receivers = objects[cls] if cls is not None else None
        params = parameters(target, receivers is not None)
        for hostile_at in range(max(len(params), 1)):
            for value in fixed:
                positional: list[Any] = [receivers[0]] if receivers else []
                keywords: dict[str, Any] = {}
                for i, p in enumerate(params):
                    if i == hostile_at:
                        arg = confined(p.name, value)
                    elif p.name in valid:
                        arg = valid[p.name].example() if p.name not in example_cache else example_cache[p.name]
                        example_cache.setdefault(p.name, arg)
                    elif p.default is not p.empty:
                        continue
                    else:
                        arg = None
                    if p.kind is p.POSITIONAL_ONLY:
                        positional.append(arg)
                    else:
                        keywords[p.name] = arg
                failure = attempt(name, target, positional, keywords)
                if failure is not None:
                    failures.append(failure)
    swept = calls

    # 2. Hypothesis: random values of every shape in every parameter.
    for name, target, cls in targets:
        receivers = objects[cls] if cls is not None else None

        @settings(max_examples=args.examples, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(data=st.data())
        def run(data: st.DataObject) -> None:
            call(name, target, receivers, data)

        try:
            run()
        except AssertionError as e:  # hypothesis has printed the falsifying call
            failures.append(str(e).splitlines()[0])

    read_only = 0
    for name, attr, cls in props:
        for obj in objects[cls]:
            try:
                getattr(obj, attr)
            except cimi.StoreError as e:  # a store the sweep closed
                assert e.kind == "store_closed", e
            try:
                setattr(obj, attr, None)
            except AttributeError:
                read_only += 1
            else:
                raise AssertionError(f"{name} can be assigned")
    print(
        f"hostile calls: {calls} calls on {len(targets)} public callables ({swept} in the sweep of "
        f"{len(fixed)} values per parameter, {calls - swept} from hypothesis, {args.examples} examples per "
        f"callable), {len(props)} properties read and refused assignment on {read_only} objects"
    )
    if failures:
        print(f"error: {len(failures)} calls let another exception out:", file=sys.stderr)
        for failure in failures:
            print(f"  {failure}", file=sys.stderr)
        return 1
    # The objects are still consistent after all that.
    for community in objects[cimi.Community]:
        assert community.check_invariants() is None, community.check_invariants()
    return 0


def short(value: object) -> str:
    text = repr(value)
    return text if len(text) < 120 else text[:117] + "..."


if __name__ == "__main__":
    sys.exit(main())
