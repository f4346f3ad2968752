//! The derived bookkeeping of each event (who holds a live registration, seats taken by
//! audience, the waiting queues), rebuilt from the registrations on load.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use crate::event::Event;
use crate::ids::{MemberId, RegistrationId};
use crate::registration::{Registration, RegistrationStatus, Seat};
use crate::text::Text;

/// Hash maps of the hot paths: foldhash is several times faster than SipHash
/// and still seeded per process, so keys chosen by an attacker cannot be made
/// to collide.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// Derived bookkeeping of one event, rebuilt from registrations on load.
#[derive(Debug, Clone, Default)]
pub(super) struct Book {
    pub(super) live: FastMap<MemberId, RegistrationId>,
    pub(super) on_site: u32,
    pub(super) on_site_by_audience: FastMap<Option<Text>, u32>,
    pub(super) remote: u32,
    pub(super) waiting: BTreeMap<Option<Text>, BTreeSet<RegistrationId>>,
    /// Open offers, by deadline (their seats count in `on_site`).
    pub(super) offers: BTreeSet<(DateTime<Utc>, RegistrationId)>,
}

pub(super) static EMPTY_BOOK: std::sync::LazyLock<Book> = std::sync::LazyLock::new(Book::default);

impl Book {
    pub(super) fn audience_seats(&self, audience: &Option<Text>) -> u32 {
        self.on_site_by_audience.get(audience).copied().unwrap_or(0)
    }

    pub(super) fn has_room(&self, event: &Event, audience: &Option<Text>) -> bool {
        self.on_site < event.capacity
            && event
                .quota(audience.as_deref())
                .is_none_or(|q| self.audience_seats(audience) < q)
    }

    pub(super) fn remote_has_room(&self, event: &Event) -> bool {
        event
            .remote
            .as_ref()
            .is_some_and(|r| r.capacity.is_none_or(|c| self.remote < c))
    }

    /// The first open offer whose deadline is at or before `at`.
    pub(super) fn first_due_offer(&self, at: DateTime<Utc>) -> Option<RegistrationId> {
        self.offers
            .first()
            .filter(|(deadline, _)| *deadline <= at)
            .map(|(_, id)| *id)
    }

    pub(super) fn waiting_len(&self) -> usize {
        self.waiting.values().map(BTreeSet::len).sum()
    }

    /// The earliest waiting registration whose audience has room.
    pub(super) fn next_promotion(&self, event: &Event) -> Option<RegistrationId> {
        self.waiting
            .iter()
            .filter(|(aud, _)| self.has_room(event, aud))
            .filter_map(|(_, q)| q.first().copied())
            .min()
    }

    pub(super) fn add(&mut self, r: &Registration) {
        if !r.is_live() {
            return;
        }
        self.live.insert(r.member, r.id);
        if r.status == RegistrationStatus::Offered
            && let Some(deadline) = r.offer_expires_at
        {
            self.offers.insert((deadline, r.id));
        }
        if matches!(
            r.status,
            RegistrationStatus::Confirmed | RegistrationStatus::Offered
        ) {
            match r.seat {
                Some(Seat::OnSite) => {
                    self.on_site += 1;
                    match self.on_site_by_audience.get_mut(&r.audience) {
                        Some(n) => *n += 1,
                        None => {
                            self.on_site_by_audience.insert(r.audience.clone(), 1);
                        }
                    }
                }
                Some(Seat::Remote) => self.remote += 1,
                None => {}
            }
        }
        if r.waiting_for_seat {
            match self.waiting.get_mut(&r.audience) {
                Some(queue) => queue.insert(r.id),
                None => self
                    .waiting
                    .entry(r.audience.clone())
                    .or_default()
                    .insert(r.id),
            };
        }
    }

    pub(super) fn remove(&mut self, r: &Registration) {
        if !r.is_live() {
            return;
        }
        if self.live.get(&r.member) == Some(&r.id) {
            self.live.remove(&r.member);
        }
        if r.status == RegistrationStatus::Offered
            && let Some(deadline) = r.offer_expires_at
        {
            self.offers.remove(&(deadline, r.id));
        }
        if matches!(
            r.status,
            RegistrationStatus::Confirmed | RegistrationStatus::Offered
        ) {
            match r.seat {
                Some(Seat::OnSite) => {
                    self.on_site -= 1;
                    if let Some(n) = self.on_site_by_audience.get_mut(&r.audience) {
                        *n -= 1;
                    }
                }
                Some(Seat::Remote) => self.remote -= 1,
                None => {}
            }
        }
        if r.waiting_for_seat
            && let Some(q) = self.waiting.get_mut(&r.audience)
        {
            q.remove(&r.id);
            if q.is_empty() {
                self.waiting.remove(&r.audience);
            }
        }
    }
}
