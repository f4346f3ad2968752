//! Registering from a message, and the French texts sent back: the reply that
//! lists every problem with the lines to fill in, and the confirmation.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::{ECHO_CHARS, MailOutcome, MailPolicy, MailProblem, read_request};
use crate::community::{Community, RegistrationOutcome};
use crate::error::Error;
use crate::event::Event;
use crate::i18n::Lang;
use crate::ids::EventId;
use crate::interop::{capitalised, excerpt};
use crate::registration::{Field, Refusal, RegistrationStatus, Seat};

/// Turns a raw message into a registration for the event it names, or into a
/// reply in French saying what is missing or wrong.
///
/// A sender who already holds a live registration for the event gets it back
/// (the engine's idempotence) even when the new message lacks fields. A
/// refusal of the engine (address not allowed, event full, registration
/// closed…) becomes a reply too.
///
/// Errors: a message larger than
/// [`MAX_MESSAGE_BYTES`](super::MAX_MESSAGE_BYTES); errors of the engine other
/// than refusals.
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
            let _ = writeln!(t, "{} :", capitalised(label));
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
        (RegistrationStatus::Pending, _) => {
            let _ = writeln!(
                t,
                "{subject} est enregistrée et attend la validation des organisateurs : nous vous écrirons leur décision."
            );
        }
        (RegistrationStatus::Offered, _) => {
            let _ = writeln!(
                t,
                "{subject} : une place s'est libérée et vous est proposée jusqu'au {} (heure de Paris). Acceptez-la ou déclinez-la avant cette date ; sans réponse, elle ira à la personne suivante.",
                r.offer_expires_at
                    .map(|d| crate::event::to_paris(d)
                        .format("%d/%m/%Y à %H:%M")
                        .to_string())
                    .unwrap_or_default()
            );
        }
        _ => {
            let _ = writeln!(t, "{subject} a été annulée.");
        }
    }
    t.push_str(&signature(community));
    t
}
