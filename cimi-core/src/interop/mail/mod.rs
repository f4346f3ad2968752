//! Registration by e-mail: a raw message (RFC 5322/MIME, quoted-printable,
//! base64, RFC 2047 headers) becomes a registration request for the event it
//! names, or a reply **in French** that says exactly what is missing or wrong.
//!
//! What is read:
//! - the sender: the address of the single `From` mailbox (never the display
//!   name); no `From`, or several addresses, is refused;
//! - when the [`MailPolicy`] demands it, the **topmost**
//!   `Authentication-Results` header (the one the community's own server
//!   prepended): its authserv-id must be the configured one and it must show
//!   `dmarc=pass` with `header.from=` the sender's domain. Lower headers are
//!   ignored: anyone can write them. (The server must, as RFC 8601 §5 asks,
//!   remove incoming headers that carry its own authserv-id.);
//! - the body (the text/plain part, or the text of the HTML part when there is
//!   no plain one; quoted lines starting with `>` and HTML block quotes are
//!   skipped): lines `label : value` or `label = value`, labels in French or
//!   English, with or without accents, any case — `Nom` (`Family name`, `Last
//!   name`, `Surname`), `Prénom` (`First name`, `Given name`), `Service`
//!   (`Department`, `Unit`), `Grade` (`Rank`), `Fonction` (`Function`,
//!   `Position`, `Job title`), `Événement` (`Event`: `E3`, `3` or a title),
//!   `Participation` (`Attendance`: sur place, à distance, sur place ou à
//!   distance), `Engagements` (`Obligations`, `J'accepte`, `I accept`: `oui`,
//!   or the obligations named) or one line per obligation (`PSSI : oui`);
//! - without an `Événement` line, the event whose title the subject (or else
//!   the body) contains, among the events still to come, ignoring case and
//!   accents.
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use cimi_core::event::{EventKind, EventSpec, Schedule};
//! use cimi_core::interop::mail::{register_from_email, MailOutcome, MailPolicy};
//! use cimi_core::Community;
//!
//! let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
//! let mut c = Community::cimi();
//! let when = Schedule::new(now + Duration::days(7), now + Duration::days(7) + Duration::hours(2))?;
//! c.schedule_event(EventSpec::new(EventKind::Miditech, "L'État plateforme", when, 50), now)?;
//!
//! let raw = "Authentication-Results: mx.interieur.gouv.fr; dmarc=pass header.from=interieur.gouv.fr\r\n\
//!            From: Jean Dupont <jean.dupont@interieur.gouv.fr>\r\n\
//!            Subject: Inscription au miditech L'Etat plateforme\r\n\r\n\
//!            Nom : Dupont\r\nPrenom : Jean\r\nService : DNUM\r\nGrade : attaché\r\n\
//!            Fonction : chef de projet\r\nEngagements : oui\r\n";
//! let policy = MailPolicy::require_dmarc("mx.interieur.gouv.fr");
//! match register_from_email(&mut c, raw.as_bytes(), &policy, now)? {
//!     MailOutcome::Registered { outcome, text_fr, .. } => {
//!         assert!(!outcome.already_registered);
//!         assert!(text_fr.contains("est confirmée"));
//!     }
//!     other => panic!("{other:?}"),
//! }
//!
//! // The same message without the grade: a reply that says so.
//! let raw = raw.replace("Grade : attaché\r\n", "").replace("jean.dupont", "paul.martin");
//! let MailOutcome::Reply { problems, text_fr } = register_from_email(&mut c, raw.as_bytes(), &policy, now)? else { panic!() };
//! assert_eq!(problems[0].kind(), "missing_field");
//! assert!(text_fr.contains("le champ « grade » est obligatoire"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeSet;
use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use mail_parser::{HeaderName, MessageParser, PartType};

use super::{InteropError, excerpt, has_forbidden_chars, loose_key};
use crate::address::{AddressError, EmailAddress};
use crate::community::{Community, RegistrationOutcome};
use crate::error::Error;
use crate::event::{Event, EventState};
use crate::i18n::Lang;
use crate::ids::EventId;
use crate::registration::{
    AttendanceMode, Field, Refusal, RegistrationRequest, RegistrationStatus, Seat,
};

/// Largest message accepted, in bytes (1 MiB).
pub const MAX_MESSAGE_BYTES: usize = 1 << 20;

/// Longest text of a sender echoed in a reply, in characters.
const ECHO_CHARS: usize = 80;

/// What the community demands of a registration message.
///
/// ```
/// use cimi_core::interop::mail::MailPolicy;
/// let p = MailPolicy::require_dmarc("mx.interieur.gouv.fr");
/// assert!(p.require_dmarc);
/// assert!(!MailPolicy::trust_sender().require_dmarc);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MailPolicy {
    /// Whether the message must carry the community server's
    /// `Authentication-Results` with `dmarc=pass` for the sender's domain.
    pub require_dmarc: bool,
    /// The authserv-id of the community's own mail server.
    pub authserv_id: String,
}

impl MailPolicy {
    /// Demands DMARC as checked by the server with that authserv-id.
    pub fn require_dmarc(authserv_id: impl Into<String>) -> MailPolicy {
        MailPolicy {
            require_dmarc: true,
            authserv_id: authserv_id.into(),
        }
    }

    /// Trusts the `From` address without authentication results (for
    /// messages that reached the library by a trusted path, and for tests).
    pub fn trust_sender() -> MailPolicy {
        MailPolicy::default()
    }
}

/// An event offered to the sender, in problems that ask to choose.
///
/// ```
/// use cimi_core::{ids::EventId, interop::mail::EventChoice};
/// let c = EventChoice { id: EventId::new(3), title: "IA".into() };
/// assert_eq!(c.to_string(), "E3 « IA »");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventChoice {
    /// The event.
    pub id: EventId,
    /// Its title.
    pub title: String,
}

impl std::fmt::Display for EventChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} « {} »", self.id, self.title)
    }
}

