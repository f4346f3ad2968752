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

use chrono::{DateTime, Utc};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::MutexExt;
use pyo3::types::{PyDict, PyList};

use cimi_core::journal::{JournalRecord, OpenReport, Store, Subject, SyncPolicy};
use cimi_core::statutes::Statutes;
use cimi_core::Error;

use crate::community::PyCommunity;
use crate::convert::{json_loads, text, to_plain};
use crate::errors::{invalid_state, poisoned, OrRaise};
use crate::statutes::PyStatutes;
use crate::time::at_or_now;

/// A community kept in a durable journal on disk.
///
/// Not picklable (it owns files); share one `Store` between threads instead.
#[pyclass(module = "cimi", name = "Store", frozen)]
pub struct PyStore {
    inner: Mutex<Store>,
    /// The thread inside `execute`, to refuse re-entrant calls (which would
    /// otherwise wait for themselves).
    holder: Mutex<Option<ThreadId>>,
    report: OpenReport,
}

/// The store, locked for the current thread.
struct Entered<'a> {
    store: std::sync::MutexGuard<'a, Store>,
    holder: &'a Mutex<Option<ThreadId>>,
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
    let change = serde_json::to_string(&r.change)
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
    d.set_item("change", change)?;
    Ok(d)
}

impl PyStore {
    fn wrap(store: Store, report: OpenReport) -> Self {
        PyStore {
            inner: Mutex::new(store),
            holder: Mutex::new(None),
            report,
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
        let store = self.inner.lock_py_attached(py).map_err(|_| poisoned(py))?;
        *self.holder.lock().unwrap_or_else(|e| e.into_inner()) = Some(me);
        Ok(Entered {
            store,
            holder: &self.holder,
        })
    }
}

#[pymethods]
impl PyStore {
    /// Opens (or creates) a store in the directory `path`; a new store starts
    /// under `statutes` (default: the CIMI preset). Reopening replays the
    /// journal; a torn last record is cut off and reported in `open_report`.
    /// `durable=False` skips the fsyncs (throw-away stores, benchmarks).
    #[staticmethod]
    #[pyo3(signature = (path, statutes=None, *, durable=true))]
    fn open(
        py: Python<'_>,
        path: &Bound<'_, PyAny>,
        statutes: Option<&PyStatutes>,
        durable: bool,
    ) -> PyResult<Self> {
        let path = crate::convert::path(path, "path")?;
        let statutes = statutes.map_or_else(Statutes::cimi, |s| s.inner.clone());
        let policy = if durable {
            SyncPolicy::EveryOperation
        } else {
            SyncPolicy::Never
        };
        let (store, report) = py
            .detach(|| Store::open_with(&path, statutes, policy))
            .or_raise(py)?;
        Ok(Self::wrap(store, report))
    }

    /// A store without files around a copy of `community` (operations run
    /// directly; nothing is journaled).
    #[staticmethod]
    fn in_memory(py: Python<'_>, community: &PyCommunity) -> PyResult<Self> {
        let core = community.snapshot(py)?;
        Ok(Self::wrap(Store::in_memory(core), OpenReport::default()))
    }

    /// What opening found: `snapshot_seq`, `records_replayed`, `torn_tail`.
    #[getter]
    fn open_report<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_plain(py, &self.report)
    }

    /// A copy of the current state.
    #[getter]
    fn community(&self, py: Python<'_>) -> PyResult<PyCommunity> {
        let entered = self.enter(py)?;
        Ok(PyCommunity::from_core(entered.store.community().clone()))
    }

    /// The sequence number of the last durable record.
    #[getter]
    fn seq(&self, py: Python<'_>) -> PyResult<u64> {
        Ok(self.enter(py)?.store.seq())
    }

    /// Whether the store refuses writes after an I/O error (reopen it).
    #[getter]
    fn is_poisoned(&self, py: Python<'_>) -> PyResult<bool> {
        Ok(self.enter(py)?.store.is_poisoned())
    }

    /// The directory, or `None` for an in-memory store.
    #[getter]
    fn path(&self, py: Python<'_>) -> PyResult<Option<PathBuf>> {
        Ok(self.enter(py)?.store.dir().map(PathBuf::from))
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
        let mut outcome: Option<PyResult<Py<PyAny>>> = None;
        let done = entered.store.execute(&actor, |c| {
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

    /// Writes a snapshot of the state; returns its path.
    fn snapshot(&self, py: Python<'_>) -> PyResult<PathBuf> {
        let mut entered = self.enter(py)?;
        let store: &mut Store = &mut entered.store;
        py.detach(move || store.snapshot()).or_raise(py)
    }

    /// Compacts the store: snapshot, journal moved to the history with erased
    /// people's personal data removed, empty journal.
    fn compact(&self, py: Python<'_>) -> PyResult<()> {
        let mut entered = self.enter(py)?;
        let store: &mut Store = &mut entered.store;
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
                ))
            }
        };
        let mut entered = self.enter(py)?;
        let store: &mut Store = &mut entered.store;
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
        let store: &mut Store = &mut entered.store;
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
        let store: &mut Store = &mut entered.store;
        let ids = py
            .detach(move || store.apply_retention(&actor, at))
            .or_raise(py)?;
        Ok(ids.into_iter().map(|m| m.get()).collect())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let entered = self.enter(py)?;
        Ok(match entered.store.dir() {
            Some(dir) => format!(
                "<cimi.Store {:?} seq={}>",
                dir.display().to_string(),
                entered.store.seq()
            ),
            None => "<cimi.Store in memory>".to_owned(),
        })
    }
}
