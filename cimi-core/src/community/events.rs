//! The event lifecycle: scheduling, editing capacity, quotas, program, venue, broadcast
//! and registration window, and the state transitions up to the compte-rendu.

use chrono::{DateTime, Utc};

use super::*;
use crate::address::AddressPattern;
use crate::change::{Action, Record};
use crate::error::{Error, StateError};
use crate::event::{
    Admission, Event, EventSpec, EventState, ProgramItem, RemoteBroadcast, Report, Resource,
    ResourceKind, Schedule, Venue, WaitlistOffers,
};
use crate::i18n::Lang;
use crate::ids::{EventId, RegistrationId};
use crate::member::ConsentKind;
use crate::registration::RegistrationStatus;
use serde::Serialize;

/// The attendees a compte-rendu may name: those who came (checked in) and
/// consented to the publication of their name; the others are only counted.
/// `Debug` shows the counts, not the names.
///
/// ```
/// # use cimi_core::community::ReportAttendees;
/// # fn f(a: &ReportAttendees) -> usize { a.named.len() + a.unnamed as usize }
/// ```
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct ReportAttendees {
    /// The names, given name first, in the order of registration.
    pub named: Vec<String>,
    /// How many other attendees (no consent to the publication of their name,
    /// or erased).
    pub unnamed: u32,
}

impl std::fmt::Debug for ReportAttendees {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReportAttendees")
            .field("named", &self.named.len())
            .field("unnamed", &self.unnamed)
            .finish()
    }
}

/// Admission rules read from text, in the engine's error type.
impl Admission {
    /// Parses the allowed patterns given as text (what a binding or a form
    /// receives); the first bad one is an `invalid_input` error on the field
    /// `admission.allowed`, naming its position.
    ///
    /// ```
    /// use cimi_core::event::Admission;
    /// let a = Admission::default().allowing(Admission::parse_allowed(["*@*.interieur.gouv.fr"])?);
    /// assert_eq!(a.allowed.len(), 1);
    /// assert_eq!(Admission::parse_allowed(["gouv.fr"]).unwrap_err().kind(), "invalid_input");
    /// # Ok::<(), cimi_core::Error>(())
    /// ```
    pub fn parse_allowed<I, S>(patterns: I) -> Result<Vec<AddressPattern>, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        patterns
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                p.as_ref()
                    .parse::<AddressPattern>()
                    .map_err(|e| Error::InvalidInput {
                        field: "admission.allowed".into(),
                        reason: format!("pattern {i} (from 0): {}", e.message(Lang::En)),
                        reason_fr: format!("motif {i} (à partir de 0) : {}", e.message(Lang::Fr)),
                    })
            })
            .collect()
    }
}

/// Offers read from separate settings, in the engine's error type.
impl WaitlistOffers {
    /// The offers an event asks for with an optional hold and an optional
    /// cut-off (what a binding or a form receives): none without a hold; a
    /// cut-off without a hold is an `invalid_input` error on `offer_cutoff`
    /// (it would shorten nothing). The values themselves are judged when the
    /// event is scheduled.
    ///
    /// ```
    /// use chrono::Duration;
    /// use cimi_core::event::WaitlistOffers;
    /// assert!(WaitlistOffers::from_settings(None, None)?.is_none());
    /// let o = WaitlistOffers::from_settings(Some(Duration::hours(48)), None)?.unwrap();
    /// assert_eq!(o.cutoff(), Duration::zero());
    /// let e = WaitlistOffers::from_settings(None, Some(Duration::hours(1))).unwrap_err();
    /// assert_eq!(e.kind(), "invalid_input");
    /// # Ok::<(), cimi_core::Error>(())
    /// ```
    pub fn from_settings(
        hold: Option<chrono::TimeDelta>,
        cutoff: Option<chrono::TimeDelta>,
    ) -> Result<Option<WaitlistOffers>, Error> {
        match (hold, cutoff) {
            (None, None) => Ok(None),
            (None, Some(_)) => Err(Error::input(
                "offer_cutoff",
                "a cut-off needs waitlist offers (a hold)",
                "une limite avant le début suppose des offres de places (un délai)",
            )),
            (Some(hold), cutoff) => {
                let offers = WaitlistOffers::new(hold);
                Ok(Some(match cutoff {
                    Some(c) => offers.with_cutoff(c),
                    None => offers,
                }))
            }
        }
    }
}

impl Community {
    // ----- events ---------------------------------------------------------------

    /// An event by identifier.
    pub fn event(&self, id: EventId) -> Option<&Event> {
        self.events.get(&id)
    }

