"""Type stubs of the compiled extension module ``cimi._cimi``.

The members, statutes, events, registration engine, mutual help and technology
watch of a ministry IT community (the CIMI preset, or any community's own
statutes), bindings of the ``cimi-core`` Rust library. Every rule lives in the
Rust core; these bindings convert arguments and results.

Conventions that hold for the whole module:

- **Datetimes**: every time argument is a timezone-aware ``datetime.datetime``
  (any tzinfo: ``datetime.timezone.utc``, ``zoneinfo.ZoneInfo("Europe/Paris")``,
  a pandas ``Timestamp``...). A naive datetime is refused with ``InvalidInput``
  (kind ``naive_datetime``): guessing a timezone is how registrations end up an
  hour off. ``at=None`` means now. Returned datetimes are aware, in UTC. Civil
  times (calendars, per-year and per-month statistics) are Europe/Paris.
- **Errors**: every error of the module is a ``CimiError`` (a ``ValueError``)
  or one of its subclasses, with ``.kind`` (a stable snake_case string),
  ``.message_en``, ``.message_fr`` and ``.details`` (a dict); ``str(error)`` is
  the message in the module's language (``set_language``). Arguments of the
  wrong Python type raise ``TypeError``; values of the right type that cannot
  be taken (a negative count, an id out of range, text with lone surrogates)
  raise ``InvalidInput``. Exceptions raised by your own objects (a tzinfo, an
  iterator, a ``Store.execute`` operation) propagate as they are.
- **Limits**: list arguments (skills, tags, ids, the rows of ``register_many``)
  take at most 1,000,000 items (``InvalidInput`` beyond, even from an endless
  iterator).
- **Tables**: the ``*_table()`` methods and the statistics return a ``Table``:
  Arrow data with a fixed schema, which polars, pyarrow, pandas (3.0+) and
  duckdb read in place through the Arrow PyCapsule interface, and which
  converts to plain Python with ``to_pydict()`` or ``dict(table)``.
  ``register_many`` and ``import_members`` take Arrow data too (any object
  with ``__arrow_c_stream__``).
- **Threads**: every call whose work grows with the data (tables, batches,
  imports and exports, digests, suggestions, copies, JSON) runs in Rust with
  the GIL released, so other Python threads run meanwhile.
- **Snapshots**: ``Member``, ``Event``, ``Registration`` and the other records
  are read-only copies taken when they were returned; the community changes
  only through ``Community`` methods. Records compare by value, pickle, and
  show no names or addresses in their ``repr``.
"""

import datetime
import os
import pathlib
from collections.abc import Iterable, Mapping
from typing import Any, Callable, ClassVar, Literal, Optional, Protocol, TypedDict, TypeVar, Union, final, overload

from typing_extensions import NotRequired, TypeAlias

__all__ = [
    "Community",
    "Table",
    "Statutes",
    "Member",
    "Event",
    "Registration",
    "Cancellation",
    "Violation",
    "CimiError",
    "RegistrationRefused",
    "NotFound",
    "InvalidState",
    "InvalidInput",
    "StatutesError",
    "FormatError",
    "PublicationRefused",
    "StoreError",
    "InteropError",
    "Store",
    "HelpRequest",
    "WatchItem",
    "Digest",
    "set_language",
    "get_language",
    "parse_address",
    "paris_instant",
    "normalize_skill",
    "__version__",
]

#: The version of the ``cimi`` package (and of the Rust crate it was built from).
__version__: str

#: The kind of an event.
EventKind: TypeAlias = Literal["miditech", "workshop", "conference", "meeting"]
#: Where an event stands: draft → open ⇄ closed → held → reported, or cancelled before it is held.
EventState: TypeAlias = Literal["draft", "open", "closed", "held", "reported", "cancelled"]
#: Where a registration stands.
Status: TypeAlias = Literal["confirmed", "waitlisted", "pending", "offered", "cancelled"]
#: How a registrant asks to attend.
Attendance: TypeAlias = Literal["on_site", "remote", "on_site_or_remote"]
#: The consents a member can give or withdraw.
ConsentKind: TypeAlias = Literal["mailing_list", "recording", "name_publication"]
#: A language of messages.
Language: TypeAlias = Literal["en", "fr"]
#: A text argument that may be left out (``None`` reads as empty).
OptStr: TypeAlias = Optional[str]

class Speaker(TypedDict):
    """A speaker of a program item."""

    name: str
    title: NotRequired[str]
    organisation: NotRequired[str]
    recording_consent: NotRequired[bool]

class ProgramItem(TypedDict):
    """One item of an event's program: its kind, a title (may be empty) and its speakers, in order."""

    kind: Literal["introduction", "welcome", "talk", "questions_and_answers", "conclusion", "hands_on", "other"]
    title: NotRequired[str]
    speakers: NotRequired[list[Speaker]]

class Venue(TypedDict):
    """Where an event takes place: the name of the place and its postal address."""

    name: str
    address: str

class Remote(TypedDict):
    """A remote broadcast: the video-conference link and the remote places (``None``: unlimited)."""

    url: str
    capacity: NotRequired[Optional[int]]

class Resource(TypedDict):
    """A resource of an event's report (slides, recording, document, contacts, link)."""

    kind: Literal["slides", "recording", "document", "contacts", "link"]
    title: str
    url: str

class Report(TypedDict):
    """The report (compte-rendu) of a held event."""

    summary: str
    resources: list[Resource]
    published_at: datetime.datetime

class Admission(TypedDict):
    """Who an event admits besides or instead of the statutes' policy (``Event.admission``)."""

    #: The event's own allowed address patterns, in the core's canonical form
    #: (``"*@*.gouv.fr"``, ``"*@paris.fr"``...); empty: no rule of its own.
    allowed: list[str]
    #: The audiences admitted (audience ids of the statutes); empty: every
    #: audience, and addresses in no audience.
    audiences: list[str]
    #: Whether ``allowed`` replaces the statutes' policy instead of narrowing it.
    replaces_policy: bool

class ReportAttendees(TypedDict):
    """The attendees a compte-rendu may name (``Community.report_attendees``)."""

    #: The names ("given family") of those checked in who consented to the
    #: publication of their name, in the order of registration.
    named: list[str]
    #: How many other attendees were checked in.
    unnamed: int

class OfferRound(TypedDict):
    """What ``Community.expire_offers`` did, in order."""

    #: The offers whose deadline had passed, now cancelled (registration ids).
    expired: list[int]
    #: The registrations offered (or given, once the offer window has closed)
    #: a seat in their place.
    promoted: list[int]

class Consent(TypedDict):
    """One consent decision of a member, dated."""

    kind: ConsentKind
    granted: bool
    at: datetime.datetime

class Occupancy(TypedDict):
    """How full an event is (see ``Community.occupancy``).

    ``capacity``: seats on site; ``on_site``: seats taken (confirmed, or held
    by an open offer); ``offered``: seats held by open offers (included in
    ``on_site``); ``remote``: remote places taken; ``waiting``: registrations
    waiting for a seat (remote ones waiting included); ``on_site_by_audience``:
    seats taken per audience id (``""`` for addresses in no audience).
    """

    capacity: int
    on_site: int
    offered: int
    remote: int
    waiting: int
    on_site_by_audience: dict[str, int]

class RegistrationRequest(TypedDict):
    """One request of ``Community.register_many``: the keywords of ``register``."""

    email: str
    family_name: NotRequired[OptStr]
    given_name: NotRequired[OptStr]
    service: NotRequired[OptStr]
    grade: NotRequired[OptStr]
    function: NotRequired[OptStr]
    acknowledged: NotRequired[Union[bool, Iterable[str], None]]
    attendance: NotRequired[Optional[Attendance]]

class Channel(TypedDict):
    """A communication channel of the statutes (forum, wiki, mailing list, public account...).

    ``visibility`` says how wide its audience is: an internal watch item is
    never published on a ``"public"`` channel.
    """

    id: str
    kind: Literal[
        "forum", "wiki", "mailing_list", "contact_mailbox", "tchap_room", "public_social", "intranet_site", "code_forge"
    ]
    name: str
    visibility: Literal["members_only", "ministry_internal", "public"]

class HelpStep(TypedDict):
    """One dated step of a help request's life (``referred_to``: the member ids of a referral)."""

    state: Literal["open", "referred", "resolved", "closed"]
    at: datetime.datetime
    referred_to: list[int]

class Suggestion(TypedDict):
    """A member suggested to help, with the score and the skills shared with the request."""

    member_id: int
    score: float
    shared_skills: list[str]
    status: Literal["active", "dormant", "erased"]

class UpcomingEvent(TypedDict):
    """An event open for registration, as a digest lists it (``venue``: the place's name)."""

    id: int
    title: str
    kind: EventKind
    starts_at: datetime.datetime
    venue: Optional[str]

class HistoryEntry(TypedDict):
    """One entry of a store's audit history: who did what, when (``change``: the recorded change as JSON)."""

    seq: int
    actor: str
    action: str
    at: datetime.datetime
    change: str

_T = TypeVar("_T")

#: A CSV dialect: ``"french_office"`` (``;``, UTF-8 with a BOM, what spreadsheet programs open)
#: or ``"rfc4180"`` (``,``, no BOM).
CsvDialect: TypeAlias = Literal["french_office", "rfc4180"]

class RejectedRow(TypedDict):
    """A row that a CSV import rejected: its line number, why (``kind``) and the messages.

    ``message`` is in the module's language; ``message_en`` and ``message_fr``
    are both given.
    """

    line: int
    kind: str
    message: str
    message_en: str
    message_fr: str

class ImportReport(TypedDict):
    """The report of ``Community.import_members_csv``.

    ``imported``: the member ids created; ``rejected``: every bad row;
    ``rows``: the data rows read; ``separator``: ``";"`` or ``","``, as
    detected; ``encoding``: as detected; ``ignored_columns``: header names that
    were not understood; ``complete``: whether every row was imported.
    """

    imported: list[int]
    rejected: list[RejectedRow]
    rows: int
    separator: str
    encoding: Literal["utf8", "utf8_bom", "windows1252"]
    ignored_columns: list[str]
    complete: bool

class MailProblem(TypedDict):
    """A problem found in a registration e-mail.

    ``about_sender``: the problem concerns the sender's address or its
    authentication; ``message`` is in the module's language.
    """

    kind: str
    message: str
    message_en: str
    message_fr: str
    about_sender: bool

class MailRequest(TypedDict):
    """The registration request read from an e-mail: the keywords of ``Community.register``."""

    email: str
    family_name: str
    given_name: str
    service: str
    grade: str
    function: str
    acknowledged: list[str]
    attendance: Attendance

class MailReading(TypedDict):
    """What ``Community.read_registration_email`` read from a message.

    ``sender``: the ``From`` address, if there is a usable one; ``event_id``:
    the event the message names, if found; ``request``: the request read;
    ``problems``: everything missing or wrong; ``complete``: no problem found.
    """

    sender: Optional[str]
    event_id: Optional[int]
    request: MailRequest
    problems: list[MailProblem]
    complete: bool

class MailOutcome(TypedDict):
    """What ``Community.register_from_email`` did.

    ``registered``: whether the engine accepted the request (then
    ``event_id`` and ``registration`` are set and ``problems`` is empty);
    ``reply_fr``: the French text to send back (a confirmation, or what is
    missing or wrong).
    """

    registered: bool
    event_id: Optional[int]
    registration: Optional[Registration]
    problems: list[MailProblem]
    reply_fr: str

class ArrowStream(Protocol):
    """Any object that exports an Arrow C stream (the Arrow PyCapsule interface).

    ``polars.DataFrame``, ``pandas.DataFrame`` (pandas 2.2+), ``pyarrow.Table``,
    ``pyarrow.RecordBatchReader``, a duckdb relation and ``cimi.Table`` are.
    """

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any: ...

class MemberRow(TypedDict):
    """A member for ``Community.import_members``: the keywords of ``Community.add_member``.

    ``email`` is required; a field left out or ``None`` is empty. The columns
    that ``members_table()`` computes (``id``, ``domain``, ``administration``,
    ``joined_at``, ``last_participation_at``, ``status``, ``bureau_role``,
    ``erased_at``, ``consent_*``) may be there and are skipped.
    """

    email: str
    family_name: NotRequired[OptStr]
    given_name: NotRequired[OptStr]
    service: NotRequired[OptStr]
    grade: NotRequired[OptStr]
    function: NotRequired[OptStr]
    corps: NotRequired[OptStr]
    affiliation: NotRequired[Optional[list[str]]]
    skills: NotRequired[Optional[list[str]]]
    interests: NotRequired[Optional[list[str]]]

