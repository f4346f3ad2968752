//! The registration engine: register, promote the waiting list, cancel, check in, occupancy.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::*;
use crate::address::EmailAddress;
use crate::change::Action;
use crate::error::{Entity, Error, StateError};
use crate::event::{Event, EventState};
use crate::ids::{EventId, RegistrationId};
use crate::registration::{
    Attendance, AttendanceMode, CancelSecret, CancelToken, Field, Refusal, Registration,
    RegistrationRequest, RegistrationStatus, Seat,
};
use crate::text::Text;

/// The answer to an accepted registration request.
///
/// ```
/// # use cimi_core::community::RegistrationOutcome;
/// # fn f(o: &RegistrationOutcome) -> bool {
/// o.already_registered // true when the same person asked again
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationOutcome {
    /// The registration (new, or the one the person already had).
    pub registration: Registration,
    /// Whether the person already had this live registration.
    pub already_registered: bool,
}

/// The answer to a cancellation.
///
/// ```
/// # use cimi_core::community::Cancellation;
/// # fn f(c: &Cancellation) -> usize { c.promoted.len() }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cancellation {
    /// The cancelled registration.
    pub registration: Registration,
    /// Registrations promoted to a seat because of it (or offered one, for
    /// an event with [`WaitlistOffers`](crate::event::WaitlistOffers)), in order.
    pub promoted: Vec<RegistrationId>,
}

/// What a pass over the open offers did (see
/// [`Community::expire_offers`]): the offers that expired, and the
/// registrations that got a seat or an offer in their place, in order.
///
/// ```
/// # use cimi_core::community::OfferRound;
/// # fn f(r: &OfferRound) -> usize { r.expired.len() }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OfferRound {
    /// Offers whose deadline had passed, now cancelled.
    pub expired: Vec<RegistrationId>,
    /// Registrations promoted or offered a seat in their place.
    pub promoted: Vec<RegistrationId>,
}

/// How full an event is.
///
/// ```
/// # use cimi_core::community::Occupancy;
/// # fn f(o: &Occupancy) -> u32 { o.capacity - o.on_site }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Occupancy {
    /// Seats on site.
    pub capacity: u32,
    /// Seats taken (confirmed, or held by an open offer).
    pub on_site: u32,
    /// Seats held by open offers (included in `on_site`).
    pub offered: u32,
    /// Remote places taken.
    pub remote: u32,
    /// Registrations waiting for a seat (including remote ones waiting).
    pub waiting: u32,
    /// Seats taken per audience (`""` for addresses in no audience).
    pub on_site_by_audience: BTreeMap<String, u32>,
}

impl Community {
    // ----- registrations --------------------------------------------------------

    /// A registration by identifier.
    pub fn registration(&self, id: RegistrationId) -> Option<&Registration> {
        self.registrations.get(&id)
    }

