//! `cimi.Member`: a snapshot of a member of the directory (core:
//! `cimi_core::member`).

use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple, PyType};

use cimi_core::member::{ConsentKind, Member};

use super::{from_json, reduce, to_json};
use crate::convert::text;
use crate::errors::invalid_argument;
use crate::time::at_or_now;

/// A member of the community (a snapshot).
#[pyclass(module = "cimi", name = "Member", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyMember {
    pub inner: Member,
}

#[pymethods]
impl PyMember {
    #[getter]
    fn id(&self) -> u64 {
        self.inner.id.get()
    }
    #[getter]
    fn email(&self) -> &str {
        self.inner.email.as_str()
    }
    #[getter]
    fn local_part(&self) -> &str {
        self.inner.email.local_part()
    }
    #[getter]
    fn domain(&self) -> &str {
        self.inner.email.domain()
    }
    #[getter]
    fn family_name(&self) -> &str {
        &self.inner.family_name
    }
    #[getter]
    fn given_name(&self) -> &str {
        &self.inner.given_name
    }
    #[getter]
    fn display_name(&self) -> String {
        self.inner.display_name()
    }
    #[getter]
    fn service(&self) -> &str {
        &self.inner.service
    }
    /// The affiliation, outermost unit first (administration → direction → service).
    #[getter]
    fn affiliation(&self) -> Vec<String> {
        self.inner
            .affiliation
            .units()
            .map(|s| s.to_string())
            .collect()
    }
    #[getter]
    fn corps(&self) -> Option<&str> {
        self.inner.corps().map(|c| c.as_str())
    }
    #[getter]
    fn grade(&self) -> &str {
        &self.inner.grade
    }
    #[getter]
    fn function(&self) -> &str {
        &self.inner.function
    }
    #[getter]
    fn skills(&self) -> Vec<String> {
        self.inner.skills.iter().map(|s| s.to_string()).collect()
    }
    #[getter]
    fn interests(&self) -> Vec<String> {
        self.inner
            .interests()
            .iter()
            .map(|s| s.to_string())
            .collect()
    }
    /// Every consent decision, oldest first: dicts with `kind`, `granted`, `at`.
    #[getter]
    fn consents<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.inner
            .consents()
            .iter()
            .map(|c| {
                let d = PyDict::new(py);
                d.set_item("kind", c.kind.kind())?;
                d.set_item("granted", c.granted)?;
                d.set_item("at", c.at)?;
                Ok(d)
            })
            .collect()
    }
    #[getter]
    fn joined_at(&self) -> DateTime<Utc> {
        self.inner.joined_at
    }
    #[getter]
    fn last_participation_at(&self) -> Option<DateTime<Utc>> {
        self.inner.last_participation_at
    }
    #[getter]
    fn bureau_role(&self) -> Option<&str> {
        self.inner.bureau_role().map(|r| r.responsibility.as_str())
    }
    #[getter]
    fn bureau_since(&self) -> Option<DateTime<Utc>> {
        self.inner.bureau_role().map(|r| r.since)
    }
    #[getter]
    fn erased_at(&self) -> Option<DateTime<Utc>> {
        self.inner.erased_at()
    }

    /// Whether the consent of that kind (`"mailing_list"`, `"recording"`,
    /// `"name_publication"`) is granted at `at` (default: now).
    #[pyo3(signature = (kind, at=None))]
    fn has_consent(
        &self,
        kind: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<bool> {
        let kind = consent_kind(kind)?;
        Ok(self.inner.has_consent(kind, at_or_now(at)?))
    }

    #[classmethod]
    fn _from_json(cls: &Bound<'_, PyType>, text: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PyMember {
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
            "<cimi.Member {} joined {}{}>",
            self.inner.id,
            self.inner.joined_at.format("%Y-%m-%d"),
            if self.inner.bureau_role().is_some() {
                " bureau"
            } else {
                ""
            }
        )
    }
}

/// A consent kind from its snake_case name.
pub fn consent_kind(value: &Bound<'_, PyAny>) -> PyResult<ConsentKind> {
    let name = text(value, "kind")?;
    ConsentKind::from_kind(&name).ok_or_else(|| {
        let known = ConsentKind::ALL.map(ConsentKind::kind).join(", ");
        invalid_argument(
            value.py(),
            "kind",
            format!("unknown consent kind (expected one of {known})"),
            format!("type de consentement inconnu (attendu : {known})"),
        )
    })
}
