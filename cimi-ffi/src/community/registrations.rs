//! The registration engine: register (one request or a batch), approve or
//! reject the requests of a moderated event, cancel and promote the waiting
//! list, offers of freed seats (accept, decline, expire), cancellation by the
//! registrant's token, check in, occupancy and attendance (the core's
//! `community/registrations.rs`), with their records and enums
//! (`RegistrationRequest`, `Registration`, `RegistrationOutcome`,
//! `RegistrationAttempt`, `Cancellation`, `OfferRound`, `Occupancy`,
//! `AttendanceMode`, `RegistrationStatus`, `Seat`, `Attendance`, `Field`) and
//! the top-level `registrationRequest` (Java: `Cimi.registrationRequest`).

use std::collections::HashMap;

use cimi_core::{community as cc, registration as cr};

use crate::community::Community;
use crate::convert::{self, count_i32, id_i64, ids_out, quotas_out};
use crate::error::CimiError;
use crate::time::{instant, millis, opt_millis};

pub use cimi_core::registration::Attendance;
pub use cimi_core::registration::AttendanceMode;
pub use cimi_core::registration::Field;
pub use cimi_core::registration::RegistrationStatus;
pub use cimi_core::registration::Seat;

/// How a registrant wants to attend.
#[uniffi::remote(Enum)]
#[non_exhaustive]
pub enum AttendanceMode {
    /// A seat in the room.
    OnSite,
    /// Follow by video conference only.
    Remote,
    /// A seat if there is one; otherwise follow remotely at once while
    /// waiting for a seat.
    OnSiteOrRemote,
}

/// Where a registration stands.
#[uniffi::remote(Enum)]
#[non_exhaustive]
pub enum RegistrationStatus {
    /// Has a seat on site or a remote place.
    Confirmed,
    /// Waiting for a seat.
    Waitlisted,
    /// Cancelled by the registrant or an organiser, rejected by moderation,
    /// or an offer of a seat declined or expired.
    Cancelled,
    /// Waiting for an organiser's approval (a moderated event).
    Pending,
    /// Offered a freed seat, held until `offerExpiresAtMs` (an event with
    /// waitlist offers): `Community.acceptOffer` or `declineOffer`.
    Offered,
}

/// Where a confirmed registrant attends.
#[uniffi::remote(Enum)]
#[non_exhaustive]
pub enum Seat {
    /// In the room.
    OnSite,
    /// By video conference.
    Remote,
}

/// Whether a confirmed registrant came.
#[uniffi::remote(Enum)]
#[non_exhaustive]
pub enum Attendance {
    /// The event has not been held yet.
    Pending,
    /// Checked in.
    Attended,
    /// Confirmed, the event was held, and no check-in.
    NoShow,
    /// Not confirmed (waiting or cancelled).
    NotApplicable,
}

/// A field of a registration request (besides the address).
#[uniffi::remote(Enum)]
#[non_exhaustive]
pub enum Field {
    /// Nom.
    FamilyName,
    /// Prénom.
    GivenName,
    /// Service.
    Service,
    /// Grade.
    Grade,
    /// Fonction.
    Function,
}

/// A request to register for an event: the e-mail of seed 003 (nom, prénom,
/// service, grade, fonction, from an allowed mailbox), the obligations the
/// registrant acknowledges (`deontology`, `pssi` for the CIMI) and how they
/// want to attend. Java: `new RegistrationRequestBuilder(email)`, then
/// its fluent setters and `build()`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RegistrationRequest {
    /// The sender's address.
    pub email: String,
    /// Nom.
    pub family_name: String,
    /// Prénom.
    pub given_name: String,
    /// Service.
    pub service: String,
    /// Grade.
    pub grade: String,
    /// Fonction.
    pub function: String,
    /// Identifiers of the statutes' obligations acknowledged.
    pub acknowledged: Vec<String>,
    /// How the registrant wants to attend.
    pub attendance: AttendanceMode,
    /// The registrant acknowledges every obligation of the statutes in force
    /// when the request is judged (one "I accept the obligations" box), in
    /// addition to `acknowledged`. Defaults to `false` (Java: the
    /// eight-argument constructor, or `setAcknowledgesAll(true)`).
    #[uniffi(default = false)]
    pub acknowledges_all: bool,
}

