//! `cimi.HelpRequest`: a snapshot of a request for help (core:
//! `cimi_core::help`).

use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple, PyType};

use cimi_core::help::HelpRequest;

use super::{from_json, reduce, to_json};

/// A request for help (entraide), a snapshot.
#[pyclass(module = "cimi", name = "HelpRequest", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyHelpRequest {
    pub inner: HelpRequest,
}

#[pymethods]
impl PyHelpRequest {
    #[getter]
    fn id(&self) -> u64 {
        self.inner.id.get()
    }
    /// The member who asked.
    #[getter]
    fn asker_id(&self) -> u64 {
        self.inner.asker.get()
    }
    #[getter]
    fn topic(&self) -> &str {
        &self.inner.topic
    }
    #[getter]
    fn text(&self) -> &str {
        &self.inner.text
    }
    /// The skills needed, normalised.
    #[getter]
    fn skills(&self) -> Vec<String> {
        self.inner.skills.iter().map(|s| s.to_string()).collect()
    }
    /// `"public"` or `"private"`.
    #[getter]
    fn visibility(&self) -> &'static str {
        self.inner.visibility.kind()
    }
    /// `"open"`, `"referred"`, `"resolved"` or `"closed"`.
    #[getter]
    fn state(&self) -> &'static str {
        self.inner.state().kind()
    }
    #[getter]
    fn asked_at(&self) -> DateTime<Utc> {
        self.inner.asked_at()
    }
    /// Everyone the asker was referred to (member ids), in order.
    #[getter]
    fn referred_to(&self) -> Vec<u64> {
        self.inner
            .referred_to()
            .into_iter()
            .map(|m| m.get())
            .collect()
    }
    /// Every step, oldest first: dicts with `state`, `at`, `referred_to`.
    #[getter]
    fn steps<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.inner
            .steps
            .iter()
            .map(|s| {
                let d = PyDict::new(py);
                d.set_item("state", s.state.kind())?;
                d.set_item("at", s.at)?;
                d.set_item(
                    "referred_to",
                    s.referred_to.iter().map(|m| m.get()).collect::<Vec<_>>(),
                )?;
                Ok(d)
            })
            .collect()
    }

    #[classmethod]
    fn _from_json(cls: &Bound<'_, PyType>, text: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PyHelpRequest {
            inner: from_json(cls.py(), text)?,
        })
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let json = to_json(&slf.get().inner)?;
        reduce(
            slf.get_type(),
            vec![json.into_pyobject(slf.py())?.into_any()],
        )
    }

    fn __repr__(&self) -> String {
        format!(
            "<cimi.HelpRequest {} asker={} {} {}>",
            self.inner.id,
            self.inner.asker,
            self.inner.visibility.kind(),
            self.inner.state().kind()
        )
    }
}