    /// All events, by identifier.
    pub fn events(&self) -> impl Iterator<Item = &Event> + '_ {
        self.events.values()
    }

    pub(super) fn event_checked(&self, id: EventId) -> Result<&Event, Error> {
        event_in(&self.events, id)
    }

    /// Schedules an event. Unless the spec says `draft`, it accepts
    /// registrations at once (within its window).
    pub fn schedule_event(&mut self, spec: EventSpec, at: DateTime<Utc>) -> Result<EventId, Error> {
        let id = EventId::new(self.next.event);
        let event = Event::from_spec(id, spec, at);
        self.check_event(&event)?;
        self.commit_within_limits(Action::EventScheduled, at, Record::Event(Box::new(event)))?;
        Ok(id)
    }

    pub(super) fn update_event(
        &mut self,
        id: EventId,
        at: DateTime<Utc>,
        edit: impl FnOnce(&mut Event, &Book) -> Result<(), Error>,
    ) -> Result<Vec<RegistrationId>, Error> {
        if !self.event_checked(id)?.state.is_upcoming() {
            return Err(StateError::EventOver.into());
        }
        self.expire_then(id, at, |c| {
            let before = c.event_checked(id)?;
            let mut e = before.clone();
            edit(&mut e, c.books.get(&id).unwrap_or(&EMPTY_BOOK))?;
            if e.calendar_differs(before) {
                e.revision = e.revision.saturating_add(1);
            }
            c.check_event(&e)?;
            c.commit_within_limits(Action::EventUpdated, at, Record::Event(Box::new(e)))?;
            Ok(c.promote(id, at))
        })
    }

    /// Moves an event that is still to be held to another time. Its
    /// calendar entries follow (a higher `SEQUENCE`, see
    /// [`Event::revision`]); the registrations stay.
    ///
    /// ```
    /// # use chrono::{Duration, TimeZone, Utc};
    /// # use cimi_core::{Community, event::{EventKind, EventSpec, Schedule}};
    /// # let now = Utc.with_ymd_and_hms(2017, 11, 20, 9, 0, 0).unwrap();
    /// # let mut c = Community::cimi();
    /// # let when = Schedule::new(now + Duration::days(2), now + Duration::days(2) + Duration::hours(2))?;
    /// let ev = c.schedule_event(EventSpec::new(EventKind::Miditech, "Kubernetes", when, 10), now)?;
    /// let later = Schedule::new(now + Duration::days(9), now + Duration::days(9) + Duration::hours(2))?;
    /// c.reschedule(ev, later, now)?;
    /// assert_eq!((c.event(ev).unwrap().schedule, c.event(ev).unwrap().revision), (later, 1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reschedule(
        &mut self,
        id: EventId,
        schedule: Schedule,
        at: DateTime<Utc>,
    ) -> Result<(), Error> {
        self.update_event(id, at, |e, _| {
            e.schedule = schedule;
            Ok(())
        })
        .map(|_| ())
    }

    /// Changes who an event still to be held admits (see [`Admission`]).
    /// Registrations already made stay: the rule judges the requests to come.
    pub fn set_admission(
        &mut self,
        id: EventId,
        admission: Admission,
        at: DateTime<Utc>,
    ) -> Result<(), Error> {
        self.update_event(id, at, |e, _| {
            e.admission = admission;
            Ok(())
        })
        .map(|_| ())
    }

    /// Changes the seat capacity; growing it promotes waiting registrations,
    /// which are returned in order. It cannot go below the seats confirmed.
    pub fn set_capacity(
        &mut self,
        id: EventId,
        capacity: u32,
        at: DateTime<Utc>,
    ) -> Result<Vec<RegistrationId>, Error> {
        self.update_event(id, at, |e, book| {
            if capacity < book.on_site {
                return Err(StateError::CapacityBelowConfirmed {
                    confirmed: book.on_site,
                    requested: capacity,
                }
                .into());
            }
            e.capacity = capacity;
            Ok(())
        })
    }

    /// Sets (`Some`) or removes (`None`) an audience's quota; returns the
    /// registrations promoted as a result.
    pub fn set_quota(
        &mut self,
        id: EventId,
        audience: &str,
        quota: Option<u32>,
        at: DateTime<Utc>,
    ) -> Result<Vec<RegistrationId>, Error> {
        let audience = audience.to_string();
        self.update_event(id, at, |e, book| {
            match quota {
                Some(q) => {
                    let confirmed = book.audience_seats(&Some(audience.as_str().into()));
                    if q < confirmed {
                        return Err(StateError::QuotaBelowConfirmed {
                            audience,
                            confirmed,
                            requested: q,
                        }
                        .into());
                    }
                    e.quotas.insert(audience, q);
                }
                None => {
                    e.quotas.remove(&audience);
                }
            }
            Ok(())
        })
    }

    /// Replaces the program.
    pub fn set_program(
        &mut self,
        id: EventId,
        program: Vec<ProgramItem>,
        at: DateTime<Utc>,
    ) -> Result<(), Error> {
        self.update_event(id, at, |e, _| {
            e.program = program;
            Ok(())
        })
        .map(drop)
    }

    /// Sets or removes the venue.
    pub fn set_venue(
        &mut self,
        id: EventId,
        venue: Option<Venue>,
        at: DateTime<Utc>,
    ) -> Result<(), Error> {
        self.update_event(id, at, |e, _| {
            e.venue = venue;
            Ok(())
        })
        .map(drop)
    }

    /// Sets or removes the remote broadcast; it cannot drop below the remote
    /// places already confirmed.
    pub fn set_remote(
        &mut self,
        id: EventId,
        remote: Option<RemoteBroadcast>,
        at: DateTime<Utc>,
    ) -> Result<(), Error> {
        self.update_event(id, at, |e, book| {
            let room = remote
                .as_ref()
                .map(|r| r.capacity.unwrap_or(u32::MAX))
                .unwrap_or(0);
            if book.remote > room {
                return Err(StateError::RemoteInUse {
                    remote: book.remote,
                }
                .into());
            }
            e.remote = remote;
            Ok(())
        })
        .map(drop)
    }

    /// Sets the registration window.
    pub fn set_registration_window(
        &mut self,
        id: EventId,
        opens_at: Option<DateTime<Utc>>,
        closes_at: Option<DateTime<Utc>>,
        at: DateTime<Utc>,
    ) -> Result<(), Error> {
        self.update_event(id, at, |e, _| {
            e.registration_opens_at = opens_at;
            e.registration_closes_at = closes_at;
            Ok(())
        })
        .map(drop)
    }

    pub(super) fn transition(
        &mut self,
        id: EventId,
        to: EventState,
        at: DateTime<Utc>,
        report: Option<Report>,
    ) -> Result<(), Error> {
        let e = self.event_checked(id)?;
        if !e.state.can_become(to) {
            return Err(StateError::EventTransition { from: e.state, to }.into());
        }
        if to == EventState::Held && at < e.schedule.starts_at {
            return Err(StateError::EventNotStarted.into());
        }
        // Offers due by now expire first (by the start, every one is).
        self.expire_then(id, at, |c| {
            let mut e = c.event_checked(id)?.clone();
            e.state = to;
            if to == EventState::Cancelled {
                e.revision = e.revision.saturating_add(1);
            }
            if report.is_some() {
                e.report = report;
            }
            c.commit_within_limits(Action::EventStateChanged, at, Record::Event(Box::new(e)))
        })
    }

    /// Opens a draft (or re-opens a closed) event for registration.
    pub fn open_registration(&mut self, id: EventId, at: DateTime<Utc>) -> Result<(), Error> {
        self.transition(id, EventState::Open, at, None)
    }

    /// Closes registration. The waiting list still moves on cancellations.
    pub fn close_registration(&mut self, id: EventId, at: DateTime<Utc>) -> Result<(), Error> {
        self.transition(id, EventState::Closed, at, None)
    }

    /// Marks the event as held (not before it starts). Confirmed registrants
    /// who did not check in are then no-shows.
    pub fn mark_held(&mut self, id: EventId, at: DateTime<Utc>) -> Result<(), Error> {
        self.transition(id, EventState::Held, at, None)
    }

    /// Publishes the compte-rendu of a held event. Conferences are recorded
    /// only with the participants' agreement: a [recording](ResourceKind::Recording)
    /// among the resources is refused (`recording_consent_missing`) unless
    /// the event [allows recording](Event::recording_allowed) (a program
    /// with speakers, every one of whom consented).
    ///
    /// ```
    /// # use chrono::{Duration, TimeZone, Utc};
    /// # use cimi_core::{Community, event::{EventKind, EventSpec, ItemKind, ProgramItem, Schedule, Speaker}};
    /// use cimi_core::event::{Resource, ResourceKind};
    /// # let now = Utc.with_ymd_and_hms(2017, 11, 20, 9, 0, 0).unwrap();
    /// # let mut c = Community::cimi();
    /// # let when = Schedule::new(now + Duration::days(2), now + Duration::days(2) + Duration::hours(2))?;
    /// let talk = ProgramItem::new(ItemKind::Talk, "Kubernetes")
    ///     .with_speaker(Speaker::new("Martin", "commandant", "DNUM"));
    /// let mut spec = EventSpec::new(EventKind::Miditech, "Kubernetes", when, 10);
    /// spec.program = vec![talk];
    /// let ev = c.schedule_event(spec, now)?;
    /// c.mark_held(ev, now + Duration::days(3))?;
    /// let video = Resource { kind: ResourceKind::Recording, title: "Vidéo".into(), url: "https://intra/v".into() };
    /// let refused = c.publish_report(ev, "Compte-rendu", vec![video.clone()], now + Duration::days(4));
    /// assert_eq!(refused.unwrap_err().kind(), "recording_consent_missing");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn publish_report(
        &mut self,
        id: EventId,
        summary: &str,
        resources: Vec<Resource>,
        at: DateTime<Utc>,
    ) -> Result<(), Error> {
        self.check_long_text("summary", summary)?;
        if resources.iter().any(|r| r.kind == ResourceKind::Recording) {
            let event = self.event_checked(id)?;
            if !event.recording_allowed() {
                let speakers = event
                    .program
                    .iter()
                    .flat_map(|item| &item.speakers)
                    .filter(|s| !s.recording_consent)
                    .count();
                return Err(StateError::RecordingConsentMissing {
                    speakers: u32::try_from(speakers).unwrap_or(u32::MAX),
                }
                .into());
            }
        }
        for r in &resources {
            self.check_text("resource.title", &r.title)?;
            self.check_text("resource.url", &r.url)?;
        }
        let report = Report {
            summary: summary.to_string(),
            resources,
            published_at: at,
        };
        self.transition(id, EventState::Reported, at, Some(report))
    }

    /// The attendees the compte-rendu of an event may name at `at`: those
    /// checked in whose consent to the publication of their name holds at
    /// `at`; the others are counted, not named.
    ///
    /// ```
    /// # use chrono::{Duration, TimeZone, Utc};
    /// # use cimi_core::{Community, event::{EventKind, EventSpec, Schedule}};
    /// use cimi_core::{member::ConsentKind, registration::RegistrationRequest};
    /// # let now = Utc.with_ymd_and_hms(2017, 11, 20, 9, 0, 0).unwrap();
    /// # let mut c = Community::cimi();
    /// # let when = Schedule::new(now + Duration::days(2), now + Duration::days(2) + Duration::hours(2))?;
    /// # let ev = c.schedule_event(EventSpec::new(EventKind::Miditech, "Kubernetes", when, 10), now)?;
    /// let ask = |email: &str, given: &str| RegistrationRequest::new(email)
    ///     .names("Martin", given).affiliation("DNUM", "attaché", "chef de projet").acknowledging_all();
    /// let alice = c.register(ev, &ask("alice@interieur.gouv.fr", "Alice"), now)?.registration;
    /// let bob = c.register(ev, &ask("bob@interieur.gouv.fr", "Bob"), now)?.registration;
    /// c.set_consent(alice.member, ConsentKind::NamePublication, true, now)?;
    /// let doors = now + Duration::days(2);
    /// c.check_in(alice.id, doors)?;
    /// c.check_in(bob.id, doors)?;
    /// let listed = c.report_attendees(ev, doors)?;
    /// assert_eq!((listed.named, listed.unnamed), (vec!["Alice Martin".to_string()], 1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn report_attendees(
        &self,
        event: EventId,
        at: DateTime<Utc>,
    ) -> Result<ReportAttendees, Error> {
        self.event_checked(event)?;
        let mut out = ReportAttendees {
            named: Vec::new(),
            unnamed: 0,
        };
        for r in self.registrations(event) {
            if r.checked_in_at.is_none() || r.status != RegistrationStatus::Confirmed {
                continue;
            }
            match self.member(r.member) {
                Some(m) if !m.is_erased() && m.has_consent(ConsentKind::NamePublication, at) => {
                    out.named.push(m.display_name())
                }
                _ => out.unnamed = out.unnamed.saturating_add(1),
            }
        }
        Ok(out)
    }

    /// Cancels an event that has not been held.
    pub fn cancel_event(&mut self, id: EventId, at: DateTime<Utc>) -> Result<(), Error> {
        self.transition(id, EventState::Cancelled, at, None)
    }
}
