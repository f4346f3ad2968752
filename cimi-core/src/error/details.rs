//! What an error is about, for programs: the field, the obligation, the
//! entity and identifier, the limit… as named values, so that no binding has
//! to parse a message or match every variant itself.

use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};

use super::{Entity, Error, InteropError, StateError, StoreError};
use crate::registration::Refusal;
use crate::watch::PublicationRefusal;

/// One value of an error's [`details`](Error::details).
///
/// ```
/// use cimi_core::error::Detail;
/// assert_eq!(Detail::Integer(3).to_string(), "3");
/// assert_eq!(Detail::Absent.to_string(), "");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Detail {
    /// A text: a field name, an obligation, a kind, a path.
    Text(String),
    /// A number: an identifier, a limit, a count, an offset.
    Integer(i64),
    /// An instant.
    Instant(DateTime<Utc>),
    /// A value the error has no answer for (an opening time not known).
    Absent,
}

/// The text form, for bindings whose details are strings: numbers in
/// decimal, instants in RFC 3339 (UTC, milliseconds), an absent value empty.
impl fmt::Display for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Detail::Text(s) => f.write_str(s),
            Detail::Integer(n) => write!(f, "{n}"),
            Detail::Instant(t) => f.write_str(&t.to_rfc3339_opts(SecondsFormat::Millis, true)),
            Detail::Absent => Ok(()),
        }
    }
}

fn text(s: impl Into<String>) -> Detail {
    Detail::Text(s.into())
}

fn int(n: impl TryInto<i64>) -> Detail {
    Detail::Integer(n.try_into().unwrap_or(i64::MAX))
}

impl Entity {
    /// The entity's stable snake_case name (`help_request`), as error
    /// details name it.
    ///
    /// ```
    /// assert_eq!(cimi_core::error::Entity::HelpRequest.name(), "help_request");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Entity::Member => "member",
            Entity::Event => "event",
            Entity::Registration => "registration",
            Entity::HelpRequest => "help_request",
            Entity::WatchItem => "watch_item",
        }
    }
}

impl Error {
    /// What the error is about, as named values in a stable order: the
    /// field, the obligation, the entity and identifier, the limit… Empty
    /// when the kind says all. The same names in every binding (Python's
    /// `.details`, the JVM's `details`).
    ///
    /// ```
    /// use cimi_core::{Error, error::{Detail, Entity}};
    /// let e = Error::NotFound { entity: Entity::Member, id: 7 };
    /// assert_eq!(e.details(), vec![
    ///     ("entity", Detail::Text("member".into())),
    ///     ("id", Detail::Integer(7)),
    /// ]);
    /// ```
    pub fn details(&self) -> Vec<(&'static str, Detail)> {
        match self {
            Error::Refused(refusal) => match refusal {
                Refusal::InvalidAddress { reason } => vec![("reason", text(reason.kind()))],
                Refusal::AddressNotAllowed { allowed }
                | Refusal::NotAdmittedByEvent { allowed } => vec![("allowed", text(allowed))],
                Refusal::AudienceNotAdmitted { audience, admitted } => {
                    vec![("audience", text(audience)), ("admitted", text(admitted))]
                }
                Refusal::MissingField { field } | Refusal::InvalidField { field } => {
                    vec![("field", text(field.name()))]
                }
                Refusal::FieldTooLong { field, max } => {
                    vec![("field", text(field.name())), ("max", int(*max))]
                }
                Refusal::ObligationNotAcknowledged { obligation } => {
                    vec![("obligation", text(obligation))]
                }
                Refusal::NotOpenYet { opens_at } => {
                    vec![("opens_at", opens_at.map_or(Detail::Absent, Detail::Instant))]
                }
                _ => Vec::new(),
            },
            Error::NotFound { entity, id } => {
                vec![("entity", text(entity.name())), ("id", int(*id))]
            }
            Error::InvalidInput { field, .. } => vec![("field", text(field))],
            Error::PublicationRefused(
                PublicationRefusal::InternalItemOnPublicChannel { channel }
                | PublicationRefusal::UnknownChannel { channel },
            ) => vec![("channel", text(channel))],
            Error::Address(reason) => vec![("reason", text(reason.kind()))],
            Error::Interop(
                InteropError::CsvMissingColumn { column, .. }
                | InteropError::CsvDuplicateColumn { column, .. },
            ) => vec![("column", text(*column))],
            Error::Interop(
                InteropError::MessageTooLarge { limit }
                | InteropError::CsvTooLarge { limit }
                | InteropError::CsvTooManyRows { limit },
            ) => vec![("limit", int(*limit))],
            Error::Store(StoreError::Corrupt { file, offset, .. }) => {
                vec![("file", text(file)), ("offset", int(*offset))]
            }
            Error::Store(StoreError::Io {
                operation, path, ..
            }) => vec![("operation", text(*operation)), ("path", text(path))],
            Error::InvalidState(state) => match state {
                StateError::EventTransition { from, to } => {
                    vec![("from", text(from.kind())), ("to", text(to.kind()))]
                }
                StateError::CapacityBelowConfirmed {
                    confirmed,
                    requested,
                } => vec![
                    ("confirmed", int(*confirmed)),
                    ("requested", int(*requested)),
                ],
                StateError::QuotaBelowConfirmed {
                    audience,
                    confirmed,
                    requested,
                } => vec![
                    ("audience", text(audience)),
                    ("confirmed", int(*confirmed)),
                    ("requested", int(*requested)),
                ],
                StateError::RemoteInUse { remote } => vec![("remote", int(*remote))],
                StateError::RecordingConsentMissing { speakers } => {
                    vec![("speakers", int(*speakers))]
                }
                StateError::AudienceInUse { audience, event } => {
                    vec![("audience", text(audience)), ("event", int(event.get()))]
                }
                StateError::HelpTransition { from, to } => {
                    vec![("from", text(from.kind())), ("to", text(to.kind()))]
                }
                StateError::OfferExpired { expired_at } => {
                    vec![("expired_at", Detail::Instant(*expired_at))]
                }
                StateError::CancellationClosed { closed_at } => {
                    vec![("closed_at", Detail::Instant(*closed_at))]
                }
                StateError::CheckInOutsideWindow {
                    opens_at,
                    closes_at,
                } => vec![
                    ("opens_at", Detail::Instant(*opens_at)),
                    ("closes_at", Detail::Instant(*closes_at)),
                ],
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }
}