impl From<RegistrationRequest> for cr::RegistrationRequest {
    fn from(r: RegistrationRequest) -> Self {
        let request = cr::RegistrationRequest::new(r.email)
            .names(r.family_name, r.given_name)
            .affiliation(r.service, r.grade, r.function)
            .acknowledging(r.acknowledged)
            .attending(r.attendance);
        match r.acknowledges_all {
            true => request.acknowledging_all(),
            false => request,
        }
    }
}

impl From<&cr::RegistrationRequest> for RegistrationRequest {
    fn from(r: &cr::RegistrationRequest) -> Self {
        RegistrationRequest {
            email: r.email.clone(),
            family_name: r.family_name.clone(),
            given_name: r.given_name.clone(),
            service: r.service.clone(),
            grade: r.grade.clone(),
            function: r.function.clone(),
            acknowledged: r.acknowledged.iter().map(str::to_string).collect(),
            attendance: r.attendance,
            acknowledges_all: r.acknowledges_all,
        }
    }
}

/// A request from that address with every other field empty, attending on
/// site and acknowledging nothing: the core's `RegistrationRequest::new`.
/// Fill its fields before `Community.register` (Java:
/// `new RegistrationRequestBuilder(email)` starts from it).
#[uniffi::export]
pub fn registration_request(email: String) -> RegistrationRequest {
    (&cr::RegistrationRequest::new(email)).into()
}

/// A registration of a member for an event.
///
/// Its cancellation token is not a field (records print every field, and
/// logs print records): read it with `Community.cancelToken(id)`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Registration {
    /// Identifier, also the rank in the order of arrival.
    pub id: i64,
    /// The event.
    pub event_id: i64,
    /// The registrant.
    pub member_id: i64,
    /// The audience derived from the address, if any (`interieur`…).
    pub audience: Option<String>,
    /// How the registrant asked to attend.
    pub mode: AttendanceMode,
    /// When the request arrived (ms since the epoch).
    pub requested_at_ms: i64,
    /// Current status.
    pub status: RegistrationStatus,
    /// The place held, when confirmed.
    pub seat: Option<Seat>,
    /// Whether it is in the waiting list for a seat (waitlisted, or confirmed
    /// remotely while waiting).
    pub waiting_for_seat: bool,
    /// When it was confirmed.
    pub confirmed_at_ms: Option<i64>,
    /// When it was promoted from the waiting list to a seat.
    pub promoted_at_ms: Option<i64>,
    /// When it was cancelled.
    pub cancelled_at_ms: Option<i64>,
    /// When the registrant checked in.
    pub checked_in_at_ms: Option<i64>,
    /// Why an organiser rejected the request (a moderated event), as they
    /// wrote it; `null` unless rejected (status `CANCELLED`).
    pub rejection: Option<String>,
    /// What the person is told of the rejection, in English, with the
    /// organiser's reason (the core's `Registration::rejection_message`);
    /// `null` unless rejected.
    pub rejection_message: Option<String>,
    /// The same in French.
    pub rejection_message_fr: Option<String>,
    /// When a freed seat was offered to it (an event with waitlist offers).
    pub offered_at_ms: Option<i64>,
    /// When that offer expires (status `OFFERED` until then) or expired.
    pub offer_expires_at_ms: Option<i64>,
}

impl From<&cr::Registration> for Registration {
    fn from(r: &cr::Registration) -> Self {
        Registration {
            id: id_i64(r.id.get()),
            event_id: id_i64(r.event.get()),
            member_id: id_i64(r.member.get()),
            audience: r.audience.as_deref().map(str::to_string),
            mode: r.mode,
            requested_at_ms: millis(r.requested_at),
            status: r.status,
            seat: r.seat,
            waiting_for_seat: r.waiting_for_seat,
            confirmed_at_ms: opt_millis(r.confirmed_at),
            promoted_at_ms: opt_millis(r.promoted_at),
            cancelled_at_ms: opt_millis(r.cancelled_at),
            checked_in_at_ms: opt_millis(r.checked_in_at),
            rejection: r.rejection.as_deref().map(str::to_string),
            rejection_message: r.rejection_message(cimi_core::Lang::En),
            rejection_message_fr: r.rejection_message(cimi_core::Lang::Fr),
            offered_at_ms: opt_millis(r.offered_at),
            offer_expires_at_ms: opt_millis(r.offer_expires_at),
        }
    }
}

