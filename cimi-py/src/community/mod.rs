//! `cimi.Community`: the core `Community` behind a lock.
//!
//! The core type has no interior mutability; this wrapper holds it in a
//! [`Shared`] (a read-write lock, see `lock.rs`) so that one Python object can
//! be shared between threads. Every method converts its Python arguments
//! first, then runs the core operation with the lock held and no Python code
//! involved, then builds the Python result after the lock is released. A
//! thread that has to wait for the lock lets go of the GIL meanwhile.
//! Every call whose work grows with the data (`register_many`,
//! `import_members`, the tables, CSV and iCalendar, e-mail reading, digests,
//! suggestions, copies, lists of records, the journal, `to_json` and
//! `from_json`) runs the core with the GIL released ([`PyCommunity::read_detached`],
//! [`PyCommunity::write_detached`]).
//!
//! The Python class has one `#[pymethods]` block per domain noun (pyo3's
//! `multiple-pymethods`), in the file of that name: `members.rs`,
//! `events.rs`, `registrations.rs`, `help.rs`, `watch.rs`, `gdpr.rs`,
//! `ledger.rs` (recording and replay), `document.rs` (JSON), `interop.rs`
//! (CSV, iCalendar, e-mail), `stats.rs` and `tables.rs`. This file holds the
//! class itself, its lock, the constructors, copying and pickling, equality,
//! `repr` and the statutes.

mod document;
mod events;
mod gdpr;
mod help;
mod interop;
mod ledger;
mod members;
mod registrations;
mod stats;
mod tables;
mod watch;

use pyo3::prelude::*;
use pyo3::types::PyTuple;

use cimi_core::error::Entity;
use cimi_core::statutes::Statutes;
use cimi_core::{Community, Error};

use crate::errors::{OrRaise, poisoned};
use crate::lock::{Denied, Direct, Shared, Wait};
use crate::records::PyViolation;
use crate::statutes::PyStatutes;
use crate::time::at_or_now;

/// A community: statutes, members, events and the registration engine.
///
/// Safe to share between threads. Times are timezone-aware `datetime`s; `at`
/// arguments default to now.
#[pyclass(module = "cimi", name = "Community", frozen)]
pub struct PyCommunity {
    /// Closed when the community was lent to a `Store.execute` operation
    /// that is over.
    inner: Shared<Community>,
}

/// Waiting for the lock with the GIL released.
struct Detach<'py>(Python<'py>);

impl Wait for Detach<'_> {
    fn blocking<R: Send, F: FnOnce() -> R + Send>(self, f: F) -> R {
        self.0.detach(f)
    }
}

fn not_found(entity: Entity, id: u64) -> Error {
    Error::NotFound { entity, id }
}

fn ids<I: IntoIterator<Item = cimi_core::ids::RegistrationId>>(ids: I) -> Vec<u64> {
    ids.into_iter().map(|id| id.get()).collect()
}

impl PyCommunity {
    fn wrap(community: Community) -> Self {
        PyCommunity {
            inner: Shared::new(community),
        }
    }

    /// Runs `f` on the community for reading. Reads go on after a panic in an
    /// earlier write (there is nothing better to show).
    fn read<R: Send>(&self, py: Python<'_>, f: impl FnOnce(&Community) -> R + Send) -> PyResult<R> {
        self.inner
            .read(Detach(py), f)
            .map_err(|denied| refused(py, denied))
    }

    /// Runs `f` on the community for reading with the GIL released: for
    /// the calls whose work grows with the data (tables, exports, digests,
    /// suggestions, copies), so that other Python threads run meanwhile.
    fn read_detached<R: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&Community) -> R + Send,
    ) -> PyResult<R> {
        py.detach(|| self.inner.read(Direct, f))
            .map_err(|denied| refused(py, denied))
    }

    /// Runs `f` on the community for writing with the GIL released (see
    /// [`Self::read_detached`]).
    fn write_detached<R: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut Community) -> R + Send,
    ) -> PyResult<R> {
        py.detach(|| self.inner.write(Direct, f))
            .map_err(|denied| refused(py, denied))
    }

    /// A table built by `build` with the GIL released.
    fn table(
        &self,
        py: Python<'_>,
        build: impl FnOnce(&Community) -> Result<arrow_array::RecordBatch, arrow_schema::ArrowError>
        + Send,
    ) -> PyResult<crate::table::PyTable> {
        self.read_detached(py, build)?
            .map(crate::table::PyTable::new)
            .map_err(|e| crate::errors::table_overflow(py, &e))
    }

    /// Runs `f` on the community for writing.
    fn write<R: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut Community) -> R + Send,
    ) -> PyResult<R> {
        self.inner
            .write(Detach(py), f)
            .map_err(|denied| refused(py, denied))
    }

    /// Refuses the handle a `Store.execute` operation was given, once the
    /// operation is over (checked again with the lock held).
    fn check_open(&self, py: Python<'_>) -> PyResult<()> {
        if self.inner.is_closed() {
            return Err(refused(py, Denied::Closed));
        }
        Ok(())
    }

    /// A community to lend to a `Store.execute` operation (see [`Self::swap`]).
    pub(crate) fn placeholder() -> Self {
        Self::wrap(Community::cimi())
    }

    /// Swaps the wrapped community with `other`; `close` marks the handle as
    /// over (every later use raises `cimi.InvalidState`).
    pub(crate) fn swap(&self, py: Python<'_>, other: &mut Community, close: bool) {
        self.inner.swap(Detach(py), other, close);
    }

    /// Wraps a community (for `Store.community`).
    pub(crate) fn from_core(community: Community) -> Self {
        Self::wrap(community)
    }

    /// Runs a fallible core operation for writing and raises its error.
    fn apply<R: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut Community) -> Result<R, Error> + Send,
    ) -> PyResult<R> {
        self.write(py, f)?.or_raise(py)
    }

    /// A copy of the wrapped community (made with the GIL released).
    pub(crate) fn snapshot(&self, py: Python<'_>) -> PyResult<Community> {
        self.read_detached(py, Community::clone)
    }

    /// The JSON document (`to_json`, pickling), written with the GIL
    /// released.
    fn document(&self, py: Python<'_>) -> PyResult<String> {
        self.read_detached(py, Community::to_json)
    }
}