fn choices(list: &[EventChoice]) -> String {
    list.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// What is missing or wrong in a registration message. Each has a stable
/// snake_case [`kind`](MailProblem::kind) and a message in French and
/// English.
///
/// ```
/// use cimi_core::interop::mail::MailProblem;
/// use cimi_core::Lang;
/// let p = MailProblem::SeveralSenders { count: 2 };
/// assert_eq!(p.kind(), "several_senders");
/// assert!(p.message(Lang::Fr).contains("2 expéditeurs"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MailProblem {
    /// The bytes are not a readable message.
    Unreadable,
    /// No `From` address.
    NoSender,
    /// Several `From` addresses (or headers).
    SeveralSenders {
        /// How many addresses.
        count: usize,
    },
    /// The `From` address is not a valid mailbox.
    InvalidSender {
        /// Why.
        reason: AddressError,
    },
    /// No `Authentication-Results` header although the policy demands one.
    AuthenticationMissing,
    /// The topmost `Authentication-Results` header cannot be read.
    AuthenticationUnreadable,
    /// The topmost `Authentication-Results` header comes from another server.
    AuthenticationOtherServer {
        /// Its authserv-id (truncated).
        authserv_id: String,
    },
    /// The community server's header has no DMARC result.
    DmarcMissing,
    /// DMARC did not pass.
    DmarcNotPass {
        /// The result (`fail`, `none`, `temperror`…).
        result: String,
    },
    /// DMARC passed for another domain than the sender's.
    DmarcOtherDomain {
        /// The domain DMARC passed for (empty when not given).
        domain: String,
        /// The sender's domain.
        sender_domain: String,
    },
    /// The message has no text.
    NoBody,
    /// No event is named and none is recognised in the subject or body.
    EventNotNamed {
        /// Events open for registration, to choose from.
        open: Vec<EventChoice>,
    },
    /// The event named matches no event to come.
    EventUnknown {
        /// What the sender wrote (truncated).
        given: String,
        /// Events open for registration, to choose from.
        open: Vec<EventChoice>,
    },
    /// Several events match.
    EventAmbiguous {
        /// The events that match.
        candidates: Vec<EventChoice>,
    },
    /// The attendance mode is not understood.
    AttendanceUnclear {
        /// What the sender wrote (truncated).
        given: String,
    },
    /// The registration engine's refusal (address not allowed, missing field,
    /// obligation not acknowledged, event full…); its kind is the refusal's.
    Refused(Refusal),
}

impl MailProblem {
    /// A stable snake_case identifier; for [`MailProblem::Refused`], the
    /// refusal's own kind (`address_not_allowed`, `missing_field`…).
    pub fn kind(&self) -> &'static str {
        match self {
            MailProblem::Unreadable => "unreadable_message",
            MailProblem::NoSender => "sender_missing",
            MailProblem::SeveralSenders { .. } => "several_senders",
            MailProblem::InvalidSender { .. } => "sender_invalid",
            MailProblem::AuthenticationMissing => "authentication_missing",
            MailProblem::AuthenticationUnreadable => "authentication_unreadable",
            MailProblem::AuthenticationOtherServer { .. } => "authentication_other_server",
            MailProblem::DmarcMissing => "dmarc_missing",
            MailProblem::DmarcNotPass { .. } => "dmarc_not_pass",
            MailProblem::DmarcOtherDomain { .. } => "dmarc_other_domain",
            MailProblem::NoBody => "body_missing",
            MailProblem::EventNotNamed { .. } => "event_not_named",
            MailProblem::EventUnknown { .. } => "event_unknown",
            MailProblem::EventAmbiguous { .. } => "event_ambiguous",
            MailProblem::AttendanceUnclear { .. } => "attendance_unclear",
            MailProblem::Refused(r) => r.kind(),
        }
    }

    /// Whether the problem is about who sent the message (then nothing else
    /// of the message is read).
    pub fn is_about_sender(&self) -> bool {
        matches!(
            self,
            MailProblem::Unreadable
                | MailProblem::NoSender
                | MailProblem::SeveralSenders { .. }
                | MailProblem::InvalidSender { .. }
                | MailProblem::AuthenticationMissing
                | MailProblem::AuthenticationUnreadable
                | MailProblem::AuthenticationOtherServer { .. }
                | MailProblem::DmarcMissing
                | MailProblem::DmarcNotPass { .. }
                | MailProblem::DmarcOtherDomain { .. }
                | MailProblem::Refused(Refusal::AddressNotAllowed { .. })
                | MailProblem::Refused(Refusal::InvalidAddress { .. })
        )
    }

    /// The problem in the given language.
    pub fn message(&self, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        match self {
            MailProblem::Unreadable => lang
                .pick(
                    "le message n'a pas pu être lu (format non reconnu)",
                    "the message cannot be read (unknown format)",
                )
                .into(),
            MailProblem::NoSender => lang
                .pick(
                    "le message n'indique pas d'adresse d'expéditeur (en-tête From)",
                    "the message gives no sender address (From header)",
                )
                .into(),
            MailProblem::SeveralSenders { count } if fr => format!(
                "le message indique {count} expéditeurs ; une inscription doit venir d'une seule adresse"
            ),
            MailProblem::SeveralSenders { count } => format!(
                "the message gives {count} senders; a registration must come from one address"
            ),
            MailProblem::InvalidSender { reason } if fr => format!(
                "l'adresse de l'expéditeur est invalide : {}",
                reason.message(Lang::Fr)
            ),
            MailProblem::InvalidSender { reason } => {
                format!("the sender's address is invalid: {reason}")
            }
            MailProblem::AuthenticationMissing => lang
                .pick(
                    "le message ne porte pas le résultat d'authentification de notre serveur de messagerie",
                    "the message carries no authentication results from our mail server",
                )
                .into(),
            MailProblem::AuthenticationUnreadable => lang
                .pick(
                    "le résultat d'authentification du message est illisible",
                    "the message's authentication results cannot be read",
                )
                .into(),
            MailProblem::AuthenticationOtherServer { authserv_id } if fr => format!(
                "le résultat d'authentification ne vient pas de notre serveur de messagerie (il vient de « {authserv_id} »)"
            ),
            MailProblem::AuthenticationOtherServer { authserv_id } => format!(
                "the authentication results do not come from our mail server (they come from '{authserv_id}')"
            ),
            MailProblem::DmarcMissing => lang
                .pick(
                    "notre serveur de messagerie n'a pas vérifié l'expéditeur (aucun résultat DMARC)",
                    "our mail server did not check the sender (no DMARC result)",
                )
                .into(),
            MailProblem::DmarcNotPass { result } if fr => format!(
                "l'authentification DMARC de l'expéditeur a échoué (résultat : {result})"
            ),
            MailProblem::DmarcNotPass { result } => {
                format!("the sender's DMARC authentication failed (result: {result})")
            }
            MailProblem::DmarcOtherDomain {
                domain,
                sender_domain,
            } if fr => format!(
                "l'authentification DMARC porte sur le domaine « {domain} » et non sur celui de l'expéditeur ({sender_domain})"
            ),
            MailProblem::DmarcOtherDomain {
                domain,
                sender_domain,
            } => format!(
                "DMARC passed for the domain '{domain}', not for the sender's ({sender_domain})"
            ),
            MailProblem::NoBody => lang
                .pick("le message n'a pas de texte", "the message has no text")
                .into(),
            MailProblem::EventNotNamed { .. } => lang
                .pick(
                    "le message ne précise pas l'événement (indiquez « Événement : » suivi de son numéro ou de son titre)",
                    "the message names no event (write 'Event:' followed by its number or title)",
                )
                .into(),
            MailProblem::EventUnknown { given, .. } if fr => {
                format!("aucun événement à venir ne correspond à « {given} »")
            }
            MailProblem::EventUnknown { given, .. } => {
                format!("no upcoming event matches '{given}'")
            }
            MailProblem::EventAmbiguous { candidates } if fr => format!(
                "plusieurs événements correspondent ({}) : précisez lequel",
                choices(candidates)
            ),
            MailProblem::EventAmbiguous { candidates } => format!(
                "several events match ({}): say which one",
                choices(candidates)
            ),
            MailProblem::AttendanceUnclear { given } if fr => format!(
                "le mode de participation « {given} » n'est pas compris (indiquez « sur place », « à distance » ou « sur place ou à distance »)"
            ),
            MailProblem::AttendanceUnclear { given } => format!(
                "the attendance mode '{given}' is not understood (write 'on site', 'remote' or 'on site or remote')"
            ),
            MailProblem::Refused(r) => r.message(lang),
        }
    }
}

