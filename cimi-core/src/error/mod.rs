//! Errors of community operations.
//!
//! Every error has a stable snake_case [`kind`](Error::kind) a program can
//! branch on, a [`family`](Error::family) that the bindings map to one exception
//! class each, and a message in French and English. No message repeats personal
//! data beyond what the caller passed.
//!
//! ```
//! use cimi_core::{Error, Lang, registration::Refusal};
//! let e = Error::from(Refusal::EventFull);
//! assert_eq!(e.family(), "refused");
//! assert_eq!(e.kind(), "event_full");
//! assert_eq!(e.message(Lang::Fr), "l'événement est complet");
//! ```

use chrono::{DateTime, Utc};
use std::fmt;

mod details;
mod interop;
mod store;

pub use details::Detail;
pub use interop::InteropError;
pub use store::StoreError;

use crate::address::AddressError;
use crate::event::{EventState, TimeError};
use crate::help::HelpState;
use crate::i18n::Lang;
use crate::registration::Refusal;
use crate::statutes::StatutesError;
use crate::watch::PublicationRefusal;

/// What kind of record an identifier names.
///
/// ```
/// assert_eq!(cimi_core::error::Entity::Event.to_string(), "event");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Entity {
    /// A member.
    Member,
    /// An event.
    Event,
    /// A registration.
    Registration,
    /// A help request.
    HelpRequest,
    /// A watch item.
    WatchItem,
}

impl Entity {
    fn fr(self) -> &'static str {
        match self {
            Entity::Member => "membre",
            Entity::Event => "événement",
            Entity::Registration => "inscription",
            Entity::HelpRequest => "demande d'aide",
            Entity::WatchItem => "élément de veille",
        }
    }
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Entity::Member => "member",
            Entity::Event => "event",
            Entity::Registration => "registration",
            Entity::HelpRequest => "help request",
            Entity::WatchItem => "watch item",
        })
    }
}

