//! Registration requests, registrations and refusals.
//!
//! A [`RegistrationRequest`] is what a person sends (the registration e-mail
//! of a miditech: nom, prénom, service, grade, fonction, sent from a ministerial mailbox). The
//! [`Community`](crate::Community) judges it against the statutes' policy and the
//! event, and answers with a [`Registration`] (confirmed on site, confirmed
//! remotely, or waiting) or a typed [`Refusal`].
//!
//! ```
//! use cimi_core::registration::{Field, Refusal};
//! use cimi_core::Lang;
//! let r = Refusal::MissingField { field: Field::Grade };
//! assert_eq!(r.kind(), "missing_field");
//! assert_eq!(r.message(Lang::Fr), "le champ « grade » est obligatoire");
//! assert_eq!(r.message(Lang::En), "the field 'grade' is required");
//! ```

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::address::AddressError;
use crate::i18n::Lang;
use crate::ids::{EventId, MemberId, RegistrationId};
use crate::text::{Text, TextSet};

/// A field of a registration request (besides the address, always required).
///
/// ```
/// use cimi_core::registration::Field;
/// assert_eq!(Field::FamilyName.label(cimi_core::Lang::Fr), "nom");
/// assert_eq!(Field::from_name("given_name"), Some(Field::GivenName));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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

impl Field {
    /// All fields, in the order of the registration e-mail (nom, prénom,
    /// service, grade, fonction).
    pub const ALL: [Field; 5] = [
        Field::FamilyName,
        Field::GivenName,
        Field::Service,
        Field::Grade,
        Field::Function,
    ];

    /// A stable snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            Field::FamilyName => "family_name",
            Field::GivenName => "given_name",
            Field::Service => "service",
            Field::Grade => "grade",
            Field::Function => "function",
        }
    }

    /// Parses a snake_case name.
    pub fn from_name(s: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == s)
    }

    /// The field's label in the given language.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Field::FamilyName => lang.pick("nom", "family name"),
            Field::GivenName => lang.pick("prénom", "given name"),
            Field::Service => "service",
            Field::Grade => "grade",
            Field::Function => lang.pick("fonction", "function"),
        }
    }
}

/// How the registrant wants to attend.
///
/// ```
/// assert_eq!(cimi_core::registration::AttendanceMode::default(), cimi_core::registration::AttendanceMode::OnSite);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AttendanceMode {
    /// A seat in the room.
    #[default]
    OnSite,
    /// Follow by video conference only.
    Remote,
    /// A seat if there is one; otherwise follow remotely at once while waiting
    /// for a seat.
    OnSiteOrRemote,
}

impl AttendanceMode {
    /// A stable snake_case name.
    pub fn kind(self) -> &'static str {
        match self {
            AttendanceMode::OnSite => "on_site",
            AttendanceMode::Remote => "remote",
            AttendanceMode::OnSiteOrRemote => "on_site_or_remote",
        }
    }

    /// Parses a snake_case name.
    pub fn from_kind(s: &str) -> Option<AttendanceMode> {
        [
            AttendanceMode::OnSite,
            AttendanceMode::Remote,
            AttendanceMode::OnSiteOrRemote,
        ]
        .into_iter()
        .find(|m| m.kind() == s)
    }
}

/// A request to register for an event.
///
/// ```
/// use cimi_core::registration::RegistrationRequest;
/// let r = RegistrationRequest::new("jean.dupont@interieur.gouv.fr")
///     .names("Dupont", "Jean")
///     .affiliation("ST(SI)²", "capitaine", "chef de projet")
///     .acknowledging(["deontology", "pssi"]);
/// assert_eq!(r.given_name, "Jean");
/// ```
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RegistrationRequest {
    /// The sender's address.
    pub email: String,
    /// Nom.
    #[serde(default)]
    pub family_name: String,
    /// Prénom.
    #[serde(default)]
    pub given_name: String,
    /// Service.
    #[serde(default)]
    pub service: String,
    /// Grade.
    #[serde(default)]
    pub grade: String,
    /// Fonction.
    #[serde(default)]
    pub function: String,
    /// Identifiers of the statutes' obligations the registrant acknowledges.
    #[serde(default)]
    pub acknowledged: TextSet,
    /// Whether the registrant acknowledges every obligation of the statutes
    /// in force when the request is judged (whatever `acknowledged` holds):
    /// what a form with one "I accept the statutes' obligations" box means.
    #[serde(default)]
    pub acknowledges_all: bool,
    /// How the registrant wants to attend.
    #[serde(default)]
    pub attendance: AttendanceMode,
}

