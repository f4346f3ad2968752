"""cimi: a ministry IT community's members, statutes, events and registrations.

Python bindings of the ``cimi-core`` Rust library, shaped for data scientists::

    import datetime as dt
    import cimi

    community = cimi.Community.cimi()
    paris = dt.timezone(dt.timedelta(hours=1))
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
    reg.status                      # 'confirmed'
    community.registrations_table() # a cimi.Table (Arrow): polars.DataFrame(...), pyarrow.table(...)

Every rule lives in the Rust core; errors derive from :class:`CimiError` (a
``ValueError``) and carry a stable ``.kind``.
"""

from ._cimi import (
    Cancellation,
    CimiError,
    Community,
    Digest,
    Event,
    FormatError,
    HelpRequest,
    InteropError,
    InvalidInput,
    InvalidState,
    Member,
    NotFound,
    PublicationRefused,
    Registration,
    RegistrationRefused,
    Statutes,
    StatutesError,
    Store,
    StoreError,
    Table,
    Violation,
    WatchItem,
    __version__,
    get_language,
    normalize_skill,
    paris_instant,
    parse_address,
    set_language,
)

__all__ = [
    "Cancellation",
    "CimiError",
    "Community",
    "Digest",
    "Event",
    "FormatError",
    "HelpRequest",
    "InteropError",
    "InvalidInput",
    "InvalidState",
    "Member",
    "NotFound",
    "PublicationRefused",
    "Registration",
    "RegistrationRefused",
    "Statutes",
    "StatutesError",
    "Store",
    "StoreError",
    "Table",
    "Violation",
    "WatchItem",
    "__version__",
    "get_language",
    "normalize_skill",
    "paris_instant",
    "parse_address",
    "set_language",
]
