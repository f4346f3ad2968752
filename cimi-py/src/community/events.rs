//! The events of `cimi.Community`: scheduling, editing (capacity, quotas,
//! program, venue, broadcast, registration window), the state transitions up
//! to the compte-rendu, rescheduling, per-event admission, the attendees a
//! compte-rendu may name, and occupancy (core: `cimi_core::community::events`).
//! Scheduling also sets the offers of freed seats and the deadline of
//! self-service cancellation (core: `cimi_core::event::WaitlistOffers`).

use std::collections::BTreeMap;

use pyo3::prelude::*;
use pyo3::types::PyString;

use cimi_core::error::Entity;
use cimi_core::event::{
    Admission, EventKind, EventSpec, ProgramItem, RemoteBroadcast, Resource, Schedule, Venue,
    WaitlistOffers,
};

use super::{PyCommunity, ids, not_found};
use crate::convert::{count, from_plain, mapping_items, opt_count, text, texts, to_plain};
use crate::errors::{OrRaise, invalid_argument};
use crate::records::PyEvent;
use crate::time::{at_or_now, opt_to_delta, opt_to_utc, to_utc};

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

/// An event's admission from `allowed` (address patterns, parsed by the
/// core's `Admission::parse_allowed`), `audiences` and `replace_policy`.
fn admission(
    py: Python<'_>,
    allowed: Option<&Bound<'_, PyAny>>,
    audiences: Option<&Bound<'_, PyAny>>,
    replace_policy: bool,
) -> PyResult<Admission> {
    let allowed = match allowed.filter(|v| !v.is_none()) {
        Some(v) => Admission::parse_allowed(texts(v, "allowed")?).or_raise(py)?,
        None => Vec::new(),
    };
    let audiences = match audiences.filter(|v| !v.is_none()) {
        Some(v) => texts(v, "audiences")?,
        None => Vec::new(),
    };
    Ok(Admission {
        allowed,
        audiences,
        replaces_policy: replace_policy,
    })
}

#[pymethods]
impl PyCommunity {
    /// Schedules an event and returns its id. It accepts registrations at once
    /// (until it starts) unless `draft=True` or a window is given with
    /// `registration_opens` / `registration_closes`.
    ///
    /// `kind`: `"miditech"`, `"workshop"`, `"conference"` or `"meeting"`;
    /// `quotas`: seats per audience id, e.g. `{"interieur": 60}`; `venue`:
    /// `{"name", "address"}`; `remote`: a URL or `{"url", "capacity"}`;
    /// `program`: a list of `{"kind", "title", "speakers"}`; `moderated`:
    /// each request waits (status `"pending"`) for `approve` or `reject`;
    /// `allowed`, `audiences`, `replace_policy`: the event's own admission
    /// (see `set_admission`); `waitlist_offer` (a `timedelta`): a freed seat
    /// is offered to the next in the waiting list (status `"offered"`), held
    /// that long for `accept_offer`, and never past `offer_cutoff` (a
    /// `timedelta`) before the start; `cancellation_deadline`: registrants
    /// may cancel with their `cancel_token` until then (default: the start).
    #[pyo3(signature = (kind, title, starts_at, ends_at, capacity, *, venue=None, remote=None,
                        quotas=None, registration_opens=None, registration_closes=None,
                        waitlist=true, program=None, draft=false, moderated=false,
                        allowed=None, audiences=None, replace_policy=false,
                        waitlist_offer=None, offer_cutoff=None, cancellation_deadline=None,
                        at=None))]
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
        moderated: bool,
        allowed: Option<&Bound<'_, PyAny>>,
        audiences: Option<&Bound<'_, PyAny>>,
        replace_policy: bool,
        waitlist_offer: Option<&Bound<'_, PyAny>>,
        offer_cutoff: Option<&Bound<'_, PyAny>>,
        cancellation_deadline: Option<&Bound<'_, PyAny>>,
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
        spec.moderated = moderated;
        spec.admission = admission(py, allowed, audiences, replace_policy)?;
        spec.waitlist_offers = WaitlistOffers::from_settings(
            opt_to_delta(waitlist_offer, "waitlist_offer")?,
            opt_to_delta(offer_cutoff, "offer_cutoff")?,
        )
        .or_raise(py)?;
        spec.cancellation_closes_at = opt_to_utc(cancellation_deadline, "cancellation_deadline")?;
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
            .read_detached(py, |c| c.events().cloned().collect::<Vec<_>>())?
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

    /// Cancels an event that has not been held; its calendar exports then
    /// withdraw it (`METHOD:CANCEL`, a higher `SEQUENCE`).
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

    /// The attendees the compte-rendu may name at `at`: `{"named": [...],
    /// "unnamed": int}` (those checked in who consented to the publication
    /// of their name; the others are counted).
    #[pyo3(signature = (event_id, at=None))]
    fn report_attendees<'py>(
        &self,
        py: Python<'py>,
        event_id: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let id = crate::convert::event_id(event_id)?;
        let at = at_or_now(at)?;
        let attendees = self
            .read_detached(py, |c| c.report_attendees(id, at))?
            .or_raise(py)?;
        to_plain(py, &attendees)
    }

    /// Moves an event still to be held to another time; the registrations
    /// stay and the event's `revision` (the iCalendar `SEQUENCE`) goes up.
    #[pyo3(signature = (event_id, starts_at, ends_at, at=None))]
    fn reschedule(
        &self,
        py: Python<'_>,
        event_id: &Bound<'_, PyAny>,
        starts_at: &Bound<'_, PyAny>,
        ends_at: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let id = crate::convert::event_id(event_id)?;
        let schedule = Schedule::new(to_utc(starts_at, "starts_at")?, to_utc(ends_at, "ends_at")?)
            .or_raise(py)?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.reschedule(id, schedule, at))
    }

    /// Changes who an event still to be held admits: its own `allowed`
    /// address patterns (narrowing the statutes' policy, or replacing it with
    /// `replace_policy=True`) and the `audiences` admitted; no argument goes
    /// back to the statutes' policy. Registrations already made stay.
    #[pyo3(signature = (event_id, *, allowed=None, audiences=None, replace_policy=false, at=None))]
    fn set_admission(
        &self,
        py: Python<'_>,
        event_id: &Bound<'_, PyAny>,
        allowed: Option<&Bound<'_, PyAny>>,
        audiences: Option<&Bound<'_, PyAny>>,
        replace_policy: bool,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let id = crate::convert::event_id(event_id)?;
        let admission = admission(py, allowed, audiences, replace_policy)?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.set_admission(id, admission, at))
    }

    /// How full an event is: a dict with `capacity`, `on_site` (seats held
    /// by open offers included), `offered`, `remote`, `waiting` and
    /// `on_site_by_audience`.
    fn occupancy<'py>(
        &self,
        py: Python<'py>,
        event_id: &Bound<'_, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let id = crate::convert::event_id(event_id)?;
        let occupancy = self.read(py, |c| c.occupancy(id))?.or_raise(py)?;
        to_plain(py, &occupancy)
    }
}