/// An operation that the current state does not allow.
///
/// ```
/// use cimi_core::error::StateError;
/// assert_eq!(StateError::NotConfirmed.kind(), "not_confirmed");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// The event lifecycle does not allow this transition.
    #[error("an event cannot go from {} to {}", from.kind(), to.kind())]
    EventTransition {
        /// Current state.
        from: EventState,
        /// Requested state.
        to: EventState,
    },
    /// The event cannot be marked held before it starts.
    #[error("the event has not started yet")]
    EventNotStarted,
    /// The event is over (held, reported or cancelled): registrations are frozen.
    #[error("the event is over or cancelled; its registrations can no longer change")]
    EventOver,
    /// Only confirmed registrations can check in.
    #[error("only a confirmed registration can check in")]
    NotConfirmed,
    /// The registration was cancelled.
    #[error("the registration was cancelled")]
    RegistrationCancelled,
    /// The event is not open or closed: check-in is not possible.
    #[error("check-in is possible only for an open or closed event")]
    CheckInNotPossible,
    /// A capacity lower than the seats already confirmed.
    #[error("{confirmed} seats are confirmed; the capacity cannot go down to {requested}")]
    CapacityBelowConfirmed {
        /// Seats confirmed.
        confirmed: u32,
        /// Capacity requested.
        requested: u32,
    },
    /// A quota lower than the seats already confirmed for that audience.
    #[error(
        "{confirmed} seats are confirmed for audience '{audience}'; its quota cannot go down to {requested}"
    )]
    QuotaBelowConfirmed {
        /// Audience.
        audience: String,
        /// Seats confirmed.
        confirmed: u32,
        /// Quota requested.
        requested: u32,
    },
    /// Only a pending registration (a moderated event's request) can be
    /// approved or rejected.
    #[error("the registration is not waiting for approval")]
    NotPending,
    /// A recording cannot be published in a compte-rendu: some speakers of the
    /// program did not consent to being recorded.
    #[error(
        "the recording cannot be published: {speakers} speakers of the program did not consent to being recorded (a program without speakers allows no recording)"
    )]
    RecordingConsentMissing {
        /// How many speakers did not consent.
        speakers: u32,
    },
    /// Remote places are held: the broadcast cannot be removed or shrunk below them.
    #[error("{remote} remote places are confirmed; the broadcast cannot go below that")]
    RemoteInUse {
        /// Remote places confirmed.
        remote: u32,
    },
    /// New statutes would drop an audience that the quotas of an upcoming
    /// event still name: change the event's quotas first.
    #[error(
        "the quotas of upcoming event {event} name audience '{audience}', which the new statutes do not define; change the event's quotas first"
    )]
    AudienceInUse {
        /// The audience the new statutes drop.
        audience: String,
        /// The upcoming event whose quotas name it.
        event: crate::ids::EventId,
    },
    /// A member with that address already exists.
    #[error("a member with this address already exists")]
    DuplicateMember,
    /// The member's personal data was erased.
    #[error("the member's personal data was erased")]
    MemberErased,
    /// Only a registration offered a seat can accept or decline the offer.
    #[error("the registration has no offer of a seat to answer")]
    NotOffered,
    /// The offer's deadline has passed: the seat goes to the next in line.
    #[error("the offer expired at {}", crate::event::to_paris(*expired_at).format("%Y-%m-%d %H:%M %Z"))]
    OfferExpired {
        /// When it expired.
        expired_at: DateTime<Utc>,
    },
    /// A cancellation token that names no registration, or not this one, or
    /// not of this event (which of these is not said).
    #[error("this cancellation link is not valid")]
    InvalidToken,
    /// The registrant may no longer cancel by themselves; an organiser can.
    #[error("cancellation by the registrant closed at {}; ask the organisers", crate::event::to_paris(*closed_at).format("%Y-%m-%d %H:%M %Z"))]
    CancellationClosed {
        /// When it closed.
        closed_at: DateTime<Utc>,
    },
    /// Check-in is possible only in a window around the event.
    #[error("check-in is possible from {} to {}", crate::event::to_paris(*opens_at).format("%Y-%m-%d %H:%M %Z"), crate::event::to_paris(*closes_at).format("%Y-%m-%d %H:%M %Z"))]
    CheckInOutsideWindow {
        /// When check-in opens.
        opens_at: DateTime<Utc>,
        /// When it closes.
        closes_at: DateTime<Utc>,
    },
    /// The help request's lifecycle does not allow this step.
    #[error("a help request cannot go from {} to {}", from.kind(), to.kind())]
    HelpTransition {
        /// Current state.
        from: HelpState,
        /// Requested state.
        to: HelpState,
    },
}