/// What was read from a message: the sender, the event, the request as far as
/// it could be built, and every problem found.
///
/// ```
/// use cimi_core::interop::mail::{read_request, MailPolicy};
/// use cimi_core::Community;
/// let c = Community::cimi();
/// let r = read_request(&c, b"From: a@x.gouv.fr, b@y.gouv.fr\r\n\r\nNom : A\r\n", &MailPolicy::trust_sender(), chrono::Utc::now())?;
/// assert_eq!(r.problems[0].kind(), "several_senders");
/// assert!(r.sender.is_none());
/// # Ok::<(), cimi_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailReading {
    /// The sender, when there is exactly one valid `From` address.
    pub sender: Option<EmailAddress>,
    /// The event, when one was recognised.
    pub event: Option<EventId>,
    /// The request built from the message (fields read so far).
    pub request: RegistrationRequest,
    /// Every problem found; empty when the request is ready for the engine.
    pub problems: Vec<MailProblem>,
}

impl MailReading {
    /// Whether the request is ready for [`Community::register`].
    pub fn is_complete(&self) -> bool {
        self.problems.is_empty() && self.event.is_some() && self.sender.is_some()
    }

    fn refuse(problem: MailProblem) -> MailReading {
        MailReading {
            sender: None,
            event: None,
            request: RegistrationRequest::default(),
            problems: vec![problem],
        }
    }
}

/// The result of [`register_from_email`].
///
/// ```
/// # use cimi_core::interop::mail::MailOutcome;
/// # fn f(o: &MailOutcome) -> &str {
/// o.text_fr() // the reply to send, in both cases
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MailOutcome {
    /// The engine accepted the request (a seat, a remote place or the waiting
    /// list, or the registration the person already had).
    Registered {
        /// The event.
        event: EventId,
        /// What the engine answered.
        outcome: RegistrationOutcome,
        /// A confirmation to send back, in French.
        text_fr: String,
    },
    /// No registration: a reply that says what is missing or wrong.
    Reply {
        /// Every problem found.
        problems: Vec<MailProblem>,
        /// The reply to send back, in French.
        text_fr: String,
    },
}

impl MailOutcome {
    /// The text to send back, in French.
    pub fn text_fr(&self) -> &str {
        match self {
            MailOutcome::Registered { text_fr, .. } | MailOutcome::Reply { text_fr, .. } => text_fr,
        }
    }

    /// The kinds of the problems (empty when registered).
    pub fn problem_kinds(&self) -> Vec<&'static str> {
        match self {
            MailOutcome::Registered { .. } => Vec::new(),
            MailOutcome::Reply { problems, .. } => problems.iter().map(|p| p.kind()).collect(),
        }
    }
}

// ----- reading ------------------------------------------------------------------

/// Reads a raw message into a registration request for `community`, without
/// changing anything. See the [module documentation](self) for what is read.
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