/// The answer to an accepted registration request.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RegistrationOutcome {
    /// The registration (new, or the one the person already had).
    pub registration: Registration,
    /// Whether the person already had this live registration (same address,
    /// compared case-insensitively).
    pub already_registered: bool,
}

impl From<cc::RegistrationOutcome> for RegistrationOutcome {
    fn from(o: cc::RegistrationOutcome) -> Self {
        RegistrationOutcome {
            registration: (&o.registration).into(),
            already_registered: o.already_registered,
        }
    }
}

/// One item of a batch registration: exactly one of `outcome` and `error` is
/// set.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RegistrationAttempt {
    /// The registration, when the request was accepted.
    pub outcome: Option<RegistrationOutcome>,
    /// Why not, otherwise (a refusal, usually).
    pub error: Option<crate::error::ErrorInfo>,
}

/// The answer to a cancellation.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Cancellation {
    /// The cancelled registration.
    pub registration: Registration,
    /// Registrations promoted to a seat because of it (or offered one, for
    /// an event with waitlist offers), in order.
    pub promoted: Vec<i64>,
}

impl From<cc::Cancellation> for Cancellation {
    fn from(c: cc::Cancellation) -> Self {
        Cancellation {
            registration: (&c.registration).into(),
            promoted: ids_out(&c.promoted),
        }
    }
}

/// What a pass over the open offers did (`Community.expireOffers`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OfferRound {
    /// Offers whose deadline had passed, now cancelled.
    pub expired: Vec<i64>,
    /// Registrations promoted or offered a seat in their place, in order.
    pub promoted: Vec<i64>,
}

impl From<cc::OfferRound> for OfferRound {
    fn from(r: cc::OfferRound) -> Self {
        OfferRound {
            expired: ids_out(&r.expired),
            promoted: ids_out(&r.promoted),
        }
    }
}

/// How full an event is.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Occupancy {
    /// Seats on site.
    pub capacity: i32,
    /// Seats taken (confirmed, or held by an open offer).
    pub on_site: i32,
    /// Seats held by open offers (included in `onSite`).
    pub offered: i32,
    /// Remote places taken.
    pub remote: i32,
    /// Registrations waiting for a seat (including remote ones waiting).
    pub waiting: i32,
    /// Seats taken per audience (`""` for addresses in no audience).
    pub on_site_by_audience: HashMap<String, i32>,
}

impl From<cc::Occupancy> for Occupancy {
    fn from(o: cc::Occupancy) -> Self {
        Occupancy {
            capacity: count_i32(o.capacity),
            on_site: count_i32(o.on_site),
            offered: count_i32(o.offered),
            remote: count_i32(o.remote),
            waiting: count_i32(o.waiting),
            on_site_by_audience: quotas_out(&o.on_site_by_audience),
        }
    }
}

#[uniffi::export]
impl Community {
    /// Judges a registration request arriving at `at_ms` and returns the
    /// identifier of the registration: a new one (a confirmed seat, a remote
    /// place or a place in the waiting list; pending an organiser's approval
    /// for a moderated event), or the live one the person already holds for
    /// this event. A refusal throws
    /// `CimiException.Refused` whose `kind` says why (`address_not_allowed`,
    /// `event_full`…).
    ///
    /// Only the identifier crosses the boundary, which keeps the call cheap
    /// from the JVM; read the registration (status, seat…) with
    /// `registration(id)`, or call `registerOutcome` to get it, and whether
    /// the person was already registered, in the same call.
    pub fn register(
        &self,
        event_id: i64,
        request: RegistrationRequest,
        at_ms: i64,
    ) -> Result<i64, CimiError> {
        let id = convert::event_id(event_id)?;
        let at = instant(at_ms, "at_ms")?;
        let request = request.into();
        self.write(|c| {
            c.register(id, &request, at)
                .map(|o| id_i64(o.registration.id.get()))
        })
    }

    /// `register`, answering with the whole outcome: the registration (new,
    /// or the one the person already had) and whether the person was already
    /// registered. Same rules and errors as `register`.
    pub fn register_outcome(
        &self,
        event_id: i64,
        request: RegistrationRequest,
        at_ms: i64,
    ) -> Result<RegistrationOutcome, CimiError> {
        let id = convert::event_id(event_id)?;
        let at = instant(at_ms, "at_ms")?;
        let request = request.into();
        self.write(|c| c.register(id, &request, at).map(Into::into))
    }

