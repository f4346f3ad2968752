//! Statistics of `cimi.Community`, as columns (core: `cimi_core::stats`).

use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::PyCommunity;
use crate::tables;
use crate::time::at_or_now;

#[pymethods]
impl PyCommunity {
    /// Figures of every event (fill rate, waiting, promotions, attendance,
    /// no-shows...) as columns.
    fn event_stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.read(py, tables::event_stats)?.into_py_dict(py)
    }

    /// Events held per year (Paris) and kind, as columns `year`, `kind`, `count`.
    fn events_held_per_year_and_kind<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.read(py, tables::events_held)?.into_py_dict(py)
    }

    /// Members grouped by administration, audience and status at `at`, as
    /// columns `administration`, `audience`, `status`, `count`.
    #[pyo3(signature = (at=None))]
    fn member_groups<'py>(
        &self,
        py: Python<'py>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let at = at_or_now(at)?;
        self.read(py, |c| tables::member_groups(c, at))?
            .into_py_dict(py)
    }

    /// Members who joined per month (Paris), as columns `year`, `month`, `count`.
    fn members_joined_per_month<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.read(py, tables::joined_per_month)?.into_py_dict(py)
    }
}
