//! Read-only snapshots of the core's records: `Member`, `Event`,
//! `Registration`, `Cancellation`, `Violation`, `HelpRequest`, `WatchItem`,
//! `Digest`. Each holds a copy of the core
//! value taken when it was returned; the community itself is changed only
//! through `Community` methods. They compare by value, pickle (through the
//! core's serde form) and show no personal data in their `repr`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple, PyType};
use serde::Serialize;
use serde::de::DeserializeOwned;

use cimi_core::Lang;
use cimi_core::error::FormatError;
use cimi_core::event::{Event, EventKind, EventState};
use cimi_core::help::HelpRequest;
use cimi_core::ids::EventId;
use cimi_core::member::{ConsentKind, Member};
use cimi_core::registration::Registration;
use cimi_core::statutes::Violation;
use cimi_core::watch::{Channel, Digest, UpcomingEvent, WatchItem};

use crate::convert::{text, to_plain};
use crate::errors::{invalid_argument, lang};
use crate::time::at_or_now;

fn to_json<T: Serialize>(value: &T) -> PyResult<String> {
    serde_json::to_string(value)
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))
}

fn from_json<T: DeserializeOwned>(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<T> {
    serde_json::from_str(&crate::convert::text(text, "text")?)
        .map_err(|e| crate::errors::core_err(py, &FormatError::Syntax(e.to_string()).into()))
}

/// `(cls._from_json, (json, extra...))`, for `__reduce__`.
fn reduce<'py>(
    cls: Bound<'py, PyType>,
    args: Vec<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTuple>> {
    let py = cls.py();
    let ctor = cls.getattr("_from_json")?;
    PyTuple::new(py, [ctor, PyTuple::new(py, args)?.into_any()])
}

/// Whether the event took place (held, or held and reported).
pub fn was_held(state: EventState) -> bool {
    matches!(state, EventState::Held | EventState::Reported)
}

// ----- Member -----------------------------------------------------------------

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

// ----- Event ------------------------------------------------------------------

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

// ----- Registration -----------------------------------------------------------

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
    /// `"confirmed"`, `"waitlisted"` or `"cancelled"`.
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
    /// True when `register` found the live registration the person already had.
    #[getter]
    fn already_registered(&self) -> bool {
        self.already_registered
    }
    /// Confirmed or waiting (not cancelled).
    #[getter]
    fn is_live(&self) -> bool {
        self.inner.is_live()
    }
    /// Confirmed with a seat in the room.
    #[getter]
    fn holds_seat(&self) -> bool {
        self.inner.holds_seat()
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

// ----- Violation --------------------------------------------------------------

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

// ----- HelpRequest ------------------------------------------------------------

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

// ----- WatchItem --------------------------------------------------------------

/// A shared technology-watch item (veille), a snapshot.
#[pyclass(module = "cimi", name = "WatchItem", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyWatchItem {
    pub inner: WatchItem,
}

#[pymethods]
impl PyWatchItem {
    #[getter]
    fn id(&self) -> u64 {
        self.inner.id.get()
    }
    #[getter]
    fn title(&self) -> &str {
        &self.inner.title
    }
    #[getter]
    fn link(&self) -> &str {
        &self.inner.link
    }
    #[getter]
    fn summary(&self) -> &str {
        &self.inner.summary
    }
    #[getter]
    fn tags(&self) -> Vec<String> {
        self.inner.tags.iter().cloned().collect()
    }
    /// `"internal"` (the ministry's own projects) or `"external"`.
    #[getter]
    fn scope(&self) -> &'static str {
        self.inner.scope.kind()
    }
    /// The member who shared it.
    #[getter]
    fn shared_by(&self) -> u64 {
        self.inner.shared_by.get()
    }
    #[getter]
    fn shared_at(&self) -> DateTime<Utc> {
        self.inner.shared_at
    }
    #[getter]
    fn event_id(&self) -> Option<u64> {
        self.inner.event.map(|e| e.get())
    }
    #[getter]
    fn help_request_id(&self) -> Option<u64> {
        self.inner.help_request.map(|h| h.get())
    }
    /// The channels it was published on, with when: `[(channel id, datetime)]`.
    #[getter]
    fn published(&self) -> Vec<(String, DateTime<Utc>)> {
        self.inner.published.clone()
    }

    #[classmethod]
    fn _from_json(cls: &Bound<'_, PyType>, text: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PyWatchItem {
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
            "<cimi.WatchItem {} {} {:?}>",
            self.inner.id,
            self.inner.scope.kind(),
            self.inner.title
        )
    }
}

