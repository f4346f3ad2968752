"""Type stubs of the compiled extension module ``cimi._cimi``."""

import datetime
import os
import pathlib
from collections.abc import Iterable, Mapping
from typing import Any, Callable, ClassVar, Literal, Optional, TypedDict, TypeVar, Union, final, overload

from typing_extensions import NotRequired, TypeAlias

__all__ = [
    "Community",
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

__version__: str

EventKind: TypeAlias = Literal["miditech", "workshop", "conference", "meeting"]
EventState: TypeAlias = Literal["draft", "open", "closed", "held", "reported", "cancelled"]
Status: TypeAlias = Literal["confirmed", "waitlisted", "cancelled"]
Attendance: TypeAlias = Literal["on_site", "remote", "on_site_or_remote"]
ConsentKind: TypeAlias = Literal["mailing_list", "recording", "name_publication"]
Language: TypeAlias = Literal["en", "fr"]
#: A text argument that may be left out (``None`` reads as empty).
OptStr: TypeAlias = Optional[str]

class Speaker(TypedDict):
    name: str
    title: NotRequired[str]
    organisation: NotRequired[str]
    recording_consent: NotRequired[bool]

class ProgramItem(TypedDict):
    kind: Literal["introduction", "welcome", "talk", "questions_and_answers", "conclusion", "hands_on", "other"]
    title: NotRequired[str]
    speakers: NotRequired[list[Speaker]]

class Venue(TypedDict):
    name: str
    address: str

class Remote(TypedDict):
    url: str
    capacity: NotRequired[Optional[int]]

class Resource(TypedDict):
    kind: Literal["slides", "recording", "document", "contacts", "link"]
    title: str
    url: str

class Report(TypedDict):
    summary: str
    resources: list[Resource]
    published_at: datetime.datetime

class Consent(TypedDict):
    kind: ConsentKind
    granted: bool
    at: datetime.datetime

class Occupancy(TypedDict):
    capacity: int
    on_site: int
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
    id: str
    kind: Literal[
        "forum", "wiki", "mailing_list", "contact_mailbox", "tchap_room", "public_social", "intranet_site", "code_forge"
    ]
    name: str
    visibility: Literal["members_only", "ministry_internal", "public"]

class HelpStep(TypedDict):
    state: Literal["open", "referred", "resolved", "closed"]
    at: datetime.datetime
    referred_to: list[int]

class Suggestion(TypedDict):
    member_id: int
    score: float
    shared_skills: list[str]
    status: Literal["active", "dormant", "erased"]

class UpcomingEvent(TypedDict):
    id: int
    title: str
    kind: EventKind
    starts_at: datetime.datetime
    venue: Optional[str]

class HistoryEntry(TypedDict):
    seq: int
    actor: str
    action: str
    at: datetime.datetime
    change: str

_T = TypeVar("_T")

CsvDialect: TypeAlias = Literal["french_office", "rfc4180"]

class RejectedRow(TypedDict):
    line: int
    kind: str
    message: str
    message_en: str
    message_fr: str

class ImportReport(TypedDict):
    imported: list[int]
    rejected: list[RejectedRow]
    rows: int
    separator: str
    encoding: Literal["utf8", "utf8_bom", "windows1252"]
    ignored_columns: list[str]
    complete: bool

class MailProblem(TypedDict):
    kind: str
    message: str
    message_en: str
    message_fr: str
    about_sender: bool

class MailRequest(TypedDict):
    email: str
    family_name: str
    given_name: str
    service: str
    grade: str
    function: str
    acknowledged: list[str]
    attendance: Attendance

class MailReading(TypedDict):
    sender: Optional[str]
    event_id: Optional[int]
    request: MailRequest
    problems: list[MailProblem]
    complete: bool

class MailOutcome(TypedDict):
    registered: bool
    event_id: Optional[int]
    registration: Optional[Registration]
    problems: list[MailProblem]
    reply_fr: str

#: Columns of a table: ``pandas.DataFrame(table)`` / ``polars.DataFrame(table)``.
Table: TypeAlias = dict[str, list[Any]]

# ----- exceptions ----------------------------------------------------------------

class CimiError(ValueError):
    """Base class of every cimi error."""

    family: ClassVar[str]
    kind: str
    message_en: str
    message_fr: str
    details: dict[str, Any]

class RegistrationRefused(CimiError):
    #: Every refusal kind the engine can give.
    kinds: ClassVar[tuple[str, ...]]

class NotFound(CimiError): ...
class InvalidState(CimiError): ...
class InvalidInput(CimiError): ...
class StatutesError(CimiError): ...
class FormatError(CimiError): ...
class PublicationRefused(CimiError): ...
class StoreError(CimiError): ...
class InteropError(CimiError): ...

# ----- functions -----------------------------------------------------------------

def set_language(language: str) -> None: ...
def get_language() -> Language: ...
def parse_address(address: str) -> str: ...
def paris_instant(local: datetime.datetime) -> datetime.datetime: ...
def normalize_skill(tag: str) -> Optional[str]: ...

# ----- statutes ------------------------------------------------------------------

@final
class Statutes:
    @staticmethod
    def cimi() -> Statutes: ...
    @staticmethod
    def from_json(text: str) -> Statutes: ...
    @staticmethod
    def from_path(path: Union[str, os.PathLike[str]]) -> Statutes: ...
    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> Statutes: ...
    def to_json(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...
    @property
    def name(self) -> str: ...
    @property
    def full_name(self) -> str: ...
    @property
    def values(self) -> list[str]: ...
    @property
    def objectives(self) -> list[str]: ...
    @property
    def rules(self) -> list[str]: ...
    @property
    def obligations(self) -> dict[str, str]: ...
    @property
    def audiences(self) -> list[str]: ...
    @property
    def policy(self) -> dict[str, Any]: ...
    @property
    def bureau(self) -> dict[str, Any]: ...
    @property
    def channels(self) -> list[Channel]: ...
    @property
    def activity_window_days(self) -> int: ...
    def allows(self, email: str) -> bool: ...
    def audience_of(self, email: str) -> Optional[str]: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

# ----- records -------------------------------------------------------------------

@final
class Member:
    @property
    def id(self) -> int: ...
    @property
    def email(self) -> str: ...
    @property
    def local_part(self) -> str: ...
    @property
    def domain(self) -> str: ...
    @property
    def family_name(self) -> str: ...
    @property
    def given_name(self) -> str: ...
    @property
    def display_name(self) -> str: ...
    @property
    def service(self) -> str: ...
    @property
    def affiliation(self) -> list[str]: ...
    @property
    def corps(self) -> Optional[str]: ...
    @property
    def grade(self) -> str: ...
    @property
    def function(self) -> str: ...
    @property
    def skills(self) -> list[str]: ...
    @property
    def interests(self) -> list[str]: ...
    @property
    def consents(self) -> list[Consent]: ...
    @property
    def joined_at(self) -> datetime.datetime: ...
    @property
    def last_participation_at(self) -> Optional[datetime.datetime]: ...
    @property
    def bureau_role(self) -> Optional[str]: ...
    @property
    def bureau_since(self) -> Optional[datetime.datetime]: ...
    @property
    def erased_at(self) -> Optional[datetime.datetime]: ...
    def has_consent(self, kind: ConsentKind, at: Optional[datetime.datetime] = None) -> bool: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Event:
    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> EventKind: ...
    @property
    def title(self) -> str: ...
    @property
    def starts_at(self) -> datetime.datetime: ...
    @property
    def ends_at(self) -> datetime.datetime: ...
    @property
    def venue(self) -> Optional[Venue]: ...
    @property
    def remote(self) -> Optional[Remote]: ...
    @property
    def capacity(self) -> int: ...
    @property
    def quotas(self) -> dict[str, int]: ...
    @property
    def registration_opens_at(self) -> Optional[datetime.datetime]: ...
    @property
    def registration_closes_at(self) -> Optional[datetime.datetime]: ...
    @property
    def registration_deadline(self) -> datetime.datetime: ...
    @property
    def waitlist(self) -> bool: ...
    @property
    def program(self) -> list[ProgramItem]: ...
    @property
    def state(self) -> EventState: ...
    @property
    def created_at(self) -> datetime.datetime: ...
    @property
    def report(self) -> Optional[Report]: ...
    @property
    def recording_allowed(self) -> bool: ...
    def accepts_registrations_at(self, at: Optional[datetime.datetime] = None) -> bool: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Registration:
    @property
    def id(self) -> int: ...
    @property
    def event_id(self) -> int: ...
    @property
    def member_id(self) -> int: ...
    @property
    def audience(self) -> Optional[str]: ...
    @property
    def mode(self) -> Attendance: ...
    @property
    def status(self) -> Status: ...
    @property
    def seat(self) -> Optional[Literal["on_site", "remote"]]: ...
    @property
    def waiting_for_seat(self) -> bool: ...
    @property
    def requested_at(self) -> datetime.datetime: ...
    @property
    def confirmed_at(self) -> Optional[datetime.datetime]: ...
    @property
    def promoted_at(self) -> Optional[datetime.datetime]: ...
    @property
    def cancelled_at(self) -> Optional[datetime.datetime]: ...
    @property
    def checked_in_at(self) -> Optional[datetime.datetime]: ...
    @property
    def already_registered(self) -> bool: ...
    @property
    def is_live(self) -> bool: ...
    @property
    def holds_seat(self) -> bool: ...
    def attendance(self, event_held: bool) -> Literal["pending", "attended", "no_show", "not_applicable"]: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Cancellation:
    @property
    def registration(self) -> Registration: ...
    @property
    def promoted(self) -> list[int]: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Violation:
    @property
    def kind(self) -> Literal["bureau_size", "entity_not_represented", "member_outside_entities", "member_not_active"]: ...
    @property
    def message(self) -> str: ...
    @property
    def message_en(self) -> str: ...
    @property
    def message_fr(self) -> str: ...
    @property
    def details(self) -> dict[str, Any]: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class HelpRequest:
    @property
    def id(self) -> int: ...
    @property
    def asker_id(self) -> int: ...
    @property
    def topic(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def skills(self) -> list[str]: ...
    @property
    def visibility(self) -> Literal["public", "private"]: ...
    @property
    def state(self) -> Literal["open", "referred", "resolved", "closed"]: ...
    @property
    def asked_at(self) -> datetime.datetime: ...
    @property
    def referred_to(self) -> list[int]: ...
    @property
    def steps(self) -> list[HelpStep]: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class WatchItem:
    @property
    def id(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def link(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def tags(self) -> list[str]: ...
    @property
    def scope(self) -> Literal["internal", "external"]: ...
    @property
    def shared_by(self) -> int: ...
    @property
    def shared_at(self) -> datetime.datetime: ...
    @property
    def event_id(self) -> Optional[int]: ...
    @property
    def help_request_id(self) -> Optional[int]: ...
    @property
    def published(self) -> list[tuple[str, datetime.datetime]]: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Digest:
    @property
    def channel(self) -> Channel: ...
    @property
    def start(self) -> datetime.datetime: ...
    @property
    def end(self) -> datetime.datetime: ...
    @property
    def groups(self) -> list[tuple[str, list[WatchItem]]]: ...
    @property
    def upcoming(self) -> list[UpcomingEvent]: ...
    def to_text(self, language: Optional[str] = None) -> str: ...
    def to_markdown(self, language: Optional[str] = None) -> str: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

# ----- community -----------------------------------------------------------------

@final
class Community:
    def __new__(cls, statutes: Optional[Statutes] = None) -> Community: ...
    @staticmethod
    def cimi() -> Community: ...
    @staticmethod
    def from_statutes_file(path: Union[str, os.PathLike[str]]) -> Community: ...
    @staticmethod
    def from_json(text: str) -> Community: ...
    def to_json(self) -> str: ...
    def copy(self) -> Community: ...
    def __copy__(self) -> Community: ...
    def __deepcopy__(self, memo: Any, /) -> Community: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

    # statutes
    @property
    def statutes(self) -> Statutes: ...
    def replace_statutes(self, statutes: Statutes, at: Optional[datetime.datetime] = None) -> None: ...
    def check_statutes(self, at: Optional[datetime.datetime] = None) -> list[Violation]: ...

    # recording and replay
    def set_recording(self, on: bool) -> None: ...
    def drain_changes(self) -> list[str]: ...
    def apply_change(self, change: str) -> None: ...
    def check_invariants(self) -> Optional[str]: ...

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
    ) -> int: ...
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
    ) -> None: ...
    def set_consent(
        self, member_id: int, kind: ConsentKind, granted: bool, at: Optional[datetime.datetime] = None
    ) -> None: ...
    def set_bureau_role(
        self, member_id: int, responsibility: Optional[str], at: Optional[datetime.datetime] = None
    ) -> None: ...
    def member_status(
        self, member_id: int, at: Optional[datetime.datetime] = None
    ) -> Literal["active", "dormant", "erased"]: ...
    def member(self, member_id: int) -> Member: ...
    def member_by_email(self, email: str) -> Optional[Member]: ...
    def members(self) -> list[Member]: ...
    def bureau(self) -> list[Member]: ...
    def erase_member(self, member_id: int, at: Optional[datetime.datetime] = None) -> None: ...
    def subject_access(self, member_id: int, at: Optional[datetime.datetime] = None) -> dict[str, Any]: ...
    def retention_candidates(self, at: Optional[datetime.datetime] = None) -> list[int]: ...

    # mutual help (entraide)
    def ask_help(
        self,
        email: str,
        topic: str,
        text: str,
        skills: Optional[Iterable[str]] = None,
        visibility: Literal["public", "private"] = "public",
        at: Optional[datetime.datetime] = None,
    ) -> int: ...
    def refer_help(self, help_request_id: int, to: Iterable[int], at: Optional[datetime.datetime] = None) -> None: ...
    def resolve_help(self, help_request_id: int, at: Optional[datetime.datetime] = None) -> None: ...
    def close_help(self, help_request_id: int, at: Optional[datetime.datetime] = None) -> None: ...
    def help_request(self, help_request_id: int) -> HelpRequest: ...
    def help_requests(self) -> list[HelpRequest]: ...
    def suggest_helpers(
        self, help_request_id: int, k: int = 5, at: Optional[datetime.datetime] = None
    ) -> list[Suggestion]: ...
    def suggest_for_skills(
        self,
        skills: Iterable[str],
        k: int = 5,
        exclude: Optional[int] = None,
        at: Optional[datetime.datetime] = None,
    ) -> list[Suggestion]: ...

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
    ) -> int: ...
    def publish_watch_item(self, watch_item_id: int, channel: str, at: Optional[datetime.datetime] = None) -> None: ...
    def watch_item(self, watch_item_id: int) -> WatchItem: ...
    def watch_items(self) -> list[WatchItem]: ...
    def digest(
        self, channel: str, start: datetime.datetime, end: datetime.datetime, at: Optional[datetime.datetime] = None
    ) -> Digest: ...
    def mailing_list_recipients(self, at: Optional[datetime.datetime] = None) -> list[Member]: ...

    # interoperability: CSV, iCalendar, e-mail
    def attendees_csv(
        self,
        event_id: int,
        *,
        dialect: CsvDialect = "french_office",
        language: Optional[str] = None,
        include_cancelled: bool = False,
    ) -> str: ...
    def directory_csv(
        self,
        *,
        dialect: CsvDialect = "french_office",
        language: Optional[str] = None,
        at: Optional[datetime.datetime] = None,
    ) -> str: ...
    def import_members_csv(
        self,
        data: Union[bytes, bytearray, str],
        *,
        skip_bad_rows: bool = False,
        at: Optional[datetime.datetime] = None,
    ) -> ImportReport: ...
    def event_ical(self, event_id: int, at: Optional[datetime.datetime] = None) -> str: ...
    def calendar_ical(
        self, event_ids: Optional[Iterable[int]] = None, at: Optional[datetime.datetime] = None
    ) -> str: ...
    def invitation_ical(
        self, registration_id: int, organizer_email: str, at: Optional[datetime.datetime] = None
    ) -> str: ...
    def read_registration_email(
        self,
        message: Union[bytes, bytearray, str],
        *,
        authserv_id: Optional[str] = None,
        at: Optional[datetime.datetime] = None,
    ) -> MailReading: ...
    def register_from_email(
        self,
        message: Union[bytes, bytearray, str],
        *,
        authserv_id: Optional[str] = None,
        at: Optional[datetime.datetime] = None,
    ) -> MailOutcome: ...

    # statistics (tables)
    def event_stats(self) -> Table: ...
    def events_held_per_year_and_kind(self) -> Table: ...
    def member_groups(self, at: Optional[datetime.datetime] = None) -> Table: ...
    def members_joined_per_month(self) -> Table: ...

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
        at: Optional[datetime.datetime] = None,
    ) -> int: ...
    def event(self, event_id: int) -> Event: ...
    def events(self) -> list[Event]: ...
    def set_capacity(self, event_id: int, capacity: int, at: Optional[datetime.datetime] = None) -> list[int]: ...
    def set_quota(
        self, event_id: int, audience: str, quota: Optional[int], at: Optional[datetime.datetime] = None
    ) -> list[int]: ...
    def set_program(
        self, event_id: int, program: list[ProgramItem], at: Optional[datetime.datetime] = None
    ) -> None: ...
    def set_venue(self, event_id: int, venue: Optional[Venue], at: Optional[datetime.datetime] = None) -> None: ...
    def set_remote(
        self, event_id: int, remote: Union[str, Remote, None], at: Optional[datetime.datetime] = None
    ) -> None: ...
    def set_registration_window(
        self,
        event_id: int,
        opens: Optional[datetime.datetime] = None,
        closes: Optional[datetime.datetime] = None,
        at: Optional[datetime.datetime] = None,
    ) -> None: ...
    def open_registration(self, event_id: int, at: Optional[datetime.datetime] = None) -> None: ...
    def close_registration(self, event_id: int, at: Optional[datetime.datetime] = None) -> None: ...
    def mark_held(self, event_id: int, at: Optional[datetime.datetime] = None) -> None: ...
    def publish_report(
        self,
        event_id: int,
        summary: str,
        resources: Optional[list[Resource]] = None,
        at: Optional[datetime.datetime] = None,
    ) -> None: ...
    def cancel_event(self, event_id: int, at: Optional[datetime.datetime] = None) -> None: ...
    def occupancy(self, event_id: int) -> Occupancy: ...

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
    ) -> Registration: ...
    @overload
    def register_many(
        self,
        event_id: int,
        requests: Iterable[RegistrationRequest],
        *,
        at: Optional[datetime.datetime] = None,
        detailed: Literal[False] = False,
    ) -> list[str]: ...
    @overload
    def register_many(
        self,
        event_id: int,
        requests: Iterable[RegistrationRequest],
        *,
        at: Optional[datetime.datetime] = None,
        detailed: Literal[True],
    ) -> list[Union[Registration, RegistrationRefused]]: ...
    def cancel(self, registration_id: int, at: Optional[datetime.datetime] = None) -> Cancellation: ...
    def check_in(self, registration_id: int, at: Optional[datetime.datetime] = None) -> Registration: ...
    def registration(self, registration_id: int) -> Registration: ...
    def registrations(self, event_id: Optional[int] = None) -> list[Registration]: ...
    def waiting_list(self, event_id: int) -> list[int]: ...
    def confirmed(self, event_id: int) -> list[Registration]: ...

    # tables
    def members_table(self, at: Optional[datetime.datetime] = None) -> Table: ...
    def events_table(self) -> Table: ...
    def registrations_table(self, event_id: Optional[int] = None) -> Table: ...
    def help_requests_table(self) -> Table: ...
    def watch_items_table(self) -> Table: ...

