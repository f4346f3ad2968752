//! `cimi.Store`: the core's durable journal (an append-only, checksummed log
//! with snapshots, compaction, audit history and GDPR rights).
//!
//! `Store.execute(actor, operation)` lends the store's community to a Python
//! callable as a `cimi.Community`; whatever the callable changes is journaled
//! as one durable operation, and an exception rolls everything back. The
//! handle is lent only for the call: afterwards it raises `cimi.InvalidState`.

use std::path::PathBuf;
use std::sync::Mutex;
use std::thread::ThreadId;
use std::time::Duration;

use chrono::{DateTime, Utc};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::MutexExt;
use pyo3::types::{PyDict, PyList};

use cimi_core::Error;
use cimi_core::statutes::Statutes;
use cimi_core::store::journal::{JournalRecord, Subject, SyncPolicy};
use cimi_core::store::{Location, SharedStore, Store, StoreError as CoreStoreError, StoreOptions};

use crate::community::PyCommunity;
use crate::convert::{json_loads, text, to_plain};
use crate::errors::{OrRaise, invalid_state, poisoned};
use crate::statutes::PyStatutes;
use crate::time::at_or_now;

/// A community kept durable: in a directory (one writing process, any
/// number of read-only followers) or in a PostgreSQL database (any number of
/// writing processes).
///
/// Not picklable (it owns files or a connection); share one `Store` between
/// threads instead. `close()` (or `with Store.open(...) as store:`) releases
/// it at once.
#[pyclass(module = "cimi", name = "Store", frozen)]
pub struct PyStore {
    inner: SharedStore,
    /// The thread inside `execute`, to refuse re-entrant calls (which would
    /// otherwise wait for themselves).
    holder: Mutex<Option<ThreadId>>,
}

/// The store, locked for the current thread.
struct Entered<'a> {
    guard: std::sync::MutexGuard<'a, Option<Store>>,
    holder: &'a Mutex<Option<ThreadId>>,
}

impl std::ops::Deref for Entered<'_> {
    type Target = Store;
    fn deref(&self) -> &Store {
        self.guard.as_ref().expect("checked open when entered")
    }
}

impl std::ops::DerefMut for Entered<'_> {
    fn deref_mut(&mut self) -> &mut Store {
        self.guard.as_mut().expect("checked open when entered")
    }
}

impl Drop for Entered<'_> {
    fn drop(&mut self) {
        *self.holder.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

fn record_dict<'py>(py: Python<'py>, r: &JournalRecord) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("seq", r.seq)?;
    d.set_item("actor", &r.actor)?;
    d.set_item("action", r.change.action.kind())?;
    d.set_item("at", r.change.at)?;
    d.set_item("change", r.change.to_json())?;
    Ok(d)
}

impl PyStore {
    fn wrap(inner: SharedStore) -> Self {
        PyStore {
            inner,
            holder: Mutex::new(None),
        }
    }

    fn enter(&self, py: Python<'_>) -> PyResult<Entered<'_>> {
        let me = std::thread::current().id();
        if *self.holder.lock().unwrap_or_else(|e| e.into_inner()) == Some(me) {
            return Err(invalid_state(
                py,
                "store_busy",
                "the store is running an operation in this thread; use the community the operation was given".into(),
                "le stockage exécute une opération dans ce fil ; utilisez la communauté donnée à l'opération".into(),
            ));
        }
        let guard = self
            .inner
            .mutex()
            .lock_py_attached(py)
            .map_err(|_| poisoned(py))?;
        if guard.is_none() {
            return Err(crate::errors::core_err(
                py,
                &Error::Store(CoreStoreError::Closed),
            ));
        }
        *self.holder.lock().unwrap_or_else(|e| e.into_inner()) = Some(me);
        Ok(Entered {
            guard,
            holder: &self.holder,
        })
    }
}

#[pymethods]
impl PyStore {
    /// Opens (or creates) a store at `location`: a directory, or a
    /// `postgresql://` URL. A new store starts under `statutes` (default: the
    /// CIMI preset). Reopening replays the journal; a torn last record is cut
    /// off and reported in `open_report`. A directory has one writing process
    /// at a time: a second one raises `cimi.StoreError` (kind
    /// `store_locked`). `read_only=True` follows an existing store without
    /// ever writing (`refresh()` applies what its writers added).
    /// `durable=False` skips the fsyncs (throw-away stores, benchmarks).
    /// PostgreSQL: `schema` holds the tables, `community` names the
    /// community in it, `lock_timeout` (seconds) bounds the wait for other
    /// writers.
    #[staticmethod]
    #[pyo3(signature = (location, statutes=None, *, durable=true, read_only=false, schema=None, community=None, lock_timeout=None))]
    #[allow(clippy::too_many_arguments)]
    fn open(
        py: Python<'_>,
        location: &Bound<'_, PyAny>,
        statutes: Option<&PyStatutes>,
        durable: bool,
        read_only: bool,
        schema: Option<&Bound<'_, PyAny>>,
        community: Option<&Bound<'_, PyAny>>,
        lock_timeout: Option<f64>,
    ) -> PyResult<Self> {
        let location: Location = match location.extract::<String>() {
            Ok(text) => Location::from(text),
            Err(_) => Location::from(crate::convert::path(location, "location")?),
        };
        let statutes = statutes.map_or_else(Statutes::cimi, |s| s.inner.clone());
        let mut options = StoreOptions::new().read_only(read_only).sync(if durable {
            SyncPolicy::EveryOperation
        } else {
            SyncPolicy::Never
        });
        if let Some(schema) = schema {
            options = options.schema(text(schema, "schema")?);
        }
        if let Some(community) = community {
            options = options.community(text(community, "community")?);
        }
        if let Some(seconds) = lock_timeout {
            let timeout = Duration::try_from_secs_f64(seconds)
                .ok()
                .filter(|d| !d.is_zero())
                .ok_or_else(|| {
                    crate::errors::invalid_argument(
                        py,
                        "lock_timeout",
                        "must be a positive number of seconds".into(),
                        "doit être un nombre de secondes positif".into(),
                    )
                })?;
            options = options.lock_timeout(timeout);
        }
        let shared = py
            .detach(|| SharedStore::open(location, statutes, &options))
            .or_raise(py)?;
        Ok(Self::wrap(shared))
    }

