//! The `Community` object: a thread-safe handle on a `cimi_core::Community`.
//!
//! The core type has no interior mutability; this wrapper keeps it (inside
//! the core's `store::Store`, in memory or durable) behind a `Mutex`, so one
//! `Community` can be shared by any number of JVM (or Swift, or Python)
//! threads: calls run one at a time and each is atomic. Every call runs inside
//! `catch_unwind`: a panic (a bug) becomes `CimiException.Internal` with kind
//! `panic`, and a community whose lock was poisoned by it answers every later
//! call with kind `poisoned`.
//!
//! This file holds the object, its lock and guard, and the constructors of a
//! community in memory. Its methods are split by domain noun, like the core's
//! `community/` (uniffi merges every `#[uniffi::export] impl Community` block
//! into the one Kotlin class `Community`):
//!
//! | file | Kotlin/Java methods and the records they use |
//! | --- | --- |
//! | [`statutes`] | `statutes`, `statutesJson`, `replaceStatutesJson`, `checkStatutes` |
//! | [`members`] | `members`, `member`, `addMember`, `updateProfile`, consents, bureau, `memberStatus` |
//! | [`events`] | `scheduleEvent`, `event(s)`, capacity, quotas, program, venue, broadcast, window, transitions |
//! | [`registrations`] | `register`, `registerOutcome`, `registerMany`, `cancelRegistration`, `acceptOffer`, `cancelByToken`, `checkIn`, `occupancy`, `attendance`… |
//! | [`help`] | entraide: `askHelp`, `referHelp`, `suggestHelpers`… |
//! | [`watch`] | veille: channels, watch items, `digest` |
//! | [`document`] | `fromJson`, `load`, `toJson`, `save` |
//! | [`ledger`] | `setRecording`, `drainChangesJson`, `applyChangeJson` |
//!
//! Outside `community/`, as in the core: [`crate::stats`], [`crate::store`]
//! (durable journal, history, GDPR), [`crate::interop`] (CSV, iCalendar,
//! e-mail).

pub mod document;
pub mod events;
pub mod help;
pub mod ledger;
pub mod members;
pub mod registrations;
pub mod statutes;
pub mod watch;

use std::panic::{AssertUnwindSafe, catch_unwind};

use cimi_core::statutes::Statutes as CoreStatutes;
use cimi_core::store::journal::OpenReport as CoreOpenReport;
use cimi_core::store::{SharedStore, Store};

use crate::error::CimiError;
use crate::sync::RwLock;

/// The actor named in the journal when none was set (see `setActor`).
pub const DEFAULT_ACTOR: &str = "cimi-ffi";

/// A community: statutes, members, events, the registration engine, mutual
/// help, technology watch and statistics.
///
/// Safe to share between threads. Instants are milliseconds since the epoch
/// (`at_ms`: when the operation happens; `now_ms`: the instant a status is
/// judged at). In memory by default; `Community.open(dir, …)` keeps it in a
/// durable journal where every change is on disk before the call returns. In
/// Kotlin and Java it is `AutoCloseable`: close it (or use try-with-resources)
/// to free the native memory at once.
#[derive(uniffi::Object)]
pub struct Community {
    inner: SharedStore,
    actor: RwLock<String>,
    /// Whether it was opened from a location (`open`), for `openReport`.
    opened: bool,
}

/// Runs a call at the boundary: a panic becomes `CimiError::Internal`.
pub(crate) fn guarded<R>(f: impl FnOnce() -> Result<R, CimiError>) -> Result<R, CimiError> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| Err(CimiError::panic(&*payload)))
}

fn closed() -> CimiError {
    cimi_core::Error::Store(cimi_core::store::StoreError::Closed).into()
}

pub(crate) fn read_file(path: &str) -> Result<String, CimiError> {
    std::fs::read_to_string(path).map_err(|e| CimiError::io("read", path, &e))
}

impl Community {
    fn in_memory(core: cimi_core::Community) -> Community {
        Community::from_parts(
            SharedStore::in_memory(core),
            DEFAULT_ACTOR.to_string(),
            false,
        )
    }

    pub(crate) fn from_parts(inner: SharedStore, actor: String, opened: bool) -> Community {
        Community {
            inner,
            actor: RwLock::new(actor),
            opened,
        }
    }

    pub(crate) fn report(&self) -> Option<&CoreOpenReport> {
        self.opened.then(|| self.inner.open_report())
    }

    pub(crate) fn set_actor_name(&self, actor: String) -> Result<(), CimiError> {
        *self.actor.write().map_err(|_| CimiError::poisoned())? = actor;
        Ok(())
    }

    pub(crate) fn actor_name(&self) -> Result<String, CimiError> {
        Ok(self
            .actor
            .read()
            .map_err(|_| CimiError::poisoned())?
            .clone())
    }

    /// Reads under the lock.
    pub(crate) fn read<R>(
        &self,
        f: impl FnOnce(&cimi_core::Community) -> Result<R, CimiError>,
    ) -> Result<R, CimiError> {
        self.read_store(|s| f(s.community()))
    }

    /// Reads the store under the lock (a PostgreSQL store's history and
    /// subject access query the database, hence `&mut`).
    pub(crate) fn read_store<R>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<R, CimiError>,
    ) -> Result<R, CimiError> {
        guarded(|| {
            let mut guard = self
                .inner
                .mutex()
                .lock()
                .map_err(|_| CimiError::poisoned())?;
            let store = guard.as_mut().ok_or_else(closed)?;
            f(store)
        })
    }

    /// Changes under the lock, as one journaled operation (for a
    /// durable community, acknowledged once on disk; rolled back on error).
    pub(crate) fn write<R>(
        &self,
        f: impl FnOnce(&mut cimi_core::Community) -> Result<R, cimi_core::Error>,
    ) -> Result<R, CimiError> {
        self.write_store(|s, actor| Ok(s.execute(actor, f)?))
    }

    /// The store under the lock, with the current actor.
    pub(crate) fn write_store<R>(
        &self,
        f: impl FnOnce(&mut Store, &str) -> Result<R, CimiError>,
    ) -> Result<R, CimiError> {
        let actor = self.actor_name()?;
        self.read_store(|s| f(s, &actor))
    }
}

#[uniffi::export]
impl Community {
    /// An empty community under the CIMI statutes (the preset).
    #[uniffi::constructor]
    pub fn cimi() -> Community {
        Community::in_memory(cimi_core::Community::cimi())
    }

    /// An empty community under statutes given as a JSON document (the format
    /// of `statutesJson()` and `cimiStatutesJson()`).
    #[uniffi::constructor]
    pub fn from_statutes_json(json: String) -> Result<Community, CimiError> {
        guarded(|| {
            let statutes = CoreStatutes::from_json(&json)?;
            Ok(Community::in_memory(cimi_core::Community::new(statutes)?))
        })
    }

    /// An empty community under statutes read from a JSON file.
    #[uniffi::constructor]
    pub fn from_statutes_file(path: String) -> Result<Community, CimiError> {
        guarded(|| {
            let statutes = CoreStatutes::from_json(&read_file(&path)?)?;
            Ok(Community::in_memory(cimi_core::Community::new(statutes)?))
        })
    }

    /// The first broken invariant of the registration engine, or `null` when
    /// they all hold (never over capacity or quota, nobody twice, no free seat
    /// while an eligible request waits…). For tests and monitoring.
    pub fn check_invariants(&self) -> Result<Option<String>, CimiError> {
        self.read(|c| Ok(c.check_invariants().err()))
    }
}
