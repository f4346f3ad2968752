//! Where a community lives: in memory, in a directory, or in a PostgreSQL
//! database; written by one process or followed read-only by many.
//!
//! A [`Store`] holds a [`Community`] and makes every change to it durable
//! through [`execute`](Store::execute), which runs an operation and
//! acknowledges it only once its [records](super::journal::JournalRecord)
//! are durable. Its location decides the backend:
//!
//! - **a directory** (the embedded file store): one `journal.log` of
//!   checksummed records, snapshots, `history.log` after compaction. One
//!   process writes at a time: opening for writing takes an exclusive lock
//!   on `writer.lock` (the operating system's file lock, released by the
//!   kernel when the process ends, however it ends); a second writer gets
//!   [`StoreError::Locked`] and writes nothing. Any number of processes may
//!   open it read-only ([`StoreOptions::read_only`]) and
//!   [`refresh`](Store::refresh) to apply what the writer appended since;
//!   a record still being written is not an error for them, they wait for it.
//! - **a `postgresql://` URL** (with the `postgres` cargo feature): any
//!   number of processes, on any number of machines, write at the same time.
//!   Each operation takes the community's lock in the database, catches up
//!   on what others committed, decides, and commits its records; see
//!   `docs/postgres.md` for the design and what the database keeps.
//!
//! After an I/O error (full disk, failed fsync) the operation fails, the
//! state is rolled back, and a file store refuses writes until it is
//! reopened. **Snapshots and compaction**: [`Store::snapshot`] writes the
//! state at the current sequence number; reopening loads the newest snapshot
//! and replays only the records after it. [`Store::compact`] writes a
//! snapshot and removes the personal data of erased people from the records
//! kept for the audit trail: after it, no byte under a file store's
//! directory, and no row of a PostgreSQL store's tables, holds an erased
//! person's data.
//!
//! ```
//! use cimi_core::store::{Store, StoreError, StoreOptions};
//! use cimi_core::{Error, Statutes};
//!
//! let dir = std::env::temp_dir().join(format!("cimi-doc-store-{}", std::process::id()));
//! # let _ = std::fs::remove_dir_all(&dir);
//! let t = chrono::Utc::now();
//! let (mut writer, _) = Store::open(&dir, Statutes::cimi())?;
//! // A second writer is refused, and writes nothing.
//! let second = Store::open(&dir, Statutes::cimi());
//! assert!(matches!(second, Err(Error::Store(StoreError::Locked { .. }))));
//! // A follower reads, and sees what the writer appends after `refresh`.
//! let (mut follower, _) = Store::open_read_only(&dir)?;
//! writer.execute("organiser", |c| c.add_member("ada@interieur.gouv.fr", Default::default(), t))?;
//! assert!(follower.community().member_by_email("ada@interieur.gouv.fr").is_none());
//! assert_eq!(follower.refresh()?, 1);
//! assert!(follower.community().member_by_email("ada@interieur.gouv.fr").is_some());
//! assert_eq!(follower.execute("x", |c| c.add_member("bob@interieur.gouv.fr", Default::default(), t)).unwrap_err().kind(), "store_read_only");
//! # drop((writer, follower));
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), cimi_core::Error>(())
//! ```

mod file;
pub mod journal;
mod options;
#[cfg(feature = "postgres")]
mod postgres;
mod shared;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::journal::{JournalRecord, OpenReport, Storage, Subject, SyncPolicy, encode_frame};
use crate::change::{Change, Record};
use crate::community::{Community, Ledger};
use crate::error::Error;
use crate::ids::MemberId;
use crate::statutes::Statutes;

pub use crate::error::StoreError;
pub use shared::{SharedStore, SharedStoreGuard};

pub use crate::limits::MAX_ACTOR_CHARS;

pub use options::{Location, StoreOptions};

/// The journal a writing store appends to: a file (with its lock) or a
/// custom [`Storage`].
struct Journal {
    storage: Box<dyn Storage>,
    dir: Option<PathBuf>,
    /// The open `writer.lock`, locked for the life of the store.
    _lock: Option<std::fs::File>,
}

