//! `cimi.Statutes`: a community's statutes as data (an immutable value).

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use cimi_core::address::EmailAddress;
use cimi_core::statutes::{Statutes, Text};

use crate::convert::{json_dumps, json_loads, text, to_plain};
use crate::errors::{OrRaise, lang};

/// A community's statutes: values, objectives, rules, obligations, audiences,
/// registration policy, activity window and bureau rules.
///
/// Statutes are values: to change them, edit `to_dict()` and read it back with
/// `Statutes.from_dict`, then `Community.replace_statutes`.
#[pyclass(module = "cimi", name = "Statutes", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyStatutes {
    pub inner: Statutes,
}

fn texts(items: &[Text]) -> Vec<String> {
    items.iter().map(|t| t.get(lang()).to_owned()).collect()
}

#[pymethods]
impl PyStatutes {
    /// The CIMI preset.
    #[staticmethod]
    fn cimi() -> Self {
        PyStatutes {
            inner: Statutes::cimi(),
        }
    }

    /// Reads statutes from their JSON document.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = crate::convert::text(text, "text")?;
        let inner = py.detach(|| Statutes::from_json(&text)).or_raise(py)?;
        Ok(PyStatutes { inner })
    }

    /// Reads statutes from a JSON file.
    #[staticmethod]
    fn from_path(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<Self> {
        let path = crate::convert::path(path, "path")?;
        let inner = py.detach(|| Statutes::from_path(&path)).or_raise(py)?;
        Ok(PyStatutes { inner })
    }

    /// Statutes from the dict form of their JSON document (see `to_dict`).
    #[staticmethod]
    fn from_dict(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
        let inner = Statutes::from_json(&json_dumps(data)?).or_raise(py)?;
        Ok(PyStatutes { inner })
    }

    /// The versioned JSON document.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The JSON document as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_loads(py, &self.inner.to_json())
    }

    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }
    /// The full name, in the module's language.
    #[getter]
    fn full_name(&self) -> &str {
        self.inner.full_name.get(lang())
    }
    #[getter]
    fn values(&self) -> Vec<String> {
        texts(&self.inner.values)
    }
    #[getter]
    fn objectives(&self) -> Vec<String> {
        texts(&self.inner.objectives)
    }
    #[getter]
    fn rules(&self) -> Vec<String> {
        texts(&self.inner.rules)
    }
    /// `{obligation id: text}`; registrants acknowledge them by id.
    #[getter]
    fn obligations<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for o in &self.inner.obligations {
            d.set_item(&o.id, o.text.get(lang()))?;
        }
        Ok(d)
    }
    /// Audience ids, in the order they are tried.
    #[getter]
    fn audiences(&self) -> Vec<String> {
        self.inner.audiences.iter().map(|a| a.id.clone()).collect()
    }
    /// The registration policy as a dict (allowed patterns, required fields...).
    #[getter]
    fn policy<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_plain(py, &self.inner.policy)
    }
    /// The bureau rules as a dict.
    #[getter]
    fn bureau<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_plain(py, &self.inner.bureau)
    }
    /// The channels (forum, wiki, mailing list, public account...): dicts
    /// with `id`, `kind`, `name`, `visibility`.
    #[getter]
    fn channels<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_plain(py, &self.inner.channels)
    }
    #[getter]
    fn activity_window_days(&self) -> u32 {
        self.inner.activity_window_days
    }

    /// Whether the registration policy allows that address (raises
    /// `cimi.InvalidInput` for an invalid address).
    fn allows(&self, py: Python<'_>, email: &Bound<'_, PyAny>) -> PyResult<bool> {
        let email = EmailAddress::parse(&text(email, "email")?).or_raise(py)?;
        Ok(self.inner.policy.allows(&email))
    }

    /// The audience an address belongs to, or `None`.
    fn audience_of(&self, py: Python<'_>, email: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
        let email = EmailAddress::parse(&text(email, "email")?).or_raise(py)?;
        Ok(self.inner.audience_of(&email).map(str::to_owned))
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let ctor = slf.get_type().getattr("from_json")?;
        PyTuple::new(
            py,
            [
                ctor,
                PyTuple::new(py, [slf.get().inner.to_json()])?.into_any(),
            ],
        )
    }

    fn __repr__(&self) -> String {
        format!(
            "<cimi.Statutes {:?}: {} obligations, {} audiences, allowed {}>",
            self.inner.name,
            self.inner.obligations.len(),
            self.inner.audiences.len(),
            self.inner
                .policy
                .allowed
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}