class RefusedMember(TypedDict):
    """A member that ``Community.import_members`` did not add: its row (from 0), why (``kind``) and the messages.

    ``kind`` is the kind of the error ``add_member`` would raise
    (``invalid_address``, ``duplicate_member``, ``invalid_field``...);
    ``message`` is in the module's language.
    """

    row: int
    kind: str
    message: str
    message_en: str
    message_fr: str

class MembersImport(TypedDict):
    """The report of ``Community.import_members``.

    ``imported``: the ids of the members added, in the order of their rows;
    ``rejected``: the rows refused; ``rows``: the rows read; ``complete``:
    whether every row was added.
    """

    imported: list[int]
    rejected: list[RefusedMember]
    rows: int
    complete: bool

@final
class Table:
    """A table of the community (members, events, registrations, statistics...) as Arrow data.

    It implements the Arrow PyCapsule interface (``__arrow_c_stream__``,
    ``__arrow_c_schema__``): ``polars.DataFrame(table)``,
    ``pyarrow.table(table)``, ``pandas.DataFrame.from_arrow(table)``
    (pandas 3.0+) and duckdb (``duckdb.sql("select ... from table")``) read
    its columns in place, without a conversion to Python objects and without
    cimi depending on any of them.

    Each table has a fixed schema, the same for an empty community: texts are
    ``large_string`` (``LargeUtf8``), lists of texts ``list<large_string>``,
    identifiers, counts and years ``int64``, instants
    ``timestamp[us, tz=UTC]``, flags ``bool``, rates ``float64``; a column is
    nullable only where a value can be absent (the schema of each table is in
    the docstring of the method that returns it).

    For plain Python: ``to_pydict()`` (a ``dict`` of lists, as the tables
    were before they were Arrow data), ``dict(table)``, ``table["email"]``,
    ``to_pylist()`` (one dict per row). Values convert as Python values:
    ``int``, ``float``, ``bool``, ``str``, aware ``datetime`` in UTC, lists,
    and ``None`` where absent. ``pandas.DataFrame(table)`` is not supported
    (pandas takes only real dicts there): use ``pandas.DataFrame.from_arrow``
    or ``pandas.DataFrame(table.to_pydict())``.

    A table compares equal to a table with the same schema and values, and to
    a ``dict`` equal to its ``to_pydict()``. Tables are immutable and not
    hashable.

    Example:
        ```py
        import polars as pl

        members = pl.DataFrame(community.members_table())
        members.group_by("domain").len()
        community.members_table()["email"]   # a list of str
        ```
    """

    __hash__: ClassVar[None]  # type: ignore[assignment]
    def __arrow_c_stream__(self, requested_schema: Optional[object] = None) -> object:
        """Export the table as an Arrow C stream (a PyCapsule named ``arrow_array_stream``).

        Arguments:
            requested_schema: A PyCapsule holding an Arrow C schema the
                consumer would rather have; the columns are cast to it when
                Arrow can cast them (for instance ``large_string`` to
                ``string``), otherwise the table's own schema is used.
        """
    def __arrow_c_schema__(self) -> object:
        """Export the table's schema as an Arrow C schema (a PyCapsule named ``arrow_schema``)."""
    @property
    def num_rows(self) -> int:
        """The number of rows."""
    @property
    def num_columns(self) -> int:
        """The number of columns."""
    @property
    def column_names(self) -> list[str]:
        """The column names, in order."""
    def keys(self) -> list[str]:
        """Return the column names, in order (what ``dict(table)`` reads)."""
    def values(self) -> list[list[Any]]:
        """Return the columns as lists of Python values, in order."""
    def items(self) -> list[tuple[str, list[Any]]]:
        """Return ``(name, values)`` pairs, in order."""
    def to_pydict(self) -> dict[str, list[Any]]:
        """Return the table as a ``dict`` of lists: column name → Python values (``None`` where absent)."""
    def to_pylist(self) -> list[dict[str, Any]]:
        """Return the rows as dicts (column name → Python value), in order."""
    def __getitem__(self, name: str, /) -> list[Any]:
        """Return the column ``name`` as a list of Python values.

        Raises:
            KeyError: No column has that name.
            TypeError: ``name`` is not a ``str``.
        """
    def __contains__(self, name: object, /) -> bool:
        """Whether the table has a column of that name."""
    def __eq__(self, other: object, /) -> bool:
        """Equal to a ``Table`` with the same schema and values, or to a ``dict`` equal to ``to_pydict()``."""

# ----- exceptions ----------------------------------------------------------------

class CimiError(ValueError):
    """Base class of every cimi error (a ``ValueError``).

    ``str(error)`` is the message in the module's language (see
    ``set_language``). Branch on ``.kind``, never on the message.

    Example:
        ```py
        try:
            community.register(event_id, email="jean@gmail.com", acknowledged=True)
        except cimi.CimiError as e:
            e.kind        # 'address_not_allowed'
            e.message_fr  # the French text
            e.details     # {'allowed': '*@*.gouv.fr'}
        ```
    """

    #: The error family of the class: ``"refused"``, ``"not_found"``, ``"invalid_state"``,
    #: ``"invalid_input"``, ``"statutes"``, ``"format"``, ``"publication_refused"``, ``"store"``,
    #: ``"interop"`` (``"cimi_error"`` on the base class).
    family: ClassVar[str]
    #: A stable snake_case identifier of the error, unique to the situation (e.g. ``"event_full"``).
    kind: str
    #: The message in English.
    message_en: str
    #: The message in French.
    message_fr: str
    #: What the error is about, for programs (the field, the address problem, the entity and id...).
    details: dict[str, Any]

class RegistrationRefused(CimiError):
    """The registration engine refused a request; ``.kind`` says why.

    Kinds: ``invalid_address`` (``details["reason"]``), ``address_not_allowed``
    (``details["allowed"]``: the allowed patterns), ``missing_field``,
    ``invalid_field`` (``details["field"]``), ``field_too_long``
    (``details["field"]``, ``details["max"]``), ``obligation_not_acknowledged``
    (``details["obligation"]``), ``registration_not_open_yet``
    (``details["opens_at"]``), ``registration_closed``, ``event_cancelled``,
    ``event_full``, ``remote_unavailable``, ``remote_full``. Every kind is in
    ``RegistrationRefused.kinds``.
    """

    #: Every refusal kind the engine can give.
    kinds: ClassVar[tuple[str, ...]]

class NotFound(CimiError):
    """An id that the community does not know.

    Kinds: ``member_not_found``, ``event_not_found``,
    ``registration_not_found``, ``help_request_not_found``,
    ``watch_item_not_found``; ``details`` has ``entity`` and ``id``.
    """

class InvalidState(CimiError):
    """The operation does not fit the current state (e.g. cancelling a registration of a held event).

    Kinds include ``event_transition`` (``details["from"]``, ``details["to"]``),
    ``event_not_started``, ``event_over``, ``not_confirmed``,
    ``registration_cancelled``, ``check_in_not_possible``,
    ``check_in_outside_window`` (``details["opens_at"]``,
    ``details["closes_at"]``), ``capacity_below_confirmed``,
    ``quota_below_confirmed``, ``remote_in_use``, ``audience_in_use``,
    ``duplicate_member``, ``member_erased``, ``help_transition``,
    ``not_pending``, ``not_offered``, ``offer_expired``
    (``details["expired_at"]``), ``invalid_token``, ``cancellation_closed``
    (``details["closed_at"]``); and, from the bindings, ``operation_over`` (a
    community handle used after its ``Store.execute`` operation ended),
    ``store_busy`` (a ``Store`` used from inside its own ``execute``) and
    ``poisoned`` (an earlier operation failed while changing the community:
    reload it from JSON).
    """

class InvalidInput(CimiError):
    """An argument that is not acceptable.

    Kinds include ``invalid_input`` (``details["field"]`` names the argument),
    ``invalid_address`` (``details["reason"]``, e.g. ``"missing_at"``),
    ``naive_datetime``, ``nonexistent_local_time``, ``ambiguous_local_time``,
    ``end_not_after_start`` and ``unknown_language``.
    """

class StatutesError(CimiError):
    """Statutes that cannot be read or do not hold together.

    Kinds: ``invalid_statutes`` (not JSON, wrong shape, unreadable file),
    ``unsupported_version``, ``duplicate_id``, ``invalid_value``.
    """

class FormatError(CimiError):
    """A community document (JSON) that cannot be loaded.

    Kinds: ``invalid_json``, ``wrong_format``, ``unsupported_version``,
    ``inconsistent_document`` (an impossible community: over capacity or
    quota, one person twice, unknown references...), ``document_too_large``,
    ``over_limit``.
    """

class PublicationRefused(CimiError):
    """The watch rules refused a publication.

    Kinds: ``internal_item_on_public_channel`` (an internal item on a channel
    wider than the ministry), ``unknown_channel``; ``details["channel"]``
    names the channel.
    """

class StoreError(CimiError):
    """The durable store failed (I/O error, damaged journal) or refuses writes until reopened.

    Kinds: ``io_error`` (``details["operation"]``, ``details["path"]``),
    ``corrupt_journal`` (``details["file"]``, ``details["offset"]``),
    ``store_poisoned``, ``invalid_actor``, ``store_locked`` (another process
    writes the directory), ``store_read_only``, ``store_closed``,
    ``store_not_found``, ``invalid_location``, ``database_unavailable``,
    ``store_busy``, ``database_error``, ``schema_too_new``.
    """

class InteropError(CimiError):
    """An import or export that cannot be carried out at all (too large, no header, missing column...).

    Kinds: ``message_too_large``, ``csv_too_large``, ``csv_too_many_rows``
    (``details["limit"]``), ``csv_empty``, ``csv_missing_column``,
    ``csv_duplicate_column`` (``details["column"]``). Bad rows of an import
    are reported, not raised (see ``Community.import_members_csv``).
    """

# ----- functions -----------------------------------------------------------------

def set_language(language: str) -> None:
    """Set the language of messages (exceptions, violations, statutes texts, digests, CSV headers).

    Arguments:
        language: ``"en"`` (the default) or ``"fr"``. The setting is global to
            the process.

    Raises:
        InvalidInput: Another language (kind ``unknown_language``).

    Example:
        ```py
        cimi.set_language("fr")
        cimi.Statutes.cimi().full_name  # "Communauté Informatique du Ministère de l'Intérieur"
        ```
    """

def get_language() -> Language:
    """Return the language of messages: ``"en"`` or ``"fr"``."""

def parse_address(address: str) -> str:
    """Validate and normalise an e-mail address the way registrations do.

    The local part is kept as given (a dot-atom of at most 64 octets; no quoted
    strings, comments or display names); the domain is lowercased, converted
    to ASCII (punycode), must have at least two labels and no trailing dot,
    and may not use look-alike forms or mix scripts.

    Arguments:
        address: The address, e.g. ``"Alice.Martin@INTERIEUR.GOUV.FR"``.

    Returns:
        The normalised address, e.g. ``"Alice.Martin@interieur.gouv.fr"``.

    Raises:
        InvalidInput: An invalid address (kind ``invalid_address``;
            ``details["reason"]`` says why, e.g. ``"missing_at"``).
    """

def paris_instant(local: datetime.datetime) -> datetime.datetime:
    """Return the instant of a Europe/Paris civil time.

    Arguments:
        local: A naive ``datetime`` read as a wall-clock time in Paris (an
            aware one is refused with ``TypeError``).

    Returns:
        An aware ``datetime`` in UTC.

    Raises:
        InvalidInput: A time that does not exist (the spring-forward gap, kind
            ``nonexistent_local_time``) or happens twice (the autumn fall-back,
            kind ``ambiguous_local_time``).

    Example:
        ```py
        cimi.paris_instant(datetime.datetime(2017, 12, 12, 12, 30))
        # datetime.datetime(2017, 12, 12, 11, 30, tzinfo=datetime.timezone.utc)
        ```
    """

def normalize_skill(tag: str) -> Optional[str]:
    """Return the normalised form of a skill tag, or ``None`` when nothing is left.

    Two tags are the same skill when their normalised forms are equal.

    Example:
        ```py
        cimi.normalize_skill(" Postgre SQL ")  # 'postgresql'
        cimi.normalize_skill("  ")             # None
        ```
    """

# ----- statutes ------------------------------------------------------------------