impl StateError {
    /// A stable snake_case identifier.
    pub fn kind(&self) -> &'static str {
        match self {
            StateError::EventTransition { .. } => "event_transition",
            StateError::EventNotStarted => "event_not_started",
            StateError::EventOver => "event_over",
            StateError::NotConfirmed => "not_confirmed",
            StateError::RegistrationCancelled => "registration_cancelled",
            StateError::CheckInNotPossible => "check_in_not_possible",
            StateError::CapacityBelowConfirmed { .. } => "capacity_below_confirmed",
            StateError::QuotaBelowConfirmed { .. } => "quota_below_confirmed",
            StateError::RemoteInUse { .. } => "remote_in_use",
            StateError::RecordingConsentMissing { .. } => "recording_consent_missing",
            StateError::NotPending => "not_pending",
            StateError::AudienceInUse { .. } => "audience_in_use",
            StateError::DuplicateMember => "duplicate_member",
            StateError::MemberErased => "member_erased",
            StateError::HelpTransition { .. } => "help_transition",
            StateError::NotOffered => "not_offered",
            StateError::OfferExpired { .. } => "offer_expired",
            StateError::InvalidToken => "invalid_token",
            StateError::CancellationClosed { .. } => "cancellation_closed",
            StateError::CheckInOutsideWindow { .. } => "check_in_outside_window",
        }
    }

    /// The error in the given language.
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            StateError::EventTransition { from, to } => format!(
                "un événement ne peut pas passer de l'état {} à l'état {}",
                from.kind(),
                to.kind()
            ),
            StateError::EventNotStarted => "l'événement n'a pas encore commencé".into(),
            StateError::EventOver => {
                "l'événement est passé ou annulé : ses inscriptions ne peuvent plus changer".into()
            }
            StateError::NotConfirmed => {
                "seule une inscription confirmée peut être pointée à l'accueil".into()
            }
            StateError::RegistrationCancelled => "l'inscription a été annulée".into(),
            StateError::CheckInNotPossible => {
                "le pointage n'est possible que pour un événement ouvert ou clos".into()
            }
            StateError::CapacityBelowConfirmed {
                confirmed,
                requested,
            } => format!(
                "{confirmed} places sont confirmées ; la capacité ne peut pas descendre à {requested}"
            ),
            StateError::QuotaBelowConfirmed {
                audience,
                confirmed,
                requested,
            } => format!(
                "{confirmed} places sont confirmées pour le public « {audience} » ; son quota ne peut pas descendre à {requested}"
            ),
            StateError::RemoteInUse { remote } => format!(
                "{remote} places à distance sont confirmées ; la diffusion ne peut pas descendre en dessous"
            ),
            StateError::NotPending => "l'inscription n'attend pas de validation".into(),
            StateError::RecordingConsentMissing { speakers } => format!(
                "l'enregistrement ne peut pas être publié : {speakers} intervenants du programme n'ont pas accepté d'être enregistrés (un programme sans intervenant n'autorise aucun enregistrement)"
            ),
            StateError::AudienceInUse { audience, event } => format!(
                "les quotas de l'événement à venir {event} nomment le public « {audience} », que les nouveaux statuts ne définissent pas ; modifiez d'abord les quotas de l'événement"
            ),
            StateError::DuplicateMember => "un membre avec cette adresse existe déjà".into(),
            StateError::MemberErased => {
                "les données personnelles de ce membre ont été effacées".into()
            }
            StateError::HelpTransition { from, to } => format!(
                "une demande d'aide ne peut pas passer de l'état {} à l'état {}",
                from.kind(),
                to.kind()
            ),
            StateError::NotOffered => {
                "l'inscription n'a pas de place proposée à accepter ou refuser".into()
            }
            StateError::OfferExpired { expired_at } => format!(
                "la proposition de place a expiré le {}",
                crate::event::to_paris(*expired_at).format("%d/%m/%Y à %H:%M")
            ),
            StateError::InvalidToken => "ce lien d'annulation n'est pas valide".into(),
            StateError::CancellationClosed { closed_at } => format!(
                "l'annulation par l'inscrit est close depuis le {} ; adressez-vous aux organisateurs",
                crate::event::to_paris(*closed_at).format("%d/%m/%Y à %H:%M")
            ),
            StateError::CheckInOutsideWindow {
                opens_at,
                closes_at,
            } => format!(
                "le pointage est possible du {} au {}",
                crate::event::to_paris(*opens_at).format("%d/%m/%Y à %H:%M"),
                crate::event::to_paris(*closes_at).format("%d/%m/%Y à %H:%M")
            ),
        }
    }
}

/// A community document (JSON) that cannot be loaded.
///
/// ```
/// let e = cimi_core::Community::from_json("{\"format\":\"cimi.community\",\"version\":9}").unwrap_err();
/// assert_eq!(e.kind(), "unsupported_version");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FormatError {
    /// Not valid JSON, or not the expected shape.
    #[error("invalid document: {0}")]
    Syntax(String),
    /// Not a document of this kind.
    #[error("not a {expected} document")]
    WrongFormat {
        /// The expected format tag.
        expected: &'static str,
    },
    /// A version this library does not read.
    #[error("unsupported format version {found} (this library reads version {supported})")]
    UnsupportedVersion {
        /// Version in the document.
        found: u32,
        /// Version this library reads.
        supported: u32,
    },
    /// Well-formed but describes an impossible community.
    #[error("inconsistent document at {location}: {problem}")]
    Inconsistent {
        /// Where (for instance `registrations[3]`).
        location: String,
        /// What is wrong.
        problem: String,
    },
    /// The document is too large.
    #[error("the document is larger than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// A text or a list in the document is longer than the library accepts
    /// (see [`limits`](crate::limits)).
    #[error("at {location}: {what} over the limit of {limit}")]
    OverLimit {
        /// Where (for instance `members[3].skills[2]`).
        location: String,
        /// What is too long (`text length`, `list length`).
        what: &'static str,
        /// The limit.
        limit: usize,
    },
}

