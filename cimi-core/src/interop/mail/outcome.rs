//! The types of e-mail registration: what the community demands of a message
//! ([`MailPolicy`]), what can be wrong with it ([`MailProblem`]), what was read
//! from it ([`MailReading`]) and what became of it ([`MailOutcome`]).

use crate::address::{AddressError, EmailAddress};
use crate::community::RegistrationOutcome;
use crate::i18n::Lang;
use crate::ids::EventId;
use crate::registration::{Refusal, RegistrationRequest};

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
    /// Whether the request is ready for
    /// [`Community::register`](crate::Community::register).
    pub fn is_complete(&self) -> bool {
        self.problems.is_empty() && self.event.is_some() && self.sender.is_some()
    }

    pub(super) fn refuse(problem: MailProblem) -> MailReading {
        MailReading {
            sender: None,
            event: None,
            request: RegistrationRequest::default(),
            problems: vec![problem],
        }
    }
}

/// The result of [`register_from_email`](super::register_from_email).
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