    /// A store without files around a copy of `community` (operations run
    /// directly; nothing is journaled).
    #[staticmethod]
    fn in_memory(py: Python<'_>, community: &PyCommunity) -> PyResult<Self> {
        let core = community.snapshot(py)?;
        Ok(Self::wrap(SharedStore::in_memory(core)))
    }

    /// Applies what the store's writers committed since the last read (a
    /// read-only follower, or a PostgreSQL writer seeing other processes'
    /// changes); returns how many records that was.
    fn refresh(&self, py: Python<'_>) -> PyResult<u64> {
        let mut entered = self.enter(py)?;
        let store: &mut Store = &mut entered;
        py.detach(move || store.refresh()).or_raise(py)
    }

    /// Whether the store was opened read-only.
    #[getter]
    fn read_only(&self, py: Python<'_>) -> PyResult<bool> {
        Ok(self.enter(py)?.is_read_only())
    }

    /// Where the community is kept: `"memory"`, `"file"` or `"postgres"`.
    #[getter]
    fn backend(&self, py: Python<'_>) -> PyResult<&'static str> {
        Ok(self.enter(py)?.backend_name())
    }

    /// Where the store lives (a directory, or a database URL without its
    /// password), or `None` in memory.
    #[getter]
    fn location(&self, py: Python<'_>) -> PyResult<Option<String>> {
        Ok(self.enter(py)?.location().map(|l| l.to_string()))
    }

    /// Releases the store now (a directory's writer lock, a database
    /// connection); every later call raises `cimi.StoreError` (kind
    /// `store_closed`). Closing twice is harmless.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.inner.close()).or_raise(py)
    }

    /// Whether `close()` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.inner.is_closed()
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&self, py: Python<'_>, _args: &Bound<'_, pyo3::types::PyTuple>) -> PyResult<bool> {
        self.close(py)?;
        Ok(false)
    }

