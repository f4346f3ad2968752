//! `cimi.Violation`: a rule of the statutes that the current bureau breaks
//! (core: `cimi_core::statutes`).

use pyo3::prelude::*;
use pyo3::types::{PyTuple, PyType};

use cimi_core::Lang;
use cimi_core::statutes::Violation;

use super::{from_json, reduce, to_json};
use crate::convert::to_plain;
use crate::errors::lang;

/// A rule of the statutes that the current bureau breaks.
#[pyclass(module = "cimi", name = "Violation", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyViolation {
    pub inner: Violation,
}

#[pymethods]
impl PyViolation {
    /// `"bureau_size"`, `"entity_not_represented"`, `"member_outside_entities"`,
    /// `"member_not_active"`.
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.kind()
    }
    /// The message in the module's language (`cimi.set_language`).
    #[getter]
    fn message(&self) -> String {
        self.inner.message(lang())
    }
    #[getter]
    fn message_en(&self) -> String {
        self.inner.message(Lang::En)
    }
    #[getter]
    fn message_fr(&self) -> String {
        self.inner.message(Lang::Fr)
    }
    /// Everything the violation says, as a dict (`kind` included).
    #[getter]
    fn details<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_plain(py, &self.inner)
    }

    #[classmethod]
    fn _from_json(cls: &Bound<'_, PyType>, text: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PyViolation {
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
            "<cimi.Violation {}: {}>",
            self.inner.kind(),
            self.inner.message(Lang::En)
        )
    }
}
