//! One store shared between threads: the handle both bindings wrap.

#[cfg(feature = "shuttle")]
use shuttle::sync::{Mutex, MutexGuard};
#[cfg(not(feature = "shuttle"))]
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};

use super::journal::OpenReport;
use super::{Location, Store, StoreError, StoreOptions};
use crate::community::Community;
use crate::error::Error;
use crate::statutes::Statutes;

/// A [`Store`] behind a lock, shared by any number of threads: calls run one
/// at a time and each is atomic. This is the handle the Python module and
/// the FFI wrap, so that every backend (memory, file, follower, PostgreSQL)
/// reaches them with the same semantics.
///
/// A panic inside a call poisons the lock: every later call fails with
/// [`StoreError::Poisoned`]-like errors from [`with`](SharedStore::with) (the
/// bindings say `poisoned`). [`close`](SharedStore::close) drops the store
/// at once (releasing a file store's lock, closing a database connection);
/// later calls fail with [`StoreError::Closed`].
///
/// ```
/// use cimi_core::store::SharedStore;
/// let shared = SharedStore::in_memory(cimi_core::Community::cimi());
/// let t = chrono::Utc::now();
/// std::thread::scope(|s| {
///     for i in 0..4 {
///         let shared = &shared;
///         s.spawn(move || shared.execute("me", |c| c.add_member(&format!("a{i}@interieur.gouv.fr"), Default::default(), t)));
///     }
/// });
/// assert_eq!(shared.read(|c| c.members().count())?, 4);
/// # Ok::<(), cimi_core::Error>(())
/// ```
pub struct SharedStore {
    inner: Mutex<Option<Store>>,
    report: OpenReport,
}

impl std::fmt::Debug for SharedStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedStore")
            .field("report", &self.report)
            .finish_non_exhaustive()
    }
}

/// The store, locked; `None` once closed.
pub type SharedStoreGuard<'a> = MutexGuard<'a, Option<Store>>;

impl SharedStore {
    /// Shares a store.
    pub fn new(store: Store, report: OpenReport) -> SharedStore {
        SharedStore {
            inner: Mutex::new(Some(store)),
            report,
        }
    }

    /// A shared community in memory only.
    pub fn in_memory(community: Community) -> SharedStore {
        SharedStore::new(Store::in_memory(community), OpenReport::default())
    }

    /// Opens a store (see [`Store::open_with`]) to share it.
    pub fn open(
        location: impl Into<Location>,
        statutes: Statutes,
        options: &StoreOptions,
    ) -> Result<SharedStore, Error> {
        let (store, report) = Store::open_with(location, statutes, options)?;
        Ok(SharedStore::new(store, report))
    }

    /// What opening found.
    pub fn open_report(&self) -> &OpenReport {
        &self.report
    }

    /// The lock itself, for a binding that must wait for it in its own way
    /// (Python lets go of the interpreter while it waits).
    pub fn mutex(&self) -> &Mutex<Option<Store>> {
        &self.inner
    }

    /// Runs `f` on the store, under the lock. Fails with `Poisoned` when an
    /// earlier call panicked, and `Closed` after [`close`](Self::close).
    pub fn with<R>(&self, f: impl FnOnce(&mut Store) -> Result<R, Error>) -> Result<R, Error> {
        let mut guard = self.inner.lock().map_err(|_| StoreError::Poisoned)?;
        let store = guard.as_mut().ok_or(StoreError::Closed)?;
        f(store)
    }

    /// Reads the community under the lock.
    pub fn read<R>(&self, f: impl FnOnce(&Community) -> R) -> Result<R, Error> {
        self.with(|s| Ok(f(s.community())))
    }

    /// [`Store::execute`] under the lock.
    pub fn execute<T>(
        &self,
        actor: &str,
        op: impl FnOnce(&mut Community) -> Result<T, Error>,
    ) -> Result<T, Error> {
        self.with(|s| s.execute(actor, op))
    }

    /// [`Store::refresh`] under the lock.
    pub fn refresh(&self) -> Result<u64, Error> {
        self.with(|s| s.refresh())
    }

    /// [`Store::subject_access`] under the lock.
    pub fn subject_access(&self, email: &str, now: DateTime<Utc>) -> Result<String, Error> {
        self.with(|s| s.subject_access(email, now))
    }

    /// Drops the store now: a file store's lock is released, a database
    /// connection closed. Closing twice is harmless.
    pub fn close(&self) -> Result<(), Error> {
        let store = {
            let mut guard = match self.inner.lock() {
                Ok(g) => g,
                Err(poisoned) => poisoned.into_inner(),
            };
            guard.take()
        };
        drop(store);
        Ok(())
    }

    /// Whether [`close`](Self::close) was called.
    pub fn is_closed(&self) -> bool {
        match self.inner.lock() {
            Ok(g) => g.is_none(),
            Err(poisoned) => poisoned.into_inner().is_none(),
        }
    }
}
