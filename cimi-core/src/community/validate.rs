//! The checks a record must pass, shared by the operations, the replay of a change
//! and the loading of a document.

use std::collections::BTreeMap;

use serde::Serialize;

use super::*;
use crate::change::Record;
use crate::error::{Entity, Error, FormatError};
use crate::event::Event;
use crate::ids::EventId;
use crate::limits::{
    MAX_OFFER_CUTOFF_DAYS, MAX_OFFER_HOLD_DAYS, MAX_PROFILE_TAGS, MAX_PROGRAM_ITEMS,
};
use crate::member::Member;
use crate::registration::{Registration, RegistrationStatus, Seat};

pub(super) fn has_forbidden_chars(s: &str) -> bool {
    !is_printable_ascii(s) && crate::address::scan_text(s).0
}

/// `str::trim`, answered at once when both ends are visible ASCII (the
/// common case; other ends may be spaces, which need decoding).
pub(super) fn trim(s: &str) -> &str {
    let ends = |b: Option<&u8>| b.is_some_and(u8::is_ascii_graphic);
    if ends(s.as_bytes().first()) && ends(s.as_bytes().last()) {
        s
    } else {
        s.trim()
    }
}

/// Whether every byte is printable ASCII, the common case, which needs no
/// decoding (one character per byte). No early exit: the loop vectorises.
pub(super) fn is_printable_ascii(s: &str) -> bool {
    !s.bytes()
        .fold(false, |bad, b| bad | !(0x20..0x7f).contains(&b))
}

/// An event by identifier, or `not_found`.
pub(super) fn event_in(events: &BTreeMap<EventId, Event>, id: EventId) -> Result<&Event, Error> {
    events
        .get(&id)
        .ok_or_else(|| Error::not_found(Entity::Event, id.get()))
}

/// Refuses a record read from outside whose texts or lists break the limits.
pub(super) fn within_limits<T: Serialize + ?Sized>(location: &str, value: &T) -> Result<(), Error> {
    crate::limits::check(value).map_err(|over| {
        FormatError::OverLimit {
            location: join_location(location, &over.path),
            what: over.what,
            limit: over.limit,
        }
        .into()
    })
}

fn join_location(outer: &str, inner: &str) -> String {
    match (outer.is_empty(), inner.is_empty()) {
        (_, true) => outer.to_string(),
        (true, false) => inner.to_string(),
        (false, false) => format!("{outer}.{inner}"),
    }
}

/// Puts a problem [`Community::check_record`] found at `location` (`change`,
/// `members[3]`…): the record's own path, if any, follows it.
pub(super) fn located(error: Error, location: &str) -> Error {
    match error {
        Error::Format(FormatError::Inconsistent {
            location: inner,
            problem,
        }) => FormatError::Inconsistent {
            location: join_location(location, &inner),
            problem,
        }
        .into(),
        Error::Format(FormatError::OverLimit {
            location: inner,
            what,
            limit,
        }) => FormatError::OverLimit {
            location: join_location(location, &inner),
            what,
            limit,
        }
        .into(),
        other => other,
    }
}

/// The first text of a member that holds control or invisible characters.
pub(super) fn member_text_problem(m: &Member) -> Option<&'static str> {
    let fields = [
        ("family_name", m.family_name.as_str()),
        ("given_name", m.given_name.as_str()),
        ("service", m.service.as_str()),
        ("grade", m.grade.as_str()),
        ("function", m.function.as_str()),
        ("corps", m.corps().map(|c| c.as_str()).unwrap_or("")),
    ];
    if let Some((name, _)) = fields.iter().find(|(_, v)| has_forbidden_chars(v)) {
        return Some(name);
    }
    if m.affiliation.units().any(has_forbidden_chars) {
        return Some("affiliation");
    }
    if m.skills
        .iter()
        .chain(m.interests().iter())
        .any(has_forbidden_chars)
    {
        return Some("skills");
    }
    None
}

