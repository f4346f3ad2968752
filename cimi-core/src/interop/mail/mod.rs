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

// Split by concern: `outcome` holds the policy, problem and outcome types;
// `read` parses the message and assembles the request; `auth` checks the
// `Authentication-Results` header; `form` reads the labelled lines of the body;
// `html` turns an HTML body into text; `events` recognises the event named;
// `reply` registers and writes the replies.

mod auth;
mod events;
mod form;
mod html;
mod outcome;
mod read;
mod reply;
#[cfg(test)]
mod tests;

pub use outcome::{EventChoice, MailOutcome, MailPolicy, MailProblem, MailReading};
pub use read::read_request;
pub use reply::{register_from_email, reply_fr};

/// Largest message accepted, in bytes (1 MiB).
pub const MAX_MESSAGE_BYTES: usize = 1 << 20;

/// Longest text of a sender echoed in a reply, in characters.
const ECHO_CHARS: usize = 80;
