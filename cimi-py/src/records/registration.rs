//! `cimi.Registration`, a snapshot of a registration, and
//! `cimi.Cancellation`, the answer to `Community.cancel` (core:
//! `cimi_core::registration`).

use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyTuple, PyType};

use cimi_core::registration::Registration;

use super::{from_json, reduce, to_json};

/// A registration (a snapshot).
#[pyclass(module = "cimi", name = "Registration", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyRegistration {
    pub inner: Registration,
    pub already_registered: bool,
}

impl PyRegistration {
    pub fn new(inner: Registration) -> Self {
        PyRegistration {
            inner,
            already_registered: false,
        }
    }
}

#[pymethods]
impl PyRegistration {
    #[getter]
    fn id(&self) -> u64 {
        self.inner.id.get()
    }
    #[getter]
    fn event_id(&self) -> u64 {
        self.inner.event.get()
    }
    #[getter]
    fn member_id(&self) -> u64 {
        self.inner.member.get()
    }
    /// The audience derived from the address (e.g. `"interieur"`), or `None`.
    #[getter]
    fn audience(&self) -> Option<&str> {
        self.inner.audience.as_deref()
    }
    /// How the registrant asked to attend: `"on_site"`, `"remote"`, `"on_site_or_remote"`.
    #[getter]
    fn mode(&self) -> &'static str {
        self.inner.mode.kind()
    }
    /// `"confirmed"`, `"waitlisted"`, `"pending"` (a moderated event's
    /// request awaiting approval), `"offered"` (a freed seat held until
    /// `offer_expires_at`) or `"cancelled"`.
    #[getter]
    fn status(&self) -> &'static str {
        self.inner.status.kind()
    }
    /// `"on_site"`, `"remote"` or `None`.
    #[getter]
    fn seat(&self) -> Option<&'static str> {
        self.inner.seat.map(|s| s.kind())
    }
    #[getter]
    fn waiting_for_seat(&self) -> bool {
        self.inner.waiting_for_seat
    }
    #[getter]
    fn requested_at(&self) -> DateTime<Utc> {
        self.inner.requested_at
    }
    #[getter]
    fn confirmed_at(&self) -> Option<DateTime<Utc>> {
        self.inner.confirmed_at
    }
    #[getter]
    fn promoted_at(&self) -> Option<DateTime<Utc>> {
        self.inner.promoted_at
    }
    #[getter]
    fn cancelled_at(&self) -> Option<DateTime<Utc>> {
        self.inner.cancelled_at
    }
    #[getter]
    fn checked_in_at(&self) -> Option<DateTime<Utc>> {
        self.inner.checked_in_at
    }
    /// When a freed seat was offered to it, or `None`.
    #[getter]
    fn offered_at(&self) -> Option<DateTime<Utc>> {
        self.inner.offered_at
    }
    /// When the offer expires (or expired), or `None`.
    #[getter]
    fn offer_expires_at(&self) -> Option<DateTime<Utc>> {
        self.inner.offer_expires_at
    }
    /// The person's cancellation token (`"<id>-<32 hex digits>"`, for the
    /// link of a confirmation mail; `Community.cancel_by_token` takes it),
    /// or `None` for a registration made before tokens existed. Not in the
    /// `repr`.
    #[getter]
    fn cancel_token(&self) -> Option<String> {
        self.inner.cancel_token().map(|t| t.as_str().to_owned())
    }
    /// True when `register` found the live registration the person already had.
    #[getter]
    fn already_registered(&self) -> bool {
        self.already_registered
    }
    /// Not cancelled (confirmed, waiting, pending or offered).
    #[getter]
    fn is_live(&self) -> bool {
        self.inner.is_live()
    }
    /// Confirmed with a seat in the room.
    #[getter]
    fn holds_seat(&self) -> bool {
        self.inner.holds_seat()
    }

    /// Why an organiser rejected the request (a moderated event), as they
    /// wrote it; `None` unless rejected.
    #[getter]
    fn rejection(&self) -> Option<&str> {
        self.inner.rejection.as_deref()
    }

    /// What the person is told of the rejection, with the organiser's
    /// reason, in `language` (`"fr"` or `"en"`; default: the module's);
    /// `None` unless rejected.
    #[pyo3(signature = (language=None))]
    fn rejection_message(&self, language: Option<&Bound<'_, PyAny>>) -> PyResult<Option<String>> {
        Ok(self
            .inner
            .rejection_message(super::watch::pick_lang(language)?))
    }

    /// `"pending"`, `"attended"`, `"no_show"` or `"not_applicable"`, given
    /// whether the event was held.
    fn attendance(&self, event_held: bool) -> &'static str {
        self.inner.attendance(event_held).kind()
    }

    #[classmethod]
    #[pyo3(signature = (text, already_registered=false))]
    fn _from_json(
        cls: &Bound<'_, PyType>,
        text: &Bound<'_, PyAny>,
        already_registered: bool,
    ) -> PyResult<Self> {
        Ok(PyRegistration {
            inner: from_json(cls.py(), text)?,
            already_registered,
        })
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let me = slf.get();
        let json = to_json(&me.inner)?;
        reduce(
            slf.get_type(),
            vec![
                json.into_pyobject(py)?.into_any(),
                pyo3::types::PyBool::new(py, me.already_registered)
                    .to_owned()
                    .into_any(),
            ],
        )
    }

    fn __repr__(&self) -> String {
        let r = &self.inner;
        format!(
            "<cimi.Registration {} event={} member={} {}{}>",
            r.id,
            r.event,
            r.member,
            r.status.kind(),
            r.seat.map(|s| format!(" {}", s.kind())).unwrap_or_default()
        )
    }
}

// ----- Cancellation -----------------------------------------------------------

/// The answer to `Community.cancel`: the cancelled registration and the
/// registrations promoted to a seat because of it, in order.
#[pyclass(module = "cimi", name = "Cancellation", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyCancellation {
    pub registration: PyRegistration,
    pub promoted: Vec<u64>,
}

#[pymethods]
impl PyCancellation {
    #[getter]
    fn registration(&self) -> PyRegistration {
        self.registration.clone()
    }
    #[getter]
    fn promoted(&self) -> Vec<u64> {
        self.promoted.clone()
    }

    #[classmethod]
    fn _from_json(
        cls: &Bound<'_, PyType>,
        text: &Bound<'_, PyAny>,
        promoted: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let promoted = crate::convert::items(promoted, "promoted", "ids", |id| {
            crate::convert::unsigned(id, "promoted")
        })?;
        Ok(PyCancellation {
            registration: PyRegistration::new(from_json(cls.py(), text)?),
            promoted,
        })
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let me = slf.get();
        let json = to_json(&me.registration.inner)?;
        reduce(
            slf.get_type(),
            vec![
                json.into_pyobject(py)?.into_any(),
                me.promoted.clone().into_pyobject(py)?.into_any(),
            ],
        )
    }

    fn __repr__(&self) -> String {
        format!(
            "<cimi.Cancellation {} promoted={:?}>",
            self.registration.inner.id, self.promoted
        )
    }
}