impl fmt::Debug for RegistrationRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegistrationRequest")
            .field("acknowledged", &self.acknowledged)
            .field("acknowledges_all", &self.acknowledges_all)
            .field("attendance", &self.attendance)
            .finish_non_exhaustive()
    }
}

impl RegistrationRequest {
    /// A request from that address, with every other field empty.
    pub fn new(email: impl Into<String>) -> Self {
        RegistrationRequest {
            email: email.into(),
            ..Default::default()
        }
    }

    /// With family and given names.
    pub fn names(mut self, family_name: impl Into<String>, given_name: impl Into<String>) -> Self {
        self.family_name = family_name.into();
        self.given_name = given_name.into();
        self
    }

    /// With service, grade and function.
    pub fn affiliation(
        mut self,
        service: impl Into<String>,
        grade: impl Into<String>,
        function: impl Into<String>,
    ) -> Self {
        self.service = service.into();
        self.grade = grade.into();
        self.function = function.into();
        self
    }

    /// Acknowledging these obligations.
    pub fn acknowledging<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let ids: Vec<String> = ids.into_iter().map(Into::into).collect();
        self.acknowledged = self
            .acknowledged
            .iter()
            .chain(ids.iter().map(String::as_str))
            .collect();
        self
    }

    /// Acknowledging every obligation of the statutes in force when the
    /// request is judged.
    ///
    /// ```
    /// # use chrono::{Duration, TimeZone, Utc};
    /// # use cimi_core::{Community, event::{EventKind, EventSpec, Schedule}};
    /// use cimi_core::registration::RegistrationRequest;
    /// # let now = Utc.with_ymd_and_hms(2017, 11, 20, 9, 0, 0).unwrap();
    /// # let mut c = Community::cimi();
    /// # let when = Schedule::new(now + Duration::days(2), now + Duration::days(2) + Duration::hours(2))?;
    /// # let ev = c.schedule_event(EventSpec::new(EventKind::Miditech, "Kubernetes", when, 10), now)?;
    /// let ask = RegistrationRequest::new("alice@interieur.gouv.fr")
    ///     .names("Martin", "Alice")
    ///     .affiliation("DNUM", "ingénieure", "architecte")
    ///     .acknowledging_all();
    /// assert!(c.register(ev, &ask, now).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn acknowledging_all(mut self) -> Self {
        self.acknowledges_all = true;
        self
    }

    /// With an attendance mode.
    pub fn attending(mut self, mode: AttendanceMode) -> Self {
        self.attendance = mode;
        self
    }

    /// The value of a field.
    pub fn field(&self, field: Field) -> &str {
        match field {
            Field::FamilyName => &self.family_name,
            Field::GivenName => &self.given_name,
            Field::Service => &self.service,
            Field::Grade => &self.grade,
            Field::Function => &self.function,
        }
    }
}

/// Where a registration stands.
///
/// ```
/// assert_eq!(cimi_core::registration::RegistrationStatus::Waitlisted.kind(), "waitlisted");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RegistrationStatus {
    /// Has a seat on site or a remote place.
    Confirmed,
    /// Waiting for a seat.
    Waitlisted,
    /// Cancelled by the registrant, an organiser, or rejected by moderation.
    Cancelled,
    /// Waiting for an organiser's approval (a moderated event).
    Pending,
    /// Offered a freed seat, held until the offer's deadline (an event with
    /// [`WaitlistOffers`](crate::event::WaitlistOffers)).
    Offered,
}

impl RegistrationStatus {
    /// A stable snake_case name.
    pub fn kind(self) -> &'static str {
        match self {
            RegistrationStatus::Confirmed => "confirmed",
            RegistrationStatus::Waitlisted => "waitlisted",
            RegistrationStatus::Cancelled => "cancelled",
            RegistrationStatus::Pending => "pending",
            RegistrationStatus::Offered => "offered",
        }
    }

    /// The status in the given language.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            RegistrationStatus::Confirmed => lang.pick("confirmé", "confirmed"),
            RegistrationStatus::Waitlisted => lang.pick("en liste d'attente", "waitlisted"),
            RegistrationStatus::Cancelled => lang.pick("annulé", "cancelled"),
            RegistrationStatus::Pending => {
                lang.pick("en attente de validation", "pending approval")
            }
            RegistrationStatus::Offered => lang.pick("place proposée", "offered a seat"),
        }
    }
}

