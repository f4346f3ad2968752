//! `cimi.Community`: the core `Community` behind a lock.
//!
//! The core type has no interior mutability; this wrapper holds it in a
//! [`Shared`] (a read-write lock, see `lock.rs`) so that one Python object can
//! be shared between threads. Every method converts its Python arguments
//! first, then runs the core operation with the lock held and no Python code
//! involved, then builds the Python result after the lock is released. A
//! thread that has to wait for the lock lets go of the GIL meanwhile.
//! `register_many`, `to_json` and `from_json` run with the GIL released
//! (`py.detach`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

use cimi_core::change::Change;
use cimi_core::community::{MemberProfile, RegistrationOutcome};
use cimi_core::error::{Entity, FormatError};
use cimi_core::event::{
    EventKind, EventSpec, ProgramItem, RemoteBroadcast, Resource, Schedule, Venue,
};
use cimi_core::help::{Suggestion, Visibility};
use cimi_core::interop::{csv, ical, mail};
use cimi_core::member::{Affiliation, Member};
use cimi_core::statutes::Statutes;
use cimi_core::watch::{NewWatchItem, Scope};
use cimi_core::{Community, Error};

use crate::convert::{
    count, flag, from_plain, mapping_items, opt_count, opt_text, text, text_or_empty, texts,
    to_plain,
};
use crate::errors::{OrRaise, core_err, core_exception, invalid_argument, poisoned};
use crate::interop;
use crate::lock::{Denied, Direct, Shared, Wait};
use crate::records::{
    PyCancellation, PyDigest, PyEvent, PyHelpRequest, PyMember, PyRegistration, PyViolation,
    PyWatchItem, consent_kind,
};
use crate::requests::{self, Batch, KindStrings};
use crate::statutes::PyStatutes;
use crate::tables;
use crate::time::{at_or_now, opt_to_utc, to_utc};

/// A community: statutes, members, events and the registration engine.
///
/// Safe to share between threads. Times are timezone-aware `datetime`s; `at`
/// arguments default to now.
#[pyclass(module = "cimi", name = "Community", frozen)]
pub struct PyCommunity {
    /// Closed when the community was lent to a `Store.execute` operation
    /// that is over.
    inner: Shared<Community>,
}

/// Waiting for the lock with the GIL released.
struct Detach<'py>(Python<'py>);

impl Wait for Detach<'_> {
    fn blocking<R: Send, F: FnOnce() -> R + Send>(self, f: F) -> R {
        self.0.detach(f)
    }
}

/// Profile arguments; `None` keeps the current value (`update_profile`) or
/// leaves the field empty (`add_member`).
struct ProfileArgs {
    family_name: Option<String>,
    given_name: Option<String>,
    service: Option<String>,
    grade: Option<String>,
    function: Option<String>,
    corps: Option<String>,
    affiliation: Option<Vec<String>>,
    skills: Option<Vec<String>>,
    interests: Option<Vec<String>>,
}

impl ProfileArgs {
    #[allow(clippy::too_many_arguments)]
    fn new(
        family_name: Option<&Bound<'_, PyAny>>,
        given_name: Option<&Bound<'_, PyAny>>,
        service: Option<&Bound<'_, PyAny>>,
        grade: Option<&Bound<'_, PyAny>>,
        function: Option<&Bound<'_, PyAny>>,
        corps: Option<&Bound<'_, PyAny>>,
        affiliation: Option<&Bound<'_, PyAny>>,
        skills: Option<&Bound<'_, PyAny>>,
        interests: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let list = |v: Option<&Bound<'_, PyAny>>, field: &str| match v {
            Some(v) if !v.is_none() => texts(v, field).map(Some),
            _ => Ok(None),
        };
        Ok(ProfileArgs {
            family_name: opt_text(family_name, "family_name")?,
            given_name: opt_text(given_name, "given_name")?,
            service: opt_text(service, "service")?,
            grade: opt_text(grade, "grade")?,
            function: opt_text(function, "function")?,
            corps: opt_text(corps, "corps")?,
            affiliation: list(affiliation, "affiliation")?,
            skills: list(skills, "skills")?,
            interests: list(interests, "interests")?,
        })
    }

    fn over(self, base: MemberProfile) -> MemberProfile {
        MemberProfile {
            family_name: self.family_name.unwrap_or(base.family_name),
            given_name: self.given_name.unwrap_or(base.given_name),
            service: self.service.unwrap_or(base.service),
            grade: self.grade.unwrap_or(base.grade),
            function: self.function.unwrap_or(base.function),
            corps: self.corps.or(base.corps),
            affiliation: self
                .affiliation
                .map(Affiliation::new)
                .unwrap_or(base.affiliation),
            skills: self
                .skills
                .map(|s| s.into_iter().collect())
                .unwrap_or(base.skills),
            interests: self
                .interests
                .map(|s| s.into_iter().collect())
                .unwrap_or(base.interests),
        }
    }
}

fn profile_of(m: &Member) -> MemberProfile {
    MemberProfile {
        family_name: m.family_name.to_string(),
        given_name: m.given_name.to_string(),
        service: m.service.to_string(),
        grade: m.grade.to_string(),
        function: m.function.to_string(),
        corps: m.corps().map(|c| c.as_str()).map(str::to_owned),
        affiliation: m.affiliation.clone(),
        skills: m.skills.iter().map(|s| s.to_string()).collect(),
        interests: m.interests().iter().map(|s| s.to_string()).collect(),
    }
}

fn event_kind(value: &Bound<'_, PyAny>) -> PyResult<EventKind> {
    text(value, "kind")?.parse::<EventKind>().map_err(|_| {
        let known = EventKind::ALL.map(EventKind::kind).join(", ");
        invalid_argument(
            value.py(),
            "kind",
            format!("unknown event kind (expected one of {known})"),
            format!("type d'événement inconnu (attendu : {known})"),
        )
    })
}

fn quotas(value: Option<&Bound<'_, PyAny>>) -> PyResult<BTreeMap<String, u32>> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(BTreeMap::new());
    };
    mapping_items(value, "quotas")?
        .into_iter()
        .map(|(k, v)| Ok((text(&k, "quotas")?, count(&v, "quotas")?)))
        .collect()
}

