//! Statistics of `cimi.Community`, as tables (core: `cimi_core::stats`;
//! the record batches are built by `crate::tables` with the GIL released).

use pyo3::prelude::*;

use super::PyCommunity;
use crate::table::PyTable;
use crate::tables;
use crate::time::at_or_now;

#[pymethods]
impl PyCommunity {
    /// Figures of every event (fill rate, waiting, promotions, attendance,
    /// no-shows...) as a table.
    fn event_stats(&self, py: Python<'_>) -> PyResult<PyTable> {
        self.table(py, tables::event_stats)
    }

    /// Events held per year (Paris) and kind, as a table `year`, `kind`, `count`.
    fn events_held_per_year_and_kind(&self, py: Python<'_>) -> PyResult<PyTable> {
        self.table(py, tables::events_held)
    }

    /// Members grouped by administration, audience and status at `at`, as a
    /// table `administration`, `audience`, `status`, `count`.
    #[pyo3(signature = (at=None))]
    fn member_groups(&self, py: Python<'_>, at: Option<&Bound<'_, PyAny>>) -> PyResult<PyTable> {
        let at = at_or_now(at)?;
        self.table(py, |c| tables::member_groups(c, at))
    }

    /// Members who joined per month (Paris), as a table `year`, `month`, `count`.
    fn members_joined_per_month(&self, py: Python<'_>) -> PyResult<PyTable> {
        self.table(py, tables::joined_per_month)
    }
}
