//! The records of `cimi.Community` as tables (`cimi.Table`: Arrow data that
//! polars, pyarrow, pandas and duckdb read in place); the record batches are
//! built by `crate::tables` with the GIL released.

use chrono::{DateTime, Utc};
use pyo3::prelude::*;

use super::PyCommunity;
use crate::errors::OrRaise;
use crate::table::PyTable;
use crate::tables::{self, TableError};
use crate::time::at_or_now;

#[pymethods]
impl PyCommunity {
    /// Members as a table; `status` and the `consent_*` columns are as of `at`.
    #[pyo3(signature = (at=None))]
    fn members_table(&self, py: Python<'_>, at: Option<&Bound<'_, PyAny>>) -> PyResult<PyTable> {
        let at: DateTime<Utc> = at_or_now(at)?;
        self.table(py, |c| tables::members(c, at))
    }

    /// Events as a table, with their occupancy.
    fn events_table(&self, py: Python<'_>) -> PyResult<PyTable> {
        self.table(py, tables::events)
    }

    /// Registrations (of one event, or all) as a table.
    #[pyo3(signature = (event_id=None))]
    fn registrations_table(
        &self,
        py: Python<'_>,
        event_id: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyTable> {
        let event = event_id
            .filter(|e| !e.is_none())
            .map(crate::convert::event_id)
            .transpose()?;
        match self.read_detached(py, |c| tables::registrations(c, event))? {
            Ok(batch) => Ok(PyTable::new(batch)),
            Err(TableError::Core(e)) => Err(e).or_raise(py),
            Err(TableError::Arrow(e)) => Err(crate::errors::table_overflow(py, &e)),
        }
    }

    /// Help requests as a table (the questions' texts are left out).
    fn help_requests_table(&self, py: Python<'_>) -> PyResult<PyTable> {
        self.table(py, tables::help_requests)
    }

    /// Watch items as a table.
    fn watch_items_table(&self, py: Python<'_>) -> PyResult<PyTable> {
        self.table(py, tables::watch_items)
    }
}
