//! Durability and personal data: a community kept in the core's durable
//! journal (`cimi_core::store::Store`), its audit history, GDPR erasure,
//! subject access and the statutes' retention rule.

use std::time::Duration;

use cimi_core::statutes::Statutes as CoreStatutes;
use cimi_core::store::journal::{JournalRecord, OpenReport as CoreOpenReport, Subject, SyncPolicy};
use cimi_core::store::{SharedStore, StoreOptions as CoreStoreOptions};

use crate::community::{Community, DEFAULT_ACTOR, guarded};
use crate::convert::{self, id_i64};
use crate::error::CimiError;
use crate::time::{instant, millis};

/// What opening a durable community found.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OpenReport {
    /// Sequence number of the snapshot loaded, if any.
    pub snapshot_seq: Option<i64>,
    /// Journal records replayed after the snapshot.
    pub records_replayed: i64,
    /// Byte offset of a torn last record that was cut off (a crash in the
    /// middle of a write), if any.
    pub torn_tail_offset: Option<i64>,
    /// Bytes cut off with it.
    pub torn_tail_len: Option<i64>,
}

impl From<&CoreOpenReport> for OpenReport {
    fn from(r: &CoreOpenReport) -> Self {
        let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        OpenReport {
            snapshot_seq: r.snapshot_seq.map(n),
            records_replayed: n(r.records_replayed),
            torn_tail_offset: r.torn_tail.map(|t| n(t.offset)),
            torn_tail_len: r.torn_tail.map(|t| n(t.len)),
        }
    }
}

/// One record of the audit history: a numbered, attributed change.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct JournalEntry {
    /// Sequence number, from 1, without gaps.
    pub seq: i64,
    /// Who did it (the actor named by the application, see `setActor`).
    pub actor: String,
    /// What happened (`registered`, `cancelled`, `promoted`, `member_erased`…).
    pub action: String,
    /// When (ms since the epoch).
    pub at_ms: i64,
    /// The whole change as JSON (`action`, `at`, `record`, `value`).
    pub change_json: String,
}

impl From<&JournalRecord> for JournalEntry {
    fn from(r: &JournalRecord) -> Self {
        JournalEntry {
            seq: i64::try_from(r.seq).unwrap_or(i64::MAX),
            actor: r.actor.clone(),
            action: r.change.action.kind().to_string(),
            at_ms: millis(r.change.at),
            change_json: r.change.to_json(),
        }
    }
}

fn not_durable() -> CimiError {
    CimiError::state(
        "not_durable",
        "this community lives in memory only; open one with Community.open(directory, …)",
        "cette communauté n'existe qu'en mémoire ; ouvrez-en une avec Community.open(répertoire, …)",
    )
}

#[uniffi::export]
impl Community {
    /// Opens (or creates) a durable community for writing at `location`: a
    /// directory (the embedded file store: every change is appended to its
    /// journal and on disk before the call returns; one writing process at
    /// a time, a second one gets `CimiException.Store` with kind
    /// `store_locked`) or a `postgresql://` URL (any number of writing
    /// processes; each operation commits before the call returns). A new
    /// store starts from `statutes_json` (`null`: the CIMI preset); an
    /// existing one keeps the statutes it recorded. `actor` names who acts in
    /// the audit history (change it with `setActor`). An empty `location` is
    /// `InvalidInput` (not the current directory).
    #[uniffi::constructor]
    pub fn open(
        location: String,
        statutes_json: Option<String>,
        actor: String,
    ) -> Result<Community, CimiError> {
        Community::open_with(
            location,
            StoreOptions {
                statutes_json,
                actor,
                ..store_options()
            },
        )
    }

    /// Opens an existing store read-only, to follow its writers from another
    /// process: reads show the state as of opening or the last `refresh()`;
    /// every change is refused with kind `store_read_only`.
    #[uniffi::constructor]
    pub fn open_read_only(location: String) -> Result<Community, CimiError> {
        Community::open_with(
            location,
            StoreOptions {
                read_only: true,
                ..store_options()
            },
        )
    }