fn venue(value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Venue>> {
    match value {
        Some(v) if !v.is_none() => from_plain(v, "venue").map(Some),
        _ => Ok(None),
    }
}

/// A broadcast: a URL (unlimited places) or `{"url": ..., "capacity": ...}`.
fn remote(value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<RemoteBroadcast>> {
    match value {
        Some(v) if v.is_instance_of::<PyString>() => Ok(Some(RemoteBroadcast {
            url: text(v, "remote")?,
            capacity: None,
        })),
        Some(v) if !v.is_none() => from_plain(v, "remote").map(Some),
        _ => Ok(None),
    }
}

fn program(value: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<ProgramItem>> {
    match value {
        Some(v) if !v.is_none() => from_plain(v, "program"),
        _ => Ok(Vec::new()),
    }
}

fn not_found(entity: Entity, id: u64) -> Error {
    Error::NotFound { entity, id }
}

fn ids<I: IntoIterator<Item = cimi_core::ids::RegistrationId>>(ids: I) -> Vec<u64> {
    ids.into_iter().map(|id| id.get()).collect()
}

/// The outcomes of a batch, as `register_many` returns them.
enum Judged {
    /// Each outcome's kind (status or refusal), or the first error that is
    /// not a refusal.
    Kinds(Result<Vec<&'static str>, Error>),
    /// The outcomes themselves (`detailed=True`).
    Detailed(Vec<Result<RegistrationOutcome, Error>>),
}

/// The kind of an outcome: the registration's status or the refusal's kind;
/// any other error is kept to be raised.
fn outcome_kind(result: Result<RegistrationOutcome, Error>) -> Result<&'static str, Error> {
    match result {
        Ok(outcome) => Ok(outcome.registration.status.kind()),
        Err(Error::Refused(refusal)) => Ok(refusal.kind()),
        Err(e) => Err(e),
    }
}

fn registration_result(outcome: RegistrationOutcome) -> PyRegistration {
    PyRegistration {
        inner: outcome.registration,
        already_registered: outcome.already_registered,
    }
}

impl PyCommunity {
    fn wrap(community: Community) -> Self {
        PyCommunity {
            inner: Shared::new(community),
        }
    }

    /// Runs `f` on the community for reading. Reads go on after a panic in an
    /// earlier write (there is nothing better to show).
    fn read<R: Send>(&self, py: Python<'_>, f: impl FnOnce(&Community) -> R + Send) -> PyResult<R> {
        self.inner
            .read(Detach(py), f)
            .map_err(|denied| refused(py, denied))
    }

    /// Runs `f` on the community for writing.
    fn write<R: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut Community) -> R + Send,
    ) -> PyResult<R> {
        self.inner
            .write(Detach(py), f)
            .map_err(|denied| refused(py, denied))
    }

    /// Refuses the handle a `Store.execute` operation was given, once the
    /// operation is over (checked again with the lock held).
    fn check_open(&self, py: Python<'_>) -> PyResult<()> {
        if self.inner.is_closed() {
            return Err(refused(py, Denied::Closed));
        }
        Ok(())
    }

    /// A community to lend to a `Store.execute` operation (see [`Self::swap`]).
    pub(crate) fn placeholder() -> Self {
        Self::wrap(Community::cimi())
    }

    /// Swaps the wrapped community with `other`; `close` marks the handle as
    /// over (every later use raises `cimi.InvalidState`).
    pub(crate) fn swap(&self, py: Python<'_>, other: &mut Community, close: bool) {
        self.inner.swap(Detach(py), other, close);
    }

    /// Wraps a community (for `Store.community`).
    pub(crate) fn from_core(community: Community) -> Self {
        Self::wrap(community)
    }

    /// Runs a fallible core operation for writing and raises its error.
    fn apply<R: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut Community) -> Result<R, Error> + Send,
    ) -> PyResult<R> {
        self.write(py, f)?.or_raise(py)
    }

    /// A copy of the wrapped community.
    pub(crate) fn snapshot(&self, py: Python<'_>) -> PyResult<Community> {
        self.read(py, Community::clone)
    }
}

#[pymethods]
impl PyCommunity {
    /// An empty community under these statutes (default: the CIMI preset).
    #[new]
    #[pyo3(signature = (statutes=None))]
    fn py_new(py: Python<'_>, statutes: Option<&PyStatutes>) -> PyResult<Self> {
        let statutes = statutes.map_or_else(Statutes::cimi, |s| s.inner.clone());
        Community::new(statutes).or_raise(py).map(Self::wrap)
    }

    /// An empty community under the CIMI statutes and their default policy.
    #[staticmethod]
    fn cimi() -> Self {
        Self::wrap(Community::cimi())
    }

    /// An empty community under statutes read from a JSON file.
    #[staticmethod]
    fn from_statutes_file(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<Self> {
        let path = crate::convert::path(path, "path")?;
        let statutes = py.detach(|| Statutes::from_path(&path)).or_raise(py)?;
        Community::new(statutes).or_raise(py).map(Self::wrap)
    }

    /// Loads a document written by `to_json`; an inconsistent document is
    /// refused (`cimi.FormatError`) and nothing is half-loaded.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = crate::convert::text(text, "text")?;
        py.detach(|| Community::from_json(&text))
            .or_raise(py)
            .map(Self::wrap)
    }