    /// Judges a batch of requests for one event, in order, all at `at_ms`, in
    /// one call and under one lock. One attempt per request, in the same
    /// order; a refused request does not stop the others. Only a batch that
    /// cannot be judged at all (an unknown event: `NotFound`) throws.
    pub fn register_many(
        &self,
        event_id: i64,
        requests: Vec<RegistrationRequest>,
        at_ms: i64,
    ) -> Result<Vec<RegistrationAttempt>, CimiError> {
        let id = convert::event_id(event_id)?;
        let at = instant(at_ms, "at_ms")?;
        let requests: Vec<cimi_core::registration::RegistrationRequest> =
            requests.into_iter().map(Into::into).collect();
        self.write(|c| {
            Ok(c.register_many(id, &requests, at)?
                .into_iter()
                .map(|r| match r {
                    Ok(o) => RegistrationAttempt {
                        outcome: Some(o.into()),
                        error: None,
                    },
                    Err(e) => RegistrationAttempt {
                        outcome: None,
                        error: Some(CimiError::from(e).into()),
                    },
                })
                .collect())
        })
    }

    /// Approves a pending request (an event scheduled `moderated`): it gets
    /// a seat, a remote place or a place in the waiting list by the rules at
    /// `at_ms`, and the registration is returned. When those rules refuse it
    /// (no seat left and no waiting list: `CimiException.Refused`, kind
    /// `event_full`), it stays pending. A registration that is not pending is
    /// `CimiException.InvalidState` with kind `not_pending`.
    pub fn approve(&self, registration_id: i64, at_ms: i64) -> Result<Registration, CimiError> {
        let id = convert::registration_id(registration_id)?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.approve(id, at).map(|r| (&r).into()))
    }

    /// Rejects a pending request (a moderated event) with the organiser's
    /// `reason` (not blank), kept in `rejection`; the registration, returned,
    /// is cancelled and `rejectionMessage` / `rejectionMessageFr` say it to
    /// the person. Not pending: `CimiException.InvalidState`, kind
    /// `not_pending`.
    pub fn reject(
        &self,
        registration_id: i64,
        reason: String,
        at_ms: i64,
    ) -> Result<Registration, CimiError> {
        let id = convert::registration_id(registration_id)?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.reject(id, &reason, at).map(|r| (&r).into()))
    }

    /// Accepts the seat offered to a registration (status `OFFERED`): it is
    /// confirmed on site and returned. Not offered (or already answered):
    /// `CimiException.InvalidState`, kind `not_offered`; at or after the
    /// offer's deadline: kind `offer_expired` (details `expired_at`),
    /// changing nothing (the next operation on the event expires it).
    pub fn accept_offer(
        &self,
        registration_id: i64,
        at_ms: i64,
    ) -> Result<Registration, CimiError> {
        let id = convert::registration_id(registration_id)?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.accept_offer(id, at).map(|r| (&r).into()))
    }

    /// Declines the seat offered to a registration: it is cancelled and the
    /// seat goes to the next in line (an offer to them, or the seat once the
    /// offer window has closed; listed in `promoted`). Same errors as
    /// `acceptOffer`.
    pub fn decline_offer(
        &self,
        registration_id: i64,
        at_ms: i64,
    ) -> Result<Cancellation, CimiError> {
        let id = convert::registration_id(registration_id)?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.decline_offer(id, at).map(Into::into))
    }

    /// Expires every offer whose deadline is at or before `at_ms` (each
    /// cancelled at its deadline) and gives the seats freed to the next in
    /// line: the organisers' periodic job. Every other operation on an event
    /// does the same for that event first, so none sees an expired offer as
    /// open.
    pub fn expire_offers(&self, at_ms: i64) -> Result<OfferRound, CimiError> {
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.expire_offers(at).map(Into::into))
    }

    /// The registrant's cancellation token (`"<id>-<32 hex digits>"`), to put
    /// in the link of a confirmation mail, for `cancelByToken`; `null` for a
    /// registration made before tokens existed. An unknown registration is
    /// `CimiException.NotFound`. It is a secret: it is not a field of
    /// `Registration`, so that printing a record never shows it; do not log
    /// it.
    pub fn cancel_token(&self, registration_id: i64) -> Result<Option<String>, CimiError> {
        let id = convert::registration_id(registration_id)?;
        self.read(|c| {
            let r = c.registration(id).ok_or(cimi_core::Error::NotFound {
                entity: cimi_core::error::Entity::Registration,
                id: id.get(),
            })?;
            Ok(r.cancel_token().map(|t| t.as_str().to_string()))
        })
    }

    /// Cancels a registration with the registrant's cancellation token (see
    /// `cancelToken`), as `cancelRegistration` does, until the event's
    /// `cancellationDeadlineMs` (then `CimiException.InvalidState`, kind
    /// `cancellation_closed`, details `closed_at`). With `event_id`, a token
    /// of another event's registration is refused. A token that is
    /// malformed, wrong or of another event is refused alike
    /// (`InvalidState`, kind `invalid_token`, no details: neither the error
    /// nor its message repeats the token); a token used again answers as the
    /// first time and changes nothing.
    pub fn cancel_by_token(
        &self,
        token: String,
        event_id: Option<i64>,
        at_ms: i64,
    ) -> Result<Cancellation, CimiError> {
        let event = event_id.map(convert::event_id).transpose()?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.cancel_by_token(&token, event, at).map(Into::into))
    }

    /// Cancels a registration; the seat goes to the earliest waiting
    /// registration whose audience has room (listed in `promoted`; for an
    /// event with waitlist offers, it is offered to them first).
    /// Cancelling twice answers the same.
    pub fn cancel_registration(
        &self,
        registration_id: i64,
        at_ms: i64,
    ) -> Result<Cancellation, CimiError> {
        let id = convert::registration_id(registration_id)?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.cancel_registration(id, at).map(Into::into))
    }

    /// Checks a confirmed registrant in (checking in twice keeps the first
    /// time), inside the event's check-in window (`checkInOpensAtMs` to
    /// `checkInClosesAtMs`: from a day before the start to a day after the
    /// end); outside it, `CimiException.InvalidState` with kind
    /// `check_in_outside_window` (details `opens_at`, `closes_at`).
    pub fn check_in(&self, registration_id: i64, at_ms: i64) -> Result<Registration, CimiError> {
        let id = convert::registration_id(registration_id)?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.check_in(id, at).map(|r| (&r).into()))
    }

    /// A registration by identifier, or `null`.
    pub fn registration(&self, registration_id: i64) -> Result<Option<Registration>, CimiError> {
        let id = convert::registration_id(registration_id)?;
        self.read(|c| Ok(c.registration(id).map(Into::into)))
    }

    /// Every registration of an event (including cancelled ones), in order of arrival.
    pub fn registrations(&self, event_id: i64) -> Result<Vec<Registration>, CimiError> {
        let id = convert::event_id(event_id)?;
        self.read(|c| Ok(c.registrations(id).map(Into::into).collect()))
    }

    /// Every registration of the community, in order of arrival.
    pub fn all_registrations(&self) -> Result<Vec<Registration>, CimiError> {
        self.read(|c| Ok(c.all_registrations().map(Into::into).collect()))
    }

    /// The waiting list of an event (registration identifiers), in promotion order.
    pub fn waiting_list(&self, event_id: i64) -> Result<Vec<i64>, CimiError> {
        let id = convert::event_id(event_id)?;
        self.read(|c| Ok(ids_out(&c.waiting_list(id))))
    }

    /// The confirmed registrations of an event (on site and remote), in order.
    pub fn confirmed(&self, event_id: i64) -> Result<Vec<Registration>, CimiError> {
        let id = convert::event_id(event_id)?;
        self.read(|c| Ok(c.confirmed(id).into_iter().map(Into::into).collect()))
    }

    /// How full an event is.
    pub fn occupancy(&self, event_id: i64) -> Result<Occupancy, CimiError> {
        let id = convert::event_id(event_id)?;
        self.read(|c| Ok(c.occupancy(id)?.into()))
    }

    /// Whether a registrant came: pending, attended, no-show (after the event
    /// was held) or not applicable (not confirmed).
    pub fn attendance(&self, registration_id: i64) -> Result<Attendance, CimiError> {
        let id = convert::registration_id(registration_id)?;
        self.read(|c| Ok(c.attendance(id)?))
    }
}