/// Checks the topmost `Authentication-Results` header (raw value).
fn check_authentication(
    topmost: Option<&str>,
    policy: &MailPolicy,
    sender: &EmailAddress,
) -> Option<MailProblem> {
    let Some(raw) = topmost else {
        return Some(MailProblem::AuthenticationMissing);
    };
    let Some(results) = parse_authentication_results(raw) else {
        return Some(MailProblem::AuthenticationUnreadable);
    };
    let want = policy.authserv_id.trim().trim_end_matches('.');
    if want.is_empty()
        || !results
            .authserv_id
            .trim_end_matches('.')
            .eq_ignore_ascii_case(want)
    {
        return Some(MailProblem::AuthenticationOtherServer {
            authserv_id: excerpt(&results.authserv_id, ECHO_CHARS),
        });
    }
    if results.dmarc.is_empty() {
        return Some(MailProblem::DmarcMissing);
    }
    for (result, domain) in &results.dmarc {
        if result != "pass" {
            return Some(MailProblem::DmarcNotPass {
                result: excerpt(result, ECHO_CHARS),
            });
        }
        let same = domain
            .as_deref()
            .and_then(|d| idna::domain_to_ascii(d.trim_end_matches('.')).ok())
            .is_some_and(|d| d == sender.domain());
        if !same {
            return Some(MailProblem::DmarcOtherDomain {
                domain: excerpt(domain.as_deref().unwrap_or_default(), ECHO_CHARS),
                sender_domain: sender.domain().to_string(),
            });
        }
    }
    None
}

/// An `Authentication-Results` header (RFC 8601), as far as DMARC goes.
#[derive(Debug, PartialEq, Eq)]
struct AuthResults {
    authserv_id: String,
    /// Each DMARC result (lowercase) with its `header.from`, if any.
    dmarc: Vec<(String, Option<String>)>,
}