# ----- durable store -------------------------------------------------------------

@final
class Store:
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
        """Opens (or creates) a store at `location`: a directory, or a
        `postgresql://` URL. A directory has one writing process at a time (a
        second one raises `StoreError` with kind `store_locked`);
        `read_only=True` follows an existing store (see `refresh`). PostgreSQL:
        `schema` holds the tables, `community` names the community in it,
        `lock_timeout` (seconds) bounds the wait for other writers."""
    def refresh(self) -> int:
        """Applies what the store's writers committed since the last read;
        returns how many records that was."""
    @property
    def read_only(self) -> bool:
        """Whether the store was opened read-only."""
    @property
    def backend(self) -> str:
        """`"memory"`, `"file"` or `"postgres"`."""
    @property
    def location(self) -> Optional[str]:
        """The directory, or the database URL without its password."""
    def close(self) -> None:
        """Releases the store now (a directory's writer lock, a connection)."""
    @property
    def closed(self) -> bool: ...
    def __enter__(self) -> Store: ...
    def __exit__(self, *args: object) -> bool: ...
    @staticmethod
    def in_memory(community: Community) -> Store: ...
    @property
    def open_report(self) -> dict[str, Any]: ...
    @property
    def community(self) -> Community: ...
    @property
    def seq(self) -> int: ...
    @property
    def is_poisoned(self) -> bool: ...
    @property
    def path(self) -> Optional[pathlib.Path]: ...
    def execute(self, actor: str, operation: Callable[[Community], _T]) -> _T: ...
    def snapshot(self) -> str: ...
    def compact(self) -> None: ...
    def history(self, *, member_id: Optional[int] = None, event_id: Optional[int] = None) -> list[HistoryEntry]: ...
    def subject_access(self, email: str, at: Optional[datetime.datetime] = None) -> dict[str, Any]: ...
    def apply_retention(self, actor: str, at: Optional[datetime.datetime] = None) -> list[int]: ...