@final
class Statutes:
    """A community's statutes, as an immutable value.

    They hold the values, objectives, rules, obligations, audiences,
    registration policy, activity window, bureau rules and channels.
    Statutes are values: to change them, edit ``to_dict()``, read it
    back with ``Statutes.from_dict`` and install it with
    ``Community.replace_statutes``. The texts (values, objectives...) are read
    in the module's language.

    Example:
        ```py
        data = cimi.Statutes.cimi().to_dict()
        data["activity_window_days"] = 180
        community.replace_statutes(cimi.Statutes.from_dict(data))
        ```
    """

    @staticmethod
    def cimi() -> Statutes:
        """Return the CIMI preset.

        Addresses ``*@*.gouv.fr`` may register; the audiences are
        ``"interieur"`` (the Ministry of the Interior) and
        ``"other_ministries"``; the obligations to acknowledge are
        ``"deontology"`` and ``"pssi"``; a member stays active 365 days after
        their last participation; the bureau has 7 members.
        """
    @staticmethod
    def from_json(text: str) -> Statutes:
        """Read statutes from their JSON document (as written by ``to_json``).

        Raises:
            StatutesError: Not JSON, the wrong shape, an unsupported version, or
                statutes that do not hold together.
        """
    @staticmethod
    def from_path(path: Union[str, os.PathLike[str]]) -> Statutes:
        """Read statutes from a JSON file.

        Raises:
            StatutesError: The file cannot be read (kind ``invalid_statutes``)
                or its content is not valid statutes.
            InvalidInput: A file name the system cannot encode.
        """
    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> Statutes:
        """Build statutes from the dict form of their JSON document (see ``to_dict``).

        Raises:
            StatutesError: The dict does not describe valid statutes.
        """
    def to_json(self) -> str:
        """Return the statutes as a versioned, pretty-printed JSON document."""
    def to_dict(self) -> dict[str, Any]:
        """Return the JSON document as a dict (edit it, then ``Statutes.from_dict``)."""
    @property
    def name(self) -> str:
        """The community's short name (e.g. ``"CIMI"``)."""
    @property
    def full_name(self) -> str:
        """The community's full name, in the module's language."""
    @property
    def values(self) -> list[str]:
        """The community's values, in the module's language."""
    @property
    def objectives(self) -> list[str]:
        """The community's objectives, in the module's language."""
    @property
    def rules(self) -> list[str]:
        """The rules the community binds itself to, in the module's language."""
    @property
    def obligations(self) -> dict[str, str]:
        """``{obligation id: text}``; registrants acknowledge the obligations by id (see ``Community.register``)."""
    @property
    def audiences(self) -> list[str]:
        """Audience ids, in the order they are tried: the first whose patterns match an address wins."""
    @property
    def policy(self) -> dict[str, Any]:
        """The registration policy as a dict.

        Keys: ``allowed`` (address patterns; empty allows every valid
        address), ``required_fields``, ``max_field_chars``,
        ``require_acknowledgement``.
        """
    @property
    def bureau(self) -> dict[str, Any]:
        """The bureau rules as a dict: size, principal entities, representation and activity rules."""
    @property
    def channels(self) -> list[Channel]:
        """The community's channels (forum, wiki, mailing list, public account...)."""
    @property
    def activity_window_days(self) -> int:
        """A member is active while their last participation is at most this many days old."""
    def allows(self, email: str) -> bool:
        """Return whether the registration policy allows that address.

        Raises:
            InvalidInput: An invalid address (kind ``invalid_address``).
        """
    def audience_of(self, email: str) -> Optional[str]:
        """Return the id of the audience an address belongs to, or ``None``.

        Raises:
            InvalidInput: An invalid address (kind ``invalid_address``).

        Example:
            ```py
            cimi.Statutes.cimi().audience_of("ada@interieur.gouv.fr")  # 'interieur'
            ```
        """
    def __eq__(self, other: object, /) -> bool:
        """Statutes are equal when every part of them is."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

# ----- records -------------------------------------------------------------------

@final
class Member:
    """A member of the community (a snapshot).

    One is a member by participating (registering, asking for help, sharing a
    watch item) or by being added to the directory. An erased member keeps
    only a tombstone for the aggregates.
    """

    @property
    def id(self) -> int:
        """The member id."""
    @property
    def email(self) -> str:
        """The e-mail address (normalised, see ``parse_address``); it identifies the person."""
    @property
    def local_part(self) -> str:
        """The part of the address before the ``@``."""
    @property
    def domain(self) -> str:
        """The domain of the address (lowercase ASCII)."""
    @property
    def family_name(self) -> str:
        """The family name (nom)."""
    @property
    def given_name(self) -> str:
        """The given name (prénom)."""
    @property
    def display_name(self) -> str:
        """The full name for display, given name first."""
    @property
    def service(self) -> str:
        """The service, as the member declared it (free text)."""
    @property
    def affiliation(self) -> list[str]:
        """The place in the administration, outermost unit first (administration → direction → service)."""
    @property
    def corps(self) -> Optional[str]:
        """The corps or filière (police, gendarmerie, SIC, administrative...), or ``None``."""
    @property
    def grade(self) -> str:
        """The grade (free text: capitaine, ingénieur des SIC...)."""
    @property
    def function(self) -> str:
        """The function (fonction)."""
    @property
    def skills(self) -> list[str]:
        """The skills (compétences), as given; mutual help compares them normalised (see ``normalize_skill``)."""
    @property
    def interests(self) -> list[str]:
        """The interests."""
    @property
    def consents(self) -> list[Consent]:
        """Every consent decision, oldest first."""
    @property
    def joined_at(self) -> datetime.datetime:
        """The first participation, or the addition to the directory."""
    @property
    def last_participation_at(self) -> Optional[datetime.datetime]:
        """The last participation, or ``None``."""
    @property
    def bureau_role(self) -> Optional[str]:
        """The member's bureau responsibility, or ``None``."""
    @property
    def bureau_since(self) -> Optional[datetime.datetime]:
        """Since when the member holds their bureau role, or ``None``."""
    @property
    def erased_at(self) -> Optional[datetime.datetime]:
        """When the member's personal data was erased, or ``None``."""
    def has_consent(self, kind: ConsentKind, at: Optional[datetime.datetime] = None) -> bool:
        """Return whether the consent of that kind is granted at ``at``.

        The latest decision at or before ``at`` wins; no decision means no
        consent.

        Arguments:
            kind: ``"mailing_list"``, ``"recording"`` or ``"name_publication"``.
            at: The instant (default: now).

        Raises:
            InvalidInput: An unknown consent kind.
        """
    def __eq__(self, other: object, /) -> bool:
        """Snapshots are equal when every field is."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Event:
    """An event (a snapshot): a miditech, workshop, conference or meeting."""

    @property
    def id(self) -> int:
        """The event id."""
    @property
    def kind(self) -> EventKind:
        """``"miditech"``, ``"workshop"``, ``"conference"`` or ``"meeting"``."""
    @property
    def title(self) -> str:
        """The title."""
    @property
    def starts_at(self) -> datetime.datetime:
        """The start (UTC)."""
    @property
    def ends_at(self) -> datetime.datetime:
        """The end (UTC)."""
    @property
    def venue(self) -> Optional[Venue]:
        """``{"name": ..., "address": ...}``, or ``None``."""
    @property
    def remote(self) -> Optional[Remote]:
        """The remote broadcast, ``{"url": ..., "capacity": int | None}`` (``None``: unlimited), or ``None``."""
    @property
    def capacity(self) -> int:
        """The seats on site."""
    @property
    def quotas(self) -> dict[str, int]:
        """The most seats each audience may take, by audience id (audiences not named share the capacity)."""
    @property
    def registration_opens_at(self) -> Optional[datetime.datetime]:
        """When registration opens, or ``None`` (open once the event is)."""
    @property
    def registration_closes_at(self) -> Optional[datetime.datetime]:
        """When registration closes, or ``None`` (at the start)."""
    @property
    def registration_deadline(self) -> datetime.datetime:
        """When registration closes: the explicit close, else the start."""
    @property
    def waitlist(self) -> bool:
        """Whether a full event keeps a waiting list (else further requests are refused as ``event_full``)."""
    @property
    def program(self) -> list[ProgramItem]:
        """The program's items, in order: dicts with ``kind``, ``title`` and ``speakers``."""
    @property
    def state(self) -> EventState:
        """``"draft"``, ``"open"``, ``"closed"``, ``"held"``, ``"reported"`` or ``"cancelled"``."""
    @property
    def created_at(self) -> datetime.datetime:
        """When the event was scheduled."""
    @property
    def report(self) -> Optional[Report]:
        """The report (compte-rendu): ``{"summary", "resources", "published_at"}``, or ``None``."""
    @property
    def recording_allowed(self) -> bool:
        """Whether the event may be recorded: there is a speaker and every speaker consented."""
    @property
    def revision(self) -> int:
        """How many times what a calendar entry shows changed since the event was scheduled.

        Time, title, venue, video link, program, cancellation: the iCalendar
        ``SEQUENCE`` of its exports (0 when scheduled), so that a calendar
        client updates or removes the entry it imported.
        """
    @property
    def moderated(self) -> bool:
        """Whether each request waits (status ``"pending"``) for ``Community.approve`` or ``Community.reject``."""
    @property
    def admission(self) -> Admission:
        """Who the event admits: ``{"allowed": [...], "audiences": [...], "replaces_policy": bool}``.

        Empty lists: the event has no rule of its own and admits whoever the
        statutes admit.
        """
    @property
    def waitlist_offer(self) -> Optional[datetime.timedelta]:
        """How long an offer of a freed seat holds it, or ``None`` (a freed seat goes to the next in line at once).

        With offers, a freed seat is offered to the earliest waiting
        registration whose audience has room (status ``"offered"``), which
        has until ``offer_expires_at`` to ``Community.accept_offer`` it.
        """
    @property
    def offer_cutoff(self) -> Optional[datetime.timedelta]:
        """How long before the start offers stop, or ``None`` when the event makes no offers.

        An offer never runs past the start minus the cut-off (zero: the
        start); after that point a freed seat goes to the next in line at once.
        """
    @property
    def cancellation_closes_at(self) -> Optional[datetime.datetime]:
        """The deadline of self-service cancellation given when scheduling, or ``None`` (the start)."""
    @property
    def cancellation_deadline(self) -> datetime.datetime:
        """Until when a registrant may cancel with their token (``Community.cancel_by_token``): ``cancellation_closes_at``, else the start.

        Organisers may still ``Community.cancel`` after it, until the event is over.
        """
    @property
    def check_in_window(self) -> tuple[datetime.datetime, datetime.datetime]:
        """When ``Community.check_in`` is possible: ``(opens, closes)``, 24 hours before the start to 24 hours after the end, both included."""
    def offer_deadline(self, at: Optional[datetime.datetime] = None) -> Optional[datetime.datetime]:
        """Return when an offer made at ``at`` (default: now) would expire.

        ``at`` plus ``waitlist_offer``, shortened to the start minus
        ``offer_cutoff``; ``None`` when the event makes no offers or that
        point has passed (a freed seat then goes to the next in line at once).
        """
    def accepts_registrations_at(self, at: Optional[datetime.datetime] = None) -> bool:
        """Return whether a request arriving at ``at`` (default: now) is inside the state and window.

        True when the event is open, ``at`` is not before the opening (if any)
        and is before ``registration_deadline``.
        """
    def __eq__(self, other: object, /) -> bool:
        """Snapshots are equal when every field is."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Registration:
    """A registration of a member for an event (a snapshot)."""

    @property
    def id(self) -> int:
        """The registration id (also its rank in the order of arrival)."""
    @property
    def event_id(self) -> int:
        """The event."""
    @property
    def member_id(self) -> int:
        """The registrant."""
    @property
    def audience(self) -> Optional[str]:
        """The audience derived from the address (e.g. ``"interieur"``), or ``None``."""
    @property
    def mode(self) -> Attendance:
        """How the registrant asked to attend: ``"on_site"``, ``"remote"`` or ``"on_site_or_remote"``."""
    @property
    def status(self) -> Status:
        """``"confirmed"``, ``"waitlisted"``, ``"pending"``, ``"offered"`` or ``"cancelled"``.

        ``"pending"``: a moderated event's request awaiting approval;
        ``"offered"``: a freed seat is held for it until ``offer_expires_at``
        (``Community.accept_offer``, ``Community.decline_offer``).
        """
    @property
    def seat(self) -> Optional[Literal["on_site", "remote"]]:
        """The place held when confirmed: ``"on_site"``, ``"remote"``, or ``None``."""
    @property
    def waiting_for_seat(self) -> bool:
        """Whether it is in the waiting list for a seat (waitlisted, or confirmed remotely while waiting)."""
    @property
    def requested_at(self) -> datetime.datetime:
        """When the request arrived."""
    @property
    def confirmed_at(self) -> Optional[datetime.datetime]:
        """When it was confirmed, or ``None``."""
    @property
    def promoted_at(self) -> Optional[datetime.datetime]:
        """When it was promoted from the waiting list to a seat, or ``None``."""
    @property
    def cancelled_at(self) -> Optional[datetime.datetime]:
        """When it was cancelled, or ``None``."""
    @property
    def checked_in_at(self) -> Optional[datetime.datetime]:
        """When the registrant checked in, or ``None``."""
    @property
    def offered_at(self) -> Optional[datetime.datetime]:
        """When a freed seat was offered to it, or ``None``."""
    @property
    def offer_expires_at(self) -> Optional[datetime.datetime]:
        """When the offer expires (or expired, or was due to, once answered), or ``None``."""
    @property
    def cancel_token(self) -> Optional[str]:
        """The registrant's cancellation token, ``"<id>-<32 hex digits>"``, for the link of a confirmation mail.

        ``Community.cancel_by_token`` takes it. A secret: it is not in the
        ``repr``, nor in any table (the JSON document, the journal and
        pickles hold it, so that they give the registration back).
        ``None`` for a registration made before tokens existed.
        """
    @property
    def already_registered(self) -> bool:
        """True when ``register`` found the live registration the person already had."""
    @property
    def is_live(self) -> bool:
        """Whether it still counts: confirmed, waiting, pending or offered (not cancelled)."""
    @property
    def holds_seat(self) -> bool:
        """Whether it is confirmed with a seat in the room."""
    @property
    def rejection(self) -> Optional[str]:
        """Why an organiser rejected the request (a moderated event), as they wrote it; ``None`` unless rejected."""
    def rejection_message(self, language: Optional[Language] = None) -> Optional[str]:
        """Return what the person is told of the rejection, with the organiser's reason; ``None`` unless rejected.

        Arguments:
            language: ``"fr"`` or ``"en"`` (default: the module's language, see ``set_language``).

        Raises:
            InvalidInput: An unknown language (kind ``unknown_language``).
        """
    def attendance(self, event_held: bool) -> Literal["pending", "attended", "no_show", "not_applicable"]:
        """Return whether the registrant came, given whether the event was held.

        ``"attended"`` (checked in), ``"no_show"`` (confirmed, event held, no
        check-in), ``"pending"`` (confirmed, event not held yet) or
        ``"not_applicable"`` (waiting or cancelled).
        """
    def __eq__(self, other: object, /) -> bool:
        """Snapshots are equal when every field is."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Cancellation:
    """The answer to ``Community.cancel`` (and ``decline_offer``, ``cancel_by_token``): the cancelled registration and the promotions it caused."""

    @property
    def registration(self) -> Registration:
        """The registration, as cancelled."""
    @property
    def promoted(self) -> list[int]:
        """The registrations promoted to a seat because of the cancellation (or offered one, for an event with ``waitlist_offer``), in order."""
    def __eq__(self, other: object, /) -> bool:
        """Cancellations are equal when the registration and the promotions are."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Violation:
    """A rule of the statutes that the current bureau breaks (see ``Community.check_statutes``)."""

    @property
    def kind(self) -> Literal["bureau_size", "entity_not_represented", "member_outside_entities", "member_not_active"]:
        """Which rule is broken.

        ``"bureau_size"``, ``"entity_not_represented"``,
        ``"member_outside_entities"`` or ``"member_not_active"``.
        """
    @property
    def message(self) -> str:
        """The message in the module's language (see ``set_language``)."""
    @property
    def message_en(self) -> str:
        """The message in English."""
    @property
    def message_fr(self) -> str:
        """The message in French."""
    @property
    def details(self) -> dict[str, Any]:
        """Everything the violation says, as a dict (``kind`` included)."""
    def __eq__(self, other: object, /) -> bool:
        """Violations are equal when every field is."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class HelpRequest:
    """A request for help (entraide), a snapshot.

    A request goes open → referred → resolved or closed, each step dated.
    """

    @property
    def id(self) -> int:
        """The help request id."""
    @property
    def asker_id(self) -> int:
        """The member who asked."""
    @property
    def topic(self) -> str:
        """The topic (empty once the asker was erased)."""
    @property
    def text(self) -> str:
        """The question (empty once the asker was erased)."""
    @property
    def skills(self) -> list[str]:
        """The skills needed, normalised."""
    @property
    def visibility(self) -> Literal["public", "private"]:
        """``"public"`` or ``"private"``."""
    @property
    def state(self) -> Literal["open", "referred", "resolved", "closed"]:
        """``"open"``, ``"referred"``, ``"resolved"`` or ``"closed"``."""
    @property
    def asked_at(self) -> datetime.datetime:
        """When the question was asked."""
    @property
    def referred_to(self) -> list[int]:
        """Everyone the asker was referred to (member ids), in order."""
    @property
    def steps(self) -> list[HelpStep]:
        """Every step, oldest first."""
    def __eq__(self, other: object, /) -> bool:
        """Snapshots are equal when every field is."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class WatchItem:
    """A shared technology-watch item (veille), a snapshot."""

    @property
    def id(self) -> int:
        """The watch item id."""
    @property
    def title(self) -> str:
        """The title."""
    @property
    def link(self) -> str:
        """The link."""
    @property
    def summary(self) -> str:
        """The summary (may be empty)."""
    @property
    def tags(self) -> list[str]:
        """The tags."""
    @property
    def scope(self) -> Literal["internal", "external"]:
        """``"internal"`` (the ministry's own projects) or ``"external"``."""
    @property
    def shared_by(self) -> int:
        """The member who shared it."""
    @property
    def shared_at(self) -> datetime.datetime:
        """When it was shared."""
    @property
    def event_id(self) -> Optional[int]:
        """The event it relates to, or ``None``."""
    @property
    def help_request_id(self) -> Optional[int]:
        """The help request it answers, or ``None``."""
    @property
    def published(self) -> list[tuple[str, datetime.datetime]]:
        """The channels it was published on, with when: ``[(channel id, datetime)]``."""
    def __eq__(self, other: object, /) -> bool:
        """Snapshots are equal when every field is."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Digest:
    """A digest of the technology watch for one channel and period (see ``Community.digest``).

    It holds the items the channel may carry, grouped by tag, and the events
    open for registration.
    """

    @property
    def channel(self) -> Channel:
        """The channel."""
    @property
    def start(self) -> datetime.datetime:
        """Start of the period (included)."""
    @property
    def end(self) -> datetime.datetime:
        """End of the period (excluded)."""
    @property
    def groups(self) -> list[tuple[str, list[WatchItem]]]:
        """``[(tag, [WatchItem, ...])]``, tags sorted; untagged items under ``""``."""
    @property
    def upcoming(self) -> list[UpcomingEvent]:
        """The events open for registration."""
    def to_text(self, language: Optional[str] = None) -> str:
        """Render the digest as plain text.

        Arguments:
            language: ``"en"`` or ``"fr"`` (default: the module's language).

        Raises:
            InvalidInput: Another language (kind ``unknown_language``).
        """
    def to_markdown(self, language: Optional[str] = None) -> str:
        """Render the digest as Markdown.

        Arguments:
            language: ``"en"`` or ``"fr"`` (default: the module's language).

        Raises:
            InvalidInput: Another language (kind ``unknown_language``).
        """
    def __eq__(self, other: object, /) -> bool:
        """Digests are equal when every part is."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

# ----- community -----------------------------------------------------------------

@final
class Community:
    """A community: statutes, members, events, the registration engine, mutual help and technology watch.

    Safe to share between threads (a lock inside; a thread waiting for it lets
    go of the GIL); every call whose work grows with the data (the tables,
    ``register_many``, ``import_members``, CSV and iCalendar, e-mail reading,
    digests, suggestions, lists of records, ``copy``, ``to_json`` and
    ``from_json``) runs in Rust without the GIL. Times are timezone-aware ``datetime``s (a naive one
    raises ``InvalidInput``, kind ``naive_datetime``); ``at`` arguments say
    when an operation happens and default to now. A community pickles (through
    its JSON document) and ``copy()`` gives an independent one.

    Example:
        ```py
        import datetime as dt
        from zoneinfo import ZoneInfo

        paris = ZoneInfo("Europe/Paris")
        community = cimi.Community.cimi()
        event = community.schedule_event(
            "miditech", "L'État plateforme",
            dt.datetime(2030, 12, 12, 12, 30, tzinfo=paris),
            dt.datetime(2030, 12, 12, 14, 30, tzinfo=paris),
            80, quotas={"interieur": 60},
        )
        reg = community.register(
            event, email="alice.martin@interieur.gouv.fr", family_name="Martin",
            given_name="Alice", service="DNUM", grade="ingénieure", function="architecte",
            acknowledged=True,
        )
        reg.status  # 'confirmed'
        ```
    """

    def __new__(cls, statutes: Optional[Statutes] = None) -> Community:
        """Create an empty community under these statutes (default: the CIMI preset).

        Raises:
            StatutesError: Statutes that do not hold together.
        """
    @staticmethod
    def cimi() -> Community:
        """Create an empty community under the CIMI statutes and their default policy."""
    @staticmethod
    def from_statutes_file(path: Union[str, os.PathLike[str]]) -> Community:
        """Create an empty community under statutes read from a JSON file.

        Raises:
            StatutesError: The file cannot be read or does not hold valid statutes.
            InvalidInput: A file name the system cannot encode.
        """
    @staticmethod
    def from_json(text: str) -> Community:
        """Load a document written by ``to_json``.

        Raises:
            FormatError: A document that is not JSON, of another format or
                version, too large, or that describes an impossible community;
                nothing is half-loaded.
        """
    def to_json(self) -> str:
        """Return the whole state as a versioned JSON document (read it back with ``Community.from_json``)."""
    def copy(self) -> Community:
        """Return an independent copy (for what-if scenarios)."""
    def __copy__(self) -> Community:
        """Return an independent copy, as ``copy()`` does."""
    def __deepcopy__(self, memo: Any, /) -> Community:
        """Return an independent copy, as ``copy()`` does."""
    def __eq__(self, other: object, /) -> bool:
        """Communities are equal when their whole states are."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

    # statutes
    @property
    def statutes(self) -> Statutes:
        """The statutes in force."""
    def replace_statutes(self, statutes: Statutes, at: Optional[datetime.datetime] = None) -> None:
        """Replace the statutes; existing registrations are kept as they are.

        Raises:
            InvalidState: The new statutes drop an audience that the quotas of
                an upcoming event still name (kind ``audience_in_use``): change
                that event's quotas first.
        """
    def check_statutes(self, at: Optional[datetime.datetime] = None) -> list[Violation]:
        """Return every rule of the statutes that the current bureau breaks at ``at`` (default: now).

        Example:
            ```py
            [v.kind for v in cimi.Community.cimi().check_statutes()]  # ['bureau_size', ...]
            ```
        """

    # recording and replay
    def set_recording(self, on: bool) -> None:
        """Start or stop keeping the changes made, for ``drain_changes``."""
    def drain_changes(self) -> list[str]:
        """Return the changes recorded since the last call, each as a JSON text (one line of a journal)."""
    def apply_change(self, change: str) -> None:
        """Apply a recorded change (a JSON text from ``drain_changes``), as a replay.

        Raises:
            FormatError: Not a change (kind ``invalid_json``).
            CimiError: The change refers to an unknown record or would break an
                invariant (over capacity or quota, one person twice); the state
                is left as it was.
        """
    def check_invariants(self) -> Optional[str]:
        """Return ``None`` when every invariant of the registration engine holds, else what the first broken one is.

        The invariants: never over capacity or quota, nobody registered twice,
        no free seat while an eligible registration waits...
        """

    # members
    def add_member(
        self,
        email: str,
        *,
        family_name: OptStr = None,
        given_name: OptStr = None,
        service: OptStr = None,
        grade: OptStr = None,
        function: OptStr = None,
        corps: OptStr = None,
        affiliation: Optional[Iterable[str]] = None,
        skills: Optional[Iterable[str]] = None,
        interests: Optional[Iterable[str]] = None,
        at: Optional[datetime.datetime] = None,
    ) -> int:
        """Add a member to the directory (for instance from an organiser's list).

        People also become members on their own by participating. Fields left
        to ``None`` stay empty.

        Arguments:
            email: The address; it identifies the person.
            affiliation: The units, outermost first (administration →
                direction → service).
            skills: Skill tags, the basis of mutual help (compared normalised,
                see ``normalize_skill``).
            at: When the member joins (default: now).

        Returns:
            The member id.

        Raises:
            InvalidInput: An invalid address (kind ``invalid_address``) or field.
            InvalidState: A member with that address already exists (kind
                ``duplicate_member``).
        """
    def import_members(
        self,
        members: Union[Iterable[MemberRow], ArrowStream],
        *,
        at: Optional[datetime.datetime] = None,
    ) -> MembersImport:
        """Add members from a table or from dicts, each added or refused on its own, in order, all at ``at``.

        Each row is judged as ``add_member`` judges it (an invalid address, an
        address already in the directory — earlier rows included —, a field
        over the limits is refused and reported; the other rows are added).
        The work runs in Rust with the GIL released. A members table imports
        as it is: ``other.import_members(community.members_table())`` gives
        ``other`` the same members (addresses, names, service, grade,
        function, corps, affiliation, skills, interests); ids follow the
        order of the rows, and they join at ``at``.

        Arguments:
            members: Arrow data (a ``cimi.Table``, a polars or pandas
                DataFrame, a pyarrow Table: any object with
                ``__arrow_c_stream__``, read column by column) or an iterable
                of dicts, with the keywords of ``add_member`` as columns or
                keys (``email`` required; texts, and lists of texts for
                ``affiliation``, ``skills``, ``interests``). A null or
                ``None`` leaves the field empty. The columns
                ``members_table()`` computes are skipped.
            at: When the members join (default: now).

        Returns:
            The report: ``imported`` (the new ids), ``rejected`` (``row``,
            ``kind``, messages), ``rows``, ``complete``.

        Raises:
            TypeError: An unknown or missing column or key, a column of the
                wrong type, a null address, a row that is not a dict.
            InvalidInput: More than 1,000,000 rows, text that is not valid
                Unicode, an Arrow stream that fails while it is read.

        Example:
            ```py
            import polars as pl

            report = community.import_members(pl.read_csv("members.csv"))
            report["rejected"]   # [{'row': 3, 'kind': 'invalid_address', ...}]
            ```
        """
    def update_profile(
        self,
        member_id: int,
        *,
        family_name: OptStr = None,
        given_name: OptStr = None,
        service: OptStr = None,
        grade: OptStr = None,
        function: OptStr = None,
        corps: OptStr = None,
        affiliation: Optional[Iterable[str]] = None,
        skills: Optional[Iterable[str]] = None,
        interests: Optional[Iterable[str]] = None,
        at: Optional[datetime.datetime] = None,
    ) -> None:
        """Change a member's profile; arguments left to ``None`` keep their value.

        Raises:
            NotFound: An unknown member.
            InvalidState: An erased member (kind ``member_erased``).
            InvalidInput: An invalid field.
        """
    def set_consent(
        self, member_id: int, kind: ConsentKind, granted: bool, at: Optional[datetime.datetime] = None
    ) -> None:
        """Record a consent decision, dated ``at`` (default: now).

        Arguments:
            kind: ``"mailing_list"``, ``"recording"`` or ``"name_publication"``.
            granted: ``True`` to give the consent, ``False`` to withdraw it.

        Raises:
            NotFound: An unknown member.
            InvalidInput: An unknown consent kind.
            InvalidState: An erased member (kind ``member_erased``).
        """
    def set_bureau_role(
        self, member_id: int, responsibility: Optional[str], at: Optional[datetime.datetime] = None
    ) -> None:
        """Give a member a bureau responsibility, or remove it with ``None``.

        Arguments:
            responsibility: What the member is responsible for (e.g.
                ``"mailing list"``, ``"miditech organisation"``), or ``None``.

        Raises:
            NotFound: An unknown member.
            InvalidState: An erased member (kind ``member_erased``).
        """
    def member_status(
        self, member_id: int, at: Optional[datetime.datetime] = None
    ) -> Literal["active", "dormant", "erased"]:
        """Return a member's status at ``at`` (default: now).

        ``"active"`` while the last participation (or, without one, the
        joining) is at most ``statutes.activity_window_days`` old,
        ``"dormant"`` after, ``"erased"`` once the personal data was erased.

        Raises:
            NotFound: An unknown member.
        """
    def member(self, member_id: int) -> Member:
        """Return a member by id.

        Raises:
            NotFound: An unknown member (kind ``member_not_found``).
        """
    def member_by_email(self, email: str) -> Optional[Member]:
        """Return the member with that address (compared case-insensitively), or ``None``."""
    def members(self) -> list[Member]:
        """Return every member, by id."""
    def bureau(self) -> list[Member]:
        """Return the members holding a bureau role."""
    def erase_member(self, member_id: int, at: Optional[datetime.datetime] = None) -> None:
        """Erase a member's personal data (GDPR right to erasure).

        Names, affiliation, skills, consents and bureau role are removed, the
        address becomes a tombstone, the texts of their help requests are
        removed, and their registrations for upcoming events are cancelled
        (the seats go to the waiting list). Registrations and attendance of
        past events stay, so the aggregates stay right. Erasing twice changes
        nothing.

        Raises:
            NotFound: An unknown member.
        """
    def subject_access(self, member_id: int, at: Optional[datetime.datetime] = None) -> dict[str, Any]:
        """Return everything the community holds about a member (GDPR right of access).

        Returns:
            A dict: identity, affiliation, consents, registrations and
            attendance, help requests, watch items.

        Raises:
            NotFound: An unknown member.
        """
    def retention_candidates(self, at: Optional[datetime.datetime] = None) -> list[int]:
        """Return the members the statutes' retention rule applies to at ``at`` (default: now).

        Everyone the community holds is covered, registrants or not (imported
        rows, people known through help requests): those who are dormant, hold
        no bureau role, are not erased, have no upcoming registration and no
        open help request, and whose last trace (joining, last participation,
        end of the last event registered for, last step of a help request
        asked or referred to) is older than the statutes' retention period.
        Without a retention period in the statutes, nobody.
        """

    # mutual help (entraide)
    def ask_help(
        self,
        email: str,
        topic: str,
        text: str,
        skills: Optional[Iterable[str]] = None,
        visibility: Literal["public", "private"] = "public",
        at: Optional[datetime.datetime] = None,
    ) -> int:
        """Ask for help; the asker (found by address, or a new member *de fait*) participates.

        Arguments:
            email: The asker's address.
            topic: A short topic.
            text: The question.
            skills: The skills needed (normalised, see ``normalize_skill``).
            visibility: ``"public"`` or ``"private"``.
            at: When the question is asked (default: now).

        Returns:
            The help request id.

        Raises:
            InvalidInput: An invalid address, a visibility other than
                ``"public"`` or ``"private"``, or an invalid text.
        """
    def refer_help(self, help_request_id: int, to: Iterable[int], at: Optional[datetime.datetime] = None) -> None:
        """Put the asker in touch with members (mise en relation); each of them participates.

        Arguments:
            to: The member ids to refer the asker to (1 to 100, not the asker).

        Raises:
            NotFound: An unknown help request or member.
            InvalidInput: No member, more than 100, or the asker among them.
            InvalidState: An erased member (kind ``member_erased``), or a
                request already resolved or closed (kind ``help_transition``).
        """
    def resolve_help(self, help_request_id: int, at: Optional[datetime.datetime] = None) -> None:
        """Mark a help request as resolved.

        Raises:
            NotFound: An unknown help request.
            InvalidState: A request already resolved or closed (kind ``help_transition``).
        """
    def close_help(self, help_request_id: int, at: Optional[datetime.datetime] = None) -> None:
        """Close a help request without an answer.

        Raises:
            NotFound: An unknown help request.
            InvalidState: A request already resolved or closed (kind ``help_transition``).
        """
    def help_request(self, help_request_id: int) -> HelpRequest:
        """Return a help request by id.

        Raises:
            NotFound: An unknown help request (kind ``help_request_not_found``).
        """
    def help_requests(self) -> list[HelpRequest]:
        """Return every help request, by id."""
    def suggest_helpers(
        self, help_request_id: int, k: int = 5, at: Optional[datetime.datetime] = None
    ) -> list[Suggestion]:
        """Return the best ``k`` members to put the asker in touch with.

        Members are ranked by the skills they share with the request, rarer
        skills weighing more; active members come first (status at ``at``),
        then higher scores, then lower ids. The asker and erased people are
        never suggested.

        Raises:
            NotFound: An unknown help request.
            InvalidInput: A negative ``k``.
        """
    def suggest_for_skills(
        self,
        skills: Iterable[str],
        k: int = 5,
        exclude: Optional[int] = None,
        at: Optional[datetime.datetime] = None,
    ) -> list[Suggestion]:
        """Return the best ``k`` members for a set of skills, with the ranking of ``suggest_helpers``.

        Arguments:
            skills: Skill tags (normalised, see ``normalize_skill``).
            k: How many members at most.
            exclude: A member id to leave out (e.g. the person asking).

        Raises:
            InvalidInput: A negative ``k``.
        """

    # technology watch (veille)
    def share_watch_item(
        self,
        title: str,
        link: str,
        *,
        scope: Literal["internal", "external"],
        shared_by: str,
        summary: OptStr = None,
        tags: Optional[Iterable[str]] = None,
        event_id: Optional[int] = None,
        help_request_id: Optional[int] = None,
        at: Optional[datetime.datetime] = None,
    ) -> int:
        """Share a watch item; the sharer (found by address, or a new member *de fait*) participates.

        Arguments:
            scope: ``"internal"`` (the ministry's own projects and initiatives:
                never published on a channel wider than the ministry) or
                ``"external"`` (computing at large).
            shared_by: The sharer's address.
            event_id: The event the item relates to, if any.
            help_request_id: The help request the item answers, if any.

        Returns:
            The watch item id.

        Raises:
            InvalidInput: An invalid scope, address or text.
            NotFound: An unknown event or help request.
        """
    def publish_watch_item(self, watch_item_id: int, channel: str, at: Optional[datetime.datetime] = None) -> None:
        """Publish a watch item on a channel of the statutes (e.g. ``"forum"``, ``"twitter"``).

        Publishing twice on the same channel records it once.

        Raises:
            NotFound: An unknown watch item.
            PublicationRefused: An internal item on a channel wider than the
                ministry (kind ``internal_item_on_public_channel``), or a
                channel the statutes do not declare (kind ``unknown_channel``).
        """
    def watch_item(self, watch_item_id: int) -> WatchItem:
        """Return a watch item by id.

        Raises:
            NotFound: An unknown watch item (kind ``watch_item_not_found``).
        """
    def watch_items(self) -> list[WatchItem]:
        """Return every watch item, by id."""
    def digest(
        self, channel: str, start: datetime.datetime, end: datetime.datetime, at: Optional[datetime.datetime] = None
    ) -> Digest:
        """Build the digest of the watch items shared in ``[start, end)`` that ``channel`` may carry.

        The digest also lists the events open for registration at ``at``
        (default: now). Render it with ``Digest.to_text`` or ``Digest.to_markdown``.

        Raises:
            PublicationRefused: A channel the statutes do not declare (kind ``unknown_channel``).
        """
    def mailing_list_recipients(self, at: Optional[datetime.datetime] = None) -> list[Member]:
        """Return the mailing list's recipients at ``at`` (default: now).

        Exactly the members whose latest mailing-list consent at that instant
        is granted, and who are not erased.
        """

    # interoperability: CSV, iCalendar, e-mail
    def attendees_csv(
        self,
        event_id: int,
        *,
        dialect: CsvDialect = "french_office",
        language: Optional[str] = None,
        include_cancelled: bool = False,
    ) -> str:
        """Return the attendee list of an event as CSV text.

        Cells that a spreadsheet would run as a formula are neutralised with a
        leading ``'``.

        Arguments:
            dialect: ``"french_office"`` (``;``, UTF-8 with a BOM: what
                spreadsheet programs open) or ``"rfc4180"`` (``,``, no BOM).
            language: The language of the headers and labels, ``"en"`` or
                ``"fr"`` (default: the module's).
            include_cancelled: Whether cancelled registrations are listed too.

        Raises:
            NotFound: An unknown event.
            InvalidInput: An unknown dialect or language.
        """
    def directory_csv(
        self,
        *,
        dialect: CsvDialect = "french_office",
        language: Optional[str] = None,
        at: Optional[datetime.datetime] = None,
    ) -> str:
        """Return the member directory as CSV text (erased members left out).

        Arguments:
            dialect: ``"french_office"`` or ``"rfc4180"`` (see ``attendees_csv``).
            language: The language of the headers, ``"en"`` or ``"fr"``
                (default: the module's).
            at: The instant the members' status is computed at (default: now).

        Raises:
            InvalidInput: An unknown dialect or language.
        """
    def import_members_csv(
        self,
        data: Union[bytes, bytearray, str],
        *,
        skip_bad_rows: bool = False,
        at: Optional[datetime.datetime] = None,
    ) -> ImportReport:
        """Import members from a CSV document.

        The separator (``;`` or ``,``), the encoding (UTF-8, with or without a
        BOM, or Windows-1252) and the French or English column names (accents
        and case optional) are detected. Every bad row is reported with its
        line number and reason.

        Arguments:
            data: The document (``bytes``, ``bytearray``, or ``str``).
            skip_bad_rows: Import the good rows even when some are bad (by
                default nothing is imported when a row is bad).
            at: When the members join (default: now).

        Returns:
            The report: ``imported``, ``rejected``, ``rows``, ``separator``,
            ``encoding``, ``ignored_columns``, ``complete``.

        Raises:
            InteropError: A document that cannot be read at all (too large,
                too many rows, empty, a missing or duplicate column).
        """
    def event_ical(
        self,
        event_id: int,
        at: Optional[datetime.datetime] = None,
        *,
        reminder: Optional[datetime.timedelta] = None,
    ) -> str:
        """Return one event as an iCalendar document (RFC 5545, Europe/Paris times).

        ``METHOD:PUBLISH``, or ``METHOD:CANCEL`` once the event is cancelled;
        the same ``UID`` always, with ``SEQUENCE`` the event's ``revision``, so
        that a calendar client updates (``reschedule``) or removes
        (``cancel_event``) the entry it imported.

        Arguments:
            at: The DTSTAMP of the document (default: now).
            reminder: A reminder (``VALARM``, ``ACTION:DISPLAY``) this long
                before the start, e.g. ``timedelta(minutes=30)`` gives
                ``TRIGGER:-PT30M`` (to the second; a negative one counts as
                zero; none on a cancelled event).

        Raises:
            NotFound: An unknown event.
            TypeError: A ``reminder`` that is not a ``timedelta``.
            InvalidInput: A ``reminder`` outside the durations the core holds.
        """
    def calendar_ical(
        self,
        event_ids: Optional[Iterable[int]] = None,
        at: Optional[datetime.datetime] = None,
        *,
        reminder: Optional[datetime.timedelta] = None,
    ) -> str:
        """Return several events (default: all) in one iCalendar document, named after the community.

        A cancelled event stays in it with ``STATUS:CANCELLED`` and its higher
        ``SEQUENCE``.

        Arguments:
            event_ids: The events to include (default: every event).
            at: The DTSTAMP of the document (default: now).
            reminder: A reminder (``VALARM``) this long before the start of
                each event still standing (see ``event_ical``).

        Raises:
            NotFound: An unknown event.
            TypeError: A ``reminder`` that is not a ``timedelta``.
            InvalidInput: A ``reminder`` outside the durations the core holds.
        """
    def invitation_ical(
        self,
        registration_id: int,
        organizer_email: str,
        at: Optional[datetime.datetime] = None,
        *,
        reminder: Optional[datetime.timedelta] = None,
    ) -> str:
        """Return the calendar invitation (iTIP ``METHOD:REQUEST``) of one registrant.

        The attendee's PARTSTAT follows the registration (confirmed:
        ``ACCEPTED``, waiting: ``TENTATIVE``); a cancelled registration or
        event gives ``METHOD:CANCEL``, so that calendar clients remove the
        entry. A later invitation updates the same entry.

        Arguments:
            organizer_email: The organiser's address (the ORGANIZER, named after the community).
            at: The DTSTAMP of the document (default: now).
            reminder: A reminder (``VALARM``) this long before the start, left
                out of a cancellation (see ``event_ical``).

        Raises:
            NotFound: An unknown registration.
            InvalidInput: An invalid organiser address.
            InvalidState: The registrant's personal data was erased (kind ``member_erased``).
        """
    def read_registration_email(
        self,
        message: Union[bytes, bytearray, str],
        *,
        authserv_id: Optional[str] = None,
        at: Optional[datetime.datetime] = None,
    ) -> MailReading:
        """Read a registration e-mail without changing anything.

        The body's ``label : value`` lines (French or English labels: Nom,
        Prénom, Service, Grade, Fonction, Événement, Participation,
        Engagements...) give the request; without an event line, the event is
        the upcoming one whose title the subject (or the body) contains.

        Arguments:
            message: The raw message (RFC 5322/MIME), ``bytes`` or ``str``.
            authserv_id: The community's own mail server: the topmost
                ``Authentication-Results`` header must come from it and show a
                DMARC pass for the sender's domain. Without it, the sender is
                trusted as it is.
            at: The instant the event and window are judged at (default: now).

        Returns:
            ``sender``, ``event_id``, ``request``, ``problems``, ``complete``.

        Raises:
            InteropError: A message too large to read (kind ``message_too_large``).
        """
    def register_from_email(
        self,
        message: Union[bytes, bytearray, str],
        *,
        authserv_id: Optional[str] = None,
        at: Optional[datetime.datetime] = None,
    ) -> MailOutcome:
        """Register the sender of a registration e-mail for the event it names, or answer what is missing.

        Read as ``read_registration_email`` reads; a request that the engine
        refuses is answered, not raised.

        Returns:
            ``registered``, ``event_id``, ``registration``, ``problems`` and
            ``reply_fr`` (the French text to send back).

        Raises:
            InteropError: A message too large to read (kind ``message_too_large``).
        """

    # statistics (tables)
    def event_stats(self) -> Table:
        """Return figures of every event as a table (built with the GIL released).

        Schema (``!``: never null): ``event_id`` int64!, ``kind`` large_string!,
        ``state`` large_string!, ``year`` int64!, ``capacity`` int64!,
        ``confirmed_on_site`` int64!, ``confirmed_remote`` int64!,
        ``waiting`` int64!, ``promoted`` int64!, ``cancelled`` int64!,
        ``attended`` int64!, ``no_shows`` int64!, ``fill_rate`` float64,
        ``attendance_rate`` float64, ``no_show_rate`` float64 (rates are null
        when they do not apply).
        """
    def events_held_per_year_and_kind(self) -> Table:
        """Return the events held per year (Europe/Paris) and kind, as a table.

        Schema: ``year`` int64!, ``kind`` large_string!, ``count`` int64!.
        """
    def member_groups(self, at: Optional[datetime.datetime] = None) -> Table:
        """Return the members grouped by administration, audience and status at ``at`` (default: now), as a table.

        Schema: ``administration`` large_string!, ``audience`` large_string!,
        ``status`` large_string!, ``count`` int64!.
        """
    def members_joined_per_month(self) -> Table:
        """Return the members who joined per month (Europe/Paris), as a table.

        Schema: ``year`` int64!, ``month`` int64!, ``count`` int64!.
        """

    # events
    def schedule_event(
        self,
        kind: EventKind,
        title: str,
        starts_at: datetime.datetime,
        ends_at: datetime.datetime,
        capacity: int,
        *,
        venue: Optional[Venue] = None,
        remote: Union[str, Remote, None] = None,
        quotas: Optional[Mapping[str, int]] = None,
        registration_opens: Optional[datetime.datetime] = None,
        registration_closes: Optional[datetime.datetime] = None,
        waitlist: bool = True,
        program: Optional[list[ProgramItem]] = None,
        draft: bool = False,
        moderated: bool = False,
        allowed: Optional[Iterable[str]] = None,
        audiences: Optional[Iterable[str]] = None,
        replace_policy: bool = False,
        waitlist_offer: Optional[datetime.timedelta] = None,
        offer_cutoff: Optional[datetime.timedelta] = None,
        cancellation_deadline: Optional[datetime.datetime] = None,
        at: Optional[datetime.datetime] = None,
    ) -> int:
        """Schedule an event and return its id.

        The event accepts registrations at once (until it starts) unless
        ``draft=True`` or a window is given with ``registration_opens`` /
        ``registration_closes``.

        Arguments:
            kind: ``"miditech"``, ``"workshop"``, ``"conference"`` or ``"meeting"``.
            title: The title (not blank).
            starts_at: The start (aware datetime).
            ends_at: The end, after the start.
            capacity: The seats on site.
            venue: ``{"name": ..., "address": ...}``.
            remote: A video-conference URL (unlimited places) or
                ``{"url": ..., "capacity": ...}``.
            quotas: The most seats each audience may take, by audience id of
                the statutes, e.g. ``{"interieur": 60}``.
            registration_opens: When registration opens (default: at once).
            registration_closes: When registration closes (default: at the start).
            waitlist: Whether a full event keeps a waiting list.
            program: A list of ``{"kind", "title", "speakers"}``.
            draft: Create the event as a draft (``open_registration`` opens it).
            moderated: Each request waits (status ``"pending"``) for an
                organiser's ``approve`` or ``reject`` before it gets a seat or
                a place in the waiting list.
            allowed: The event's own allowed address patterns
                (``"*@*.gouv.fr"``, ``"*@paris.fr"``...); they narrow the
                statutes' policy (both must allow the address) unless
                ``replace_policy``. Refused requests: kind
                ``address_not_admitted``.
            audiences: The audiences admitted (audience ids of the statutes);
                other requests are refused with kind ``audience_not_admitted``.
            replace_policy: ``allowed`` replaces the statutes' policy.
            waitlist_offer: Offer freed seats instead of giving them at once:
                the earliest waiting registration whose audience has room is
                offered the seat (status ``"offered"``), held this long (to
                the second, between a minute and 30 days) for
                ``accept_offer``; declined or expired, it goes to the next in
                line. Needs ``waitlist=True``.
            offer_cutoff: No offer runs past this long before the start (at
                most 365 days; default: the start); after that point a freed
                seat goes to the next in line at once. Needs ``waitlist_offer``.
            cancellation_deadline: Registrants may cancel with their
                ``cancel_token`` until then (default: the start); organisers
                may ``cancel`` after it.
            at: When the event is scheduled (default: now).

        Raises:
            InvalidInput: An unknown kind, a blank title, an end not after the
                start (kind ``end_not_after_start``), a quota for an audience
                the statutes do not define, a window that closes before it
                opens, a venue, remote or program of the wrong shape, a
                pattern of ``allowed`` that does not parse (kind
                ``invalid_input``, field ``admission.allowed``), a hold or
                cut-off out of range or offers without a waiting list (field
                ``waitlist_offer``), ``offer_cutoff`` without
                ``waitlist_offer`` (field ``offer_cutoff``).
            TypeError: A ``waitlist_offer`` or ``offer_cutoff`` that is not a
                ``timedelta``.

        Example:
            ```py
            community.schedule_event(
                "workshop", "PostgreSQL",
                dt.datetime(2030, 3, 9, 12, tzinfo=paris), dt.datetime(2030, 3, 9, 14, tzinfo=paris),
                20, remote="https://visio.example/pg",
            )
            ```
        """
    def event(self, event_id: int) -> Event:
        """Return an event by id.

        Raises:
            NotFound: An unknown event (kind ``event_not_found``).
        """
    def events(self) -> list[Event]:
        """Return every event, by id."""
    def set_capacity(self, event_id: int, capacity: int, at: Optional[datetime.datetime] = None) -> list[int]:
        """Change the seat capacity; growing it promotes waiting registrations.

        Returns:
            The registrations promoted, in order.

        Raises:
            NotFound: An unknown event.
            InvalidState: Fewer seats than those confirmed (kind
                ``capacity_below_confirmed``), or an event that is over (kind
                ``event_over``).
        """
    def set_quota(
        self, event_id: int, audience: str, quota: Optional[int], at: Optional[datetime.datetime] = None
    ) -> list[int]:
        """Set (or remove, with ``None``) an audience's quota.

        Returns:
            The registrations promoted, in order.

        Raises:
            NotFound: An unknown event.
            InvalidInput: An audience the statutes do not define.
            InvalidState: A quota below the seats that audience already holds
                (kind ``quota_below_confirmed``), or an event that is over.
        """
    def set_program(
        self, event_id: int, program: list[ProgramItem], at: Optional[datetime.datetime] = None
    ) -> None:
        """Replace the program (a list of ``{"kind", "title", "speakers"}``).

        Raises:
            NotFound: An unknown event.
            InvalidInput: A program of the wrong shape.
            InvalidState: An event that is over (kind ``event_over``).
        """
    def set_venue(self, event_id: int, venue: Optional[Venue], at: Optional[datetime.datetime] = None) -> None:
        """Set (``{"name", "address"}``) or remove (``None``) the venue.

        Raises:
            NotFound: An unknown event.
            InvalidState: An event that is over (kind ``event_over``).
        """
    def set_remote(
        self, event_id: int, remote: Union[str, Remote, None], at: Optional[datetime.datetime] = None
    ) -> None:
        """Set (a URL, or ``{"url", "capacity"}``) or remove (``None``) the remote broadcast.

        Raises:
            NotFound: An unknown event.
            InvalidState: Fewer remote places than those confirmed (kind
                ``remote_in_use``), or an event that is over.
        """
    def set_registration_window(
        self,
        event_id: int,
        opens: Optional[datetime.datetime] = None,
        closes: Optional[datetime.datetime] = None,
        at: Optional[datetime.datetime] = None,
    ) -> None:
        """Set the registration window.

        Arguments:
            opens: When registration opens (``None``: at once).
            closes: When registration closes (``None``: at the start).

        Raises:
            NotFound: An unknown event.
            InvalidInput: A window that closes before it opens.
            InvalidState: An event that is over (kind ``event_over``).
        """
    def open_registration(self, event_id: int, at: Optional[datetime.datetime] = None) -> None:
        """Open a draft (or re-open a closed) event for registration.

        Raises:
            NotFound: An unknown event.
            InvalidState: Another state (kind ``event_transition``).
        """
    def close_registration(self, event_id: int, at: Optional[datetime.datetime] = None) -> None:
        """Close registration; the waiting list still moves on cancellations.

        Raises:
            NotFound: An unknown event.
            InvalidState: An event that is not open (kind ``event_transition``).
        """
    def mark_held(self, event_id: int, at: Optional[datetime.datetime] = None) -> None:
        """Mark the event as held; confirmed registrants who did not check in are then no-shows.

        Raises:
            NotFound: An unknown event.
            InvalidState: ``at`` before the start (kind ``event_not_started``),
                or an event that is not open or closed (kind ``event_transition``).
        """
    def publish_report(
        self,
        event_id: int,
        summary: str,
        resources: Optional[list[Resource]] = None,
        at: Optional[datetime.datetime] = None,
    ) -> None:
        """Publish the report (compte-rendu) of a held event.

        Arguments:
            summary: The text of the report.
            resources: A list of ``{"kind", "title", "url"}`` (kind:
                ``"slides"``, ``"recording"``, ``"document"``, ``"contacts"``,
                ``"link"``).

        Raises:
            NotFound: An unknown event.
            InvalidState: An event that is not held (kind ``event_transition``),
                or a ``"recording"`` resource while a speaker of the program
                did not consent to being recorded (kind
                ``recording_consent_missing``, details ``speakers``).
            InvalidInput: Resources of the wrong shape.
        """
    def report_attendees(self, event_id: int, at: Optional[datetime.datetime] = None) -> ReportAttendees:
        """Return the attendees the compte-rendu may name: ``{"named": [...], "unnamed": int}``.

        Those checked in whose consent to the publication of their name
        (``"name_publication"``) holds at ``at`` (default: now) are named,
        given name first, in the order of registration; the others are counted.

        Raises:
            NotFound: An unknown event.
        """
    def reschedule(
        self,
        event_id: int,
        starts_at: datetime.datetime,
        ends_at: datetime.datetime,
        at: Optional[datetime.datetime] = None,
    ) -> None:
        """Move an event still to be held to another time; the registrations stay.

        The event's ``revision`` (the iCalendar ``SEQUENCE``) goes up, so that
        calendar clients update the entry they imported (same ``UID``).

        Raises:
            NotFound: An unknown event.
            InvalidInput: An end not after the start (kind ``end_not_after_start``).
            InvalidState: An event already held or cancelled.
        """
    def set_admission(
        self,
        event_id: int,
        *,
        allowed: Optional[Iterable[str]] = None,
        audiences: Optional[Iterable[str]] = None,
        replace_policy: bool = False,
        at: Optional[datetime.datetime] = None,
    ) -> None:
        """Change who an event still to be held admits; with no rule, it admits whoever the statutes admit.

        Registrations already made stay: the rule judges the requests to come
        (refusals ``address_not_admitted``, ``audience_not_admitted``).

        Arguments:
            allowed: The event's own allowed address patterns; they narrow the
                statutes' policy unless ``replace_policy``.
            audiences: The audiences admitted (audience ids of the statutes).
            replace_policy: ``allowed`` replaces the statutes' policy.

        Raises:
            NotFound: An unknown event.
            InvalidInput: A pattern that does not parse (field ``admission.allowed``),
                an audience the statutes do not define.
            InvalidState: An event already held or cancelled.
        """
    def cancel_event(self, event_id: int, at: Optional[datetime.datetime] = None) -> None:
        """Cancel an event that has not been held.

        Its calendar exports then withdraw it: ``event_ical`` answers
        ``METHOD:CANCEL`` with a higher ``SEQUENCE`` (the event's ``revision``).

        Raises:
            NotFound: An unknown event.
            InvalidState: An event already held or cancelled (kind ``event_transition``).
        """
    def occupancy(self, event_id: int) -> Occupancy:
        """Return how full an event is: ``capacity``, ``on_site``, ``offered``, ``remote``, ``waiting``, ``on_site_by_audience``.

        ``on_site`` counts the seats held by open offers (``offered``) too.

        Raises:
            NotFound: An unknown event.
        """

    # registrations
    def register(
        self,
        event_id: int,
        *,
        email: str,
        family_name: OptStr = None,
        given_name: OptStr = None,
        service: OptStr = None,
        grade: OptStr = None,
        function: OptStr = None,
        acknowledged: Union[bool, Iterable[str], None] = None,
        attendance: Optional[Attendance] = None,
        at: Optional[datetime.datetime] = None,
    ) -> Registration:
        """Judge a registration request arriving at ``at`` (default: now).

        In order: the address must be valid and allowed by the statutes; a
        person who already holds a live registration for the event gets it
        back (``.already_registered``); the event must be open and inside its
        window; the fields must be present, not too long and free of control
        characters; the obligations must be acknowledged. Then the request
        gets a seat if its audience has room, else (when it accepts remote
        attendance) a remote place while waiting for a seat, else a place in
        the waiting list, else it is refused as full. Registering makes (or
        refreshes) the person a member.

        Arguments:
            email: The registrant's address.
            family_name: Nom (``None`` reads as empty).
            given_name: Prénom.
            service: Service.
            grade: Grade.
            function: Fonction.
            acknowledged: The ids of the statutes' obligations the person
                acknowledges (e.g. ``["deontology", "pssi"]``), or ``True`` for
                all of them.
            attendance: ``"on_site"`` (the default), ``"remote"`` or
                ``"on_site_or_remote"``.

        Returns:
            The registration; its ``.status`` is ``"confirmed"`` or ``"waitlisted"``.

        Raises:
            RegistrationRefused: The engine refused the request; ``.kind`` says
                why (see ``RegistrationRefused.kinds``).
            NotFound: An unknown event.
            InvalidInput: An unknown attendance or invalid text.

        Example:
            ```py
            reg = community.register(
                event_id, email="Alice.Martin@INTERIEUR.GOUV.FR",
                family_name="Martin", given_name="Alice", service="DNUM",
                grade="ingénieure des SIC", function="architecte", acknowledged=True,
            )
            reg.status  # 'confirmed' (or 'waitlisted')
            ```
        """
    @overload
    def register_many(
        self,
        event_id: int,
        requests: Union[Iterable[RegistrationRequest], ArrowStream],
        *,
        at: Optional[datetime.datetime] = None,
        detailed: Literal[False] = False,
    ) -> list[str]:
        """Judge a batch of requests for one event, in order, all at ``at``, with the GIL released.

        Each request is judged as ``register`` judges it.

        Arguments:
            requests: An iterable of dicts with the keywords of ``register``
                (``email`` required; another key is a ``TypeError``), or
                Arrow data with those columns: a polars or pandas DataFrame, a
                pyarrow Table, any object with ``__arrow_c_stream__``. Its
                columns are read in Rust with the GIL released: texts in any
                Arrow string layout (``string``, ``large_string``,
                ``string_view``, dictionary-encoded), ``acknowledged`` as
                booleans or lists of obligation ids; a null is what ``None``
                is in a dict. The outcomes are those of the same rows as
                dicts.
            at: When the requests arrive (default: now).
            detailed: With ``True``, return the ``Registration`` or the
                (unraised) ``RegistrationRefused`` of each request instead of
                its kind.

        Returns:
            One outcome per request: its status (``"confirmed"``,
            ``"waitlisted"``) or its refusal kind (e.g. ``"address_not_allowed"``).

        Raises:
            NotFound: An unknown event.
            TypeError: A row that is not a dict, or has an unknown or missing
                key; a column of the wrong type, an unknown or missing column,
                a null address.
            InvalidInput: The first row ``register`` would refuse as input
                (e.g. an unknown attendance), more than 1,000,000 rows;
                refusals are returned, not raised. Nothing is judged when
                this or a ``TypeError`` is raised.

        Example:
            ```py
            outcomes = community.copy().register_many(event_id, rows)
            pandas.Series(outcomes).value_counts()
            requests = polars.read_csv("requests.csv")
            outcomes = community.copy().register_many(event_id, requests)
            ```
        """
    @overload
    def register_many(
        self,
        event_id: int,
        requests: Union[Iterable[RegistrationRequest], ArrowStream],
        *,
        at: Optional[datetime.datetime] = None,
        detailed: Literal[True],
    ) -> list[Union[Registration, RegistrationRefused]]:
        """Judge a batch of requests for one event, in order, all at ``at``, with the GIL released.

        With ``detailed=True``, each outcome is the ``Registration`` or the
        (unraised) ``RegistrationRefused`` exception, with its ``.kind``,
        messages and ``.details``. Otherwise as the first form.
        """
    def cancel(self, registration_id: int, at: Optional[datetime.datetime] = None) -> Cancellation:
        """Cancel a registration; the seat goes to the earliest waiting registration whose audience has room.

        Cancelling twice changes nothing and answers the same. For an event
        with ``waitlist_offer``, the seat is offered to the next in line
        (``Cancellation.promoted`` lists the offers made).

        Raises:
            NotFound: An unknown registration.
            InvalidState: An event that is over (kind ``event_over``).
        """
    def cancel_by_token(
        self, token: str, event_id: Optional[int] = None, at: Optional[datetime.datetime] = None
    ) -> Cancellation:
        """Cancel a registration with the registrant's cancellation token (``Registration.cancel_token``), as ``cancel`` does.

        Possible until the event's ``cancellation_deadline``; an organiser's
        ``cancel`` still works after it. A token used again answers as the
        first time and changes nothing.

        Arguments:
            token: The token, ``"<id>-<32 hex digits>"`` (surrounding blanks
                are ignored).
            event_id: The event the link is for: a token of another event's
                registration is refused.

        Raises:
            InvalidState: A token that is malformed, wrong or of another
                event, refused alike without saying which (kind
                ``invalid_token``); after the deadline (kind
                ``cancellation_closed``, ``details["closed_at"]``); an event
                that is over (kind ``event_over``).
            TypeError: A token that is not a ``str``.
        """
    def accept_offer(self, registration_id: int, at: Optional[datetime.datetime] = None) -> Registration:
        """Accept the seat offered to a registration (status ``"offered"``): it is confirmed on site.

        Returns:
            The registration, confirmed.

        Raises:
            NotFound: An unknown registration.
            InvalidState: A registration with no open offer (kind
                ``not_offered``), an offer whose deadline has passed (kind
                ``offer_expired``, ``details["expired_at"]``; nothing
                changes, the next operation expires it), an event that is
                over (kind ``event_over``).
        """
    def decline_offer(self, registration_id: int, at: Optional[datetime.datetime] = None) -> Cancellation:
        """Decline the seat offered to a registration: it is cancelled and the seat goes to the next in line.

        The next in line is offered it in turn, or given it at once once the
        offer window has closed (see ``Event.offer_deadline``).

        Returns:
            The cancellation, with the registrations offered or given the
            seat in ``promoted``.

        Raises:
            NotFound: An unknown registration.
            InvalidState: A registration with no open offer (kind
                ``not_offered``), an offer whose deadline has passed (kind
                ``offer_expired``), an event that is over (kind ``event_over``).
        """
    def expire_offers(self, at: Optional[datetime.datetime] = None) -> OfferRound:
        """Expire every offer whose deadline is at or before ``at`` (default: now), and make the next offers in their place.

        The organisers' periodic job. Every other operation on an event at a
        later instant expires that event's due offers first, so none of them
        sees an expired offer as open; each expired offer is cancelled at its
        deadline. Runs with the GIL released.

        Returns:
            ``{"expired": [...], "promoted": [...]}``: the registrations whose
            offer expired, and those offered (or given) a seat in their
            place, in order.
        """
    def approve(self, registration_id: int, at: Optional[datetime.datetime] = None) -> Registration:
        """Approve a pending request of a moderated event.

        It gets a seat, a remote place or a place in the waiting list by the
        usual rules at ``at``; when they refuse it (full without a waiting
        list), the approval raises that refusal and the request stays pending.

        Returns:
            The registration, confirmed or waitlisted.

        Raises:
            NotFound: An unknown registration.
            InvalidState: A registration that is not pending (kind
                ``not_pending``), an event that is over (kind ``event_over``).
            RegistrationRefused: The rules refuse it now (e.g. ``event_full``).
        """
    def reject(self, registration_id: int, reason: str, at: Optional[datetime.datetime] = None) -> Registration:
        """Reject a pending request of a moderated event with the organiser's reason.

        Returns:
            The registration, cancelled, with ``rejection`` (the reason) and
            ``rejection_message()`` (what the person is told).

        Raises:
            NotFound: An unknown registration.
            InvalidState: A registration that is not pending (kind ``not_pending``).
            InvalidInput: A blank or too long reason.
        """
    def check_in(self, registration_id: int, at: Optional[datetime.datetime] = None) -> Registration:
        """Check a confirmed registrant in (on site or remote); checking in twice keeps the first time.

        Possible only inside the event's ``check_in_window`` (24 hours before
        the start to 24 hours after the end).

        Returns:
            The registration, with ``checked_in_at``.

        Raises:
            NotFound: An unknown registration.
            InvalidState: A waiting, pending or offered registration (kind
                ``not_confirmed``), a cancelled one (kind
                ``registration_cancelled``), an event that is not open or
                closed (kind ``check_in_not_possible``), ``at`` outside the
                check-in window (kind ``check_in_outside_window``,
                ``details["opens_at"]``, ``details["closes_at"]``).
        """
    def registration(self, registration_id: int) -> Registration:
        """Return a registration by id.

        Raises:
            NotFound: An unknown registration (kind ``registration_not_found``).
        """
    def registrations(self, event_id: Optional[int] = None) -> list[Registration]:
        """Return the registrations of an event (or of every event), cancelled ones included, in order of arrival."""
    def waiting_list(self, event_id: int) -> list[int]:
        """Return the waiting list of an event (registration ids), in promotion order."""
    def confirmed(self, event_id: int) -> list[Registration]:
        """Return the confirmed registrations of an event (on site and remote), in order."""

    # tables (Arrow data, built with the GIL released; ``!``: never null)
    def members_table(self, at: Optional[datetime.datetime] = None) -> Table:
        """Return the members as a table, ready for ``polars.DataFrame``, ``pyarrow.table`` or ``pandas.DataFrame.from_arrow``.

        Schema: ``id`` int64!, ``email`` large_string!, ``domain``
        large_string!, ``family_name`` large_string!, ``given_name``
        large_string!, ``service`` large_string!, ``administration``
        large_string, ``affiliation`` list<large_string>!, ``corps``
        large_string, ``grade`` large_string!, ``function`` large_string!,
        ``skills`` list<large_string>!, ``interests`` list<large_string>!,
        ``joined_at`` timestamp[us, UTC]!, ``last_participation_at``
        timestamp[us, UTC], ``status`` large_string!, ``bureau_role``
        large_string, ``erased_at`` timestamp[us, UTC],
        ``consent_mailing_list`` bool!, ``consent_recording`` bool!,
        ``consent_name_publication`` bool!; ``status`` and the ``consent_*``
        columns are as of ``at`` (default: now). ``import_members`` takes
        this table back.

        Raises:
            InvalidState: A value Arrow cannot hold (kind ``table_overflow``:
                an id above 2**63 - 1).
        """
    def events_table(self) -> Table:
        """Return the events as a table, with their occupancy (``on_site``, ``remote``, ``waiting``).

        Schema: ``id`` int64!, ``kind`` large_string!, ``title``
        large_string!, ``state`` large_string!, ``starts_at``
        timestamp[us, UTC]!, ``ends_at`` timestamp[us, UTC]!, ``venue``
        large_string, ``venue_address`` large_string, ``remote_url``
        large_string, ``remote_capacity`` int64, ``capacity`` int64!,
        ``waitlist`` bool!, ``registration_opens_at`` timestamp[us, UTC],
        ``registration_deadline`` timestamp[us, UTC]!, ``created_at``
        timestamp[us, UTC]!, ``program_items`` int64!, ``speakers``
        list<large_string>!, ``recording_allowed`` bool!, ``on_site``
        int64!, ``remote`` int64!, ``waiting`` int64!, ``reported_at``
        timestamp[us, UTC].
        """
    def registrations_table(self, event_id: Optional[int] = None) -> Table:
        """Return the registrations (of one event, or all) as a table, with their ``attendance``.

        Schema: ``id`` int64!, ``event_id`` int64!, ``member_id`` int64!,
        ``audience`` large_string, ``mode`` large_string!, ``status``
        large_string!, ``seat`` large_string, ``waiting_for_seat`` bool!,
        ``requested_at`` timestamp[us, UTC]!, ``confirmed_at``
        timestamp[us, UTC], ``promoted_at`` timestamp[us, UTC],
        ``cancelled_at`` timestamp[us, UTC], ``checked_in_at``
        timestamp[us, UTC], ``offered_at`` timestamp[us, UTC],
        ``offer_expires_at`` timestamp[us, UTC], ``attendance``
        large_string!. An unknown event has no registrations. The
        cancellation tokens are never in it.
        """
    def help_requests_table(self) -> Table:
        """Return the help requests as a table (the questions' texts are left out: see ``HelpRequest.text``).

        Schema: ``id`` int64!, ``asker_id`` int64!, ``topic`` large_string!,
        ``skills`` list<large_string>!, ``visibility`` large_string!,
        ``state`` large_string!, ``asked_at`` timestamp[us, UTC]!,
        ``last_step_at`` timestamp[us, UTC]!, ``referred_to`` list<int64>!.
        """
    def watch_items_table(self) -> Table:
        """Return the watch items as a table, with the ``channels`` each was published on.

        Schema: ``id`` int64!, ``title`` large_string!, ``link``
        large_string!, ``scope`` large_string!, ``tags`` list<large_string>!,
        ``shared_by`` int64!, ``shared_at`` timestamp[us, UTC]!,
        ``event_id`` int64, ``help_request_id`` int64, ``channels``
        list<large_string>!.
        """

# ----- durable store -------------------------------------------------------------

@final
class Store:
    """A community kept durable: in a directory or in a PostgreSQL database.

    A directory has one writing process at a time and any number of read-only
    followers; a PostgreSQL database takes any number of writing processes.
    Every change goes through ``execute`` and is journaled (one JSON line per
    record, checksummed) and made durable before the call returns.

    Not picklable (it owns files or a connection); share one ``Store`` between
    threads instead. ``close()`` (or ``with Store.open(...) as store:``)
    releases it at once.

    Example:
        ```py
        with cimi.Store.open("cimi-data") as store:
            member_id = store.execute(
                "organiser", lambda c: c.add_member("ada@interieur.gouv.fr", skills=["rust"])
            )
            store.community.members_table()
        ```
    """

    @staticmethod
    def open(
        location: Union[str, os.PathLike[str]],
        statutes: Optional[Statutes] = None,
        *,
        durable: bool = True,
        read_only: bool = False,
        schema: Optional[str] = None,
        community: Optional[str] = None,
        lock_timeout: Optional[float] = None,
    ) -> Store:
        """Open (or create) a store at ``location``.

        Reopening replays the journal; a torn last record is cut off and
        reported in ``open_report``.

        Arguments:
            location: A directory, or a ``postgresql://`` URL.
            statutes: The statutes a new store starts under (default: the CIMI preset).
            durable: ``False`` skips the fsyncs (throw-away stores, benchmarks).
            read_only: Follow an existing store without ever writing
                (``refresh()`` applies what its writers added).
            schema: PostgreSQL: the schema that holds the tables.
            community: PostgreSQL: the name of the community in that schema.
            lock_timeout: PostgreSQL: the longest wait for other writers, in
                seconds (positive).

        Raises:
            StoreError: Another process writes the directory (kind
                ``store_locked``), the journal is damaged (kind
                ``corrupt_journal``, with ``details["file"]`` and
                ``details["offset"]``), an I/O error, an unreachable database...
            InvalidInput: A ``lock_timeout`` that is not a positive number of seconds.
        """
    def refresh(self) -> int:
        """Apply what the store's writers committed since the last read; return how many records that was.

        For a read-only follower, what the writer appended; for a PostgreSQL
        writer, what the other processes committed; 0 for a store that is the
        only writer.
        """
    @property
    def read_only(self) -> bool:
        """Whether the store was opened read-only."""
    @property
    def backend(self) -> str:
        """Where the community is kept: ``"memory"``, ``"file"`` or ``"postgres"``."""
    @property
    def location(self) -> Optional[str]:
        """Where the store lives (a directory, or the database URL without its password), or ``None`` in memory."""
    def close(self) -> None:
        """Release the store now (a directory's writer lock, a database connection).

        Every later call raises ``StoreError`` (kind ``store_closed``). Closing
        twice is harmless.
        """
    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called."""
    def __enter__(self) -> Store:
        """Return the store itself, for ``with Store.open(...) as store:``."""
    def __exit__(self, *args: object) -> bool:
        """Close the store; exceptions of the ``with`` block propagate."""
    @staticmethod
    def in_memory(community: Community) -> Store:
        """Create a store without files around a copy of ``community``.

        Operations run directly; nothing is journaled.
        """
    @property
    def open_report(self) -> dict[str, Any]:
        """What opening found: ``snapshot_seq``, ``records_replayed``, ``torn_tail``."""
    @property
    def community(self) -> Community:
        """A copy of the current state (change it through ``execute``, not through this copy)."""
    @property
    def seq(self) -> int:
        """The sequence number of the last durable record."""
    @property
    def is_poisoned(self) -> bool:
        """Whether the store refuses writes after an I/O error (reopen it)."""
    @property
    def path(self) -> Optional[pathlib.Path]:
        """The directory, or ``None`` for a store that is not a directory."""
    def execute(self, actor: str, operation: Callable[[Community], _T]) -> _T:
        """Run ``operation(community)`` as one durable operation by ``actor`` and return its result.

        The community given to ``operation`` is lent for the call only (using
        it afterwards raises ``InvalidState``, kind ``operation_over``). The
        changes are acknowledged once durable (one fsync, or one transaction,
        for the whole call); if ``operation`` raises, nothing it did remains
        and its exception propagates.

        Arguments:
            actor: Who acts, as the audit history records it.
            operation: A callable taking a ``Community``.

        Raises:
            StoreError: The store is read-only, closed, poisoned, or writing
                failed (the state is then left as it was).
            InvalidState: A call from inside an operation of the same store
                (kind ``store_busy``): use the community the operation was given.
            TypeError: ``operation`` is not callable.

        Example:
            ```py
            reg = store.execute("front-desk", lambda c: c.check_in(registration_id))
            ```
        """
    def snapshot(self) -> str:
        """Write a snapshot of the state; return where (a file's path, or the database row)."""
    def compact(self) -> None:
        """Compact the store; the state does not change.

        A snapshot is written, the journal's records are kept for the audit
        history with erased people's personal data removed, and the journal
        starts empty; older snapshots are deleted.
        """
    def history(self, *, member_id: Optional[int] = None, event_id: Optional[int] = None) -> list[HistoryEntry]:
        """Return the audit history of one member or one event, oldest first.

        Give exactly one of ``member_id`` and ``event_id`` (else ``TypeError``).

        Returns:
            Dicts with ``seq``, ``actor``, ``action``, ``at`` and ``change``
            (the change as JSON).
        """
    def subject_access(self, email: str, at: Optional[datetime.datetime] = None) -> dict[str, Any]:
        """Return everything the community holds about the person with this address (GDPR right of access).

        As ``Community.subject_access``, with the audit entries about the
        person (for a durable store) under ``"audit"``.

        Raises:
            NotFound: No member has that address (kind ``member_not_found``).
        """
    def apply_retention(self, actor: str, at: Optional[datetime.datetime] = None) -> list[int]:
        """Erase the people the statutes' retention rule applies to at ``at``, as one operation by ``actor``.

        See ``Community.retention_candidates``.

        Returns:
            The member ids erased.
        """