    /// Every registration of an event (including cancelled ones), in order of arrival.
    pub fn registrations(&self, event: EventId) -> impl Iterator<Item = &Registration> + '_ {
        self.registrations
            .values()
            .filter(move |r| r.event == event)
    }

    /// Every registration of the community, in order of arrival.
    pub fn all_registrations(&self) -> impl Iterator<Item = &Registration> + '_ {
        self.registrations.values()
    }

    /// The waiting list of an event, in promotion order (order of arrival).
    pub fn waiting_list(&self, event: EventId) -> Vec<RegistrationId> {
        let mut ids: Vec<_> = self
            .books
            .get(&event)
            .map(|b| b.waiting.values().flatten().copied().collect())
            .unwrap_or_default();
        ids.sort_unstable();
        ids
    }

    /// The confirmed registrations of an event (on site and remote), in order.
    pub fn confirmed(&self, event: EventId) -> Vec<&Registration> {
        self.registrations(event)
            .filter(|r| r.status == RegistrationStatus::Confirmed)
            .collect()
    }

    /// Whether a registrant came: pending until the event is held, then
    /// attended (checked in) or no-show; not applicable when the registration
    /// is not confirmed.
    ///
    /// ```
    /// # use chrono::{Duration, TimeZone, Utc};
    /// # use cimi_core::{Community, event::{EventKind, EventSpec, Schedule}};
    /// # use cimi_core::registration::{Attendance, RegistrationRequest};
    /// # let now = Utc.with_ymd_and_hms(2017, 11, 20, 9, 0, 0).unwrap();
    /// # let mut c = Community::cimi();
    /// # let when = Schedule::new(now + Duration::days(2), now + Duration::days(2) + Duration::hours(2))?;
    /// # let ev = c.schedule_event(EventSpec::new(EventKind::Miditech, "Kubernetes", when, 10), now)?;
    /// let ask = RegistrationRequest::new("alice@interieur.gouv.fr")
    ///     .names("Martin", "Alice")
    ///     .affiliation("DNUM", "ingénieure", "architecte")
    ///     .acknowledging(["deontology", "pssi"]);
    /// let r = c.register(ev, &ask, now)?.registration.id;
    /// assert_eq!(c.attendance(r)?, Attendance::Pending);
    /// c.mark_held(ev, now + Duration::days(3))?;
    /// assert_eq!(c.attendance(r)?, Attendance::NoShow);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn attendance(&self, id: RegistrationId) -> Result<Attendance, Error> {
        let r = self
            .registration(id)
            .ok_or_else(|| Error::not_found(Entity::Registration, id.get()))?;
        let held = self.event(r.event).is_some_and(|e| e.state.was_held());
        Ok(r.attendance(held))
    }

    /// How full an event is.
    pub fn occupancy(&self, event: EventId) -> Result<Occupancy, Error> {
        let e = self.event_checked(event)?;
        let book = self.books.get(&event).unwrap_or(&EMPTY_BOOK);
        Ok(Occupancy {
            capacity: e.capacity,
            on_site: book.on_site,
            offered: u32::try_from(book.offers.len()).unwrap_or(u32::MAX),
            remote: book.remote,
            waiting: u32::try_from(book.waiting_len()).unwrap_or(u32::MAX),
            on_site_by_audience: book
                .on_site_by_audience
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(a, n)| (a.as_deref().unwrap_or_default().to_string(), *n))
                .collect(),
        })
    }

    /// The request's fields, trimmed, in [`Field::ALL`]'s order, once checked.
    pub(super) fn check_fields<'r>(
        &self,
        req: &'r RegistrationRequest,
    ) -> Result<[&'r str; 5], Refusal> {
        let policy = &self.statutes.policy;
        let values = Field::ALL.map(|field| trim(req.field(field)));
        for (field, value) in Field::ALL.into_iter().zip(values) {
            let chars = if is_printable_ascii(value) {
                value.len()
            } else {
                match crate::address::scan_text(value) {
                    (true, _) => return Err(Refusal::InvalidField { field }),
                    (false, chars) => chars,
                }
            };
            if chars > policy.max_field_chars as usize {
                return Err(Refusal::FieldTooLong {
                    field,
                    max: policy.max_field_chars,
                });
            }
            if value.is_empty() && policy.required_fields.contains(&field) {
                return Err(Refusal::MissingField { field });
            }
        }
        if policy.require_acknowledgement
            && !req.acknowledges_all
            && let Some(o) = self.rules.unacknowledged(&req.acknowledged)
        {
            return Err(Refusal::ObligationNotAcknowledged {
                obligation: o.to_string(),
            });
        }
        Ok(values)
    }

    pub(super) fn check_window(event: &Event, at: DateTime<Utc>) -> Result<(), Refusal> {
        match event.state {
            EventState::Cancelled => Err(Refusal::EventCancelled),
            EventState::Draft => Err(Refusal::NotOpenYet {
                opens_at: event.registration_opens_at,
            }),
            EventState::Closed | EventState::Held | EventState::Reported => {
                Err(Refusal::RegistrationClosed)
            }
            EventState::Open => {
                if event.registration_opens_at.is_some_and(|o| at < o) {
                    Err(Refusal::NotOpenYet {
                        opens_at: event.registration_opens_at,
                    })
                } else if at >= event.registration_deadline() {
                    Err(Refusal::RegistrationClosed)
                } else {
                    Ok(())
                }
            }
        }
    }

    /// Judges a registration request arriving at `at`.
    ///
    /// In order: the address must be valid and allowed; a person who already
    /// holds a live registration for the event gets it back (idempotence); the
    /// event must be open and inside its window; fields must be present, not too
    /// long and free of control characters; obligations must be acknowledged.
    /// Then the request gets a seat if its audience has room, else (when it
    /// accepts remote attendance) a remote place while waiting for a seat, else
    /// a place in the waiting list, else it is refused as full.
    ///
    /// Registering makes (or refreshes) the person a member *de fait*.
    pub fn register(
        &mut self,
        event: EventId,
        req: &RegistrationRequest,
        at: DateTime<Utc>,
    ) -> Result<RegistrationOutcome, Error> {
        self.expire_then(event, at, |c| c.register_now(event, req, at))
    }

    /// [`register`](Self::register) once the due offers are expired.
    fn register_now(
        &mut self,
        event: EventId,
        req: &RegistrationRequest,
        at: DateTime<Utc>,
    ) -> Result<RegistrationOutcome, Error> {
        // The events alone are borrowed: the interner is used while `ev` is held.
        let ev = event_in(&self.events, event)?;
        let email =
            EmailAddress::parse(&req.email).map_err(|reason| Refusal::InvalidAddress { reason })?;
        let admitted = if ev.admission.is_open() {
            self.rules.admit(&email).map(Option::<&Text>::cloned)
        } else {
            self.admit_to_event(ev, &email)?
        };
        let Some(audience) = admitted else {
            let allowed = self
                .statutes
                .policy
                .allowed
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            return Err(Refusal::AddressNotAllowed { allowed }.into());
        };
        let found = self.members.lookup(email.as_str());
        if let Some(mid) = found.member
            && let Some(rid) = self.books.get(&event).and_then(|b| b.live.get(&mid))
        {
            return Ok(RegistrationOutcome {
                registration: self.registrations[rid].clone(),
                already_registered: true,
            });
        }
        Self::check_window(ev, at)?;
        let values = self.check_fields(req)?;

        let (status, seat, waiting) = if ev.moderated {
            if req.attendance == AttendanceMode::Remote && ev.remote.is_none() {
                return Err(Refusal::RemoteUnavailable.into());
            }
            (RegistrationStatus::Pending, None, false)
        } else {
            self.decide_seat(ev, &audience, req.attendance)?
        };

        // Membership de fait: create or refresh.
        let texts = &mut self.members.interner;
        let fields = values.map(|value| texts.intern(value));
        let member_id = self.participate(found, email, at, |member| {
            let [family, given, service, grade, function] = fields;
            member.family_name = family;
            member.given_name = given;
            member.service = service;
            member.grade = grade;
            member.function = function;
        });

        let registration = Registration {
            id: RegistrationId::new(self.next.registration),
            event,
            member: member_id,
            audience,
            mode: req.attendance,
            requested_at: at,
            status,
            seat,
            waiting_for_seat: waiting,
            confirmed_at: (status == RegistrationStatus::Confirmed).then_some(at),
            promoted_at: None,
            cancelled_at: None,
            checked_in_at: None,
            rejection: None,
            offered_at: None,
            offer_expires_at: None,
            cancel_secret: Some(CancelSecret::for_registration(RegistrationId::new(
                self.next.registration,
            ))),
        };
        self.commit_registration(Action::Registered, at, registration.clone());
        Ok(RegistrationOutcome {
            registration,
            already_registered: false,
        })
    }

    /// Where a request goes now by the usual rules: a seat, a remote place,
    /// the waiting list, or a refusal (full, no broadcast).
    fn decide_seat(
        &self,
        ev: &Event,
        audience: &Option<Text>,
        mode: AttendanceMode,
    ) -> Result<(RegistrationStatus, Option<Seat>, bool), Refusal> {
        let book = self.books.get(&ev.id).unwrap_or(&EMPTY_BOOK);
        let room = book.has_room(ev, audience);
        let remote_room = book.remote_has_room(ev);
        Ok(match mode {
            AttendanceMode::OnSite => {
                if room {
                    (RegistrationStatus::Confirmed, Some(Seat::OnSite), false)
                } else if ev.waitlist {
                    (RegistrationStatus::Waitlisted, None, true)
                } else {
                    return Err(Refusal::EventFull);
                }
            }
            AttendanceMode::Remote => {
                if ev.remote.is_none() {
                    return Err(Refusal::RemoteUnavailable);
                }
                if !remote_room {
                    return Err(Refusal::RemoteFull);
                }
                (RegistrationStatus::Confirmed, Some(Seat::Remote), false)
            }
            AttendanceMode::OnSiteOrRemote => {
                if room {
                    (RegistrationStatus::Confirmed, Some(Seat::OnSite), false)
                } else if remote_room {
                    (
                        RegistrationStatus::Confirmed,
                        Some(Seat::Remote),
                        ev.waitlist,
                    )
                } else if ev.waitlist {
                    (RegistrationStatus::Waitlisted, None, true)
                } else {
                    return Err(Refusal::EventFull);
                }
            }
        })
    }

    /// Approves a pending request (a moderated event): it gets a seat, a
    /// remote place or a place in the waiting list by the usual rules at
    /// `at`. When those rules refuse it (full without a waiting list), the
    /// approval fails with that refusal and the request stays pending.
    ///
    /// ```
    /// # use chrono::{Duration, TimeZone, Utc};
    /// # use cimi_core::{Community, event::{EventKind, EventSpec, Schedule}};
    /// use cimi_core::registration::{RegistrationRequest, RegistrationStatus};
    /// # let now = Utc.with_ymd_and_hms(2017, 11, 20, 9, 0, 0).unwrap();
    /// # let mut c = Community::cimi();
    /// # let when = Schedule::new(now + Duration::days(2), now + Duration::days(2) + Duration::hours(2))?;
    /// let ev = c.schedule_event(EventSpec::new(EventKind::Workshop, "Rust", when, 10).moderated(), now)?;
    /// let ask = RegistrationRequest::new("alice@interieur.gouv.fr").names("Martin", "Alice")
    ///     .affiliation("DNUM", "attachée", "cheffe de projet").acknowledging_all();
    /// let r = c.register(ev, &ask, now)?.registration;
    /// assert_eq!(r.status, RegistrationStatus::Pending);
    /// assert_eq!(c.approve(r.id, now)?.status, RegistrationStatus::Confirmed);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn approve(
        &mut self,
        id: RegistrationId,
        at: DateTime<Utc>,
    ) -> Result<Registration, Error> {
        let event = self.pending(id)?.event;
        self.expire_then(event, at, |c| c.approve_now(id, at))
    }

    fn approve_now(
        &mut self,
        id: RegistrationId,
        at: DateTime<Utc>,
    ) -> Result<Registration, Error> {
        let r = self.pending(id)?;
        let ev = self.event_checked(r.event)?;
        if !ev.state.is_upcoming() {
            return Err(StateError::EventOver.into());
        }
        let (status, seat, waiting) = self.decide_seat(ev, &r.audience, r.mode)?;
        let mut r = r.clone();
        r.status = status;
        r.seat = seat;
        r.waiting_for_seat = waiting;
        r.confirmed_at = (status == RegistrationStatus::Confirmed).then_some(at);
        self.commit_registration(Action::Approved, at, r.clone());
        Ok(r)
    }

    /// Rejects a pending request (a moderated event) with the organiser's
    /// reason, kept with the registration and shown to the person
    /// ([`Registration::rejection_message`]).
    pub fn reject(
        &mut self,
        id: RegistrationId,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<Registration, Error> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::input(
                "reason",
                "must not be blank",
                "ne doit pas être vide",
            ));
        }
        self.check_text("reason", reason)?;
        let event = self.pending(id)?.event;
        self.expire_then(event, at, |c| {
            let mut r = c.pending(id)?.clone();
            r.status = RegistrationStatus::Cancelled;
            r.cancelled_at = Some(at);
            r.rejection = Some(reason.into());
            c.commit_registration(Action::Rejected, at, r.clone());
            Ok(r)
        })
    }

    /// A registration waiting for approval, or why not.
    fn pending(&self, id: RegistrationId) -> Result<&Registration, Error> {
        let r = self
            .registrations
            .get(&id)
            .ok_or_else(|| Error::not_found(Entity::Registration, id.get()))?;
        if r.status != RegistrationStatus::Pending {
            return Err(StateError::NotPending.into());
        }
        Ok(r)
    }

    /// Who an event with an admission of its own admits: `None` when the
    /// statutes' policy refuses the address (and the event's patterns do not
    /// replace it), else the person's audience; the event's own refusals
    /// (`address_not_admitted`, `audience_not_admitted`) say which rule refused.
    fn admit_to_event(
        &self,
        ev: &Event,
        email: &EmailAddress,
    ) -> Result<Option<Option<Text>>, Refusal> {
        let rules = &ev.admission;
        if !rules.allowed.is_empty() && !rules.allowed.iter().any(|p| p.matches(email)) {
            let allowed = rules
                .allowed
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            return Err(Refusal::NotAdmittedByEvent { allowed });
        }
        let audience = if rules.replaces_policy && !rules.allowed.is_empty() {
            self.rules.audience(email).cloned()
        } else {
            match self.rules.admit(email) {
                Some(audience) => audience.cloned(),
                None => return Ok(None),
            }
        };
        if !rules.audiences.is_empty()
            && !audience
                .as_deref()
                .is_some_and(|a| rules.audiences.iter().any(|x| x == a))
        {
            return Err(Refusal::AudienceNotAdmitted {
                audience: audience.as_deref().unwrap_or_default().to_string(),
                admitted: rules.audiences.join(", "),
            });
        }
        Ok(Some(audience))
    }

    /// Judges a batch of requests for one event, in order, all at `at`, as
    /// that many calls of [`register`](Self::register): one answer per
    /// request, accepted or refused with its error. The batch as a whole
    /// fails, judging nothing, only when it cannot be judged at all (an
    /// unknown event).
    ///
    /// ```
    /// # use chrono::{Duration, TimeZone, Utc};
    /// # use cimi_core::{Community, event::{EventKind, EventSpec, Schedule}, ids::EventId};
    /// use cimi_core::registration::RegistrationRequest;
    /// # let now = Utc.with_ymd_and_hms(2017, 11, 20, 9, 0, 0).unwrap();
    /// # let mut c = Community::cimi();
    /// # let when = Schedule::new(now + Duration::days(2), now + Duration::days(2) + Duration::hours(2))?;
    /// # let ev = c.schedule_event(EventSpec::new(EventKind::Miditech, "Kubernetes", when, 10), now)?;
    /// let ask = |email: &str| RegistrationRequest::new(email)
    ///     .names("Martin", "Alice")
    ///     .affiliation("DNUM", "ingénieure", "architecte")
    ///     .acknowledging_all();
    /// let answers = c.register_many(ev, &[ask("alice@interieur.gouv.fr"), ask("bob@gmail.com")], now)?;
    /// assert!(answers[0].is_ok());
    /// assert_eq!(answers[1].as_ref().unwrap_err().kind(), "address_not_allowed");
    /// assert_eq!(c.register_many(EventId::new(99), &[], now).unwrap_err().kind(), "event_not_found");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn register_many(
        &mut self,
        event: EventId,
        requests: &[RegistrationRequest],
        at: DateTime<Utc>,
    ) -> Result<Vec<Result<RegistrationOutcome, Error>>, Error> {
        self.event_checked(event)?;
        Ok(requests
            .iter()
            .map(|r| self.register(event, r, at))
            .collect())
    }

    /// Gives free seats to the waiting list while an audience has room: the
    /// earliest waiting registration gets the seat, or an offer of it when
    /// the event makes offers and it is waitlisted (one following remotely
    /// is already attending and gets the seat). Returns them in order.
    pub(super) fn promote(&mut self, event: EventId, at: DateTime<Utc>) -> Vec<RegistrationId> {
        let mut promoted = Vec::new();
        while let Some((next, deadline)) = self.events.get(&event).and_then(|ev| {
            let next = self.books.get(&event).and_then(|b| b.next_promotion(ev))?;
            Some((next, ev.offer_deadline(at)))
        }) {
            let mut r = self.registrations[&next].clone();
            r.seat = Some(Seat::OnSite);
            r.waiting_for_seat = false;
            match deadline {
                Some(deadline) if r.status == RegistrationStatus::Waitlisted => {
                    r.status = RegistrationStatus::Offered;
                    r.offered_at = Some(at);
                    r.offer_expires_at = Some(deadline);
                    self.commit_registration(Action::OfferMade, at, r);
                }
                _ => {
                    r.status = RegistrationStatus::Confirmed;
                    r.promoted_at = Some(at);
                    if r.confirmed_at.is_none() {
                        r.confirmed_at = Some(at);
                    }
                    self.commit_registration(Action::Promoted, at, r);
                }
            }
            promoted.push(next);
        }
        promoted
    }

    /// Runs `op` after expiring the event's offers due at `at`; when `op`
    /// fails, the expiry is undone with it, so that a refused operation
    /// changes nothing. Without due offers (the usual case) it is `op` alone.
    pub(super) fn expire_then<T>(
        &mut self,
        event: EventId,
        at: DateTime<Utc>,
        op: impl FnOnce(&mut Self) -> Result<T, Error>,
    ) -> Result<T, Error> {
        if self
            .books
            .get(&event)
            .is_none_or(|b| b.first_due_offer(at).is_none())
        {
            return op(self);
        }
        let recording = self.recording;
        self.recording = true; // to be able to undo
        let mark = self.mark();
        self.expire_due_offers(event, at);
        let result = op(self);
        if result.is_err() {
            self.rollback(mark);
        }
        if !recording {
            self.forget_undo();
            self.changes.clear();
            self.recording = false;
        }
        result
    }

    /// Expires the offers of an event whose deadline is at or before `at`
    /// (each cancelled at its deadline, earliest first), then gives the seats
    /// freed to the waiting list at `at`.
    pub(super) fn expire_due_offers(&mut self, event: EventId, at: DateTime<Utc>) -> OfferRound {
        let mut round = OfferRound::default();
        while let Some(id) = self.books.get(&event).and_then(|b| b.first_due_offer(at)) {
            let mut r = self.registrations[&id].clone();
            r.status = RegistrationStatus::Cancelled;
            r.seat = None;
            r.cancelled_at = r.offer_expires_at;
            self.commit_registration(Action::OfferExpired, at, r);
            round.expired.push(id);
        }
        if !round.expired.is_empty()
            && self
                .events
                .get(&event)
                .is_some_and(|e| e.state.is_upcoming())
        {
            round.promoted = self.promote(event, at);
        }
        round
    }

    /// Expires every offer whose deadline is at or before `at` and makes the
    /// next offers (or promotions) in their place: the organisers' periodic
    /// job. Every other operation at `at` on an event does the same for that
    /// event first, so none of them sees an expired offer as open.
    ///
    /// ```
    /// # use chrono::{Duration, TimeZone, Utc};
    /// # use cimi_core::{Community, event::{EventKind, EventSpec, Schedule, WaitlistOffers}};
    /// use cimi_core::registration::{RegistrationRequest, RegistrationStatus};
    /// # let now = Utc.with_ymd_and_hms(2017, 11, 20, 9, 0, 0).unwrap();
    /// # let mut c = Community::cimi();
    /// # let when = Schedule::new(now + Duration::days(20), now + Duration::days(20) + Duration::hours(2))?;
    /// let spec = EventSpec::new(EventKind::Workshop, "Rust", when, 1)
    ///     .with_waitlist_offers(WaitlistOffers::new(Duration::hours(48)));
    /// let ev = c.schedule_event(spec, now)?;
    /// let ask = |e: &str| RegistrationRequest::new(e).names("Martin", "Alice")
    ///     .affiliation("DNUM", "attachée", "cheffe de projet").acknowledging_all();
    /// let a = c.register(ev, &ask("a@interieur.gouv.fr"), now)?.registration.id;
    /// let b = c.register(ev, &ask("b@interieur.gouv.fr"), now)?.registration.id;
    /// let d = c.register(ev, &ask("d@interieur.gouv.fr"), now)?.registration.id;
    /// c.cancel_registration(a, now)?;
    /// assert_eq!(c.registration(b).unwrap().status, RegistrationStatus::Offered);
    /// let round = c.expire_offers(now + Duration::hours(48))?;
    /// assert_eq!((round.expired, round.promoted), (vec![b], vec![d]));
    /// assert_eq!(c.registration(d).unwrap().status, RegistrationStatus::Offered);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn expire_offers(&mut self, at: DateTime<Utc>) -> Result<OfferRound, Error> {
        let due: Vec<EventId> = self
            .books
            .iter()
            .filter(|(_, b)| b.first_due_offer(at).is_some())
            .map(|(id, _)| *id)
            .collect();
        let mut all = OfferRound::default();
        let mut due = due;
        due.sort_unstable();
        for event in due {
            let round = self.expire_due_offers(event, at);
            all.expired.extend(round.expired);
            all.promoted.extend(round.promoted);
        }
        Ok(all)
    }

    /// A registration holding an open offer at `at`, or why not (not
    /// offered; the offer's deadline passed).
    fn open_offer(&self, id: RegistrationId, at: DateTime<Utc>) -> Result<&Registration, Error> {
        let r = self
            .registrations
            .get(&id)
            .ok_or_else(|| Error::not_found(Entity::Registration, id.get()))?;
        match (r.status, r.offer_expires_at) {
            (RegistrationStatus::Offered, Some(deadline)) if at >= deadline => {
                Err(StateError::OfferExpired {
                    expired_at: deadline,
                }
                .into())
            }
            (RegistrationStatus::Offered, _) => Ok(r),
            _ => Err(StateError::NotOffered.into()),
        }
    }

    /// Accepts the seat offered to a registration: it is confirmed on site.
    /// Refused once the offer's deadline has passed (`offer_expired`,
    /// changing nothing; the next operation expires it).
    ///
    /// ```
    /// # use chrono::{Duration, TimeZone, Utc};
    /// # use cimi_core::{Community, event::{EventKind, EventSpec, Schedule, WaitlistOffers}};
    /// use cimi_core::registration::{RegistrationRequest, RegistrationStatus};
    /// # let now = Utc.with_ymd_and_hms(2017, 11, 20, 9, 0, 0).unwrap();
    /// # let mut c = Community::cimi();
    /// # let when = Schedule::new(now + Duration::days(20), now + Duration::days(20) + Duration::hours(2))?;
    /// # let spec = EventSpec::new(EventKind::Workshop, "Rust", when, 1)
    /// #     .with_waitlist_offers(WaitlistOffers::new(Duration::hours(48)));
    /// # let ev = c.schedule_event(spec, now)?;
    /// # let ask = |e: &str| RegistrationRequest::new(e).names("Martin", "Alice")
    /// #     .affiliation("DNUM", "attachée", "cheffe de projet").acknowledging_all();
    /// # let a = c.register(ev, &ask("a@interieur.gouv.fr"), now)?.registration.id;
    /// # let b = c.register(ev, &ask("b@interieur.gouv.fr"), now)?.registration.id;
    /// c.cancel_registration(a, now)?; // b is offered the seat
    /// let late = now + Duration::hours(49);
    /// assert_eq!(c.accept_offer(b, late).unwrap_err().kind(), "offer_expired");
    /// assert_eq!(c.accept_offer(b, now + Duration::hours(1))?.status, RegistrationStatus::Confirmed);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn accept_offer(
        &mut self,
        id: RegistrationId,
        at: DateTime<Utc>,
    ) -> Result<Registration, Error> {
        let event = self.open_offer(id, at)?.event;
        if !self.event_checked(event)?.state.is_upcoming() {
            return Err(StateError::EventOver.into());
        }
        self.expire_then(event, at, |c| {
            let mut r = c.open_offer(id, at)?.clone();
            r.status = RegistrationStatus::Confirmed;
            r.confirmed_at = Some(at);
            r.promoted_at = Some(at);
            c.commit_registration(Action::OfferAccepted, at, r.clone());
            Ok(r)
        })
    }

    /// Declines the seat offered to a registration: it is cancelled and the
    /// seat goes to the next in line (an offer to them, or the seat once the
    /// offer window has closed).
    pub fn decline_offer(
        &mut self,
        id: RegistrationId,
        at: DateTime<Utc>,
    ) -> Result<Cancellation, Error> {
        let event = self.open_offer(id, at)?.event;
        if !self.event_checked(event)?.state.is_upcoming() {
            return Err(StateError::EventOver.into());
        }
        self.expire_then(event, at, |c| {
            let mut r = c.open_offer(id, at)?.clone();
            r.status = RegistrationStatus::Cancelled;
            r.seat = None;
            r.cancelled_at = Some(at);
            c.commit_registration(Action::OfferDeclined, at, r.clone());
            let promoted = c.promote(event, at);
            Ok(Cancellation {
                registration: r,
                promoted,
            })
        })
    }

    /// Cancels a registration (by the registrant) at `at`; the seat goes to the
    /// earliest waiting registration whose audience has room. Cancelling an
    /// already cancelled registration changes nothing and answers the same.
    pub fn cancel_registration(
        &mut self,
        id: RegistrationId,
        at: DateTime<Utc>,
    ) -> Result<Cancellation, Error> {
        let r = self
            .registrations
            .get(&id)
            .ok_or_else(|| Error::not_found(Entity::Registration, id.get()))?;
        let event = r.event;
        if r.is_live() && self.event_checked(event)?.state.is_upcoming() {
            return self.expire_then(event, at, |c| c.cancel_now(id, at));
        }
        self.cancel_now(id, at)
    }

    fn cancel_now(&mut self, id: RegistrationId, at: DateTime<Utc>) -> Result<Cancellation, Error> {
        let r = &self.registrations[&id];
        let event = r.event;
        if !r.is_live() {
            return Ok(Cancellation {
                registration: r.clone(),
                promoted: Vec::new(),
            });
        }
        let ev = self.event_checked(r.event)?;
        if !ev.state.is_upcoming() {
            return Err(StateError::EventOver.into());
        }
        let mut r = r.clone();
        r.status = RegistrationStatus::Cancelled;
        r.seat = None;
        r.waiting_for_seat = false;
        r.cancelled_at = Some(at);
        self.commit_registration(Action::Cancelled, at, r.clone());
        let promoted = self.promote(event, at);
        Ok(Cancellation {
            registration: r,
            promoted,
        })
    }

    /// Cancels a registration with the person's cancellation token (the
    /// link of a confirmation mail; see [`Registration::cancel_token`]), as
    /// [`cancel_registration`](Self::cancel_registration) does, until the
    /// event's [self-cancellation deadline](Event::self_cancellation_deadline).
    /// With `event`, a token of another event's registration is refused.
    /// A token that is malformed, wrong, or of another event is refused
    /// alike (`invalid_token`), without saying which; a token used again
    /// answers as the first time and changes nothing.
    pub fn cancel_by_token(
        &mut self,
        token: &str,
        event: Option<EventId>,
        at: DateTime<Utc>,
    ) -> Result<Cancellation, Error> {
        let id = self.registration_by_token(token, event)?;
        let r = &self.registrations[&id];
        if r.is_live() {
            let deadline = self.event_checked(r.event)?.self_cancellation_deadline();
            if at >= deadline {
                return Err(StateError::CancellationClosed {
                    closed_at: deadline,
                }
                .into());
            }
        }
        self.cancel_registration(id, at)
    }

    /// The registration a cancellation token names, checked in constant time.
    fn registration_by_token(
        &self,
        token: &str,
        event: Option<EventId>,
    ) -> Result<RegistrationId, Error> {
        let (id, secret) = CancelToken::parse(token).ok_or(StateError::InvalidToken)?;
        let r = self.registrations.get(&id);
        let secret_ok = r
            .and_then(|r| r.cancel_secret)
            .is_some_and(|s| s.matches(secret));
        let event_ok = match (r, event) {
            (Some(r), Some(e)) => r.event == e,
            _ => true,
        };
        if secret_ok && event_ok {
            Ok(id)
        } else {
            Err(StateError::InvalidToken.into())
        }
    }

    /// Checks a confirmed registrant in at `at` (on site or remote), inside
    /// the event's [check-in window](Event::check_in_window). Checking in
    /// twice keeps the first time.
    pub fn check_in(
        &mut self,
        id: RegistrationId,
        at: DateTime<Utc>,
    ) -> Result<Registration, Error> {
        let r = self
            .registrations
            .get(&id)
            .ok_or_else(|| Error::not_found(Entity::Registration, id.get()))?;
        match r.status {
            RegistrationStatus::Cancelled => return Err(StateError::RegistrationCancelled.into()),
            RegistrationStatus::Waitlisted
            | RegistrationStatus::Pending
            | RegistrationStatus::Offered => {
                return Err(StateError::NotConfirmed.into());
            }
            _ => {}
        }
        let ev = self.event_checked(r.event)?;
        if !matches!(ev.state, EventState::Open | EventState::Closed) {
            return Err(StateError::CheckInNotPossible.into());
        }
        let (opens_at, closes_at) = ev.check_in_window();
        if at < opens_at || at > closes_at {
            return Err(StateError::CheckInOutsideWindow {
                opens_at,
                closes_at,
            }
            .into());
        }
        if r.checked_in_at.is_some() {
            return Ok(r.clone());
        }
        let mut r = r.clone();
        r.checked_in_at = Some(at);
        let mut m = self.members[&r.member].clone();
        m.record_participation(at);
        self.commit_registration(Action::CheckedIn, at, r.clone());
        self.commit_member(Action::MemberUpdated, at, m, None);
        Ok(r)
    }
}