    /// What opening found: `snapshot_seq`, `records_replayed`, `torn_tail`.
    #[getter]
    fn open_report<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_plain(py, self.inner.open_report())
    }

    /// A copy of the current state.
    #[getter]
    fn community(&self, py: Python<'_>) -> PyResult<PyCommunity> {
        let entered = self.enter(py)?;
        // The copy is made with the GIL released.
        let current: &cimi_core::Community = entered.community();
        Ok(PyCommunity::from_core(py.detach(|| current.clone())))
    }

    /// The sequence number of the last durable record.
    #[getter]
    fn seq(&self, py: Python<'_>) -> PyResult<u64> {
        Ok(self.enter(py)?.seq())
    }

    /// Whether the store refuses writes after an I/O error (reopen it).
    #[getter]
    fn is_poisoned(&self, py: Python<'_>) -> PyResult<bool> {
        Ok(self.enter(py)?.is_poisoned())
    }

    /// The directory, or `None` for an in-memory store.
    #[getter]
    fn path(&self, py: Python<'_>) -> PyResult<Option<PathBuf>> {
        Ok(self.enter(py)?.dir().map(PathBuf::from))
    }

    /// Runs `operation(community)` as one durable operation by `actor` and
    /// returns its result. The changes are acknowledged once durable; if the
    /// operation raises, nothing it did remains and the exception propagates.
    fn execute(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        operation: &Bound<'_, PyAny>,
    ) -> PyResult<Py<PyAny>> {
        let actor = text(actor, "actor")?;
        if !operation.is_callable() {
            return Err(PyTypeError::new_err(
                "operation: expected a callable taking a cimi.Community",
            ));
        }
        let handle = Bound::new(py, PyCommunity::placeholder())?;
        let mut entered = self.enter(py)?;
        // The wait for other writers (a PostgreSQL store's lock) and the
        // catch-up run without the interpreter; the operation, with it.
        let store: &mut Store = &mut entered;
        py.detach(move || store.prepare_operation()).or_raise(py)?;
        let mut outcome: Option<PyResult<Py<PyAny>>> = None;
        let done = entered.execute(&actor, |c| {
            handle.get().swap(py, c, false);
            let result = operation.call1((handle.clone(),));
            handle.get().swap(py, c, true);
            match result {
                Ok(value) => {
                    outcome = Some(Ok(value.unbind()));
                    Ok(())
                }
                Err(e) => {
                    outcome = Some(Err(e));
                    Err(Error::InvalidInput {
                        field: "operation".into(),
                        reason: "the operation raised an exception".into(),
                        reason_fr: "l'opération a levé une exception".into(),
                    })
                }
            }
        });
        drop(entered);
        match (done, outcome) {
            (_, Some(Err(raised))) => Err(raised),
            (Err(e), _) => Err(crate::errors::core_err(py, &e)),
            (Ok(()), Some(Ok(value))) => Ok(value),
            (Ok(()), None) => Ok(py.None()),
        }
    }

    /// Writes a snapshot of the state; says where (a file's path, or the
    /// database row).
    fn snapshot(&self, py: Python<'_>) -> PyResult<String> {
        let mut entered = self.enter(py)?;
        let store: &mut Store = &mut entered;
        py.detach(move || store.snapshot()).or_raise(py)
    }

    /// Compacts the store: snapshot, journal moved to the history with erased
    /// people's personal data removed, empty journal.
    fn compact(&self, py: Python<'_>) -> PyResult<()> {
        let mut entered = self.enter(py)?;
        let store: &mut Store = &mut entered;
        py.detach(move || store.compact()).or_raise(py)
    }

    /// The audit history of one member or one event, oldest first: dicts with
    /// `seq`, `actor`, `action`, `at` and `change` (the change as JSON).
    #[pyo3(signature = (*, member_id=None, event_id=None))]
    fn history<'py>(
        &self,
        py: Python<'py>,
        member_id: Option<&Bound<'_, PyAny>>,
        event_id: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let subject = match (member_id, event_id) {
            (Some(m), None) => Subject::Member(crate::convert::member_id(m)?),
            (None, Some(e)) => Subject::Event(crate::convert::event_id(e)?),
            _ => {
                return Err(PyTypeError::new_err(
                    "history: give exactly one of member_id= or event_id=",
                ));
            }
        };
        let mut entered = self.enter(py)?;
        let store: &mut Store = &mut entered;
        let records = py.detach(move || store.history(subject)).or_raise(py)?;
        drop(entered);
        let out = PyList::empty(py);
        for r in &records {
            out.append(record_dict(py, r)?)?;
        }
        Ok(out)
    }

    /// Everything the community holds about the person with this address
    /// (GDPR right of access), audit entries included, as a dict.
    #[pyo3(signature = (email, at=None))]
    fn subject_access<'py>(
        &self,
        py: Python<'py>,
        email: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let email = text(email, "email")?;
        let at: DateTime<Utc> = at_or_now(at)?;
        let mut entered = self.enter(py)?;
        let store: &mut Store = &mut entered;
        let doc = py
            .detach(move || store.subject_access(&email, at))
            .or_raise(py)?;
        drop(entered);
        json_loads(py, &doc)
    }

    /// Erases the people the statutes' retention rule applies to at `at`, as
    /// one operation by `actor`; returns their member ids.
    #[pyo3(signature = (actor, at=None))]
    fn apply_retention(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<u64>> {
        let actor = text(actor, "actor")?;
        let at = at_or_now(at)?;
        let mut entered = self.enter(py)?;
        let store: &mut Store = &mut entered;
        let ids = py
            .detach(move || store.apply_retention(&actor, at))
            .or_raise(py)?;
        Ok(ids.into_iter().map(|m| m.get()).collect())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let entered = self.enter(py)?;
        Ok(match entered.location() {
            Some(location) => format!(
                "<cimi.Store {:?} seq={}{}>",
                location.to_string(),
                entered.seq(),
                if entered.is_read_only() {
                    " read-only"
                } else {
                    ""
                }
            ),
            None => "<cimi.Store in memory>".to_owned(),
        })
    }
}