    /// Opens a store with every option (see `StoreOptions`; `storeOptions()`
    /// gives the defaults to start from).
    #[uniffi::constructor]
    pub fn open_with(location: String, options: StoreOptions) -> Result<Community, CimiError> {
        guarded(|| {
            let statutes = match &options.statutes_json {
                Some(json) => CoreStatutes::from_json(json)?,
                None => CoreStatutes::cimi(),
            };
            let core = options.to_core()?;
            let shared = SharedStore::open(location.as_str(), statutes, &core)?;
            Ok(Community::from_parts(shared, options.actor, true))
        })
    }

    /// Applies what the store's writers committed since the last read
    /// (a read-only follower, or a PostgreSQL writer seeing other processes'
    /// changes); returns how many records that was. 0 for a community in
    /// memory or the only writer of a directory.
    pub fn refresh(&self) -> Result<i64, CimiError> {
        self.read_store(|s| Ok(i64::try_from(s.refresh()?).unwrap_or(i64::MAX)))
    }

    /// Whether the community was opened read-only (a follower).
    pub fn is_read_only(&self) -> Result<bool, CimiError> {
        self.read_store(|s| Ok(s.is_read_only()))
    }

    /// Where the community is kept: `memory`, `file` or `postgres`.
    pub fn backend(&self) -> Result<String, CimiError> {
        self.read_store(|s| Ok(s.backend_name().to_string()))
    }

    /// Where the community is kept (a directory, or a database URL without
    /// its password), or `null` in memory.
    pub fn location(&self) -> Result<Option<String>, CimiError> {
        self.read_store(|s| Ok(s.location().map(|l| l.to_string())))
    }

    /// Who acts, for the audit history of a durable community (default
    /// `cimi-ffi`). Checked by the journal on the next change.
    pub fn set_actor(&self, actor: String) -> Result<(), CimiError> {
        self.set_actor_name(actor)
    }

    /// The actor currently named in the audit history.
    pub fn actor(&self) -> Result<String, CimiError> {
        self.actor_name()
    }

    /// Whether the community is kept in a durable journal (a directory or
    /// a database).
    pub fn is_durable(&self) -> Result<bool, CimiError> {
        self.read_store(|s| Ok(s.is_durable()))
    }

    /// The directory of a durable community, or `null`.
    pub fn directory(&self) -> Result<Option<String>, CimiError> {
        self.read_store(|s| Ok(s.dir().map(|d| d.display().to_string())))
    }

    /// The last journal sequence number written (0 in memory).
    pub fn journal_seq(&self) -> Result<i64, CimiError> {
        self.read_store(|s| Ok(i64::try_from(s.seq()).unwrap_or(i64::MAX)))
    }

    /// What opening found (snapshot, records replayed, torn tail cut off), or
    /// `null` for a community that was not opened from a directory.
    pub fn open_report(&self) -> Option<OpenReport> {
        self.report().map(Into::into)
    }

    /// Writes a snapshot of the state (reopening then replays only what
    /// follows); returns its path.
    pub fn snapshot(&self) -> Result<String, CimiError> {
        self.write_store(|s, _| {
            if !s.is_durable() {
                return Err(not_durable());
            }
            Ok(s.snapshot()?)
        })
    }

    /// Compacts the journal: snapshot, records moved to the history with the
    /// personal data of erased people removed, empty journal.
    pub fn compact(&self) -> Result<(), CimiError> {
        self.write_store(|s, _| {
            if !s.is_durable() {
                return Err(not_durable());
            }
            Ok(s.compact()?)
        })
    }

    /// The audit history of a member (their record, registrations, help
    /// requests, watch items), oldest first. Durable communities only.
    pub fn member_history(&self, member_id: i64) -> Result<Vec<JournalEntry>, CimiError> {
        let id = convert::member_id(member_id)?;
        self.history(Subject::Member(id))
    }

    /// The audit history of an event (its record, registrations, watch items
    /// about it), oldest first. Durable communities only.
    pub fn event_history(&self, event_id: i64) -> Result<Vec<JournalEntry>, CimiError> {
        let id = convert::event_id(event_id)?;
        self.history(Subject::Event(id))
    }