/// Removes comments (nested parentheses, outside quoted strings) and unfolds.
fn strip_comments(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let (mut depth, mut quoted, mut escaped) = (0usize, false, false);
    for c in raw.chars() {
        let c = if c == '\r' || c == '\n' { ' ' } else { c };
        if escaped {
            escaped = false;
            if depth == 0 {
                out.push(c);
            }
            continue;
        }
        match c {
            '\\' if quoted || depth > 0 => {
                escaped = true;
                if depth == 0 {
                    out.push(c);
                }
            }
            '"' if depth == 0 => {
                quoted = !quoted;
                out.push(c);
            }
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth > 0 => depth -= 1,
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Splits on `;` outside quoted strings.
fn split_semicolons(s: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in s.chars() {
        if c == ';' && !quoted {
            parts.push(std::mem::take(&mut current));
            continue;
        }
        if c == '"' {
            quoted = !quoted;
        }
        current.push(c);
    }
    parts.push(current);
    parts
}

fn parse_authentication_results(raw: &str) -> Option<AuthResults> {
    let text = strip_comments(raw);
    let mut parts = split_semicolons(&text).into_iter();
    let authserv_id = parts.next()?.split_whitespace().next()?.to_string();
    let mut dmarc = Vec::new();
    for part in parts {
        // `method = result` and `ptype.property = value` with optional spaces.
        let mut squeezed = String::with_capacity(part.len());
        let mut pending_space = false;
        for c in part.trim().chars() {
            if c.is_whitespace() {
                pending_space = true;
                continue;
            }
            if pending_space && c != '=' && !squeezed.ends_with('=') {
                squeezed.push(' ');
            }
            pending_space = false;
            squeezed.push(c);
        }
        let mut tokens = squeezed.split(' ');
        let Some((method, result)) = tokens.next().and_then(|t| t.split_once('=')) else {
            continue;
        };
        let method = method.split('/').next().unwrap_or_default();
        if !method.eq_ignore_ascii_case("dmarc") {
            continue;
        }
        let from = tokens.find_map(|t| {
            let (k, v) = t.split_once('=')?;
            k.eq_ignore_ascii_case("header.from")
                .then(|| v.trim_matches('"').to_ascii_lowercase())
        });
        dmarc.push((result.trim_matches('"').to_ascii_lowercase(), from));
    }
    Some(AuthResults { authserv_id, dmarc })
}

/// The text of the message: its text/plain body, or the text of its HTML body.
fn body_text(message: &mail_parser::Message<'_>) -> Option<String> {
    let text = message.text_bodies().find_map(|p| match &p.body {
        PartType::Text(t) if !t.trim().is_empty() => Some(t.to_string()),
        _ => None,
    });
    text.or_else(|| {
        message
            .html_bodies()
            .chain(message.text_bodies())
            .find_map(|p| match &p.body {
                PartType::Html(h) => Some(html_to_text(h)),
                _ => None,
            })
    })
    .filter(|t| !t.trim().is_empty())
}

/// Lines of the body that are not quotations (`>`).
fn unquoted(body: &str) -> String {
    body.lines()
        .filter(|l| !l.trim_start().starts_with('>'))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `label : value` or `label = value` line, label as a loose key, in
/// order; quoted lines (`>`) skipped.
fn labelled_lines(body: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in body.lines().take(10_000) {
        let line = line.trim();
        if line.starts_with('>') {
            continue;
        }
        let line = line.trim_start_matches(['-', '*', '•', '·', '–', '—', ' ', '\t', '\u{a0}']);
        let Some(pos) = line.find([':', '=', '：']) else {
            continue;
        };
        let (label, rest) = line.split_at(pos);
        if label.chars().count() > 60 {
            continue;
        }
        let key = loose_key(label);
        if key.is_empty() {
            continue;
        }
        let sep_len = rest.chars().next().map_or(0, char::len_utf8);
        let value = rest[sep_len..]
            .trim()
            .trim_matches('*')
            .trim()
            .chars()
            .take(2_000)
            .collect::<String>();
        out.push((key, value));
    }
    out
}

const EVENT_LABELS: &[&str] = &["evenement", "event", "evenements", "manifestation"];
const ATTENDANCE_LABELS: &[&str] = &[
    "participation",
    "mode de participation",
    "attendance",
    "presence",
];
const COMMITMENT_LABELS: &[&str] = &[
    "engagements",
    "engagement",
    "obligations",
    "j accepte",
    "accepte",
    "acceptation",
    "je m engage",
    "i accept",
    "acknowledged",
    "acknowledgement",
    "acknowledgment",
    "commitments",
];

fn field_of_label(key: &str) -> Option<Field> {
    Some(match key {
        "nom" | "nom de famille" | "family name" | "last name" | "surname" | "lastname"
        | "familyname" => Field::FamilyName,
        "prenom" | "prenoms" | "first name" | "given name" | "firstname" | "givenname"
        | "forename" => Field::GivenName,
        "service" | "department" | "unit" => Field::Service,
        "grade" | "rank" => Field::Grade,
        "fonction" | "function" | "position" | "job title" | "poste" => Field::Function,
        _ => return None,
    })
}

fn is_yes(value: &str) -> bool {
    let k = loose_key(value);
    matches!(
        k.as_str(),
        "oui"
            | "yes"
            | "y"
            | "o"
            | "x"
            | "ok"
            | "okay"
            | "d accord"
            | "j accepte"
            | "accepte"
            | "acceptee"
            | "acceptes"
            | "i accept"
            | "accept"
            | "accepted"
            | "lu et approuve"
            | "lu et accepte"
            | "vrai"
            | "true"
            | "1"
            | "je m engage"
            | "agree"
            | "i agree"
            | "agreed"
            | "tous"
            | "toutes"
            | "tout"
            | "all"
            | "les deux"
            | "both"
    ) || k.starts_with("oui ")
        || k.starts_with("yes ")
}

/// Whether `needle` appears in `hay` as whole words (both loose keys).
fn word_contains(hay: &str, needle: &str) -> bool {
    Padded::new(hay).has(needle)
}

/// A loose key with a space at both ends, for whole-word searches.
struct Padded(String);

impl Padded {
    fn new(key: &str) -> Padded {
        Padded(format!(" {key} "))
    }

    fn has(&self, needle: &str) -> bool {
        !needle.is_empty() && self.0.contains(&format!(" {needle} "))
    }
}

/// The obligations the lines acknowledge.
fn acknowledged(community: &Community, pairs: &[(String, String)]) -> crate::text::TextSet {
    let obligations = &community.statutes().obligations;
    let matching = |item: &str| -> Option<String> {
        let key = loose_key(item);
        if key.is_empty() {
            return None;
        }
        if let Some(o) = obligations.iter().find(|o| loose_key(&o.id) == key) {
            return Some(o.id.clone());
        }
        if key.chars().count() < 4 {
            return None;
        }
        let found: Vec<&crate::statutes::Obligation> = obligations
            .iter()
            .filter(|o| {
                word_contains(&loose_key(&o.text.fr), &key)
                    || word_contains(&loose_key(&o.text.en), &key)
            })
            .collect();
        match found.as_slice() {
            [one] => Some(one.id.clone()),
            _ => None,
        }
    };
    let mut acked = BTreeSet::new();
    for (key, value) in pairs {
        if COMMITMENT_LABELS.contains(&key.as_str()) {
            if is_yes(value) {
                acked.extend(obligations.iter().map(|o| o.id.clone()));
            } else {
                let spaced = format!(" {} ", value.to_lowercase());
                let spaced = spaced.replace(" et ", ",").replace(" and ", ",");
                for item in spaced.split([',', ';', '/', '+', '&']) {
                    acked.extend(matching(item));
                }
            }
        } else if field_of_label(key).is_none() && is_yes(value) {
            acked.extend(matching(key));
        }
    }
    acked.into_iter().collect()
}

fn attendance(value: &str) -> Option<AttendanceMode> {
    let k = format!(" {} ", loose_key(value));
    let on_site = [
        " sur place ",
        " presentiel ",
        " en presentiel ",
        " on site ",
        " onsite ",
        " in person ",
        " salle ",
    ]
    .iter()
    .any(|w| k.contains(w));
    let remote = [
        " distance ",
        " distanciel ",
        " visio ",
        " visioconference ",
        " remote ",
        " remotely ",
        " en ligne ",
        " online ",
    ]
    .iter()
    .any(|w| k.contains(w));
    let either = [
        " indifferent ",
        " either ",
        " peu importe ",
        " les deux ",
        " both ",
    ]
    .iter()
    .any(|w| k.contains(w));
    match (on_site, remote) {
        (true, true) => Some(AttendanceMode::OnSiteOrRemote),
        _ if either => Some(AttendanceMode::OnSiteOrRemote),
        (true, false) => Some(AttendanceMode::OnSite),
        (false, true) => Some(AttendanceMode::Remote),
        (false, false) => None,
    }
}

/// Events a message may name: not drafts, not over.
fn candidates(community: &Community, at: DateTime<Utc>) -> Vec<&Event> {
    community
        .events()
        .filter(|e| {
            matches!(
                e.state,
                EventState::Open | EventState::Closed | EventState::Cancelled
            ) && e.schedule.ends_at > at
        })
        .collect()
}

/// Events open for registration now, offered in replies.
fn open_choices(community: &Community, at: DateTime<Utc>) -> Vec<EventChoice> {
    community
        .events()
        .filter(|e| e.accepts_registrations_at(at))
        .take(20)
        .map(choice)
        .collect()
}

fn choice(e: &Event) -> EventChoice {
    EventChoice {
        id: e.id,
        title: e.title.clone(),
    }
}

/// One event among matches: the only one, or the one whose title contains
/// every other match's title.
fn pick<'a>(matches: &[&'a Event]) -> Result<Option<&'a Event>, MailProblem> {
    match matches {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        many => {
            let keys: Vec<String> = many.iter().map(|e| loose_key(&e.title)).collect();
            let widest = many.iter().zip(&keys).find(|(_, k)| {
                keys.iter()
                    .filter(|other| other != k)
                    .all(|other| word_contains(k, other))
                    && keys.iter().filter(|other| other == k).count() == 1
            });
            match widest {
                Some((e, _)) => Ok(Some(e)),
                None => Err(MailProblem::EventAmbiguous {
                    candidates: many.iter().map(|e| choice(e)).collect(),
                }),
            }
        }
    }
}

/// `E3`, `e 3`, `3`, optionally followed by other words.
fn leading_id(value: &str) -> Option<u64> {
    let v = value.trim();
    let v = v
        .strip_prefix(['E', 'e'])
        .map_or(v, |rest| rest.trim_start());
    let digits: String = v.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let rest = &v[digits.len()..];
    if rest.chars().next().is_some_and(char::is_alphanumeric) {
        return None;
    }
    digits.parse().ok()
}

fn resolve_event(
    community: &Community,
    label: Option<&str>,
    subject: &str,
    body: &str,
    at: DateTime<Utc>,
) -> Result<EventId, MailProblem> {
    let all = candidates(community, at);
    if let Some(value) = label.filter(|v| !v.trim().is_empty()) {
        if let Some(n) = leading_id(value) {
            return match community.event(EventId::new(n)) {
                Some(e) if e.state != EventState::Draft => Ok(e.id),
                _ => Err(MailProblem::EventUnknown {
                    given: excerpt(value, ECHO_CHARS),
                    open: open_choices(community, at),
                }),
            };
        }
        let key = loose_key(value);
        let exact: Vec<&Event> = all
            .iter()
            .copied()
            .filter(|e| loose_key(&e.title) == key)
            .collect();
        let loose: Vec<&Event> = if exact.is_empty() {
            all.iter()
                .copied()
                .filter(|e| {
                    let t = loose_key(&e.title);
                    word_contains(&key, &t) || (key.chars().count() >= 3 && word_contains(&t, &key))
                })
                .collect()
        } else {
            exact
        };
        return match pick(&loose)? {
            Some(e) => Ok(e.id),
            None => Err(MailProblem::EventUnknown {
                given: excerpt(value, ECHO_CHARS),
                open: open_choices(community, at),
            }),
        };
    }
    for text in [subject, body] {
        let hay = Padded::new(&loose_key(text));
        let found: Vec<&Event> = all
            .iter()
            .copied()
            .filter(|e| hay.has(&loose_key(&e.title)))
            .collect();
        if let Some(e) = pick(&found)? {
            return Ok(e.id);
        }
    }
    Err(MailProblem::EventNotNamed {
        open: open_choices(community, at),
    })
}

// ----- HTML ---------------------------------------------------------------------

/// The text of an HTML body: tags removed, block elements as line breaks,
/// entities decoded, head, scripts, styles and block quotes left out.
fn html_to_text(html: &str) -> String {
    const BLOCKS: &[&str] = &[
        "br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol",
        "section", "article", "header", "footer", "pre", "hr", "dd", "dt", "address", "tbody",
    ];
    const SKIPPED: &[&str] = &["head", "style", "script", "template", "title", "blockquote"];
    let mut out = String::with_capacity(html.len() / 2);
    let mut skip_depth = 0usize;
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            if let Some(after) = rest.strip_prefix("<!--") {
                rest = after.find("-->").map_or("", |p| &after[p + 3..]);
                continue;
            }
            let end = rest.find('>').unwrap_or(rest.len());
            let tag = &rest[1..end];
            rest = rest.get(end + 1..).unwrap_or("");
            let closing = tag.starts_with('/');
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase();
            if SKIPPED.contains(&name.as_str()) && !tag.ends_with('/') {
                if closing {
                    skip_depth = skip_depth.saturating_sub(1);
                } else {
                    skip_depth += 1;
                }
            }
            if BLOCKS.contains(&name.as_str()) {
                out.push('\n');
            } else if name == "td" || name == "th" {
                out.push(' ');
            }
            continue;
        }
        if c == '&' {
            let end = rest
                .char_indices()
                .take(12)
                .find(|&(_, ch)| ch == ';')
                .map(|(i, _)| i);
            if let Some(decoded) = end.and_then(|e| entity(&rest[1..e])) {
                if skip_depth == 0 {
                    out.push(decoded);
                }
                rest = &rest[end.unwrap_or(0) + 1..];
                continue;
            }
        }
        if skip_depth == 0 {
            out.push(if c.is_whitespace() { ' ' } else { c });
        }
        rest = &rest[c.len_utf8()..];
    }
    out.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return Some(char::from_u32(code).unwrap_or('\u{FFFD}'));
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" | "rsquo" | "lsquo" => '\'',
        "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
        "eacute" => 'é',
        "Eacute" => 'É',
        "egrave" => 'è',
        "Egrave" => 'È',
        "ecirc" => 'ê',
        "Ecirc" => 'Ê',
        "euml" => 'ë',
        "agrave" => 'à',
        "Agrave" => 'À',
        "acirc" => 'â',
        "Acirc" => 'Â',
        "auml" => 'ä',
        "ccedil" => 'ç',
        "Ccedil" => 'Ç',
        "icirc" => 'î',
        "Icirc" => 'Î',
        "iuml" => 'ï',
        "ocirc" => 'ô',
        "Ocirc" => 'Ô',
        "ouml" => 'ö',
        "ugrave" => 'ù',
        "Ugrave" => 'Ù',
        "ucirc" => 'û',
        "Ucirc" => 'Û',
        "uuml" => 'ü',
        "oelig" => 'œ',
        "OElig" => 'Œ',
        "laquo" => '«',
        "raquo" => '»',
        "ldquo" => '“',
        "rdquo" => '”',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "euro" => '€',
        "deg" => '°',
        "middot" => '·',
        "bull" => '•',
        "sup2" => '²',
        _ => return None,
    })
}