impl FormatError {
    /// A stable snake_case identifier.
    pub fn kind(&self) -> &'static str {
        match self {
            FormatError::Syntax(_) => "invalid_json",
            FormatError::WrongFormat { .. } => "wrong_format",
            FormatError::UnsupportedVersion { .. } => "unsupported_version",
            FormatError::Inconsistent { .. } => "inconsistent_document",
            FormatError::TooLarge { .. } => "document_too_large",
            FormatError::OverLimit { .. } => "over_limit",
        }
    }

    /// The error in the given language.
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            FormatError::Syntax(d) => format!("document invalide : {d}"),
            FormatError::WrongFormat { expected } => format!("ce n'est pas un document {expected}"),
            FormatError::UnsupportedVersion { found, supported } => {
                format!("version {found} du format non prise en charge (version lue : {supported})")
            }
            FormatError::Inconsistent { location, problem } => {
                format!("document incohérent en {location} : {problem}")
            }
            FormatError::TooLarge { limit } => {
                format!("le document dépasse {limit} octets")
            }
            FormatError::OverLimit {
                location,
                what,
                limit,
            } => {
                let what = match *what {
                    "text length" => "longueur de texte",
                    "list length" => "longueur de liste",
                    other => other,
                };
                format!("en {location} : {what} au-delà de la limite de {limit}")
            }
        }
    }
}