    /// Erases a member's personal data (GDPR): the record stays for
    /// aggregates, without name or address. Erasing twice changes nothing.
    pub fn erase_member(&self, member_id: i64, at_ms: i64) -> Result<(), CimiError> {
        let id = convert::member_id(member_id)?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.erase_member(id, at))
    }

    /// Everything the community holds about the person with this address, as
    /// a JSON document (identity, consents, registrations and attendance,
    /// help requests, watch items, and the audit entries of a durable
    /// community): the answer to a GDPR subject access request.
    pub fn subject_access(&self, email: String, now_ms: i64) -> Result<String, CimiError> {
        let now = instant(now_ms, "now_ms")?;
        self.read_store(|s| Ok(s.subject_access(&email, now)?))
    }

    /// The people the statutes' retention rule applies to at `now_ms`:
    /// everyone held, registrants or not, who is dormant, holds no bureau
    /// role, has no upcoming registration or open help request, and whose
    /// last trace is older than the retention period (the core's
    /// `retention_candidates`).
    pub fn retention_candidates(&self, now_ms: i64) -> Result<Vec<i64>, CimiError> {
        let now = instant(now_ms, "now_ms")?;
        self.read(|c| {
            Ok(c.retention_candidates(now)
                .into_iter()
                .map(|id| id_i64(id.get()))
                .collect())
        })
    }

    /// Applies the retention rule at `now_ms`: erases those people; returns
    /// who was erased.
    pub fn apply_retention(&self, now_ms: i64) -> Result<Vec<i64>, CimiError> {
        let now = instant(now_ms, "now_ms")?;
        self.write_store(|s, actor| {
            Ok(s.apply_retention(actor, now)?
                .into_iter()
                .map(|id| id_i64(id.get()))
                .collect())
        })
    }
}

impl Community {
    fn history(&self, subject: Subject) -> Result<Vec<JournalEntry>, CimiError> {
        self.read_store(|s| {
            if !s.is_durable() {
                return Err(not_durable());
            }
            Ok(s.history(subject)?.iter().map(Into::into).collect())
        })
    }
}

/// How to open a store (`Community.openWith`). Start from `storeOptions()`
/// and change what you need (Java: `new StoreOptionsBuilder()` starts from
/// it, with fluent setters and `build()`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StoreOptions {
    /// Statutes of a new store as JSON (`null`: the CIMI preset).
    pub statutes_json: Option<String>,
    /// Who acts in the audit history.
    pub actor: String,
    /// Open read-only, to follow the writers (`refresh()`).
    pub read_only: bool,
    /// Sync every operation to disk before it returns (file store). `false`
    /// only for throw-away stores and benchmarks.
    pub durable: bool,
    /// PostgreSQL: the schema holding the store's tables (created if missing).
    pub schema: String,
    /// PostgreSQL: the community's name inside the schema.
    pub community: String,
    /// PostgreSQL: how long a writer waits for the community's lock before
    /// failing with kind `store_busy`, in milliseconds.
    pub lock_timeout_ms: i64,
}

impl StoreOptions {
    fn to_core(&self) -> Result<CoreStoreOptions, CimiError> {
        let timeout = u64::try_from(self.lock_timeout_ms)
            .ok()
            .filter(|ms| *ms > 0)
            .ok_or_else(|| {
                CimiError::input(
                    "lock_timeout_ms",
                    "the lock timeout must be positive",
                    "le délai d'attente du verrou doit être positif",
                )
            })?;
        Ok(CoreStoreOptions::new()
            .read_only(self.read_only)
            .sync(if self.durable {
                SyncPolicy::EveryOperation
            } else {
                SyncPolicy::Never
            })
            .schema(self.schema.clone())
            .community(self.community.clone())
            .lock_timeout(Duration::from_millis(timeout)))
    }
}

/// The default options: for writing, durable, the CIMI preset for a new
/// store, actor `cimi-ffi`, schema `cimi`, community `default`, a lock
/// timeout of 10 s.
#[uniffi::export]
pub fn store_options() -> StoreOptions {
    let core = CoreStoreOptions::new();
    StoreOptions {
        statutes_json: None,
        actor: DEFAULT_ACTOR.to_string(),
        read_only: core.is_read_only(),
        durable: true,
        schema: core.schema_name().to_string(),
        community: core.community_name().to_string(),
        lock_timeout_ms: i64::try_from(core.lock_timeout_value().as_millis()).unwrap_or(i64::MAX),
    }
}