enum Backend {
    Memory,
    Journal(Journal),
    Follower(file::Follower),
    #[cfg(feature = "postgres")]
    Postgres(Box<postgres::Pg>),
}

fn check_actor(actor: &str) -> Result<(), StoreError> {
    let n = actor.chars().count();
    if n == 0 || n > MAX_ACTOR_CHARS || actor.chars().any(char::is_control) {
        return Err(StoreError::InvalidActor);
    }
    Ok(())
}

/// A community and, unless it lives in memory only, the journal that makes it durable.
///
/// Every state change goes through [`execute`](Store::execute), which is
/// acknowledged only once its records are durable. A `Store` is used from
/// one thread at a time (`&mut`); [`SharedStore`] shares one between threads.
pub struct Store {
    community: Community,
    backend: Backend,
    location: Option<Location>,
    seq: u64,
    policy: SyncPolicy,
    poisoned: bool,
    scratch: Vec<u8>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("community", &self.community)
            .field("backend", &self.backend_name())
            .field("location", &self.location)
            .field("read_only", &self.is_read_only())
            .field("seq", &self.seq)
            .field("poisoned", &self.poisoned)
            .finish_non_exhaustive()
    }
}

impl Store {
    fn with_backend(community: Community, backend: Backend, location: Option<Location>) -> Store {
        Store {
            community,
            backend,
            location,
            seq: 0,
            policy: SyncPolicy::EveryOperation,
            poisoned: false,
            scratch: Vec::new(),
        }
    }

    /// A store without journal: the community lives in memory only.
    ///
    /// ```
    /// let mut s = cimi_core::journal::Store::in_memory(cimi_core::Community::cimi());
    /// s.execute("me", |c| c.add_member("a@interieur.gouv.fr", Default::default(), chrono::Utc::now()))?;
    /// assert_eq!(s.community().members().count(), 1);
    /// # Ok::<(), cimi_core::Error>(())
    /// ```
    pub fn in_memory(community: Community) -> Store {
        let mut community = community;
        community.set_recording(false);
        let mut store = Store::with_backend(community, Backend::Memory, None);
        store.policy = SyncPolicy::Never;
        store
    }

    /// A store journaling to a custom storage (for instance a fault-injecting
    /// layer in tests), starting from `community` with an empty journal.
    ///
    /// ```
    /// # use cimi_core::journal::{Storage, Store, SyncPolicy};
    /// # fn f(storage: Box<dyn Storage>) -> Store {
    /// Store::with_storage(cimi_core::Community::cimi(), storage, SyncPolicy::Never)
    /// # }
    /// ```
    pub fn with_storage(
        community: Community,
        storage: Box<dyn Storage>,
        policy: SyncPolicy,
    ) -> Store {
        let mut community = community;
        community.set_recording(true);
        let journal = Journal {
            storage,
            dir: None,
            _lock: None,
        };
        let mut store = Store::with_backend(community, Backend::Journal(journal), None);
        store.policy = policy;
        store
    }

