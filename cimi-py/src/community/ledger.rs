//! Recording and replay in `cimi.Community`: the changes made, as journal
//! lines, and applying them again; and the engine's invariants (core:
//! `cimi_core::community::{ledger, invariants}`).

use pyo3::prelude::*;

use cimi_core::change::Change;

use super::PyCommunity;
use crate::convert::text;
use crate::errors::OrRaise;

#[pymethods]
impl PyCommunity {
    /// Starts or stops keeping the changes made, for `drain_changes`.
    fn set_recording(&self, py: Python<'_>, on: bool) -> PyResult<()> {
        self.write(py, |c| c.set_recording(on))
    }

    /// The changes recorded since the last call, each as a JSON text (one
    /// line of a journal).
    fn drain_changes(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        self.write_detached(py, |c| {
            c.drain_changes().iter().map(Change::to_json).collect()
        })
    }

    /// Applies a recorded change (a JSON text from `drain_changes`).
    fn apply_change(&self, py: Python<'_>, change: &Bound<'_, PyAny>) -> PyResult<()> {
        let change = Change::from_json(&text(change, "change")?).or_raise(py)?;
        self.apply(py, |c| c.apply(change))
    }

    /// `None` when every invariant of the registration engine holds, else a
    /// description of the first broken one.
    fn check_invariants(&self, py: Python<'_>) -> PyResult<Option<String>> {
        self.read_detached(py, |c| c.check_invariants().err())
    }
}
