//! Reading a raw message into a registration request: the parse, the single
//! sender, the authentication check the policy demands, the address policy,
//! then the event, the fields, the obligations and the attendance mode, with
//! every field problem reported at once.

use chrono::{DateTime, Utc};
use mail_parser::{HeaderName, MessageParser};

use super::auth::check_authentication;
use super::events::resolve_event;
use super::form::{
    ATTENDANCE_LABELS, EVENT_LABELS, acknowledged, attendance, body_text, field_of_label,
    labelled_lines, unquoted,
};
use super::{ECHO_CHARS, MAX_MESSAGE_BYTES, MailPolicy, MailProblem, MailReading};
use crate::address::EmailAddress;
use crate::community::Community;
use crate::error::Error;
use crate::interop::{InteropError, excerpt, has_forbidden_chars};
use crate::registration::{Field, Refusal, RegistrationRequest};

/// Reads a raw message into a registration request for `community`, without
/// changing anything. See the [module documentation](super) for what is read.
///
/// Errors: a message larger than [`MAX_MESSAGE_BYTES`].
pub fn read_request(
    community: &Community,
    raw: &[u8],
    policy: &MailPolicy,
    at: DateTime<Utc>,
) -> Result<MailReading, Error> {
    if raw.len() > MAX_MESSAGE_BYTES {
        return Err(InteropError::MessageTooLarge {
            limit: MAX_MESSAGE_BYTES,
        }
        .into());
    }
    let Some(message) = MessageParser::default().parse(raw) else {
        return Ok(MailReading::refuse(MailProblem::Unreadable));
    };

    // The sender: exactly one From address.
    let mut addresses = Vec::new();
    for value in message.header_values(HeaderName::From) {
        match value.as_address() {
            Some(a) => addresses.extend(a.iter().map(|a| a.address().map(str::to_string))),
            None => addresses.push(None),
        }
    }
    let sender = match addresses.as_slice() {
        [] | [None] => return Ok(MailReading::refuse(MailProblem::NoSender)),
        [Some(a)] => match EmailAddress::parse(a) {
            Ok(a) => a,
            Err(reason) => return Ok(MailReading::refuse(MailProblem::InvalidSender { reason })),
        },
        many => {
            return Ok(MailReading::refuse(MailProblem::SeveralSenders {
                count: many.len(),
            }));
        }
    };
    let mut reading = MailReading {
        sender: Some(sender.clone()),
        event: None,
        request: RegistrationRequest::new(sender.as_str()),
        problems: Vec::new(),
    };

    if policy.require_dmarc {
        let topmost = message
            .headers()
            .iter()
            .find(|h| h.name == HeaderName::AuthenticationResults)
            .map(|h| {
                let bytes = message
                    .raw_message
                    .get(h.offset_start as usize..h.offset_end as usize)
                    .unwrap_or_default();
                String::from_utf8_lossy(bytes).into_owned()
            });
        if let Some(problem) = check_authentication(topmost.as_deref(), policy, &sender) {
            reading.problems.push(problem);
            return Ok(reading);
        }
    }

    let statutes = community.statutes();
    if !statutes.policy.allows(&sender) {
        let allowed = statutes
            .policy
            .allowed
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        reading
            .problems
            .push(MailProblem::Refused(Refusal::AddressNotAllowed { allowed }));
        return Ok(reading);
    }

    let Some(body) = body_text(&message) else {
        reading.problems.push(MailProblem::NoBody);
        return Ok(reading);
    };
    let subject = message.subject().unwrap_or_default();
    let pairs = labelled_lines(&body);

    // The event.
    let event_label = pairs
        .iter()
        .find(|(k, _)| EVENT_LABELS.contains(&k.as_str()))
        .map(|(_, v)| v.as_str());
    match resolve_event(community, event_label, subject, &unquoted(&body), at) {
        Ok(id) => reading.event = Some(id),
        Err(p) => reading.problems.push(p),
    }

    // The fields.
    for field in Field::ALL {
        let value = pairs
            .iter()
            .find(|(k, _)| field_of_label(k) == Some(field))
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        match field {
            Field::FamilyName => reading.request.family_name = value,
            Field::GivenName => reading.request.given_name = value,
            Field::Service => reading.request.service = value,
            Field::Grade => reading.request.grade = value,
            Field::Function => reading.request.function = value,
        }
    }
    reading.request.acknowledged = acknowledged(community, &pairs);
    if let Some((_, v)) = pairs
        .iter()
        .find(|(k, _)| ATTENDANCE_LABELS.contains(&k.as_str()))
    {
        match attendance(v) {
            Some(mode) => reading.request.attendance = mode,
            None => reading.problems.push(MailProblem::AttendanceUnclear {
                given: excerpt(v, ECHO_CHARS),
            }),
        }
    }

    // Every field problem at once (the engine stops at the first).
    let policy = &statutes.policy;
    for field in Field::ALL {
        let value = reading.request.field(field).trim();
        let refusal = if has_forbidden_chars(value) {
            Some(Refusal::InvalidField { field })
        } else if value.chars().count() > policy.max_field_chars as usize {
            Some(Refusal::FieldTooLong {
                field,
                max: policy.max_field_chars,
            })
        } else if value.is_empty() && policy.required_fields.contains(&field) {
            Some(Refusal::MissingField { field })
        } else {
            None
        };
        reading.problems.extend(refusal.map(MailProblem::Refused));
    }
    if policy.require_acknowledgement {
        for o in &statutes.obligations {
            if !reading.request.acknowledged.contains(&o.id) {
                reading
                    .problems
                    .push(MailProblem::Refused(Refusal::ObligationNotAcknowledged {
                        obligation: o.id.clone(),
                    }));
            }
        }
    }
    Ok(reading)
}