    /// Opens (or creates) the store at `location` for writing: a directory,
    /// or a `postgresql://` URL. A new store starts from `statutes`; an
    /// existing one keeps the statutes it recorded.
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("cimi-doc-open-{}", std::process::id()));
    /// let (store, report) = cimi_core::journal::Store::open(&dir, cimi_core::Statutes::cimi())?;
    /// assert_eq!(report.snapshot_seq, None);
    /// assert_eq!(store.seq(), 1); // the statutes, recorded first
    /// # drop(store); std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), cimi_core::Error>(())
    /// ```
    pub fn open(
        location: impl Into<Location>,
        statutes: Statutes,
    ) -> Result<(Store, OpenReport), Error> {
        Store::open_with(location, statutes, &StoreOptions::new())
    }

    /// Opens an existing store read-only, to follow its writers: see
    /// [`refresh`](Store::refresh). Fails with [`StoreError::NotFound`] when
    /// there is no store there (a follower creates nothing).
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("cimi-doc-ro-{}", std::process::id()));
    /// let missing = cimi_core::journal::Store::open_read_only(&dir);
    /// assert_eq!(missing.unwrap_err().kind(), "store_not_found");
    /// ```
    pub fn open_read_only(location: impl Into<Location>) -> Result<(Store, OpenReport), Error> {
        Store::open_with(
            location,
            Statutes::cimi(),
            &StoreOptions::new().read_only(true),
        )
    }

    /// [`open`](Store::open) with options (read-only, sync policy,
    /// PostgreSQL schema and community name, timeouts).
    ///
    /// ```
    /// use cimi_core::journal::SyncPolicy;
    /// use cimi_core::store::{Store, StoreOptions};
    /// # let dir = std::env::temp_dir().join(format!("cimi-doc-with-{}", std::process::id()));
    /// let options = StoreOptions::new().sync(SyncPolicy::Never);
    /// let (store, _) = Store::open_with(&dir, cimi_core::Statutes::cimi(), &options)?;
    /// assert!(!store.is_read_only());
    /// # drop(store); std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), cimi_core::Error>(())
    /// ```
    pub fn open_with(
        location: impl Into<Location>,
        statutes: Statutes,
        options: &StoreOptions,
    ) -> Result<(Store, OpenReport), Error> {
        match location.into() {
            Location::Directory(dir) => {
                if options.read_only {
                    Store::follow_dir(dir)
                } else {
                    Store::open_dir(dir, statutes, options.sync)
                }
            }
            #[cfg(feature = "postgres")]
            Location::Postgres(url) => Store::open_postgres(&url, statutes, options),
            #[cfg(not(feature = "postgres"))]
            Location::Postgres(_) => Err(StoreError::Location {
                detail: "this build of cimi has no PostgreSQL support (cargo feature `postgres`)"
                    .into(),
            }
            .into()),
        }
    }

    /// The community.
    pub fn community(&self) -> &Community {
        &self.community
    }

    /// The last sequence number written (or, for a follower, read).
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// Whether the store refuses writes after an I/O error.
    pub fn is_poisoned(&self) -> bool {
        self.poisoned
    }

    /// The directory, for a file store.
    pub fn dir(&self) -> Option<&Path> {
        match &self.backend {
            Backend::Journal(j) => j.dir.as_deref(),
            Backend::Follower(f) => Some(f.dir()),
            _ => None,
        }
    }

    /// Where the store lives (`None` in memory or on a custom storage).
    pub fn location(&self) -> Option<&Location> {
        self.location.as_ref()
    }

    /// Whether the store was opened read-only (a follower).
    pub fn is_read_only(&self) -> bool {
        match &self.backend {
            Backend::Follower(_) => true,
            #[cfg(feature = "postgres")]
            Backend::Postgres(pg) => pg.read_only(),
            _ => false,
        }
    }

    /// Whether changes are journaled (a file or database store, writer or
    /// follower), as opposed to a community in memory only.
    pub fn is_durable(&self) -> bool {
        !matches!(self.backend, Backend::Memory)
    }

    /// The backend: `memory`, `file`, `storage` (custom) or `postgres`.
    pub fn backend_name(&self) -> &'static str {
        match &self.backend {
            Backend::Memory => "memory",
            Backend::Journal(j) if j.dir.is_some() => "file",
            Backend::Journal(_) => "storage",
            Backend::Follower(_) => "file",
            #[cfg(feature = "postgres")]
            Backend::Postgres(_) => "postgres",
        }
    }

    /// Applies what the store's writers committed since the last read, and
    /// returns how many records that was: for a follower, what the writer
    /// appended (an operation still being written is left for a later call);
    /// for a PostgreSQL writer, what the other processes committed (its
    /// operations catch up anyway before deciding). Nothing to do (0) for a
    /// store that is the only writer.
    pub fn refresh(&mut self) -> Result<u64, Error> {
        match &self.backend {
            Backend::Memory | Backend::Journal(_) => Ok(0),
            Backend::Follower(_) => self.refresh_follower(),
            #[cfg(feature = "postgres")]
            Backend::Postgres(_) => self.refresh_postgres(),
        }
    }

    /// Does now the waiting part of the next [`execute`](Store::execute): for
    /// a PostgreSQL writer, opens its transaction, takes the community's
    /// lock (waiting for other writers) and catches up; the next `execute`
    /// then only decides and commits. For a binding that must not hold its
    /// interpreter while waiting (Python lets other threads run meanwhile)
    /// but must hold it while the operation runs. Nothing to do for other
    /// backends. Any call but `execute` first ends the prepared transaction
    /// (rolled back, nothing written); so does
    /// [`cancel_prepared`](Store::cancel_prepared).
    ///
    /// ```
    /// let mut s = cimi_core::journal::Store::in_memory(cimi_core::Community::cimi());
    /// s.prepare_operation()?;
    /// s.execute("me", |c| c.add_member("a@interieur.gouv.fr", Default::default(), chrono::Utc::now()))?;
    /// # Ok::<(), cimi_core::Error>(())
    /// ```
    pub fn prepare_operation(&mut self) -> Result<(), Error> {
        match &self.backend {
            #[cfg(feature = "postgres")]
            Backend::Postgres(_) => self.prepare_postgres(),
            _ => Ok(()),
        }
    }

    /// Ends an operation prepared by [`prepare_operation`](Store::prepare_operation)
    /// without running it (its transaction rolled back, the lock released).
    pub fn cancel_prepared(&mut self) {
        #[cfg(feature = "postgres")]
        if let Backend::Postgres(_) = &self.backend {
            self.unprepare_postgres();
        }
    }

    /// Runs an operation (or a group of operations) on the community, on
    /// behalf of `actor`, and acknowledges it only once its changes are
    /// durable: all the changes of one call share one fsync (group commit),
    /// or one transaction. If the operation fails, or writing fails, the
    /// state is left as it was. A PostgreSQL store first catches up on what
    /// other processes committed, under the community's lock, so the
    /// operation decides on the latest state.
    ///
    /// ```
    /// let mut s = cimi_core::journal::Store::in_memory(cimi_core::Community::cimi());
    /// let t = chrono::Utc::now();
    /// let id = s.execute("organiser", |c| c.add_member("ada@interieur.gouv.fr", Default::default(), t))?;
    /// assert!(s.community().member(id).is_some());
    /// # Ok::<(), cimi_core::Error>(())
    /// ```
    pub fn execute<T>(
        &mut self,
        actor: &str,
        op: impl FnOnce(&mut Community) -> Result<T, Error>,
    ) -> Result<T, Error> {
        self.execute_at(actor, |c, _| op(c))
    }

    /// [`execute`](Store::execute), the operation also given the sequence
    /// number the state is at once caught up.
    fn execute_at<T>(
        &mut self,
        actor: &str,
        op: impl FnOnce(&mut Community, u64) -> Result<T, Error>,
    ) -> Result<T, Error> {
        match &self.backend {
            Backend::Memory => return op(&mut self.community, self.seq),
            Backend::Follower(_) => return Err(StoreError::ReadOnly.into()),
            #[cfg(feature = "postgres")]
            Backend::Postgres(_) => return self.execute_postgres(actor, op),
            Backend::Journal(_) => {}
        }
        if self.poisoned {
            return Err(StoreError::Poisoned.into());
        }
        check_actor(actor)?;
        let mark = self.community.mark();
        let result = op(&mut self.community, self.seq);
        if result.is_err() {
            self.community.rollback(mark);
            return result;
        }
        let changes = self.community.take_changes();
        if changes.is_empty() {
            self.community.forget_undo();
            return result;
        }
        match self.write(actor, changes) {
            Ok(()) => {
                self.community.forget_undo();
                result
            }
            Err(e) => {
                // Not acknowledged: the state goes back to what it was.
                self.community.rollback(mark);
                Err(e.into())
            }
        }
    }

    /// Frames the changes as records numbered from `self.seq + 1` into
    /// `self.scratch`; returns the records' last sequence number.
    fn frame(&mut self, actor: &str, changes: Vec<Change>) -> u64 {
        self.scratch.clear();
        let mut seq = self.seq;
        let count = changes.len();
        for (i, change) in changes.into_iter().enumerate() {
            seq += 1;
            let record = JournalRecord {
                seq,
                actor: actor.to_string(),
                change,
                more: i + 1 < count,
            };
            let payload = serde_json::to_vec(&record).expect("records always serialize");
            encode_frame(&payload, &mut self.scratch);
        }
        seq
    }

    fn write(&mut self, actor: &str, changes: Vec<Change>) -> Result<(), StoreError> {
        let seq = self.frame(actor, changes);
        let Backend::Journal(journal) = &mut self.backend else {
            unreachable!("write is for a journal")
        };
        let storage = &mut journal.storage;
        let before = storage.len();
        let path = journal
            .dir
            .as_ref()
            .map(|d| d.join(file::JOURNAL))
            .unwrap_or_else(|| PathBuf::from(file::JOURNAL));
        let outcome = storage
            .append(&self.scratch)
            .map_err(|e| StoreError::io("write", &path, e))
            .and_then(|()| match self.policy {
                SyncPolicy::EveryOperation => storage
                    .sync()
                    .map_err(|e| StoreError::io("fsync", &path, e)),
                SyncPolicy::Never => Ok(()),
            });
        match outcome {
            Ok(()) => {
                self.seq = seq;
                Ok(())
            }
            Err(e) => {
                // Cut what may have reached the file, and refuse writes until
                // the store is reopened.
                let _ = storage.truncate(before);
                self.poisoned = true;
                Err(e)
            }
        }
    }

    /// Writes a snapshot of the state at the current sequence number and
    /// says where: a file's path, or the database row.
    pub fn snapshot(&mut self) -> Result<String, Error> {
        match &self.backend {
            Backend::Journal(j) if j.dir.is_some() => {}
            Backend::Follower(_) => return Err(StoreError::ReadOnly.into()),
            #[cfg(feature = "postgres")]
            Backend::Postgres(_) => return self.snapshot_postgres(),
            _ => return Err(no_directory()),
        }
        if self.poisoned {
            return Err(StoreError::Poisoned.into());
        }
        Ok(self.snapshot_file()?.display().to_string())
    }

    /// Compacts the store: a snapshot, the records kept for the audit trail
    /// with erased people's personal data removed (a file store moves them
    /// to `history.log` and starts an empty journal; a PostgreSQL store
    /// rewrites its rows), older snapshots deleted. The state does not change.
    pub fn compact(&mut self) -> Result<(), Error> {
        match &self.backend {
            Backend::Journal(j) if j.dir.is_some() => self.compact_file(),
            Backend::Follower(_) => Err(StoreError::ReadOnly.into()),
            #[cfg(feature = "postgres")]
            Backend::Postgres(_) => self.compact_postgres(),
            _ => Err(no_directory()),
        }
    }

    /// Every record kept (audit trail and journal), oldest first.
    fn all_records(&mut self) -> Result<Vec<JournalRecord>, Error> {
        match &self.backend {
            Backend::Journal(Journal { dir: Some(dir), .. }) => file::read_history(dir),
            Backend::Follower(f) => file::read_history(f.dir()),
            #[cfg(feature = "postgres")]
            Backend::Postgres(_) => self.records_postgres(),
            _ => Err(no_directory()),
        }
    }

    /// Replaces erased people's personal data in records with its erased
    /// version, and actors naming them with a pseudonym.
    fn redact(&self, records: &mut [JournalRecord]) {
        let erased: HashMap<MemberId, &crate::member::Member> = self
            .community
            .members()
            .filter(|m| m.is_erased())
            .map(|m| (m.id, m))
            .collect();
        let mut names: HashMap<String, String> = HashMap::new();
        for r in records.iter() {
            if let Record::Member(m) = &r.change.record
                && erased.contains_key(&m.id)
                && !m.is_erased()
            {
                names.insert(m.email.key(), format!("erased-{}", m.id.get()));
            }
        }
        for r in records.iter_mut() {
            if let Some(pseudonym) = names.get(&r.actor.trim().to_ascii_lowercase()) {
                r.actor = pseudonym.clone();
            }
            match &mut r.change.record {
                Record::Member(m) => {
                    if let Some(now) = erased.get(&m.id) {
                        **m = (*now).clone();
                    }
                }
                Record::HelpRequest(h) if erased.contains_key(&h.asker) => {
                    h.topic.clear();
                    h.text.clear();
                }
                _ => {}
            }
        }
    }

    /// The history of one member or event, oldest first, from the audit
    /// trail and the journal.
    pub fn history(&mut self, subject: Subject) -> Result<Vec<JournalRecord>, Error> {
        Ok(self
            .all_records()?
            .into_iter()
            .filter(|r| subject.concerns(&r.change))
            .map(|mut r| {
                // An audit view: the cancellation secrets (credentials, needed
                // only to replay) are left out, so that no log of it holds one.
                if let crate::change::Record::Registration(reg) = &mut r.change.record {
                    reg.cancel_secret = None;
                }
                r
            })
            .collect())
    }

    /// Everything the community holds about the person with this address,
    /// as JSON: identity, affiliation, consents, registrations and
    /// attendance, help requests, watch items, and the audit entries about
    /// them (for a durable store).
    pub fn subject_access(&mut self, email: &str, now: DateTime<Utc>) -> Result<String, Error> {
        let member = self
            .community
            .member_by_email(email)
            .ok_or_else(|| Error::not_found(crate::error::Entity::Member, 0))?;
        let id = member.id;
        let mut doc = self.community.subject_access(id, now)?;
        let audit: Vec<serde_json::Value> = if self.location.is_some() {
            self.history(Subject::Member(id))?
                .into_iter()
                .map(|r| serde_json::json!({"seq": r.seq, "at": r.change.at, "actor": r.actor, "action": r.change.action.kind()}))
                .collect()
        } else {
            Vec::new()
        };
        doc["audit"] = serde_json::Value::Array(audit);
        Ok(serde_json::to_string_pretty(&doc).expect("json"))
    }

    /// Applies the statutes' retention rule at `now` (see
    /// [`Community::retention_candidates`]) and erases those people.
    pub fn apply_retention(
        &mut self,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<MemberId>, Error> {
        self.execute(actor, |c| {
            let ids = c.retention_candidates(now);
            for id in &ids {
                c.erase_member(*id, now)?;
            }
            Ok(ids)
        })
    }
}

fn no_directory() -> Error {
    Error::input(
        "store",
        "this store has no directory or database",
        "ce stockage n'a ni répertoire ni base de données",
    )
}

/// The document of a snapshot: the state at a sequence number (the state
/// kept as its text, parsed once by [`Community::from_json`]).
#[derive(serde::Deserialize)]
struct SnapshotDoc<'a> {
    seq: u64,
    #[serde(borrow)]
    community: &'a serde_json::value::RawValue,
}

/// A snapshot's text: `{"seq":…,"community":…}`.
fn snapshot_text(seq: u64, community: &Community) -> String {
    format!("{{\"seq\":{seq},\"community\":{}}}", community.to_json())
}

/// Reads a snapshot's text; `name` says where it came from, for errors.
fn parse_snapshot(text: &[u8], name: &str, seq: u64) -> Result<Community, Error> {
    let corrupt = |detail: String| StoreError::Corrupt {
        file: name.to_string(),
        offset: 0,
        detail,
    };
    let doc: SnapshotDoc = serde_json::from_slice(text).map_err(|e| corrupt(e.to_string()))?;
    if doc.seq != seq {
        return Err(corrupt("snapshot sequence number does not match its name".into()).into());
    }
    Community::from_json(doc.community.get())
}