/// The exception for a refused access to the lock.
fn refused(py: Python<'_>, denied: Denied) -> PyErr {
    match denied {
        Denied::Closed => crate::errors::invalid_state(
            py,
            "operation_over",
            "this community was lent to a Store.execute operation that is over; use store.community".into(),
            "cette communauté était prêtée à une opération Store.execute terminée ; utilisez store.community".into(),
        ),
        Denied::Poisoned => poisoned(py),
    }
}

#[pymethods]
impl PyCommunity {
    /// An empty community under these statutes (default: the CIMI preset).
    #[new]
    #[pyo3(signature = (statutes=None))]
    fn py_new(py: Python<'_>, statutes: Option<&PyStatutes>) -> PyResult<Self> {
        let statutes = statutes.map_or_else(Statutes::cimi, |s| s.inner.clone());
        Community::new(statutes).or_raise(py).map(Self::wrap)
    }

    /// An empty community under the CIMI statutes and their default policy.
    #[staticmethod]
    fn cimi() -> Self {
        Self::wrap(Community::cimi())
    }

    /// An empty community under statutes read from a JSON file.
    #[staticmethod]
    fn from_statutes_file(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<Self> {
        let path = crate::convert::path(path, "path")?;
        let statutes = py.detach(|| Statutes::from_path(&path)).or_raise(py)?;
        Community::new(statutes).or_raise(py).map(Self::wrap)
    }

    // ----- copying and pickling (through the JSON document, see document.rs) -------

    /// An independent copy (for what-if scenarios).
    fn copy(&self, py: Python<'_>) -> PyResult<Self> {
        Ok(Self::wrap(self.snapshot(py)?))
    }

    fn __copy__(&self, py: Python<'_>) -> PyResult<Self> {
        self.copy(py)
    }

    fn __deepcopy__(&self, py: Python<'_>, _memo: &Bound<'_, PyAny>) -> PyResult<Self> {
        self.copy(py)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let json = slf.get().document(py)?;
        let ctor = slf.get_type().getattr("from_json")?;
        PyTuple::new(py, [ctor, PyTuple::new(py, [json])?.into_any()])
    }

    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        let Ok(other) = other.cast::<PyCommunity>() else {
            return Ok(false);
        };
        if std::ptr::eq(self, other.get()) {
            return Ok(true);
        }
        let mine = self.snapshot(py)?;
        other.get().read_detached(py, |theirs| mine == *theirs)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        self.read_detached(py, |c| {
            format!(
                "<cimi.Community {:?}: {} members, {} events, {} registrations>",
                c.statutes().name,
                c.members().count(),
                c.events().count(),
                c.all_registrations().count()
            )
        })
    }

    // ----- statutes ---------------------------------------------------------------

    /// The statutes in force.
    #[getter]
    fn statutes(&self, py: Python<'_>) -> PyResult<PyStatutes> {
        Ok(PyStatutes {
            inner: self.read(py, |c| c.statutes().clone())?,
        })
    }

    /// Replaces the statutes; existing registrations are kept as they are.
    #[pyo3(signature = (statutes, at=None))]
    fn replace_statutes(
        &self,
        py: Python<'_>,
        statutes: &PyStatutes,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let at = at_or_now(at)?;
        let statutes = statutes.inner.clone();
        self.apply(py, |c| c.replace_statutes(statutes, at))
    }

    /// Every rule of the statutes that the current bureau breaks, at `at`.
    #[pyo3(signature = (at=None))]
    fn check_statutes(
        &self,
        py: Python<'_>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<PyViolation>> {
        let at = at_or_now(at)?;
        self.read(py, |c| {
            c.check_statutes(at)
                .into_iter()
                .map(|inner| PyViolation { inner })
                .collect()
        })
    }
}
