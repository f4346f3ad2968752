//! The records of `cimi.Community` as columnar tables (`dict[str, list]`)
//! for pandas or polars; the columns are built by `crate::tables`.

use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::PyCommunity;
use crate::errors::OrRaise;
use crate::tables;
use crate::time::at_or_now;

#[pymethods]
impl PyCommunity {
    /// Members as columns (`dict[str, list]`), ready for `pandas.DataFrame` or
    /// `polars.DataFrame`; `status` and the `consent_*` columns are as of `at`.
    #[pyo3(signature = (at=None))]
    fn members_table<'py>(
        &self,
        py: Python<'py>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let at: DateTime<Utc> = at_or_now(at)?;
        self.read(py, |c| tables::members(c, at))?.into_py_dict(py)
    }

    /// Events as columns, with their occupancy.
    fn events_table<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.read(py, tables::events)?.into_py_dict(py)
    }

    /// Registrations (of one event, or all) as columns.
    #[pyo3(signature = (event_id=None))]
    fn registrations_table<'py>(
        &self,
        py: Python<'py>,
        event_id: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let event = event_id
            .filter(|e| !e.is_none())
            .map(crate::convert::event_id)
            .transpose()?;
        self.read(py, |c| tables::registrations(c, event))?
            .or_raise(py)?
            .into_py_dict(py)
    }

    /// Help requests as columns (the questions' texts are left out).
    fn help_requests_table<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.read(py, tables::help_requests)?.into_py_dict(py)
    }

    /// Watch items as columns.
    fn watch_items_table<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.read(py, tables::watch_items)?.into_py_dict(py)
    }
}
