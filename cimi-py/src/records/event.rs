//! `cimi.Event`: a snapshot of an event (core: `cimi_core::event`).

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple, PyType};

use cimi_core::event::Event;

use super::{from_json, reduce, to_json};
use crate::convert::to_plain;
use crate::time::at_or_now;

/// An event (a snapshot).
#[pyclass(module = "cimi", name = "Event", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyEvent {
    pub inner: Event,
}

#[pymethods]
impl PyEvent {
    #[getter]
    fn id(&self) -> u64 {
        self.inner.id.get()
    }
    /// `"miditech"`, `"workshop"`, `"conference"` or `"meeting"`.
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.kind.kind()
    }
    #[getter]
    fn title(&self) -> &str {
        &self.inner.title
    }
    #[getter]
    fn starts_at(&self) -> DateTime<Utc> {
        self.inner.schedule.starts_at
    }
    #[getter]
    fn ends_at(&self) -> DateTime<Utc> {
        self.inner.schedule.ends_at
    }
    /// `{"name": ..., "address": ...}` or `None`.
    #[getter]
    fn venue<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_plain(py, &self.inner.venue)
    }
    /// `{"url": ..., "capacity": int | None}` or `None`.
    #[getter]
    fn remote<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_plain(py, &self.inner.remote)
    }
    #[getter]
    fn capacity(&self) -> u32 {
        self.inner.capacity
    }
    #[getter]
    fn quotas(&self) -> BTreeMap<String, u32> {
        self.inner.quotas.clone()
    }
    #[getter]
    fn registration_opens_at(&self) -> Option<DateTime<Utc>> {
        self.inner.registration_opens_at
    }
    #[getter]
    fn registration_closes_at(&self) -> Option<DateTime<Utc>> {
        self.inner.registration_closes_at
    }
    /// When registration closes: the explicit close, else the start.
    #[getter]
    fn registration_deadline(&self) -> DateTime<Utc> {
        self.inner.registration_deadline()
    }
    #[getter]
    fn waitlist(&self) -> bool {
        self.inner.waitlist
    }
    /// Ordered items: dicts with `kind`, `title` and `speakers` (dicts with
    /// `name`, `title`, `organisation`, `recording_consent`).
    #[getter]
    fn program<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_plain(py, &self.inner.program)
    }
    /// `"draft"`, `"open"`, `"closed"`, `"held"`, `"reported"` or `"cancelled"`.
    #[getter]
    fn state(&self) -> &'static str {
        self.inner.state.kind()
    }
    #[getter]
    fn created_at(&self) -> DateTime<Utc> {
        self.inner.created_at
    }
    /// The compte-rendu: `{"summary", "resources", "published_at"}` or `None`.
    #[getter]
    fn report<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(report) = &self.inner.report else {
            return Ok(None);
        };
        let d = PyDict::new(py);
        d.set_item("summary", &report.summary)?;
        d.set_item("resources", to_plain(py, &report.resources)?)?;
        d.set_item("published_at", report.published_at)?;
        Ok(Some(d))
    }
    /// Recording is allowed only when there is a speaker and every speaker consented.
    #[getter]
    fn recording_allowed(&self) -> bool {
        self.inner.recording_allowed()
    }

    /// How many times what a calendar entry shows changed since the event
    /// was scheduled (time, title, venue, video link, program,
    /// cancellation): the iCalendar `SEQUENCE` of its exports.
    #[getter]
    fn revision(&self) -> u32 {
        self.inner.revision
    }
    /// Whether each request waits (status `"pending"`) for an organiser's
    /// approval.
    #[getter]
    fn moderated(&self) -> bool {
        self.inner.moderated
    }
    /// Who the event admits besides or instead of the statutes' policy:
    /// `{"allowed": [patterns], "audiences": [ids], "replaces_policy": bool}`
    /// (empty lists: no rule of its own).
    #[getter]
    fn admission<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let a = &self.inner.admission;
        let d = PyDict::new(py);
        let allowed: Vec<&str> = a.allowed.iter().map(|p| p.as_str()).collect();
        d.set_item("allowed", allowed)?;
        d.set_item("audiences", &a.audiences)?;
        d.set_item("replaces_policy", a.replaces_policy)?;
        Ok(d)
    }

    /// How long an offer of a freed seat holds it (a `timedelta`), or `None`
    /// when a freed seat goes to the next in the waiting list at once.
    #[getter]
    fn waitlist_offer(&self) -> Option<TimeDelta> {
        self.inner.waitlist_offers.map(|o| o.hold())
    }
    /// How long before the start offers stop (a `timedelta`; zero: at the
    /// start), or `None` when the event makes no offers.
    #[getter]
    fn offer_cutoff(&self) -> Option<TimeDelta> {
        self.inner.waitlist_offers.map(|o| o.cutoff())
    }
    /// The deadline of self-service cancellation as scheduled, or `None` (the
    /// start).
    #[getter]
    fn cancellation_closes_at(&self) -> Option<DateTime<Utc>> {
        self.inner.cancellation_closes_at
    }
    /// Until when a registrant may cancel with their cancellation token: the
    /// explicit deadline, else the start.
    #[getter]
    fn cancellation_deadline(&self) -> DateTime<Utc> {
        self.inner.self_cancellation_deadline()
    }
    /// When check-in is possible: `(opens, closes)`, a day before the start
    /// to a day after the end, both included.
    #[getter]
    fn check_in_window(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        self.inner.check_in_window()
    }
    /// When an offer made at `at` (default: now) would expire, or `None`
    /// when the event makes no offers or its offer window has closed.
    #[pyo3(signature = (at=None))]
    fn offer_deadline(&self, at: Option<&Bound<'_, PyAny>>) -> PyResult<Option<DateTime<Utc>>> {
        Ok(self.inner.offer_deadline(at_or_now(at)?))
    }

    /// Whether a request arriving at `at` (default: now) is inside the state and window.
    #[pyo3(signature = (at=None))]
    fn accepts_registrations_at(&self, at: Option<&Bound<'_, PyAny>>) -> PyResult<bool> {
        Ok(self.inner.accepts_registrations_at(at_or_now(at)?))
    }

    #[classmethod]
    fn _from_json(cls: &Bound<'_, PyType>, text: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PyEvent {
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
            "<cimi.Event {} {} {:?} {} {}>",
            self.inner.id,
            self.inner.kind.kind(),
            self.inner.title,
            self.inner
                .schedule
                .starts_paris()
                .format("%Y-%m-%d %H:%M %Z"),
            self.inner.state.kind()
        )
    }
}