// ----- registering and replying -------------------------------------------------

/// Turns a raw message into a registration for the event it names, or into a
/// reply in French saying what is missing or wrong.
///
/// A sender who already holds a live registration for the event gets it back
/// (the engine's idempotence) even when the new message lacks fields. A
/// refusal of the engine (address not allowed, event full, registration
/// closed…) becomes a reply too.
///
/// Errors: a message larger than [`MAX_MESSAGE_BYTES`]; errors of the engine
/// other than refusals.
pub fn register_from_email(
    community: &mut Community,
    raw: &[u8],
    policy: &MailPolicy,
    at: DateTime<Utc>,
) -> Result<MailOutcome, Error> {
    let reading = read_request(community, raw, policy, at)?;
    let already = match (&reading.sender, reading.event) {
        (Some(sender), Some(event)) if !reading.problems.iter().any(|p| p.is_about_sender()) => {
            community.member_by_email(sender.as_str()).is_some_and(|m| {
                community
                    .registrations(event)
                    .any(|r| r.member == m.id && r.is_live())
            })
        }
        _ => false,
    };
    let event = match reading.event {
        Some(event) if reading.problems.is_empty() || already => event,
        _ => {
            let text_fr = reply_text(community, &reading.problems, reading.event);
            return Ok(MailOutcome::Reply {
                problems: reading.problems,
                text_fr,
            });
        }
    };
    match community.register(event, &reading.request, at) {
        Ok(outcome) => {
            let text_fr = confirmation_fr(community, event, &outcome);
            Ok(MailOutcome::Registered {
                event,
                outcome,
                text_fr,
            })
        }
        Err(Error::Refused(refusal)) => {
            let problems = vec![MailProblem::Refused(refusal)];
            let text_fr = reply_text(community, &problems, Some(event));
            Ok(MailOutcome::Reply { problems, text_fr })
        }
        Err(other) => Err(other),
    }
}