/// Where a confirmed registrant attends.
///
/// ```
/// assert_eq!(cimi_core::registration::Seat::Remote.kind(), "remote");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Seat {
    /// In the room.
    OnSite,
    /// By video conference.
    Remote,
}

impl Seat {
    /// A stable snake_case name.
    pub fn kind(self) -> &'static str {
        match self {
            Seat::OnSite => "on_site",
            Seat::Remote => "remote",
        }
    }
}

/// Whether a confirmed registrant came.
///
/// ```
/// assert_eq!(cimi_core::registration::Attendance::NoShow.kind(), "no_show");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Attendance {
    /// The event has not been held yet.
    Pending,
    /// Checked in.
    Attended,
    /// Confirmed, the event was held, and no check-in.
    NoShow,
    /// Not confirmed (waiting or cancelled): attendance does not apply.
    NotApplicable,
}

impl Attendance {
    /// A stable snake_case name.
    pub fn kind(self) -> &'static str {
        match self {
            Attendance::Pending => "pending",
            Attendance::Attended => "attended",
            Attendance::NoShow => "no_show",
            Attendance::NotApplicable => "not_applicable",
        }
    }
}

/// A registration of a member for an event.
///
/// Personal data lives in the [`Member`](crate::member::Member) it points to, so
/// an erasure has one place to act on.
///
/// ```
/// use cimi_core::registration::{Registration, RegistrationStatus};
/// # fn f(r: &Registration) {
/// if r.status == RegistrationStatus::Confirmed && r.waiting_for_seat {
///     // following remotely while waiting for a seat
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    /// Identifier, also the rank in the order of arrival.
    pub id: RegistrationId,
    /// The event.
    pub event: EventId,
    /// The registrant.
    pub member: MemberId,
    /// The audience derived from the address, if any.
    #[serde(default)]
    pub audience: Option<Text>,
    /// How the registrant asked to attend.
    #[serde(default)]
    pub mode: AttendanceMode,
    /// When the request arrived.
    pub requested_at: DateTime<Utc>,
    /// Current status.
    pub status: RegistrationStatus,
    /// The place held, when confirmed.
    #[serde(default)]
    pub seat: Option<Seat>,
    /// Whether the registration is in the waiting list for a seat (waitlisted,
    /// or confirmed remotely while waiting).
    #[serde(default)]
    pub waiting_for_seat: bool,
    /// When it was confirmed, if it was.
    #[serde(default)]
    pub confirmed_at: Option<DateTime<Utc>>,
    /// When it was promoted from the waiting list to a seat, if it was.
    #[serde(default)]
    pub promoted_at: Option<DateTime<Utc>>,
    /// When it was cancelled, if it was.
    #[serde(default)]
    pub cancelled_at: Option<DateTime<Utc>>,
    /// When the registrant checked in, if they did.
    #[serde(default)]
    pub checked_in_at: Option<DateTime<Utc>>,
    /// Why an organiser rejected the request (a moderated event), as they
    /// wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejection: Option<Box<str>>,
    /// When a freed seat was offered to it, if one was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offered_at: Option<DateTime<Utc>>,
    /// When the offer expires (still `offered` until then), or expired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer_expires_at: Option<DateTime<Utc>>,
    /// The secret of the person's cancellation token (see
    /// [`cancel_token`](Registration::cancel_token)); never shown by `Debug`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_secret: Option<CancelSecret>,
}

/// The secret part of a cancellation token: 128 random bits drawn when the
/// registration is made (see [`for_registration`](CancelSecret::for_registration)). `Debug`
/// never shows it.
///
/// ```
/// use cimi_core::ids::RegistrationId;
/// let s = cimi_core::registration::CancelSecret::for_registration(RegistrationId::new(1));
/// assert_eq!(format!("{s:?}"), "CancelSecret(…)");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CancelSecret([u8; 16]); // bytes, not a u128: alignment 1 keeps `Registration` small