// ----- Digest -----------------------------------------------------------------

/// The parts of an upcoming event of a digest, for pickling (the core's
/// `UpcomingEvent` is only serialised).
#[derive(serde::Serialize, serde::Deserialize)]
struct UpcomingState {
    id: EventId,
    title: String,
    kind: EventKind,
    starts_at: DateTime<Utc>,
    venue: Option<String>,
}

/// A digest of the technology watch for one channel and period: the items it
/// may carry grouped by tag, and the events open for registration.
#[pyclass(module = "cimi", name = "Digest", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyDigest {
    pub inner: Digest,
}

fn pick_lang(language: Option<&Bound<'_, PyAny>>) -> PyResult<Lang> {
    match language {
        Some(l) if !l.is_none() => {
            let code = text(l, "language")?;
            code.parse().map_err(|_| {
                crate::errors::invalid_input(
                    l.py(),
                    "unknown_language",
                    "unsupported language (expected 'fr' or 'en')".into(),
                    "langue non prise en charge (attendu : 'fr' ou 'en')".into(),
                )
            })
        }
        _ => Ok(lang()),
    }
}

#[pymethods]
impl PyDigest {
    /// The channel: a dict with `id`, `kind`, `name`, `visibility`.
    #[getter]
    fn channel<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_plain(py, &self.inner.channel)
    }
    /// Start of the period (included).
    #[getter]
    fn start(&self) -> DateTime<Utc> {
        self.inner.from
    }
    /// End of the period (excluded).
    #[getter]
    fn end(&self) -> DateTime<Utc> {
        self.inner.to
    }
    /// `[(tag, [WatchItem, ...])]`, tags sorted; untagged items under `""`.
    #[getter]
    fn groups(&self) -> Vec<(String, Vec<PyWatchItem>)> {
        self.inner
            .groups
            .iter()
            .map(|(tag, items)| {
                let items = items.iter().map(|w| PyWatchItem { inner: w.clone() });
                (tag.clone(), items.collect())
            })
            .collect()
    }
    /// Events open for registration: dicts with `id`, `title`, `kind`,
    /// `starts_at`, `venue`.
    #[getter]
    fn upcoming<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.inner
            .upcoming
            .iter()
            .map(|e| {
                let d = PyDict::new(py);
                d.set_item("id", e.id.get())?;
                d.set_item("title", &e.title)?;
                d.set_item("kind", e.kind.kind())?;
                d.set_item("starts_at", e.starts_at)?;
                d.set_item("venue", &e.venue)?;
                Ok(d)
            })
            .collect()
    }

    /// The digest as plain text, in `language` (default: the module's).
    #[pyo3(signature = (language=None))]
    fn to_text(&self, language: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
        Ok(self.inner.to_text(pick_lang(language)?))
    }

    /// The digest as Markdown, in `language` (default: the module's).
    #[pyo3(signature = (language=None))]
    fn to_markdown(&self, language: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
        Ok(self.inner.to_markdown(pick_lang(language)?))
    }

    #[classmethod]
    fn _from_json(cls: &Bound<'_, PyType>, text: &Bound<'_, PyAny>) -> PyResult<Self> {
        type State = (
            Channel,
            DateTime<Utc>,
            DateTime<Utc>,
            Vec<(String, Vec<WatchItem>)>,
            Vec<UpcomingState>,
        );
        let (channel, from, to, groups, upcoming): State = from_json(cls.py(), text)?;
        let upcoming = upcoming
            .into_iter()
            .map(|u| UpcomingEvent {
                id: u.id,
                title: u.title,
                kind: u.kind,
                starts_at: u.starts_at,
                venue: u.venue,
            })
            .collect();
        Ok(PyDigest {
            inner: Digest {
                channel,
                from,
                to,
                groups,
                upcoming,
            },
        })
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let d = &slf.get().inner;
        let json = to_json(&(&d.channel, d.from, d.to, &d.groups, &d.upcoming))?;
        reduce(
            slf.get_type(),
            vec![json.into_pyobject(slf.py())?.into_any()],
        )
    }

    fn __repr__(&self) -> String {
        format!(
            "<cimi.Digest {} {} → {}: {} tags, {} upcoming events>",
            self.inner.channel.id,
            self.inner.from.format("%Y-%m-%d"),
            self.inner.to.format("%Y-%m-%d"),
            self.inner.groups.len(),
            self.inner.upcoming.len()
        )
    }
}