    /// The whole state as a versioned JSON document.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        py.detach(|| self.inner.read(Direct, Community::to_json))
            .map_err(|denied| refused(py, denied))
    }

    /// An independent copy (for what-if scenarios).
    fn copy(&self, py: Python<'_>) -> PyResult<Self> {
        Ok(Self::wrap(self.snapshot(py)?))
    }

    fn __copy__(&self, py: Python<'_>) -> PyResult<Self> {
        self.copy(py)
    }

    fn __deepcopy__(&self, py: Python<'_>, _memo: &Bound<'_, PyAny>) -> PyResult<Self> {
        self.copy(py)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let json = slf.get().to_json(py)?;
        let ctor = slf.get_type().getattr("from_json")?;
        PyTuple::new(py, [ctor, PyTuple::new(py, [json])?.into_any()])
    }

    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        let Ok(other) = other.cast::<PyCommunity>() else {
            return Ok(false);
        };
        if std::ptr::eq(self, other.get()) {
            return Ok(true);
        }
        let mine = self.snapshot(py)?;
        other.get().read(py, |theirs| mine == *theirs)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        self.read(py, |c| {
            format!(
                "<cimi.Community {:?}: {} members, {} events, {} registrations>",
                c.statutes().name,
                c.members().count(),
                c.events().count(),
                c.all_registrations().count()
            )
        })
    }

    // ----- statutes ---------------------------------------------------------------

    /// The statutes in force.
    #[getter]
    fn statutes(&self, py: Python<'_>) -> PyResult<PyStatutes> {
        Ok(PyStatutes {
            inner: self.read(py, |c| c.statutes().clone())?,
        })
    }

    /// Replaces the statutes; existing registrations are kept as they are.
    #[pyo3(signature = (statutes, at=None))]
    fn replace_statutes(
        &self,
        py: Python<'_>,
        statutes: &PyStatutes,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let at = at_or_now(at)?;
        let statutes = statutes.inner.clone();
        self.apply(py, |c| c.replace_statutes(statutes, at))
    }

    /// Every rule of the statutes that the current bureau breaks, at `at`.
    #[pyo3(signature = (at=None))]
    fn check_statutes(
        &self,
        py: Python<'_>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<PyViolation>> {
        let at = at_or_now(at)?;
        self.read(py, |c| {
            c.check_statutes(at)
                .into_iter()
                .map(|inner| PyViolation { inner })
                .collect()
        })
    }

    // ----- recording and replay -----------------------------------------------------

    /// Starts or stops keeping the changes made, for `drain_changes`.
    fn set_recording(&self, py: Python<'_>, on: bool) -> PyResult<()> {
        self.write(py, |c| c.set_recording(on))
    }

    /// The changes recorded since the last call, each as a JSON text (one
    /// line of a journal).
    fn drain_changes(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        let changes = self.write(py, Community::drain_changes)?;
        changes
            .iter()
            .map(|ch| {
                serde_json::to_string(ch)
                    .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))
            })
            .collect()
    }

    /// Applies a recorded change (a JSON text from `drain_changes`).
    fn apply_change(&self, py: Python<'_>, change: &Bound<'_, PyAny>) -> PyResult<()> {
        let change: Change = serde_json::from_str(&text(change, "change")?)
            .map_err(|e| core_err(py, &FormatError::Syntax(e.to_string()).into()))?;
        self.apply(py, |c| c.apply(change))
    }

    /// `None` when every invariant of the registration engine holds, else a
    /// description of the first broken one.
    fn check_invariants(&self, py: Python<'_>) -> PyResult<Option<String>> {
        self.read(py, |c| c.check_invariants().err())
    }

    // ----- members ----------------------------------------------------------------

    /// Adds a member to the directory; returns the member id.
    #[pyo3(signature = (email, *, family_name=None, given_name=None, service=None, grade=None,
                        function=None, corps=None, affiliation=None, skills=None, interests=None,
                        at=None))]
    #[allow(clippy::too_many_arguments)]
    fn add_member(
        &self,
        py: Python<'_>,
        email: &Bound<'_, PyAny>,
        family_name: Option<&Bound<'_, PyAny>>,
        given_name: Option<&Bound<'_, PyAny>>,
        service: Option<&Bound<'_, PyAny>>,
        grade: Option<&Bound<'_, PyAny>>,
        function: Option<&Bound<'_, PyAny>>,
        corps: Option<&Bound<'_, PyAny>>,
        affiliation: Option<&Bound<'_, PyAny>>,
        skills: Option<&Bound<'_, PyAny>>,
        interests: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<u64> {
        let email = text(email, "email")?;
        let profile = ProfileArgs::new(
            family_name,
            given_name,
            service,
            grade,
            function,
            corps,
            affiliation,
            skills,
            interests,
        )?
        .over(MemberProfile::default());
        let at = at_or_now(at)?;
        self.apply(py, |c| c.add_member(&email, profile, at))
            .map(|id| id.get())
    }

    /// Changes a member's profile; arguments left to `None` keep their value.
    #[pyo3(signature = (member_id, *, family_name=None, given_name=None, service=None, grade=None,
                        function=None, corps=None, affiliation=None, skills=None, interests=None,
                        at=None))]
    #[allow(clippy::too_many_arguments)]
    fn update_profile(
        &self,
        py: Python<'_>,
        member_id: &Bound<'_, PyAny>,
        family_name: Option<&Bound<'_, PyAny>>,
        given_name: Option<&Bound<'_, PyAny>>,
        service: Option<&Bound<'_, PyAny>>,
        grade: Option<&Bound<'_, PyAny>>,
        function: Option<&Bound<'_, PyAny>>,
        corps: Option<&Bound<'_, PyAny>>,
        affiliation: Option<&Bound<'_, PyAny>>,
        skills: Option<&Bound<'_, PyAny>>,
        interests: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let id = crate::convert::member_id(member_id)?;
        let args = ProfileArgs::new(
            family_name,
            given_name,
            service,
            grade,
            function,
            corps,
            affiliation,
            skills,
            interests,
        )?;
        let at = at_or_now(at)?;
        self.apply(py, |c| {
            let base = c
                .member(id)
                .map(profile_of)
                .ok_or_else(|| not_found(Entity::Member, id.get()))?;
            c.update_profile(id, args.over(base), at)
        })
    }

    /// Records a consent decision (`"mailing_list"`, `"recording"`,
    /// `"name_publication"`), dated `at`.
    #[pyo3(signature = (member_id, kind, granted, at=None))]
    fn set_consent(
        &self,
        py: Python<'_>,
        member_id: &Bound<'_, PyAny>,
        kind: &Bound<'_, PyAny>,
        granted: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let id = crate::convert::member_id(member_id)?;
        let kind = consent_kind(kind)?;
        let granted = flag(granted, "granted")?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.set_consent(id, kind, granted, at))
    }

    /// Gives a member a bureau responsibility, or removes it with `None`.
    #[pyo3(signature = (member_id, responsibility, at=None))]
    fn set_bureau_role(
        &self,
        py: Python<'_>,
        member_id: &Bound<'_, PyAny>,
        responsibility: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let id = crate::convert::member_id(member_id)?;
        let role = opt_text(responsibility, "responsibility")?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.set_bureau_role(id, role.as_deref(), at))
    }

    /// `"active"`, `"dormant"` or `"erased"` at `at`.
    #[pyo3(signature = (member_id, at=None))]
    fn member_status(
        &self,
        py: Python<'_>,
        member_id: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<&'static str> {
        let id = crate::convert::member_id(member_id)?;
        let at = at_or_now(at)?;
        self.read(py, |c| c.member_status(id, at))?
            .or_raise(py)
            .map(|s| s.kind())
    }

    /// A member by id.
    fn member(&self, py: Python<'_>, member_id: &Bound<'_, PyAny>) -> PyResult<PyMember> {
        let id = crate::convert::member_id(member_id)?;
        self.read(py, |c| c.member(id).cloned())?
            .ok_or_else(|| not_found(Entity::Member, id.get()))
            .or_raise(py)
            .map(|inner| PyMember { inner })
    }

    /// A member by address (compared case-insensitively), or `None`.
    fn member_by_email(
        &self,
        py: Python<'_>,
        email: &Bound<'_, PyAny>,
    ) -> PyResult<Option<PyMember>> {
        let email = text(email, "email")?;
        Ok(self
            .read(py, |c| c.member_by_email(&email).cloned())?
            .map(|inner| PyMember { inner }))
    }

    /// All members, by id.
    fn members(&self, py: Python<'_>) -> PyResult<Vec<PyMember>> {
        Ok(self
            .read(py, |c| c.members().cloned().collect::<Vec<_>>())?
            .into_iter()
            .map(|inner| PyMember { inner })
            .collect())
    }

    /// The members holding a bureau role.
    fn bureau(&self, py: Python<'_>) -> PyResult<Vec<PyMember>> {
        Ok(self
            .read(py, |c| c.bureau().into_iter().cloned().collect::<Vec<_>>())?
            .into_iter()
            .map(|inner| PyMember { inner })
            .collect())
    }

    // ----- events -------------------------------------------------------------------

    /// Schedules an event and returns its id. It accepts registrations at once
    /// (until it starts) unless `draft=True` or a window is given with
    /// `registration_opens` / `registration_closes`.
    ///
    /// `kind`: `"miditech"`, `"workshop"`, `"conference"` or `"meeting"`;
    /// `quotas`: seats per audience id, e.g. `{"interieur": 60}`; `venue`:
    /// `{"name", "address"}`; `remote`: a URL or `{"url", "capacity"}`;
    /// `program`: a list of `{"kind", "title", "speakers"}`.
    #[pyo3(signature = (kind, title, starts_at, ends_at, capacity, *, venue=None, remote=None,
                        quotas=None, registration_opens=None, registration_closes=None,
                        waitlist=true, program=None, draft=false, at=None))]
    #[allow(clippy::too_many_arguments)]
    fn schedule_event(
        &self,
        py: Python<'_>,
        kind: &Bound<'_, PyAny>,
        title: &Bound<'_, PyAny>,
        starts_at: &Bound<'_, PyAny>,
        ends_at: &Bound<'_, PyAny>,
        capacity: &Bound<'_, PyAny>,
        venue: Option<&Bound<'_, PyAny>>,
        remote: Option<&Bound<'_, PyAny>>,
        quotas: Option<&Bound<'_, PyAny>>,
        registration_opens: Option<&Bound<'_, PyAny>>,
        registration_closes: Option<&Bound<'_, PyAny>>,
        waitlist: bool,
        program: Option<&Bound<'_, PyAny>>,
        draft: bool,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<u64> {
        let schedule = Schedule::new(to_utc(starts_at, "starts_at")?, to_utc(ends_at, "ends_at")?)
            .or_raise(py)?;
        let mut spec = EventSpec::new(
            event_kind(kind)?,
            text(title, "title")?,
            schedule,
            count(capacity, "capacity")?,
        );
        spec.venue = self::venue(venue)?;
        spec.remote = self::remote(remote)?;
        spec.quotas = self::quotas(quotas)?;
        spec.registration_opens_at = opt_to_utc(registration_opens, "registration_opens")?;
        spec.registration_closes_at = opt_to_utc(registration_closes, "registration_closes")?;
        spec.waitlist = waitlist;
        spec.program = self::program(program)?;
        spec.draft = draft;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.schedule_event(spec, at))
            .map(|id| id.get())
    }

    /// An event by id.
    fn event(&self, py: Python<'_>, event_id: &Bound<'_, PyAny>) -> PyResult<PyEvent> {
        let id = crate::convert::event_id(event_id)?;
        self.read(py, |c| c.event(id).cloned())?
            .ok_or_else(|| not_found(Entity::Event, id.get()))
            .or_raise(py)
            .map(|inner| PyEvent { inner })
    }

    /// All events, by id.
    fn events(&self, py: Python<'_>) -> PyResult<Vec<PyEvent>> {
        Ok(self
            .read(py, |c| c.events().cloned().collect::<Vec<_>>())?
            .into_iter()
            .map(|inner| PyEvent { inner })
            .collect())
    }

    /// Changes the seat capacity; returns the registrations promoted, in order.
    #[pyo3(signature = (event_id, capacity, at=None))]
    fn set_capacity(
        &self,
        py: Python<'_>,
        event_id: &Bound<'_, PyAny>,
        capacity: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<u64>> {
        let id = crate::convert::event_id(event_id)?;
        let capacity = count(capacity, "capacity")?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.set_capacity(id, capacity, at))
            .map(ids)
    }

    /// Sets (or removes, with `None`) an audience's quota; returns the
    /// registrations promoted, in order.
    #[pyo3(signature = (event_id, audience, quota, at=None))]
    fn set_quota(
        &self,
        py: Python<'_>,
        event_id: &Bound<'_, PyAny>,
        audience: &Bound<'_, PyAny>,
        quota: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<u64>> {
        let id = crate::convert::event_id(event_id)?;
        let audience = text(audience, "audience")?;
        let quota = opt_count(quota, "quota")?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.set_quota(id, &audience, quota, at))
            .map(ids)
    }

    /// Replaces the program (a list of `{"kind", "title", "speakers"}`).
    #[pyo3(signature = (event_id, program, at=None))]
    fn set_program(
        &self,
        py: Python<'_>,
        event_id: &Bound<'_, PyAny>,
        program: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let id = crate::convert::event_id(event_id)?;
        let program = self::program(Some(program))?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.set_program(id, program, at))
    }

    /// Sets (`{"name", "address"}`) or removes (`None`) the venue.
    #[pyo3(signature = (event_id, venue, at=None))]
    fn set_venue(
        &self,
        py: Python<'_>,
        event_id: &Bound<'_, PyAny>,
        venue: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let id = crate::convert::event_id(event_id)?;
        let venue = self::venue(venue)?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.set_venue(id, venue, at))
    }

    /// Sets (a URL or `{"url", "capacity"}`) or removes (`None`) the broadcast.
    #[pyo3(signature = (event_id, remote, at=None))]
    fn set_remote(
        &self,
        py: Python<'_>,
        event_id: &Bound<'_, PyAny>,
        remote: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let id = crate::convert::event_id(event_id)?;
        let remote = self::remote(remote)?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.set_remote(id, remote, at))
    }

    /// Sets the registration window (`None`: open at once / until the start).
    #[pyo3(signature = (event_id, opens=None, closes=None, at=None))]
    fn set_registration_window(
        &self,
        py: Python<'_>,
        event_id: &Bound<'_, PyAny>,
        opens: Option<&Bound<'_, PyAny>>,
        closes: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let id = crate::convert::event_id(event_id)?;
        let opens = opt_to_utc(opens, "opens")?;
        let closes = opt_to_utc(closes, "closes")?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.set_registration_window(id, opens, closes, at))
    }

    /// Opens a draft (or re-opens a closed) event for registration.
    #[pyo3(signature = (event_id, at=None))]
    fn open_registration(
        &self,
        py: Python<'_>,
        event_id: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let id = crate::convert::event_id(event_id)?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.open_registration(id, at))
    }

    /// Closes registration; the waiting list still moves on cancellations.
    #[pyo3(signature = (event_id, at=None))]
    fn close_registration(
        &self,
        py: Python<'_>,
        event_id: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let id = crate::convert::event_id(event_id)?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.close_registration(id, at))
    }

    /// Marks the event as held (not before it starts).
    #[pyo3(signature = (event_id, at=None))]
    fn mark_held(
        &self,
        py: Python<'_>,
        event_id: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let id = crate::convert::event_id(event_id)?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.mark_held(id, at))
    }

    /// Publishes the compte-rendu of a held event; `resources` is a list of
    /// `{"kind", "title", "url"}` (kind: slides, recording, document, contacts, link).
    #[pyo3(signature = (event_id, summary, resources=None, at=None))]
    fn publish_report(
        &self,
        py: Python<'_>,
        event_id: &Bound<'_, PyAny>,
        summary: &Bound<'_, PyAny>,
        resources: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let id = crate::convert::event_id(event_id)?;
        let summary = text(summary, "summary")?;
        let resources: Vec<Resource> = match resources {
            Some(r) if !r.is_none() => from_plain(r, "resources")?,
            _ => Vec::new(),
        };
        let at = at_or_now(at)?;
        self.apply(py, |c| c.publish_report(id, &summary, resources, at))
    }

    /// Cancels an event that has not been held.
    #[pyo3(signature = (event_id, at=None))]
    fn cancel_event(
        &self,
        py: Python<'_>,
        event_id: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let id = crate::convert::event_id(event_id)?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.cancel_event(id, at))
    }

    /// How full an event is: a dict with `capacity`, `on_site`, `remote`,
    /// `waiting` and `on_site_by_audience`.
    fn occupancy<'py>(
        &self,
        py: Python<'py>,
        event_id: &Bound<'_, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let id = crate::convert::event_id(event_id)?;
        let occupancy = self.read(py, |c| c.occupancy(id))?.or_raise(py)?;
        to_plain(py, &occupancy)
    }

    // ----- registrations ------------------------------------------------------------

    /// Judges a registration request. Returns the registration (its `.status`
    /// is `"confirmed"` or `"waitlisted"`; asking again returns the same one,
    /// with `.already_registered`) or raises `cimi.RegistrationRefused`.
    ///
    /// `acknowledged`: the ids of the statutes' obligations the person
    /// acknowledges (e.g. `["deontology", "pssi"]`), or `True` for all of them.
    #[pyo3(signature = (event_id, *, email, family_name=None, given_name=None, service=None,
                        grade=None, function=None, acknowledged=None, attendance=None, at=None))]
    #[allow(clippy::too_many_arguments)]
    fn register(
        &self,
        py: Python<'_>,
        event_id: &Bound<'_, PyAny>,
        email: &Bound<'_, PyAny>,
        family_name: Option<&Bound<'_, PyAny>>,
        given_name: Option<&Bound<'_, PyAny>>,
        service: Option<&Bound<'_, PyAny>>,
        grade: Option<&Bound<'_, PyAny>>,
        function: Option<&Bound<'_, PyAny>>,
        acknowledged: Option<&Bound<'_, PyAny>>,
        attendance: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyRegistration> {
        let id = crate::convert::event_id(event_id)?;
        let request = requests::request(
            email,
            [family_name, given_name, service, grade, function],
            acknowledged,
            attendance,
        )?;
        let at = at_or_now(at)?;
        self.apply(py, |c| {
            let request = requests::resolve(request, c.statutes());
            c.register(id, &request, at)
        })
        .map(registration_result)
    }

    /// Judges a batch of requests for one event, in order, all at `at`, with
    /// the GIL released. `requests` is an iterable of dicts with the keys of
    /// `register` (`email` required). Returns one outcome per request: its
    /// status (`"confirmed"`, `"waitlisted"`) or refusal kind (e.g.
    /// `"address_not_allowed"`); with `detailed=True`, the `Registration` or
    /// the (unraised) `RegistrationRefused` instead.
    #[pyo3(signature = (event_id, requests, *, at=None, detailed=false))]
    fn register_many<'py>(
        &self,
        py: Python<'py>,
        event_id: &Bound<'py, PyAny>,
        requests: &Bound<'py, PyAny>,
        at: Option<&Bound<'py, PyAny>>,
        detailed: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        let id = crate::convert::event_id(event_id)?;
        let mut batch = Batch::read(requests)?;
        let at = at_or_now(at)?;
        self.check_open(py)?;
        // Judged with the GIL released; the outcomes are reduced to their
        // kinds (and the requests dropped) before it is taken back.
        let judged = py.detach(move || {
            let results = self.inner.write(Direct, |c| {
                let requests = batch.resolve(c.statutes());
                c.register_many(id, requests, at)
            })?;
            Ok(if detailed {
                Judged::Detailed(results)
            } else {
                Judged::Kinds(results.into_iter().map(outcome_kind).collect())
            })
        });
        let judged = judged.map_err(|denied| refused(py, denied))?;
        match judged {
            Judged::Kinds(kinds) => {
                let kinds = kinds.map_err(|e| core_err(py, &e))?;
                let mut strings = KindStrings::default();
                PyList::new(py, kinds.into_iter().map(|k| strings.get(py, k)))
            }
            Judged::Detailed(results) => {
                let out = PyList::empty(py);
                for result in results {
                    match result {
                        Ok(outcome) => {
                            out.append(registration_result(outcome).into_pyobject(py)?)?
                        }
                        Err(e @ Error::Refused(_)) => out.append(core_exception(py, &e)?)?,
                        Err(e) => return Err(core_err(py, &e)),
                    }
                }
                Ok(out)
            }
        }
    }

    /// Cancels a registration; the seat goes to the earliest waiting
    /// registration whose audience has room. Cancelling twice changes nothing.
    #[pyo3(signature = (registration_id, at=None))]
    fn cancel(
        &self,
        py: Python<'_>,
        registration_id: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyCancellation> {
        let id = crate::convert::registration_id(registration_id)?;
        let at = at_or_now(at)?;
        let done = self.apply(py, |c| c.cancel_registration(id, at))?;
        Ok(PyCancellation {
            registration: PyRegistration::new(done.registration),
            promoted: ids(done.promoted),
        })
    }

    /// Checks a confirmed registrant in (on site or remote); checking in twice
    /// keeps the first time.
    #[pyo3(signature = (registration_id, at=None))]
    fn check_in(
        &self,
        py: Python<'_>,
        registration_id: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyRegistration> {
        let id = crate::convert::registration_id(registration_id)?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.check_in(id, at))
            .map(PyRegistration::new)
    }

    /// A registration by id.
    fn registration(
        &self,
        py: Python<'_>,
        registration_id: &Bound<'_, PyAny>,
    ) -> PyResult<PyRegistration> {
        let id = crate::convert::registration_id(registration_id)?;
        self.read(py, |c| c.registration(id).cloned())?
            .ok_or_else(|| not_found(Entity::Registration, id.get()))
            .or_raise(py)
            .map(PyRegistration::new)
    }

    /// The registrations of an event (or of every event), cancelled ones
    /// included, in order of arrival.
    #[pyo3(signature = (event_id=None))]
    fn registrations(
        &self,
        py: Python<'_>,
        event_id: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<PyRegistration>> {
        let event = event_id
            .filter(|e| !e.is_none())
            .map(crate::convert::event_id)
            .transpose()?;
        Ok(self
            .read(py, |c| match event {
                Some(e) => c.registrations(e).cloned().collect::<Vec<_>>(),
                None => c.all_registrations().cloned().collect(),
            })?
            .into_iter()
            .map(PyRegistration::new)
            .collect())
    }

    /// The waiting list of an event (registration ids), in promotion order.
    fn waiting_list(&self, py: Python<'_>, event_id: &Bound<'_, PyAny>) -> PyResult<Vec<u64>> {
        let id = crate::convert::event_id(event_id)?;
        Ok(ids(self.read(py, |c| c.waiting_list(id))?))
    }

    /// The confirmed registrations of an event (on site and remote), in order.
    fn confirmed(
        &self,
        py: Python<'_>,
        event_id: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<PyRegistration>> {
        let id = crate::convert::event_id(event_id)?;
        Ok(self
            .read(py, |c| {
                c.confirmed(id).into_iter().cloned().collect::<Vec<_>>()
            })?
            .into_iter()
            .map(PyRegistration::new)
            .collect())
    }

    /// Erases a member's personal data (GDPR): the record becomes a tombstone,
    /// the texts of their help requests are removed, their registrations for
    /// upcoming events are cancelled. Erasing twice changes nothing.
    #[pyo3(signature = (member_id, at=None))]
    fn erase_member(
        &self,
        py: Python<'_>,
        member_id: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let id = crate::convert::member_id(member_id)?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.erase_member(id, at))
    }

    /// Everything the community holds about a member (GDPR right of access),
    /// as a dict: identity, affiliation, consents, registrations, help
    /// requests, watch items.
    #[pyo3(signature = (member_id, at=None))]
    fn subject_access<'py>(
        &self,
        py: Python<'py>,
        member_id: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let id = crate::convert::member_id(member_id)?;
        let at = at_or_now(at)?;
        let doc = self.read(py, |c| c.subject_access(id, at))?.or_raise(py)?;
        to_plain(py, &doc)
    }

    /// The members the statutes' retention rule applies to at `at` (dormant,
    /// no bureau role, not erased, every registered event long over).
    #[pyo3(signature = (at=None))]
    fn retention_candidates(
        &self,
        py: Python<'_>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<u64>> {
        let at = at_or_now(at)?;
        Ok(self
            .read(py, |c| c.retention_candidates(at))?
            .into_iter()
            .map(|m| m.get())
            .collect())
    }

    // ----- mutual help (entraide) -----------------------------------------------------

    /// Asks for help; the asker (found by address, or a new member *de fait*)
    /// participates. Returns the help request id.
    #[pyo3(signature = (email, topic, text, skills=None, visibility=None, at=None),
           text_signature = "(self, /, email, topic, text, skills=None, visibility='public', at=None)")]
    #[allow(clippy::too_many_arguments)]
    fn ask_help(
        &self,
        py: Python<'_>,
        email: &Bound<'_, PyAny>,
        topic: &Bound<'_, PyAny>,
        text: &Bound<'_, PyAny>,
        skills: Option<&Bound<'_, PyAny>>,
        visibility: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<u64> {
        let email = crate::convert::text(email, "email")?;
        let topic = crate::convert::text(topic, "topic")?;
        let body = crate::convert::text(text, "text")?;
        let skills = match skills {
            Some(s) if !s.is_none() => texts(s, "skills")?,
            _ => Vec::new(),
        };
        let visibility = opt_text(visibility, "visibility")?;
        let visibility = Visibility::from_kind(visibility.as_deref().unwrap_or("public"))
            .ok_or_else(|| {
                invalid_argument(
                    py,
                    "visibility",
                    "must be 'public' or 'private'".into(),
                    "doit valoir 'public' ou 'private'".into(),
                )
            })?;
        let at = at_or_now(at)?;
        let skills: Vec<&str> = skills.iter().map(String::as_str).collect();
        self.apply(py, |c| {
            c.ask_help(&email, &topic, &body, &skills, visibility, at)
        })
        .map(|id| id.get())
    }

    /// Puts the asker in touch with members (mise en relation).
    #[pyo3(signature = (help_request_id, to, at=None))]
    fn refer_help(
        &self,
        py: Python<'_>,
        help_request_id: &Bound<'_, PyAny>,
        to: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let id = crate::convert::help_request_id(help_request_id)?;
        let to = crate::convert::items(to, "to", "member ids", crate::convert::member_id)?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.refer_help(id, &to, at))
    }

    /// Marks a help request as resolved.
    #[pyo3(signature = (help_request_id, at=None))]
    fn resolve_help(
        &self,
        py: Python<'_>,
        help_request_id: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let id = crate::convert::help_request_id(help_request_id)?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.resolve_help(id, at))
    }

    /// Closes a help request without an answer.
    #[pyo3(signature = (help_request_id, at=None))]
    fn close_help(
        &self,
        py: Python<'_>,
        help_request_id: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let id = crate::convert::help_request_id(help_request_id)?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.close_help(id, at))
    }

    /// A help request by id.
    fn help_request(
        &self,
        py: Python<'_>,
        help_request_id: &Bound<'_, PyAny>,
    ) -> PyResult<PyHelpRequest> {
        let id = crate::convert::help_request_id(help_request_id)?;
        self.read(py, |c| c.help_request(id).cloned())?
            .ok_or_else(|| not_found(Entity::HelpRequest, id.get()))
            .or_raise(py)
            .map(|inner| PyHelpRequest { inner })
    }

    /// Every help request, by id.
    fn help_requests(&self, py: Python<'_>) -> PyResult<Vec<PyHelpRequest>> {
        Ok(self
            .read(py, |c| c.help_requests().cloned().collect::<Vec<_>>())?
            .into_iter()
            .map(|inner| PyHelpRequest { inner })
            .collect())
    }

    /// The best `k` members to put the asker in touch with: dicts with
    /// `member_id`, `score`, `shared_skills`, `status` (rarer shared skills
    /// weigh more; active members first; never the asker).
    #[pyo3(signature = (help_request_id, k=None, at=None),
           text_signature = "(self, /, help_request_id, k=5, at=None)")]
    fn suggest_helpers<'py>(
        &self,
        py: Python<'py>,
        help_request_id: &Bound<'_, PyAny>,
        k: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let id = crate::convert::help_request_id(help_request_id)?;
        let k = crate::convert::size(k, "k", 5)?;
        let at = at_or_now(at)?;
        let found = self
            .read(py, |c| c.suggest_helpers(id, k, at))?
            .or_raise(py)?;
        suggestions(py, found)
    }

    /// The best `k` members for a set of skills, leaving out `exclude` (a
    /// member id); the same ranking as `suggest_helpers`.
    #[pyo3(signature = (skills, k=None, exclude=None, at=None),
           text_signature = "(self, /, skills, k=5, exclude=None, at=None)")]
    fn suggest_for_skills<'py>(
        &self,
        py: Python<'py>,
        skills: &Bound<'_, PyAny>,
        k: Option<&Bound<'_, PyAny>>,
        exclude: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let skills = texts(skills, "skills")?;
        let k = crate::convert::size(k, "k", 5)?;
        let exclude = exclude
            .filter(|e| !e.is_none())
            .map(crate::convert::member_id)
            .transpose()?;
        let at = at_or_now(at)?;
        let skills: Vec<&str> = skills.iter().map(String::as_str).collect();
        let found = self.read(py, |c| c.suggest_for_skills(&skills, exclude, k, at))?;
        suggestions(py, found)
    }

    // ----- technology watch (veille) ------------------------------------------------

    /// Shares a watch item; the sharer (found by address, or a new member *de
    /// fait*) participates. `scope` is `"internal"` (the ministry's own
    /// projects: never on a channel wider than the ministry) or `"external"`.
    #[pyo3(signature = (title, link, *, scope, shared_by, summary=None, tags=None, event_id=None,
                        help_request_id=None, at=None))]
    #[allow(clippy::too_many_arguments)]
    fn share_watch_item(
        &self,
        py: Python<'_>,
        title: &Bound<'_, PyAny>,
        link: &Bound<'_, PyAny>,
        scope: &Bound<'_, PyAny>,
        shared_by: &Bound<'_, PyAny>,
        summary: Option<&Bound<'_, PyAny>>,
        tags: Option<&Bound<'_, PyAny>>,
        event_id: Option<&Bound<'_, PyAny>>,
        help_request_id: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<u64> {
        let scope_name = crate::convert::text(scope, "scope")?;
        let item = NewWatchItem {
            title: crate::convert::text(title, "title")?,
            link: crate::convert::text(link, "link")?,
            summary: text_or_empty(summary, "summary")?,
            tags: match tags {
                Some(t) if !t.is_none() => texts(t, "tags")?,
                _ => Vec::new(),
            },
            scope: Scope::from_kind(&scope_name).ok_or_else(|| {
                invalid_argument(
                    py,
                    "scope",
                    "must be 'internal' or 'external'".into(),
                    "doit valoir 'internal' ou 'external'".into(),
                )
            })?,
            shared_by: crate::convert::text(shared_by, "shared_by")?,
            event: event_id
                .filter(|e| !e.is_none())
                .map(crate::convert::event_id)
                .transpose()?,
            help_request: help_request_id
                .filter(|h| !h.is_none())
                .map(crate::convert::help_request_id)
                .transpose()?,
        };
        let at = at_or_now(at)?;
        self.apply(py, |c| c.share_watch_item(item, at))
            .map(|id| id.get())
    }

    /// Publishes a watch item on a channel of the statutes (e.g. `"forum"`,
    /// `"twitter"`); an internal item on a channel wider than the ministry
    /// raises `cimi.PublicationRefused`.
    #[pyo3(signature = (watch_item_id, channel, at=None))]
    fn publish_watch_item(
        &self,
        py: Python<'_>,
        watch_item_id: &Bound<'_, PyAny>,
        channel: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let id = crate::convert::watch_item_id(watch_item_id)?;
        let channel = crate::convert::text(channel, "channel")?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.publish_watch_item(id, &channel, at))
    }

    /// A watch item by id.
    fn watch_item(
        &self,
        py: Python<'_>,
        watch_item_id: &Bound<'_, PyAny>,
    ) -> PyResult<PyWatchItem> {
        let id = crate::convert::watch_item_id(watch_item_id)?;
        self.read(py, |c| c.watch_item(id).cloned())?
            .ok_or_else(|| not_found(Entity::WatchItem, id.get()))
            .or_raise(py)
            .map(|inner| PyWatchItem { inner })
    }

    /// Every watch item, by id.
    fn watch_items(&self, py: Python<'_>) -> PyResult<Vec<PyWatchItem>> {
        Ok(self
            .read(py, |c| c.watch_items().cloned().collect::<Vec<_>>())?
            .into_iter()
            .map(|inner| PyWatchItem { inner })
            .collect())
    }

    /// The digest of the watch items shared in `[start, end)` that `channel`
    /// may carry, with the events open for registration at `at`.
    #[pyo3(signature = (channel, start, end, at=None))]
    fn digest(
        &self,
        py: Python<'_>,
        channel: &Bound<'_, PyAny>,
        start: &Bound<'_, PyAny>,
        end: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyDigest> {
        let channel = crate::convert::text(channel, "channel")?;
        let start = to_utc(start, "start")?;
        let end = to_utc(end, "end")?;
        let at = at_or_now(at)?;
        self.read(py, |c| c.digest(&channel, start, end, at))?
            .or_raise(py)
            .map(|inner| PyDigest { inner })
    }

    /// The mailing list's recipients at `at`: the members whose latest
    /// mailing-list consent is granted, not erased.
    #[pyo3(signature = (at=None))]
    fn mailing_list_recipients(
        &self,
        py: Python<'_>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<PyMember>> {
        let at = at_or_now(at)?;
        Ok(self
            .read(py, |c| {
                c.mailing_list_recipients(at)
                    .into_iter()
                    .cloned()
                    .collect::<Vec<_>>()
            })?
            .into_iter()
            .map(|inner| PyMember { inner })
            .collect())
    }

    // ----- interoperability: CSV, iCalendar, e-mail ------------------------------------

    /// The attendee list of an event as CSV text (`dialect`: `"french_office"`,
    /// `;` with a BOM, what spreadsheet programs open; or `"rfc4180"`).
    #[pyo3(signature = (event_id, *, dialect=None, language=None, include_cancelled=false),
           text_signature = "(self, /, event_id, *, dialect='french_office', language=None, include_cancelled=False)")]
    fn attendees_csv(
        &self,
        py: Python<'_>,
        event_id: &Bound<'_, PyAny>,
        dialect: Option<&Bound<'_, PyAny>>,
        language: Option<&Bound<'_, PyAny>>,
        include_cancelled: bool,
    ) -> PyResult<String> {
        let id = crate::convert::event_id(event_id)?;
        let options = interop::csv_options(py, dialect, language, include_cancelled)?;
        self.read(py, |c| csv::attendees(c, id, &options))?
            .or_raise(py)
    }

    /// The member directory as CSV text (erased members left out).
    #[pyo3(signature = (*, dialect=None, language=None, at=None),
           text_signature = "(self, /, *, dialect='french_office', language=None, at=None)")]
    fn directory_csv(
        &self,
        py: Python<'_>,
        dialect: Option<&Bound<'_, PyAny>>,
        language: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let options = interop::csv_options(py, dialect, language, false)?;
        let at = at_or_now(at)?;
        self.read(py, |c| csv::directory(c, &options, at))
    }

    /// Imports members from a CSV document (`bytes` or `str`; `;` or `,`,
    /// UTF-8 or Windows-1252, French or English headers). Unless
    /// `skip_bad_rows`, nothing is imported when a row is bad. Returns the
    /// report: `imported`, `rejected` (with `line`, `kind`, `message`), `rows`,
    /// `separator`, `encoding`, `ignored_columns`, `complete`.
    #[pyo3(signature = (data, *, skip_bad_rows=false, at=None))]
    fn import_members_csv<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'_, PyAny>,
        skip_bad_rows: bool,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let data = interop::raw_bytes(data, "data")?;
        let options = interop::import_options(skip_bad_rows);
        let at = at_or_now(at)?;
        let report = self
            .write(py, |c| csv::import_members(c, &data, &options, at))?
            .or_raise(py)?;
        interop::import_report(py, &report)
    }

    /// One event as an iCalendar document (RFC 5545, Europe/Paris times).
    #[pyo3(signature = (event_id, at=None))]
    fn event_ical(
        &self,
        py: Python<'_>,
        event_id: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let id = crate::convert::event_id(event_id)?;
        let at = at_or_now(at)?;
        self.read(py, |c| ical::event(c, id, at))?.or_raise(py)
    }

    /// Several events (default: all) in one iCalendar document.
    #[pyo3(signature = (event_ids=None, at=None))]
    fn calendar_ical(
        &self,
        py: Python<'_>,
        event_ids: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let ids = match event_ids.filter(|e| !e.is_none()) {
            Some(ids) => Some(crate::convert::items(
                ids,
                "event_ids",
                "ids",
                crate::convert::event_id,
            )?),
            None => None,
        };
        let at = at_or_now(at)?;
        self.read(py, |c| {
            let ids = ids.unwrap_or_else(|| interop::all_events(c));
            ical::calendar(c, &ids, at)
        })?
        .or_raise(py)
    }

    /// The invitation (`METHOD:REQUEST`) for a registration, from the
    /// organiser's address.
    #[pyo3(signature = (registration_id, organizer_email, at=None))]
    fn invitation_ical(
        &self,
        py: Python<'_>,
        registration_id: &Bound<'_, PyAny>,
        organizer_email: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let id = crate::convert::registration_id(registration_id)?;
        let organizer = text(organizer_email, "organizer_email")?;
        let at = at_or_now(at)?;
        self.read(py, |c| ical::invitation(c, id, &organizer, at))?
            .or_raise(py)
    }

    /// Reads a registration e-mail (the raw message, `bytes` or `str`)
    /// without changing anything: `sender`, `event_id`, `request`,
    /// `problems`, `complete`. With `authserv_id`, the message must carry that
    /// server's DMARC pass for the sender; without, the sender is trusted.
    #[pyo3(signature = (message, *, authserv_id=None, at=None))]
    fn read_registration_email<'py>(
        &self,
        py: Python<'py>,
        message: &Bound<'_, PyAny>,
        authserv_id: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let raw = interop::raw_bytes(message, "message")?;
        let policy = interop::mail_policy(opt_text(authserv_id, "authserv_id")?);
        let at = at_or_now(at)?;
        let reading = self
            .read(py, |c| mail::read_request(c, &raw, &policy, at))?
            .or_raise(py)?;
        interop::reading(py, &reading)
    }

    /// Registers the sender of a registration e-mail for the event it names,
    /// or answers what is missing: `registered`, `event_id`, `registration`,
    /// `problems`, `reply_fr` (the French text to send back).
    #[pyo3(signature = (message, *, authserv_id=None, at=None))]
    fn register_from_email<'py>(
        &self,
        py: Python<'py>,
        message: &Bound<'_, PyAny>,
        authserv_id: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let raw = interop::raw_bytes(message, "message")?;
        let policy = interop::mail_policy(opt_text(authserv_id, "authserv_id")?);
        let at = at_or_now(at)?;
        let outcome = self
            .write(py, |c| mail::register_from_email(c, &raw, &policy, at))?
            .or_raise(py)?;
        interop::outcome(py, outcome)
    }

    // ----- statistics ---------------------------------------------------------------

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

    // ----- tables -------------------------------------------------------------------

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

/// The exception for a refused access to the lock.
fn refused(py: Python<'_>, denied: Denied) -> PyErr {
    match denied {
        Denied::Closed => crate::errors::invalid_state(
            py,
            "operation_over",
            "this community was lent to a Store.execute operation that is over; use store.community".into(),
            "cette communauté était prêtée à une opération Store.execute terminée ; utilisez store.community".into(),
        ),
        Denied::Poisoned => poisoned(py),
    }
}

fn suggestions(py: Python<'_>, found: Vec<Suggestion>) -> PyResult<Vec<Bound<'_, PyDict>>> {
    found
        .into_iter()
        .map(|s| {
            let d = PyDict::new(py);
            d.set_item("member_id", s.member.get())?;
            d.set_item("score", s.score)?;
            d.set_item("shared_skills", s.shared_skills)?;
            d.set_item("status", s.status.kind())?;
            Ok(d)
        })
        .collect()
}
