//! What holds between operations: every event's bookkeeping agrees with its
//! registrations, capacity, quotas and remote places, and no seat is left free while a
//! request waits.

use std::collections::HashMap;

use super::*;
use crate::event::Event;
use crate::ids::EventId;
use crate::registration::{Registration, RegistrationStatus, Seat};

impl Community {
    /// Checks every event's bookkeeping against its capacity, quotas and
    /// remote places, and that no seat is left free while a request waits:
    /// what holds between operations.
    pub(super) fn check_books(&self) -> Result<(), (EventId, String)> {
        for (id, e) in &self.events {
            let book = self.books.get(id).unwrap_or(&EMPTY_BOOK);
            check_book(e, book, true).map_err(|p| (*id, p))?;
        }
        Ok(())
    }

    /// Checks every invariant of the registration engine; used by tests and
    /// fuzzing. Returns a description of the first broken invariant.
    ///
    /// ```
    /// assert!(cimi_core::Community::cimi().check_invariants().is_ok());
    /// ```
    pub fn check_invariants(&self) -> Result<(), String> {
        let mut rebuilt: HashMap<EventId, Book> = HashMap::new();
        for r in self.registrations.values() {
            let book = rebuilt.entry(r.event).or_default();
            if r.is_live() && book.live.contains_key(&r.member) {
                return Err(format!(
                    "member {} holds two live registrations for {}",
                    r.member, r.event
                ));
            }
            check_registration_shape(r)?;
            book.add(r);
        }
        for (id, e) in &self.events {
            let book = rebuilt.remove(id).unwrap_or_default();
            check_book(e, &book, true)?;
            let kept = self.books.get(id).cloned().unwrap_or_default();
            if kept.on_site != book.on_site
                || kept.remote != book.remote
                || kept.live != book.live
                || kept.waiting != book.waiting
                || kept.offers != book.offers
            {
                return Err(format!("bookkeeping of {id} out of date"));
            }
        }
        if !rebuilt.is_empty() {
            return Err("registrations for unknown events".into());
        }
        Ok(())
    }
}

pub(super) fn check_registration_shape(r: &Registration) -> Result<(), String> {
    let ok = match r.status {
        RegistrationStatus::Confirmed => {
            r.seat.is_some() && (!r.waiting_for_seat || r.seat == Some(Seat::Remote))
        }
        RegistrationStatus::Waitlisted => r.seat.is_none() && r.waiting_for_seat,
        RegistrationStatus::Cancelled => r.seat.is_none() && !r.waiting_for_seat,
        RegistrationStatus::Pending => {
            r.seat.is_none() && !r.waiting_for_seat && r.confirmed_at.is_none()
        }
        RegistrationStatus::Offered => {
            r.seat == Some(Seat::OnSite)
                && !r.waiting_for_seat
                && r.confirmed_at.is_none()
                && r.offered_at
                    .zip(r.offer_expires_at)
                    .is_some_and(|(o, e)| o < e)
        }
    } && (r.rejection.is_none() || r.status == RegistrationStatus::Cancelled)
        && (r.offer_expires_at.is_some() == r.offered_at.is_some());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "registration {} has an impossible status/seat/waiting combination",
            r.id
        ))
    }
}

/// Checks capacity, quotas and remote places; with `settled`, also that no seat
/// is left free while an eligible request waits (which holds between
/// operations, not between the changes of one operation).
pub(super) fn check_book(e: &Event, book: &Book, settled: bool) -> Result<(), String> {
    if book.on_site > e.capacity {
        return Err(format!(
            "event {} has {} seats taken for a capacity of {}",
            e.id, book.on_site, e.capacity
        ));
    }
    for (aud, n) in &book.on_site_by_audience {
        if let Some(q) = e.quota(aud.as_deref())
            && *n > q
        {
            return Err(format!(
                "event {} has {n} seats taken by audience '{}' for a quota of {q}",
                e.id,
                aud.as_deref().unwrap_or("")
            ));
        }
    }
    if e.remote.is_none() && book.remote > 0 {
        return Err(format!(
            "event {} holds remote places but is not broadcast",
            e.id
        ));
    }
    if let Some(cap) = e.remote.as_ref().and_then(|r| r.capacity)
        && book.remote > cap
    {
        return Err(format!(
            "event {} has more remote places taken than allowed",
            e.id
        ));
    }
    if settled
        && e.state.is_upcoming()
        && let Some(r) = book.next_promotion(e)
    {
        return Err(format!("event {} leaves a seat free while {r} waits", e.id));
    }
    Ok(())
}