impl CancelSecret {
    /// The secret of registration `id`: SipHash-2-4 (128 bits) of the
    /// identifier, keyed by 128 bits freshly drawn from `rand`'s thread
    /// generator (ChaCha, seeded from the operating system).
    ///
    /// Why a keyed hash of the identifier rather than the draw alone: `rand`
    /// does not reseed its generator when a process forks, so two processes
    /// forked from one (Python's `multiprocessing`, a pre-forking server)
    /// draw the same values in the same order. Writing to one shared store,
    /// they give different identifiers, and the key they share is never
    /// shown: knowing one's own secret tells nothing of another's. Checking
    /// the process id on each draw instead costs a system call (about 150 ns
    /// here, a fifth of a registration).
    ///
    /// ```
    /// use cimi_core::ids::RegistrationId;
    /// use cimi_core::registration::CancelSecret;
    /// let s = CancelSecret::for_registration(RegistrationId::new(7));
    /// assert_eq!(format!("{s:?}"), "CancelSecret(…)");
    /// assert_ne!(s, CancelSecret::for_registration(RegistrationId::new(7)));
    /// ```
    pub fn for_registration(id: RegistrationId) -> Self {
        use rand::RngExt;
        let key: u128 = rand::rng().random();
        let hash = siphasher::sip128::SipHasher24::new_with_keys(key as u64, (key >> 64) as u64)
            .hash(&id.get().to_le_bytes());
        CancelSecret(hash.as_u128().to_be_bytes())
    }

    /// Compares in constant time (a guess tells nothing of how close it was).
    pub(crate) fn matches(&self, other: u128) -> bool {
        use subtle::ConstantTimeEq;
        self.0.ct_eq(&other.to_be_bytes()).into()
    }
}

impl fmt::Debug for CancelSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CancelSecret(…)")
    }
}

impl Serialize for CancelSecret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{:032x}", u128::from_be_bytes(self.0)))
    }
}

impl<'de> Deserialize<'de> for CancelSecret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        parse_hex128(&text)
            .map(|n| CancelSecret(n.to_be_bytes()))
            .ok_or_else(|| serde::de::Error::custom("a cancel secret is 32 lowercase hex digits"))
    }
}

fn parse_hex128(text: &str) -> Option<u128> {
    (text.len() == 32 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
        .then(|| u128::from_str_radix(text, 16).ok())
        .flatten()
}

/// What lets a person cancel their own registration without an account (the
/// link of a confirmation mail): the registration's identifier and its
/// secret, `"<id>-<32 hex digits>"`. `Debug` does not show it; read it with
/// [`as_str`](CancelToken::as_str) to put it in a link.
///
/// ```
/// use cimi_core::registration::CancelToken;
/// assert!(CancelToken::parse("12-00000000000000000000000000000abc").is_some());
/// assert!(CancelToken::parse("12-xyz").is_none());
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct CancelToken(String);

impl CancelToken {
    /// The token as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The registration and the secret a token names, if it is well formed.
    pub fn parse(text: &str) -> Option<(RegistrationId, u128)> {
        let (id, secret) = text.trim().split_once('-')?;
        if id.is_empty() || id.len() > 19 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let id = id.parse::<u64>().ok().filter(|n| *n > 0)?;
        Some((RegistrationId::new(id), parse_hex128(secret)?))
    }
}

impl fmt::Debug for CancelToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CancelToken(…)")
    }
}

impl Registration {
    /// Whether the registration still counts (confirmed or waiting).
    pub fn is_live(&self) -> bool {
        self.status != RegistrationStatus::Cancelled
    }

    /// Whether it holds a seat in the room (confirmed there).
    pub fn holds_seat(&self) -> bool {
        self.status == RegistrationStatus::Confirmed && self.seat == Some(Seat::OnSite)
    }

    /// Whether a seat is kept for it: confirmed there, or offered and not
    /// yet answered.
    pub fn takes_seat(&self) -> bool {
        matches!(
            self.status,
            RegistrationStatus::Confirmed | RegistrationStatus::Offered
        ) && self.seat == Some(Seat::OnSite)
    }

