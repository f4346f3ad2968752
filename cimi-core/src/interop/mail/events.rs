//! Recognising the event a message names: by number (`E3`), by title, or by
//! the title found in the subject or the body, among the events to come.

use chrono::{DateTime, Utc};

use super::form::{Padded, word_contains};
use super::{ECHO_CHARS, EventChoice, MailProblem};
use crate::community::Community;
use crate::event::{Event, EventState};
use crate::ids::EventId;
use crate::interop::{excerpt, loose_key};

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
pub(super) fn leading_id(value: &str) -> Option<u64> {
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

pub(super) fn resolve_event(
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