fn signature(community: &Community) -> String {
    format!(
        "\nCordialement,\n{}\n",
        excerpt(&community.statutes().name, ECHO_CHARS)
    )
}

fn when_fr(e: &Event) -> String {
    let (s, end) = (e.schedule.starts_paris(), e.schedule.ends_paris());
    if s.date_naive() == end.date_naive() {
        format!(
            "le {} de {} à {} (heure de Paris)",
            s.format("%d/%m/%Y"),
            s.format("%H:%M"),
            end.format("%H:%M")
        )
    } else {
        format!(
            "du {} au {} (heure de Paris)",
            s.format("%d/%m/%Y %H:%M"),
            end.format("%d/%m/%Y %H:%M")
        )
    }
}

/// The French reply listing every problem, with what to send back.
///
/// ```
/// use cimi_core::interop::mail::{reply_fr, MailProblem};
/// use cimi_core::registration::{Field, Refusal};
/// use cimi_core::Community;
/// let c = Community::cimi();
/// let text = reply_fr(&c, &[MailProblem::Refused(Refusal::MissingField { field: Field::Grade })]);
/// assert!(text.contains("- le champ « grade » est obligatoire"));
/// assert!(text.contains("\nGrade :\n"));
/// ```
pub fn reply_fr(community: &Community, problems: &[MailProblem]) -> String {
    reply_text(community, problems, None)
}

/// `au miditech « X », le …` / `à la conférence « X », le …`.
fn what_fr(e: &Event) -> String {
    let article = match e.kind {
        crate::event::EventKind::Conference | crate::event::EventKind::Meeting => "à la",
        _ => "au",
    };
    format!(
        "{article} {} « {} », {}",
        e.kind.label(Lang::Fr),
        e.title,
        when_fr(e)
    )
}

fn reply_text(community: &Community, problems: &[MailProblem], event: Option<EventId>) -> String {
    let statutes = community.statutes();
    let mut t = String::from("Bonjour,\n\nVotre message n'a pas permis de vous inscrire");
    if let Some(e) = event.and_then(|id| community.event(id)) {
        let _ = write!(t, " {}", what_fr(e));
    }
    t.push_str(" :\n");
    for p in problems {
        let line = match p {
            MailProblem::Refused(Refusal::ObligationNotAcknowledged { obligation }) => statutes
                .obligations
                .iter()
                .find(|o| &o.id == obligation)
                .map(|o| {
                    format!(
                        "l'engagement « {} » doit être accepté",
                        o.text.get(Lang::Fr)
                    )
                })
                .unwrap_or_else(|| p.message(Lang::Fr)),
            _ => p.message(Lang::Fr),
        };
        let _ = writeln!(t, "- {line}");
    }
    if problems.iter().any(MailProblem::is_about_sender) {
        if problems
            .iter()
            .any(|p| matches!(p, MailProblem::Refused(Refusal::AddressNotAllowed { .. })))
        {
            t.push_str(
                "\nL'inscription doit impérativement être envoyée depuis une adresse autorisée (boîte de messagerie professionnelle).\n",
            );
        } else {
            t.push_str(
                "\nPour des raisons de sécurité, l'inscription doit être envoyée directement depuis votre boîte de messagerie professionnelle, par un seul expéditeur, sans transfert.\n",
            );
        }
        t.push_str(&signature(community));
        return t;
    }
    let listed = problems.iter().find_map(|p| match p {
        MailProblem::EventNotNamed { open } | MailProblem::EventUnknown { open, .. } => {
            Some(("Événements ouverts aux inscriptions", open))
        }
        MailProblem::EventAmbiguous { candidates } => {
            Some(("Événements correspondants", candidates))
        }
        _ => None,
    });
    if let Some((heading, list)) = listed.filter(|(_, l)| !l.is_empty()) {
        let _ = writeln!(t, "\n{heading} :");
        for c in list {
            match community.event(c.id) {
                Some(e) => {
                    let _ = writeln!(t, "- {} : « {} », {}", c.id, e.title, when_fr(e));
                }
                None => {
                    let _ = writeln!(t, "- {c}");
                }
            }
        }
    }
    let content_problem = problems.iter().any(|p| {
        matches!(
            p,
            MailProblem::NoBody
                | MailProblem::EventNotNamed { .. }
                | MailProblem::EventUnknown { .. }
                | MailProblem::EventAmbiguous { .. }
                | MailProblem::AttendanceUnclear { .. }
                | MailProblem::Refused(
                    Refusal::MissingField { .. }
                        | Refusal::FieldTooLong { .. }
                        | Refusal::InvalidField { .. }
                        | Refusal::ObligationNotAcknowledged { .. }
                )
        )
    });
    if content_problem {
        t.push_str(
            "\nPour vous inscrire, répondez à ce message en complétant les lignes suivantes :\n\n",
        );
        match event.and_then(|id| community.event(id)) {
            Some(e) => {
                let _ = writeln!(
                    t,
                    "Événement : {} ({})",
                    e.id,
                    excerpt(&e.title, ECHO_CHARS)
                );
            }
            None => t.push_str("Événement : (numéro, par exemple E3, ou titre)\n"),
        }
        for field in Field::ALL {
            let label = field.label(Lang::Fr);
            let _ = writeln!(t, "{} :", super::capitalised(label));
        }
        t.push_str("Participation : sur place, à distance, ou sur place ou à distance\n");
        if statutes.policy.require_acknowledgement && !statutes.obligations.is_empty() {
            t.push_str(
                "Engagements : oui\n\nEn écrivant « Engagements : oui », vous vous engagez à :\n",
            );
            for o in &statutes.obligations {
                let _ = writeln!(t, "- {}", o.text.get(Lang::Fr));
            }
        }
    }
    t.push_str(&signature(community));
    t
}