/// Any error of a community operation.
///
/// ```
/// use cimi_core::{Community, Error};
/// let c = Community::cimi();
/// let err = c.member_status(cimi_core::ids::MemberId::new(42), chrono::Utc::now()).unwrap_err();
/// assert!(matches!(err, Error::NotFound { .. }));
/// assert_eq!(err.kind(), "member_not_found");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A registration request was refused.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// No record with that identifier.
    #[error("{entity} {id} not found")]
    NotFound {
        /// What kind of record.
        entity: Entity,
        /// The identifier.
        id: u64,
    },
    /// The state does not allow the operation.
    #[error(transparent)]
    InvalidState(#[from] StateError),
    /// An argument is invalid.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// Which argument.
        field: String,
        /// Why, in English.
        reason: String,
        /// Why, in French.
        reason_fr: String,
    },
    /// An address is invalid (outside a registration request).
    #[error("invalid address: {0}")]
    Address(#[from] AddressError),
    /// A civil time or schedule is invalid.
    #[error(transparent)]
    Time(#[from] TimeError),
    /// Statutes are invalid.
    #[error(transparent)]
    Statutes(#[from] StatutesError),
    /// A document cannot be loaded.
    #[error(transparent)]
    Format(#[from] FormatError),
    /// A watch item cannot be published on a channel.
    #[error(transparent)]
    PublicationRefused(#[from] PublicationRefusal),
    /// The durable store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An import or export (calendar, spreadsheet, e-mail) cannot be carried out.
    #[error(transparent)]
    Interop(#[from] InteropError),
}

/// The family of an error: the bindings map each family to one exception
/// class (`cimi.RegistrationRefused`, `CimiException.Refused`…), matching on
/// this enum so that a new family is a compile error in every binding.
///
/// ```
/// use cimi_core::{Error, error::ErrorFamily, registration::Refusal};
/// let e = Error::from(Refusal::EventFull);
/// assert_eq!(e.family(), ErrorFamily::Refused);
/// assert_eq!(e.family(), "refused");
/// ```
///
/// Not `#[non_exhaustive]` on purpose: a new family must be mapped by every
/// binding, so adding one is a breaking change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorFamily {
    /// A registration request refused by the rules.
    Refused,
    /// An identifier that names nothing.
    NotFound,
    /// An operation the current state does not allow.
    InvalidState,
    /// An argument that is not valid (address, time, text…).
    InvalidInput,
    /// Statutes that do not hold together.
    Statutes,
    /// A document or change that cannot be read.
    Format,
    /// A publication the channel refuses.
    PublicationRefused,
    /// The store failed.
    Store,
    /// An import or export that cannot be carried out.
    Interop,
}

impl ErrorFamily {
    /// The stable snake_case name (`not_found`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorFamily::Refused => "refused",
            ErrorFamily::NotFound => "not_found",
            ErrorFamily::InvalidState => "invalid_state",
            ErrorFamily::InvalidInput => "invalid_input",
            ErrorFamily::Statutes => "statutes",
            ErrorFamily::Format => "format",
            ErrorFamily::PublicationRefused => "publication_refused",
            ErrorFamily::Store => "store",
            ErrorFamily::Interop => "interop",
        }
    }
}

impl fmt::Display for ErrorFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for ErrorFamily {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Error {
    /// The family of the error; the bindings map each family to one exception
    /// class.
    pub fn family(&self) -> ErrorFamily {
        match self {
            Error::Refused(_) => ErrorFamily::Refused,
            Error::NotFound { .. } => ErrorFamily::NotFound,
            Error::InvalidState(_) => ErrorFamily::InvalidState,
            Error::InvalidInput { .. } | Error::Address(_) | Error::Time(_) => {
                ErrorFamily::InvalidInput
            }
            Error::Statutes(_) => ErrorFamily::Statutes,
            Error::Format(_) => ErrorFamily::Format,
            Error::PublicationRefused(_) => ErrorFamily::PublicationRefused,
            Error::Store(_) => ErrorFamily::Store,
            Error::Interop(_) => ErrorFamily::Interop,
        }
    }

    /// A stable snake_case identifier, unique across families.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Refused(r) => r.kind(),
            Error::NotFound { entity, .. } => match entity {
                Entity::Member => "member_not_found",
                Entity::Event => "event_not_found",
                Entity::Registration => "registration_not_found",
                Entity::HelpRequest => "help_request_not_found",
                Entity::WatchItem => "watch_item_not_found",
            },
            Error::InvalidState(s) => s.kind(),
            Error::InvalidInput { .. } => "invalid_input",
            Error::Address(_) => "invalid_address",
            Error::Time(t) => t.kind(),
            Error::Statutes(s) => s.kind(),
            Error::Format(f) => f.kind(),
            Error::PublicationRefused(p) => p.kind(),
            Error::Store(s) => s.kind(),
            Error::Interop(i) => i.kind(),
        }
    }

    /// The message in the given language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Error::Refused(r), _) => r.message(lang),
            (Error::NotFound { entity, id }, Lang::Fr) => {
                format!("{} {id} introuvable", entity.fr())
            }
            (Error::InvalidState(s), _) => s.message(lang),
            (
                Error::InvalidInput {
                    field, reason_fr, ..
                },
                Lang::Fr,
            ) => {
                format!("valeur invalide pour {field} : {reason_fr}")
            }
            (Error::Address(a), Lang::Fr) => format!("adresse invalide : {}", a.message(lang)),
            (Error::Time(t), _) => t.message(lang),
            (Error::Statutes(s), _) => s.message(lang),
            (Error::Format(f), _) => f.message(lang),
            (Error::PublicationRefused(p), _) => p.message(lang),
            (Error::Store(s), _) => s.message(lang),
            (Error::Interop(i), _) => i.message(lang),
            _ => self.to_string(),
        }
    }

    pub(crate) fn not_found(entity: Entity, id: u64) -> Error {
        Error::NotFound { entity, id }
    }

    pub(crate) fn input(
        field: impl Into<String>,
        en: impl Into<String>,
        fr: impl Into<String>,
    ) -> Error {
        Error::InvalidInput {
            field: field.into(),
            reason: en.into(),
            reason_fr: fr.into(),
        }
    }
}