    /// The person's cancellation token (`None` for a registration made
    /// before tokens existed).
    ///
    /// ```
    /// # use chrono::{Duration, TimeZone, Utc};
    /// # use cimi_core::{Community, event::{EventKind, EventSpec, Schedule}};
    /// # use cimi_core::registration::RegistrationRequest;
    /// # let now = Utc.with_ymd_and_hms(2017, 11, 20, 9, 0, 0).unwrap();
    /// # let mut c = Community::cimi();
    /// # let when = Schedule::new(now + Duration::days(2), now + Duration::days(2) + Duration::hours(2))?;
    /// # let ev = c.schedule_event(EventSpec::new(EventKind::Miditech, "Kubernetes", when, 10), now)?;
    /// # let ask = RegistrationRequest::new("alice@interieur.gouv.fr").names("Martin", "Alice")
    /// #     .affiliation("DNUM", "ingénieure", "architecte").acknowledging_all();
    /// let r = c.register(ev, &ask, now)?.registration;
    /// let token = r.cancel_token().unwrap();
    /// let done = c.cancel_by_token(token.as_str(), None, now)?;
    /// assert_eq!(done.registration.id, r.id);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn cancel_token(&self) -> Option<CancelToken> {
        self.cancel_secret.map(|s| {
            CancelToken(format!(
                "{}-{:032x}",
                self.id.get(),
                u128::from_be_bytes(s.0)
            ))
        })
    }

    /// What the person is told of a rejection, in their language, with the
    /// organiser's reason; `None` when the request was not rejected.
    ///
    /// ```
    /// # fn f(r: &cimi_core::registration::Registration) -> Option<String> {
    /// r.rejection_message(cimi_core::Lang::Fr)
    /// # }
    /// ```
    pub fn rejection_message(&self, lang: Lang) -> Option<String> {
        self.rejection.as_deref().map(|reason| match lang {
            Lang::Fr => format!("Votre demande d'inscription n'a pas été retenue : {reason}"),
            _ => format!("Your registration request was not accepted: {reason}"),
        })
    }

    /// Attendance, given whether the event was held.
    pub fn attendance(&self, event_held: bool) -> Attendance {
        match (self.status, self.checked_in_at, event_held) {
            (RegistrationStatus::Confirmed, Some(_), _) => Attendance::Attended,
            (RegistrationStatus::Confirmed, None, true) => Attendance::NoShow,
            (RegistrationStatus::Confirmed, None, false) => Attendance::Pending,
            _ => Attendance::NotApplicable,
        }
    }
}

/// Why a registration request was refused. Each has a stable
/// [`kind`](Refusal::kind) and a message in French and English.
///
/// ```
/// use cimi_core::registration::Refusal;
/// let all = Refusal::examples();
/// let kinds: Vec<_> = all.iter().map(|r| r.kind()).collect();
/// assert!(kinds.contains(&"address_not_allowed"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// The address is not a valid mailbox.
    #[error("invalid address: {reason}")]
    InvalidAddress {
        /// Why.
        reason: AddressError,
    },
    /// The address is valid but the policy does not allow it.
    #[error("this address is not allowed to register (the policy requires {allowed})")]
    AddressNotAllowed {
        /// The allowed patterns, for the reader.
        allowed: String,
    },
    /// A required field is blank.
    #[error("the field '{}' is required", field.label(Lang::En))]
    MissingField {
        /// The field.
        field: Field,
    },
    /// A field is too long.
    #[error("the field '{}' is longer than {max} characters", field.label(Lang::En))]
    FieldTooLong {
        /// The field.
        field: Field,
        /// The limit.
        max: u32,
    },
    /// A field contains control or invisible characters.
    #[error("the field '{}' contains control or invisible characters", field.label(Lang::En))]
    InvalidField {
        /// The field.
        field: Field,
    },
    /// An obligation of the statutes was not acknowledged.
    #[error("the obligation '{obligation}' must be acknowledged")]
    ObligationNotAcknowledged {
        /// The obligation's identifier.
        obligation: String,
    },
    /// Registration has not opened yet.
    #[error("registration is not open yet{}", opens_at.map(|t| format!(" (opens {})", crate::event::to_paris(t).format("%Y-%m-%d %H:%M %Z"))).unwrap_or_default())]
    NotOpenYet {
        /// When it opens, if known.
        opens_at: Option<DateTime<Utc>>,
    },
    /// Registration is closed.
    #[error("registration is closed")]
    RegistrationClosed,
    /// The event was cancelled.
    #[error("the event was cancelled")]
    EventCancelled,
    /// No seat left and no waiting list.
    #[error("the event is full")]
    EventFull,
    /// Remote attendance was asked but the event is not broadcast.
    #[error("the event is not broadcast remotely")]
    RemoteUnavailable,
    /// Remote attendance was asked but remote places are gone.
    #[error("no remote place is left")]
    RemoteFull,
    /// The event admits only some addresses, and not this one.
    #[error("this event admits only the addresses {allowed}")]
    NotAdmittedByEvent {
        /// The event's patterns, for the reader.
        allowed: String,
    },
    /// The event admits only some audiences, and not the person's.
    #[error("this event admits only the audiences {admitted} (this address belongs to {})", if audience.is_empty() { "none" } else { audience.as_str() })]
    AudienceNotAdmitted {
        /// The person's audience (empty: none).
        audience: String,
        /// The audiences the event admits, for the reader.
        admitted: String,
    },
}