impl Community {
    /// The one check of a record from outside (a replayed change, a
    /// document's record) against the community: limits, texts, references,
    /// one live registration per person, capacity, quotas and remote
    /// places. Problems come without a location; callers add theirs with
    /// [`located`].
    pub(super) fn check_record(&self, record: &Record) -> Result<(), Error> {
        let bad = |problem: String| {
            Error::Format(FormatError::Inconsistent {
                location: String::new(),
                problem,
            })
        };
        // The limits on the record itself, so that places read as in a
        // document (`family_name`, `skills[3]`).
        match record {
            Record::Statutes(s) => within_limits("", s),
            Record::Member(m) => within_limits("", m),
            Record::Event(e) => within_limits("", e),
            Record::Registration(r) => within_limits("", r),
            Record::HelpRequest(h) => within_limits("", h),
            Record::WatchItem(w) => within_limits("", w),
        }?;
        match record {
            Record::Statutes(s) => s.validate()?,
            Record::Member(m) => {
                if let Some(field) = member_text_problem(m) {
                    return Err(FormatError::Inconsistent {
                        location: field.to_string(),
                        problem: format!("member {} holds control or invisible characters", m.id),
                    }
                    .into());
                }
                if let Some(other) = self.members.by_address(m.email.as_str())
                    && other != m.id
                    && !m.is_erased()
                {
                    return Err(bad(format!(
                        "member {} reuses the address of {other}",
                        m.id
                    )));
                }
            }
            Record::Event(e) => {
                if e.schedule.ends_at <= e.schedule.starts_at {
                    return Err(bad(format!("event {} ends before it starts", e.id)));
                }
                self.check_event(e)
                    .map_err(|err| bad(format!("event {}: {err}", e.id)))?;
                let book = self.books.get(&e.id).unwrap_or(&EMPTY_BOOK);
                check_book(e, book, false).map_err(bad)?;
            }
            Record::WatchItem(w) => {
                if !self.members.contains_key(&w.shared_by) {
                    return Err(bad(format!(
                        "watch item {} shared by unknown member {}",
                        w.id, w.shared_by
                    )));
                }
                if w.event.is_some_and(|e| !self.events.contains_key(&e)) {
                    return Err(bad(format!("watch item {} names an unknown event", w.id)));
                }
                if w.help_request.is_some_and(|h| !self.help.contains_key(&h)) {
                    return Err(bad(format!(
                        "watch item {} names an unknown help request",
                        w.id
                    )));
                }
            }
            Record::HelpRequest(h) => {
                for m in
                    std::iter::once(&h.asker).chain(h.steps.iter().flat_map(|s| &s.referred_to))
                {
                    if !self.members.contains_key(m) {
                        return Err(bad(format!(
                            "help request {} names unknown member {m}",
                            h.id
                        )));
                    }
                }
                if h.steps.is_empty() {
                    return Err(bad(format!("help request {} has no step", h.id)));
                }
            }
            Record::Registration(r) => {
                let event = self.events.get(&r.event).ok_or_else(|| {
                    bad(format!(
                        "registration {} for unknown event {}",
                        r.id, r.event
                    ))
                })?;
                if !self.members.contains_key(&r.member) {
                    return Err(bad(format!(
                        "registration {} for unknown member {}",
                        r.id, r.member
                    )));
                }
                check_registration_shape(r).map_err(bad)?;
                if r.is_live() && r.seat == Some(Seat::Remote) && event.remote.is_none() {
                    return Err(bad(format!(
                        "registration {} holds a remote place for an event without broadcast",
                        r.id
                    )));
                }
                let book = self.books.get(&r.event).unwrap_or(&EMPTY_BOOK);
                let old = self.registrations.get(&r.id);
                if let Some(old) = old
                    && (old.event != r.event || old.member != r.member)
                {
                    return Err(bad(format!(
                        "registration {} changes event or member",
                        r.id
                    )));
                }
                if r.is_live()
                    && let Some(other) = book.live.get(&r.member).filter(|other| **other != r.id)
                {
                    return Err(bad(format!(
                        "member {} already holds registration {other} for event {}",
                        r.member, r.event
                    )));
                }
                // The hard limits after the change, computed without copying the book.
                // An open offer holds its seat as a confirmation does.
                let seat = |x: &Registration| {
                    matches!(
                        x.status,
                        RegistrationStatus::Confirmed | RegistrationStatus::Offered
                    )
                    .then_some(x.seat)
                    .flatten()
                };
                let (was, will) = (old.and_then(seat), seat(r));
                if will == Some(Seat::OnSite) && was != Some(Seat::OnSite) {
                    if book.on_site + 1 > event.capacity {
                        return Err(bad(format!("event {} would exceed its capacity", event.id)));
                    }
                    if let Some(q) = event.quota(r.audience.as_deref())
                        && book.audience_seats(&r.audience) + 1 > q
                    {
                        return Err(bad(format!("event {} would exceed a quota", event.id)));
                    }
                }
                if will == Some(Seat::Remote) && was != Some(Seat::Remote) {
                    if let Some(cap) = event.remote.as_ref().and_then(|x| x.capacity)
                        && book.remote + 1 > cap
                    {
                        return Err(bad(format!(
                            "event {} would exceed its remote places",
                            event.id
                        )));
                    }
                    if event.remote.is_none() {
                        return Err(bad(format!("event {} is not broadcast", event.id)));
                    }
                }
            }
        }
        Ok(())
    }

    /// Checks a long text (up to [`MAX_SUMMARY_CHARS`], line breaks and tabs allowed).
    pub(crate) fn check_long_text(&self, field: &str, value: &str) -> Result<(), Error> {
        if value.chars().count() > MAX_SUMMARY_CHARS
            || has_forbidden_chars(&value.replace(['\n', '\r', '\t'], " "))
        {
            return Err(Error::input(
                field,
                format!(
                    "longer than {MAX_SUMMARY_CHARS} characters or contains control characters"
                ),
                format!("plus de {MAX_SUMMARY_CHARS} caractères ou caractères de contrôle"),
            ));
        }
        Ok(())
    }