/// The French confirmation of a registration made by e-mail.
fn confirmation_fr(community: &Community, event: EventId, outcome: &RegistrationOutcome) -> String {
    let mut t = String::new();
    let r = &outcome.registration;
    let given = community
        .member(r.member)
        .map(|m| excerpt(&m.given_name, ECHO_CHARS))
        .unwrap_or_default();
    if given.is_empty() {
        t.push_str("Bonjour,\n\n");
    } else {
        let _ = write!(t, "Bonjour {given},\n\n");
    }
    let Some(e) = community.event(event) else {
        return t;
    };
    let what = what_fr(e);
    let subject = if outcome.already_registered {
        let _ = writeln!(
            t,
            "Vous étiez déjà inscrit(e) {what} ; votre inscription est inchangée."
        );
        "Votre inscription".to_string()
    } else {
        format!("Votre inscription {what}")
    };
    match (r.status, r.seat) {
        (RegistrationStatus::Confirmed, Some(Seat::Remote)) => {
            let _ = writeln!(
                t,
                "{subject} est confirmée : vous suivrez l'événement à distance."
            );
            if r.waiting_for_seat {
                t.push_str("Vous restez en liste d'attente pour une place sur place : nous vous écrirons si une place se libère.\n");
            }
            if let Some(remote) = &e.remote {
                let _ = writeln!(t, "Lien de la visioconférence : {}", remote.url);
            }
        }
        (RegistrationStatus::Confirmed, _) => {
            let _ = writeln!(
                t,
                "{subject} est confirmée : une place vous est réservée sur place."
            );
            if let Some(v) = &e.venue {
                let _ = writeln!(t, "Lieu : {}, {}", v.name, v.address);
            }
        }
        (RegistrationStatus::Waitlisted, _) => {
            let rank = community
                .waiting_list(event)
                .iter()
                .position(|&id| id == r.id)
                .map(|p| p + 1);
            let _ = write!(
                t,
                "{subject} est en liste d'attente, toutes les places étant prises"
            );
            if let Some(rank) = rank {
                let _ = write!(t, " (position {rank})");
            }
            t.push_str(" : nous vous écrirons si une place se libère.\n");
        }
        _ => {
            let _ = writeln!(t, "{subject} a été annulée.");
        }
    }
    t.push_str(&signature(community));
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authentication_results_are_parsed() {
        let r = parse_authentication_results(
            " mx.interieur.gouv.fr (Postfix) 1;\r\n spf=pass smtp.mailfrom=interieur.gouv.fr;\r\n dkim=pass (good) header.d=interieur.gouv.fr;\r\n dmarc = pass (p=reject) header.from = \"Interieur.gouv.fr\"",
        )
        .unwrap();
        assert_eq!(r.authserv_id, "mx.interieur.gouv.fr");
        assert_eq!(
            r.dmarc,
            vec![("pass".into(), Some("interieur.gouv.fr".into()))]
        );
        let none = parse_authentication_results("mx.example; none").unwrap();
        assert!(none.dmarc.is_empty());
        assert!(parse_authentication_results("  ").is_none());
        // A comment cannot hide a result, nor fake one.
        let c =
            parse_authentication_results("mx; dmarc=fail (dmarc=pass header.from=x.fr)").unwrap();
        assert_eq!(c.dmarc, vec![("fail".into(), None)]);
    }

    #[test]
    fn labels_and_values() {
        let pairs = labelled_lines(
            "Bonjour,\n- **Nom** : Dupont\nPRÉNOM= Jean\n> Grade : quoted\nFonction\u{a0}: chef\n",
        );
        assert_eq!(
            pairs,
            vec![
                ("nom".into(), "Dupont".into()),
                ("prenom".into(), "Jean".into()),
                ("fonction".into(), "chef".into()),
            ]
        );
    }

    #[test]
    fn html_text() {
        let t = html_to_text(
            "<html><head><title>x</title><style>p{}</style></head><body><div>Nom&nbsp;: Dupont</div><p>Pr&eacute;nom : Jean</p><blockquote><div>Grade : faux</div></blockquote><div>Grade&#58; capitaine</div></body></html>",
        );
        assert_eq!(t, "Nom : Dupont\nPrénom : Jean\nGrade: capitaine");
    }

    #[test]
    fn attendance_modes() {
        assert_eq!(attendance("Sur place"), Some(AttendanceMode::OnSite));
        assert_eq!(attendance("à distance"), Some(AttendanceMode::Remote));
        assert_eq!(
            attendance("sur place ou à distance"),
            Some(AttendanceMode::OnSiteOrRemote)
        );
        assert_eq!(attendance("peut-être"), None);
    }

    #[test]
    fn ids() {
        assert_eq!(leading_id("E3"), Some(3));
        assert_eq!(leading_id("e 12 (IA)"), Some(12));
        assert_eq!(leading_id("3"), Some(3));
        assert_eq!(leading_id("3D printing"), None);
        assert_eq!(leading_id("Evenement"), None);
    }
}