impl Refusal {
    /// A stable snake_case identifier a program can branch on.
    pub fn kind(&self) -> &'static str {
        match self {
            Refusal::InvalidAddress { .. } => "invalid_address",
            Refusal::AddressNotAllowed { .. } => "address_not_allowed",
            Refusal::MissingField { .. } => "missing_field",
            Refusal::FieldTooLong { .. } => "field_too_long",
            Refusal::InvalidField { .. } => "invalid_field",
            Refusal::ObligationNotAcknowledged { .. } => "obligation_not_acknowledged",
            Refusal::NotOpenYet { .. } => "registration_not_open_yet",
            Refusal::RegistrationClosed => "registration_closed",
            Refusal::EventCancelled => "event_cancelled",
            Refusal::EventFull => "event_full",
            Refusal::RemoteUnavailable => "remote_unavailable",
            Refusal::RemoteFull => "remote_full",
            Refusal::NotAdmittedByEvent { .. } => "address_not_admitted",
            Refusal::AudienceNotAdmitted { .. } => "audience_not_admitted",
        }
    }

    /// The refusal in the given language.
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            Refusal::InvalidAddress { reason } => {
                format!("adresse invalide : {}", reason.message(Lang::Fr))
            }
            Refusal::AddressNotAllowed { allowed } => format!(
                "cette adresse n'est pas autorisée à s'inscrire (la politique exige {allowed})"
            ),
            Refusal::MissingField { field } => {
                format!("le champ « {} » est obligatoire", field.label(Lang::Fr))
            }
            Refusal::FieldTooLong { field, max } => format!(
                "le champ « {} » dépasse {max} caractères",
                field.label(Lang::Fr)
            ),
            Refusal::InvalidField { field } => format!(
                "le champ « {} » contient des caractères de contrôle ou invisibles",
                field.label(Lang::Fr)
            ),
            Refusal::ObligationNotAcknowledged { obligation } => {
                format!("l'obligation « {obligation} » doit être acceptée")
            }
            Refusal::NotOpenYet { opens_at } => format!(
                "les inscriptions ne sont pas encore ouvertes{}",
                opens_at
                    .map(|t| format!(
                        " (ouverture le {})",
                        crate::event::to_paris(t).format("%d/%m/%Y à %H:%M")
                    ))
                    .unwrap_or_default()
            ),
            Refusal::RegistrationClosed => "les inscriptions sont closes".into(),
            Refusal::EventCancelled => "l'événement a été annulé".into(),
            Refusal::EventFull => "l'événement est complet".into(),
            Refusal::RemoteUnavailable => "l'événement n'est pas diffusé à distance".into(),
            Refusal::RemoteFull => "il ne reste plus de place à distance".into(),
            Refusal::NotAdmittedByEvent { allowed } => {
                format!("cet événement n'admet que les adresses {allowed}")
            }
            Refusal::AudienceNotAdmitted { audience, admitted } => format!(
                "cet événement n'admet que les publics {admitted} (cette adresse relève de {})",
                if audience.is_empty() {
                    "aucun"
                } else {
                    audience.as_str()
                }
            ),
        }
    }

    /// One refusal of each kind, for documentation and tests.
    pub fn examples() -> Vec<Refusal> {
        vec![
            Refusal::InvalidAddress {
                reason: AddressError::MissingAt,
            },
            Refusal::AddressNotAllowed {
                allowed: "*@*.gouv.fr".into(),
            },
            Refusal::MissingField {
                field: Field::Service,
            },
            Refusal::FieldTooLong {
                field: Field::Function,
                max: 200,
            },
            Refusal::InvalidField {
                field: Field::FamilyName,
            },
            Refusal::ObligationNotAcknowledged {
                obligation: "pssi".into(),
            },
            Refusal::NotOpenYet { opens_at: None },
            Refusal::RegistrationClosed,
            Refusal::EventCancelled,
            Refusal::EventFull,
            Refusal::RemoteUnavailable,
            Refusal::RemoteFull,
            Refusal::NotAdmittedByEvent {
                allowed: "*@*.interieur.gouv.fr".into(),
            },
            Refusal::AudienceNotAdmitted {
                audience: "other_ministries".into(),
                admitted: "interieur".into(),
            },
        ]
    }
}