    pub(crate) fn check_text(&self, field: &str, value: &str) -> Result<(), Error> {
        let max = self.statutes.policy.max_field_chars as usize;
        if value.chars().count() > max {
            return Err(Error::input(
                field,
                format!("longer than {max} characters"),
                format!("plus de {max} caractères"),
            ));
        }
        if has_forbidden_chars(value) {
            return Err(Error::input(
                field,
                "contains control or invisible characters",
                "contient des caractères de contrôle ou invisibles",
            ));
        }
        Ok(())
    }

    pub(super) fn check_profile(&self, p: &MemberProfile) -> Result<(), Error> {
        for (name, value) in [
            ("family_name", p.family_name.as_str()),
            ("given_name", p.given_name.as_str()),
            ("service", p.service.as_str()),
            ("grade", p.grade.as_str()),
            ("function", p.function.as_str()),
            ("corps", p.corps.as_deref().unwrap_or("")),
        ] {
            self.check_text(name, value)?;
        }
        for unit in p.affiliation.units() {
            self.check_text("affiliation", unit)?;
        }
        for tag in p.skills.iter().chain(&p.interests) {
            self.check_text("skills", tag)?;
        }
        if p.skills.len() + p.interests.len() > MAX_PROFILE_TAGS {
            return Err(Error::input(
                "skills",
                format!("more than {MAX_PROFILE_TAGS} tags"),
                format!("plus de {MAX_PROFILE_TAGS} étiquettes"),
            ));
        }
        Ok(())
    }

    pub(super) fn check_event(&self, e: &Event) -> Result<(), Error> {
        if e.title.trim().is_empty() {
            return Err(Error::input(
                "title",
                "must not be blank",
                "ne doit pas être vide",
            ));
        }
        self.check_text("title", &e.title)?;
        if e.capacity > MAX_CAPACITY {
            return Err(Error::input(
                "capacity",
                format!("at most {MAX_CAPACITY}"),
                format!("au plus {MAX_CAPACITY}"),
            ));
        }
        for aud in &e.admission.audiences {
            // A past event keeps the admission of the statutes of its time.
            if e.state.is_upcoming() && self.statutes.audience(aud).is_none() {
                return Err(Error::input(
                    "admission.audiences",
                    format!("unknown audience '{aud}'"),
                    format!("public « {aud} » inconnu"),
                ));
            }
        }
        for (aud, q) in &e.quotas {
            // A past event keeps the quotas of the statutes of its time.
            if e.state.is_upcoming() && self.statutes.audience(aud).is_none() {
                return Err(Error::input(
                    "quotas",
                    format!("unknown audience '{aud}'"),
                    format!("public « {aud} » inconnu"),
                ));
            }
            if *q > MAX_CAPACITY {
                return Err(Error::input(
                    "quotas",
                    format!("at most {MAX_CAPACITY}"),
                    format!("au plus {MAX_CAPACITY}"),
                ));
            }
        }
        if let (Some(o), Some(c)) = (e.registration_opens_at, e.registration_closes_at)
            && c <= o
        {
            return Err(Error::input(
                "registration window",
                "must close after it opens",
                "doit se fermer après son ouverture",
            ));
        }
        if let Some(o) = &e.waitlist_offers {
            if !o.is_valid() {
                return Err(Error::input(
                    "waitlist_offer",
                    format!(
                        "the hold must be between one minute and {MAX_OFFER_HOLD_DAYS} days, the cut-off between zero and {MAX_OFFER_CUTOFF_DAYS} days"
                    ),
                    format!(
                        "le délai doit être compris entre une minute et {MAX_OFFER_HOLD_DAYS} jours, la limite avant le début entre zéro et {MAX_OFFER_CUTOFF_DAYS} jours"
                    ),
                ));
            }
            if !e.waitlist {
                return Err(Error::input(
                    "waitlist_offer",
                    "offers need a waiting list",
                    "les offres supposent une liste d'attente",
                ));
            }
        }
        if let Some(r) = &e.remote {
            self.check_text("remote.url", &r.url)?;
            if r.capacity.is_some_and(|c| c > MAX_CAPACITY) {
                return Err(Error::input(
                    "remote.capacity",
                    format!("at most {MAX_CAPACITY}"),
                    format!("au plus {MAX_CAPACITY}"),
                ));
            }
        }
        if let Some(v) = &e.venue {
            self.check_text("venue.name", &v.name)?;
            self.check_text("venue.address", &v.address)?;
        }
        if e.program.len() > MAX_PROGRAM_ITEMS {
            return Err(Error::input(
                "program",
                format!("more than {MAX_PROGRAM_ITEMS} items"),
                format!("plus de {MAX_PROGRAM_ITEMS} éléments"),
            ));
        }
        for item in &e.program {
            self.check_text("program.title", &item.title)?;
            for s in &item.speakers {
                self.check_text("speaker.name", &s.name)?;
                self.check_text("speaker.title", &s.title)?;
                self.check_text("speaker.organisation", &s.organisation)?;
            }
        }
        Ok(())
    }
}
