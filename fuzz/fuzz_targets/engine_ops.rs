//! The whole engine driven by a byte-encoded sequence of operations (decoded
//! with `arbitrary`): scheduling events with capacity, quotas and remote
//! places, registering people drawn from a small pool (same person in another
//! case, other ministries, addresses outside the policy, invalid ones),
//! cancelling (by id, or with a token as given or altered), answering and
//! expiring waitlist offers, checking in, changing capacity, quotas, remote places and the
//! registration window, the event lifecycle, time passing, erasure, help
//! requests, replacing the statutes and a JSON save/load in the middle.
//!
//! After every step: `check_invariants()`; an independent reading of the
//! public state (nobody twice, seats within capacity, quotas and remote
//! places, occupancy and waiting list as the registrations say, no seat free
//! while an eligible request waits); the changes recorded replay onto a
//! replica to the same state; a failed operation changed nothing. Register
//! and the promotions after a cancellation or a resize are compared with a
//! small model (refusal order, seat choice, first come first served per
//! audience) on events without offers; on events with offers, whoever gets a
//! seat is confirmed on site or holds an offer with a deadline to come.
#![no_main]

use std::collections::{BTreeMap, BTreeSet};

use arbitrary::{Arbitrary, Unstructured};
use chrono::{DateTime, Duration, TimeZone, Utc};
use cimi_core::address::EmailAddress;
use cimi_core::community::MemberProfile;
use cimi_core::event::{
    Event, EventKind, EventSpec, EventState, RemoteBroadcast, Schedule, WaitlistOffers,
};
use cimi_core::help::Visibility;
use cimi_core::ids::{EventId, MemberId, RegistrationId};
use cimi_core::member::ConsentKind;
use cimi_core::registration::{
    AttendanceMode, Field, Registration, RegistrationRequest, RegistrationStatus, Seat,
};
use cimi_core::{Community, Error, Statutes};
use engine_input::Op;
use libfuzzer_sys::fuzz_target;

mod engine_input;

/// The pool of people. Index 1 is index 0 in other letter case.
const PEOPLE: [&str; 16] = [
    "alice.martin@interieur.gouv.fr",
    "ALICE.MARTIN@Interieur.Gouv.Fr",
    "bob@dnum.interieur.gouv.fr",
    "chloe@pp.interieur.gouv.fr",
    "david@agri.gouv.fr",
    "eve@finances.gouv.fr",
    "farid@intradef.gouv.fr",
    "agent@issy.fr",
    "habitant@gmail.com",
    "x@gouv.fr",
    "evil@agri.gouv.fr.evil.com",
    "not-an-address",
    "ali\u{202E}ce@interieur.gouv.fr",
    "alice@interieur\u{3002}gouv\u{3002}fr",
    "",
    "Alice.Martin@interieur.gouv.fr",
];

/// Field values: complete, blank, over the CIMI limit of 200 characters,
/// with a bidi override.
fn field_value(class: u8, normal: &str) -> String {
    match class % 8 {
        0..=4 => normal.to_string(),
        5 => "   ".to_string(),
        6 => "é".repeat(201),
        _ => format!("{normal}\u{202E}"),
    }
}

/// One registration as the model sees it.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    id: RegistrationId,
    member: MemberId,
    audience: Option<String>,
    status: RegistrationStatus,
    seat: Option<Seat>,
    waiting: bool,
}

impl Seen {
    fn of(r: &Registration) -> Seen {
        Seen {
            id: r.id,
            member: r.member,
            audience: r.audience.as_deref().map(str::to_string),
            status: r.status,
            seat: r.seat,
            waiting: r.waiting_for_seat,
        }
    }
    fn live(&self) -> bool {
        self.status != RegistrationStatus::Cancelled
    }
    /// A seat taken in the room: confirmed there, or held by an open offer.
    fn on_site(&self) -> bool {
        matches!(
            self.status,
            RegistrationStatus::Confirmed | RegistrationStatus::Offered
        ) && self.seat == Some(Seat::OnSite)
    }
    fn remote(&self) -> bool {
        self.status == RegistrationStatus::Confirmed && self.seat == Some(Seat::Remote)
    }
}

/// Counts of one event, from its registrations.
struct Counts {
    on_site: u32,
    remote: u32,
    by_audience: BTreeMap<Option<String>, u32>,
}

fn counts(regs: &[Seen]) -> Counts {
    let mut c = Counts {
        on_site: 0,
        remote: 0,
        by_audience: BTreeMap::new(),
    };
    for r in regs {
        if r.on_site() {
            c.on_site += 1;
            *c.by_audience.entry(r.audience.clone()).or_default() += 1;
        }
        if r.remote() {
            c.remote += 1;
        }
    }
    c
}

fn seen(c: &Community, event: EventId) -> Vec<Seen> {
    c.registrations(event).map(Seen::of).collect()
}

fn has_room(e: &Event, regs: &[Seen], audience: &Option<String>) -> bool {
    let n = counts(regs);
    n.on_site < e.capacity
        && e.quota(audience.as_deref())
            .is_none_or(|q| n.by_audience.get(audience).copied().unwrap_or(0) < q)
}

/// The model of promotion: while some audience has room, the earliest
/// waiting request of such an audience gets a seat.
fn model_promotions(e: &Event, mut regs: Vec<Seen>) -> Vec<RegistrationId> {
    let mut promoted = Vec::new();
    if !e.state.is_upcoming() {
        return promoted;
    }
    loop {
        let next = regs
            .iter()
            .filter(|r| r.live() && r.waiting && has_room(e, &regs, &r.audience))
            .map(|r| r.id)
            .min();
        let Some(next) = next else {
            return promoted;
        };
        let r = regs.iter_mut().find(|r| r.id == next).expect("found");
        r.status = RegistrationStatus::Confirmed;
        r.seat = Some(Seat::OnSite);
        r.waiting = false;
        promoted.push(next);
    }
}

/// What the model expects of a registration request.
#[derive(Debug, PartialEq)]
enum Expect {
    Refused(&'static str),
    NotFound,
    Already(RegistrationId),
    New(RegistrationStatus, Seat, bool),
    Waitlisted,
}

fn model_register(
    c: &Community,
    event: EventId,
    req: &RegistrationRequest,
    at: DateTime<Utc>,
) -> Expect {
    let Some(e) = c.event(event) else {
        return Expect::NotFound;
    };
    let Ok(email) = EmailAddress::parse(&req.email) else {
        return Expect::Refused("invalid_address");
    };
    let statutes = c.statutes();
    if !statutes.policy.allows(&email) {
        return Expect::Refused("address_not_allowed");
    }
    let regs = seen(c, event);
    if let Some(m) = c.member_by_email(email.as_str()) {
        if let Some(r) = regs.iter().find(|r| r.member == m.id && r.live()) {
            return Expect::Already(r.id);
        }
    }
    match e.state {
        EventState::Cancelled => return Expect::Refused("event_cancelled"),
        EventState::Draft => return Expect::Refused("registration_not_open_yet"),
        EventState::Open => {
            if e.registration_opens_at.is_some_and(|o| at < o) {
                return Expect::Refused("registration_not_open_yet");
            }
            if at >= e.registration_deadline() {
                return Expect::Refused("registration_closed");
            }
        }
        _ => return Expect::Refused("registration_closed"),
    }
    let max = statutes.policy.max_field_chars as usize;
    for field in Field::ALL {
        let value = req.field(field).trim();
        if value.contains('\u{202E}') {
            return Expect::Refused("invalid_field");
        }
        if value.chars().count() > max {
            return Expect::Refused("field_too_long");
        }
        if value.is_empty() && statutes.policy.required_fields.contains(&field) {
            return Expect::Refused("missing_field");
        }
    }
    if statutes.policy.require_acknowledgement
        && statutes
            .obligations
            .iter()
            .any(|o| !req.acknowledged.contains(&o.id))
    {
        return Expect::Refused("obligation_not_acknowledged");
    }
    let audience = statutes.audience_of(&email).map(str::to_string);
    let room = has_room(e, &regs, &audience);
    let remote_room = e
        .remote
        .as_ref()
        .is_some_and(|r| r.capacity.is_none_or(|cap| counts(&regs).remote < cap));
    match req.attendance {
        AttendanceMode::OnSite if room => {
            Expect::New(RegistrationStatus::Confirmed, Seat::OnSite, false)
        }
        AttendanceMode::OnSite if e.waitlist => Expect::Waitlisted,
        AttendanceMode::OnSite => Expect::Refused("event_full"),
        AttendanceMode::Remote if e.remote.is_none() => Expect::Refused("remote_unavailable"),
        AttendanceMode::Remote if !remote_room => Expect::Refused("remote_full"),
        AttendanceMode::Remote => Expect::New(RegistrationStatus::Confirmed, Seat::Remote, false),
        _ if room => Expect::New(RegistrationStatus::Confirmed, Seat::OnSite, false),
        _ if remote_room => Expect::New(RegistrationStatus::Confirmed, Seat::Remote, e.waitlist),
        _ if e.waitlist => Expect::Waitlisted,
        _ => Expect::Refused("event_full"),
    }
}

/// Everything that must hold between two operations.
fn check_state(c: &Community) {
    if let Err(broken) = c.check_invariants() {
        panic!("check_invariants: {broken}");
    }
    let mut keys = BTreeSet::new();
    for m in c.members().filter(|m| !m.is_erased()) {
        assert!(keys.insert(m.email.key()), "two members share one address");
        assert_eq!(
            c.member_by_email(m.email.as_str()).map(|x| x.id),
            Some(m.id),
            "member index out of date"
        );
    }
    for r in c.all_registrations() {
        assert!(c.member(r.member).is_some(), "registration of nobody");
        assert!(c.event(r.event).is_some(), "registration for no event");
    }
    for e in c.events() {
        let regs = seen(c, e.id);
        let mut live = BTreeSet::new();
        for r in regs.iter().filter(|r| r.live()) {
            assert!(live.insert(r.member), "one person twice in {}", e.id);
        }
        let n = counts(&regs);
        assert!(n.on_site <= e.capacity, "over capacity");
        for (aud, k) in &n.by_audience {
            if let Some(q) = e.quota(aud.as_deref()) {
                assert!(*k <= q, "over quota");
            }
        }
        if let Some(cap) = e.remote.as_ref().and_then(|r| r.capacity) {
            assert!(n.remote <= cap, "over remote capacity");
        }
        if e.remote.is_none() {
            assert_eq!(n.remote, 0, "remote places without broadcast");
        }
        let o = c.occupancy(e.id).expect("occupancy");
        assert_eq!(
            (o.capacity, o.on_site, o.remote),
            (e.capacity, n.on_site, n.remote)
        );
        let waiting: Vec<RegistrationId> = regs
            .iter()
            .filter(|r| r.live() && r.waiting)
            .map(|r| r.id)
            .collect();
        assert_eq!(c.waiting_list(e.id), waiting, "waiting list out of order");
        assert_eq!(o.waiting as usize, waiting.len());
        let confirmed: Vec<RegistrationId> = regs
            .iter()
            .filter(|r| r.status == RegistrationStatus::Confirmed)
            .map(|r| r.id)
            .collect();
        let listed: Vec<RegistrationId> = c.confirmed(e.id).iter().map(|r| r.id).collect();
        assert_eq!(listed, confirmed);
        if e.state.is_upcoming() {
            for r in regs.iter().filter(|r| r.live() && r.waiting) {
                assert!(
                    !has_room(e, &regs, &r.audience),
                    "a seat is free while {} waits",
                    r.id
                );
            }
        }
    }
}

fn statutes_variant(variant: u8) -> Statutes {
    match variant % 3 {
        0 => Statutes::cimi(),
        1 => Statutes::from_json(include_str!("../../tests/data/statutes-civic-tech.json"))
            .expect("the civic-tech statutes of tests/data load"),
        _ => {
            // CIMI, widened: any address, no acknowledgement.
            let mut s = Statutes::cimi();
            s.policy.allowed.clear();
            s.policy.require_acknowledgement = false;
            s
        }
    }
}

struct Run {
    c: Community,
    replica: Community,
    now: DateTime<Utc>,
    events: Vec<EventId>,
}

impl Run {
    fn event(&self, i: u8) -> EventId {
        let i = usize::from(i) % (self.events.len() + 1);
        self.events.get(i).copied().unwrap_or(EventId::new(10_000))
    }

    fn registration(&self, i: u8) -> RegistrationId {
        let ids: Vec<_> = self.c.all_registrations().map(|r| r.id).collect();
        ids.get(usize::from(i) % (ids.len() + 1))
            .copied()
            .unwrap_or(RegistrationId::new(10_000))
    }

    fn member(&self, i: u8) -> MemberId {
        let ids: Vec<_> = self.c.members().map(|m| m.id).collect();
        ids.get(usize::from(i) % (ids.len() + 1))
            .copied()
            .unwrap_or(MemberId::new(10_000))
    }

    fn help(&self, i: u8) -> Option<cimi_core::help::HelpRequestId> {
        let ids: Vec<_> = self.c.help_requests().map(|h| h.id).collect();
        ids.get(usize::from(i) % ids.len().max(1)).copied()
    }

    /// Whether the event offers freed seats (the model knows only promotion).
    fn has_offers(&self, event: EventId) -> bool {
        self.c
            .event(event)
            .is_some_and(|e| e.waitlist_offers.is_some())
    }

    /// Registrations given a seat: confirmed on site, or offered one until
    /// a deadline still to come.
    fn check_seated(&self, ids: &[RegistrationId]) {
        for id in ids {
            let r = self.c.registration(*id).expect("seated");
            let ok = match r.status {
                RegistrationStatus::Confirmed => r.seat == Some(Seat::OnSite),
                RegistrationStatus::Offered => {
                    r.seat == Some(Seat::OnSite) && r.offer_expires_at.is_some_and(|d| d > self.now)
                }
                _ => false,
            };
            assert!(ok, "{id} was given a seat but is {:?}", r.status);
        }
    }

    fn hours(&self, h: i16) -> DateTime<Utc> {
        self.now + Duration::hours(i64::from(h))
    }

    /// Runs one operation; `Ok` when the engine accepted it.
    fn step(&mut self, op: &Op) -> Result<(), Error> {
        let now = self.now;
        match op {
            Op::Schedule {
                in_hours,
                capacity,
                quota_interieur,
                quota_other,
                remote,
                no_waitlist,
                draft,
                window,
                offers,
            } => {
                let start = now + Duration::hours(i64::from(*in_hours % 2000) - 24);
                let schedule = Schedule::new(start, start + Duration::hours(2))?;
                let mut spec = EventSpec::new(
                    EventKind::Workshop,
                    format!("Atelier {}", self.events.len() + 1),
                    schedule,
                    u32::from(*capacity % 16),
                );
                if let Some(q) = quota_interieur {
                    spec = spec.with_quota("interieur", u32::from(q % 8));
                }
                if let Some(q) = quota_other {
                    spec = spec.with_quota("other_ministries", u32::from(q % 8));
                }
                if let Some(cap) = remote {
                    spec = spec.with_remote(RemoteBroadcast {
                        url: "https://visio.interieur.gouv.fr/cimi".into(),
                        capacity: cap.map(|c| u32::from(c % 4)),
                    });
                }
                spec.waitlist = !no_waitlist;
                spec.draft = *draft;
                if let Some((o, cl)) = window {
                    spec = spec.with_window(o.map(|h| self.hours(h)), cl.map(|h| self.hours(h)));
                }
                if let Some(h) = offers {
                    let hold = Duration::hours(1 + i64::from(*h % 72));
                    spec = spec.with_waitlist_offers(WaitlistOffers::new(hold));
                }
                let id = self.c.schedule_event(spec, now)?;
                assert!(!self.events.contains(&id), "an event id was reused");
                self.events.push(id);
                Ok(())
            }
            Op::Register {
                event,
                person,
                mode,
                fields,
                acknowledge,
            } => {
                let event = self.event(*event);
                let email = PEOPLE[usize::from(*person) % PEOPLE.len()];
                let mut req = RegistrationRequest::new(email)
                    .names(
                        field_value(fields[0], "Martin"),
                        field_value(fields[1], "Alice"),
                    )
                    .affiliation(
                        field_value(fields[2], "DNUM"),
                        field_value(fields[3], "attachée"),
                        field_value(fields[4], "cheffe de projet"),
                    )
                    .attending(match mode % 3 {
                        0 => AttendanceMode::OnSite,
                        1 => AttendanceMode::Remote,
                        _ => AttendanceMode::OnSiteOrRemote,
                    });
                req = match acknowledge % 4 {
                    0 => req,
                    1 => req.acknowledging(["deontology"]),
                    _ => req.acknowledging(["deontology", "pssi"]),
                };
                let expect = model_register(&self.c, event, &req, now);
                let before = self.c.all_registrations().count();
                let result = self.c.register(event, &req, now);
                // The model knows no offers (nor their expiry at `now`).
                let modeled = !self.has_offers(event);
                match (&expect, &result) {
                    _ if !modeled => {}
                    (Expect::NotFound, Err(e)) => assert_eq!(e.kind(), "event_not_found"),
                    (Expect::Refused(kind), Err(Error::Refused(r))) => {
                        assert_eq!(r.kind(), *kind, "refusal other than the model's")
                    }
                    (Expect::Already(id), Ok(out)) => {
                        assert!(out.already_registered && out.registration.id == *id);
                        assert_eq!(self.c.all_registrations().count(), before);
                    }
                    (Expect::New(status, seat, waiting), Ok(out)) => {
                        let r = &out.registration;
                        assert!(!out.already_registered);
                        assert_eq!(
                            (r.status, r.seat, r.waiting_for_seat),
                            (*status, Some(*seat), *waiting),
                            "seat other than the model's"
                        );
                    }
                    (Expect::Waitlisted, Ok(out)) => {
                        let r = &out.registration;
                        assert!(!out.already_registered);
                        assert_eq!(r.status, RegistrationStatus::Waitlisted);
                        assert!(r.seat.is_none() && r.waiting_for_seat);
                    }
                    _ => panic!(
                        "register: the model expects {expect:?}, the engine answered {result:?}"
                    ),
                }
                if let Ok(out) = &result {
                    let stored = self.c.registration(out.registration.id).expect("stored");
                    assert_eq!(stored, &out.registration);
                    let m = self.c.member(stored.member).expect("member");
                    assert_eq!(m.email, EmailAddress::parse(email).expect("valid"));
                }
                result.map(drop)
            }
            Op::Cancel { pick } => {
                let id = self.registration(*pick);
                let expected = self.c.registration(id).and_then(|r| {
                    let ev = self.c.event(r.event)?;
                    if ev.waitlist_offers.is_some() {
                        return None; // promotions are checked below
                    }
                    if !r.is_live() || !ev.state.is_upcoming() {
                        return None;
                    }
                    let mut regs = seen(&self.c, r.event);
                    let me = regs.iter_mut().find(|x| x.id == id).expect("listed");
                    me.status = RegistrationStatus::Cancelled;
                    me.seat = None;
                    me.waiting = false;
                    Some(model_promotions(ev, regs))
                });
                let was_live = self.c.registration(id).is_some_and(|r| r.is_live());
                let offers = self
                    .c
                    .registration(id)
                    .is_some_and(|r| self.has_offers(r.event));
                let out = self.c.cancel_registration(id, now)?;
                assert_eq!(out.registration.status, RegistrationStatus::Cancelled);
                match expected {
                    Some(promoted) => assert_eq!(out.promoted, promoted, "promotion order"),
                    None if offers => {}
                    None => {
                        assert!(!was_live, "cancelled after the event");
                        assert!(out.promoted.is_empty());
                    }
                }
                self.check_seated(&out.promoted);
                Ok(())
            }
            Op::AnswerOffer { pick, accept } => {
                let id = self.registration(*pick);
                if *accept {
                    let r = self.c.accept_offer(id, now)?;
                    assert_eq!(
                        (r.status, r.seat),
                        (RegistrationStatus::Confirmed, Some(Seat::OnSite))
                    );
                } else {
                    let out = self.c.decline_offer(id, now)?;
                    assert_eq!(out.registration.status, RegistrationStatus::Cancelled);
                    self.check_seated(&out.promoted);
                }
                Ok(())
            }
            Op::ExpireOffers => {
                let round = self.c.expire_offers(now)?;
                for id in &round.expired {
                    let r = self.c.registration(*id).expect("expired");
                    assert_eq!(r.status, RegistrationStatus::Cancelled);
                    assert!(r.offer_expires_at.is_some_and(|d| d <= now));
                }
                self.check_seated(&round.promoted);
                for r in self.c.all_registrations() {
                    if r.status == RegistrationStatus::Offered {
                        assert!(
                            r.offer_expires_at.is_some_and(|d| d > now),
                            "an offer past its deadline"
                        );
                    }
                }
                Ok(())
            }
            Op::CancelByToken { pick, tamper } => {
                let id = self.registration(*pick);
                let Some(token) = self.c.registration(id).and_then(|r| r.cancel_token()) else {
                    return Ok(());
                };
                let (rid, secret) = token.as_str().split_once('-').expect("id-secret");
                let text = match tamper % 3 {
                    0 => token.as_str().to_string(),
                    // Another registration's id with this secret.
                    1 => format!("{}-{secret}", rid.parse::<u64>().expect("id") + 1),
                    // One hex digit changed.
                    _ => {
                        let mut s = secret.to_string();
                        let last = if s.ends_with('0') { '1' } else { '0' };
                        s.pop();
                        s.push(last);
                        format!("{rid}-{s}")
                    }
                };
                let out = self.c.cancel_by_token(&text, None, now);
                if tamper % 3 != 0 {
                    assert_eq!(
                        out.as_ref().map(|_| ()).map_err(|e| e.kind()),
                        Err("invalid_token"),
                        "a tampered token"
                    );
                }
                let out = out?;
                assert_eq!(out.registration.id, id);
                assert_eq!(out.registration.status, RegistrationStatus::Cancelled);
                self.check_seated(&out.promoted);
                Ok(())
            }
            Op::CheckIn { pick } => {
                let id = self.registration(*pick);
                let r = self.c.check_in(id, now)?;
                assert_eq!(r.status, RegistrationStatus::Confirmed);
                assert!(r.checked_in_at.is_some_and(|t| t <= now));
                Ok(())
            }
            Op::SetCapacity { event, capacity } => {
                let event = self.event(*event);
                let capacity = u32::from(*capacity % 16);
                let expected = self.c.event(event).map(|e| {
                    let mut e = e.clone();
                    e.capacity = capacity;
                    model_promotions(&e, seen(&self.c, event))
                });
                let promoted = self.c.set_capacity(event, capacity, now)?;
                if self.has_offers(event) {
                    self.check_seated(&promoted);
                } else {
                    assert_eq!(Some(promoted), expected, "promotion order after resize");
                }
                Ok(())
            }
            Op::SetQuota {
                event,
                audience,
                quota,
            } => {
                let event = self.event(*event);
                let audience = ["interieur", "other_ministries", "city_staff", "nobody"]
                    [usize::from(*audience) % 4];
                let quota = quota.map(|q| u32::from(q % 8));
                let expected = self.c.event(event).map(|e| {
                    let mut e = e.clone();
                    match quota {
                        Some(q) => e.quotas.insert(audience.to_string(), q),
                        None => e.quotas.remove(audience),
                    };
                    model_promotions(&e, seen(&self.c, event))
                });
                let promoted = self.c.set_quota(event, audience, quota, now)?;
                if self.has_offers(event) {
                    self.check_seated(&promoted);
                } else {
                    assert_eq!(
                        Some(promoted),
                        expected,
                        "promotion order after a quota change"
                    );
                }
                Ok(())
            }
            Op::SetRemote { event, remote } => {
                let event = self.event(*event);
                let remote = remote.map(|cap| RemoteBroadcast {
                    url: "https://visio.interieur.gouv.fr/cimi".into(),
                    capacity: cap.map(|c| u32::from(c % 4)),
                });
                self.c.set_remote(event, remote, now)
            }
            Op::SetWindow {
                event,
                opens,
                closes,
            } => {
                let event = self.event(*event);
                let (o, cl) = (opens.map(|h| self.hours(h)), closes.map(|h| self.hours(h)));
                self.c.set_registration_window(event, o, cl, now)
            }
            Op::Lifecycle { event, to } => {
                let event = self.event(*event);
                match to % 5 {
                    0 => self.c.open_registration(event, now),
                    1 => self.c.close_registration(event, now),
                    2 => self.c.mark_held(event, now),
                    3 => self
                        .c
                        .publish_report(event, "Compte-rendu.\nMerci.", Vec::new(), now),
                    _ => self.c.cancel_event(event, now),
                }
            }
            Op::Advance { minutes } => {
                self.now += Duration::minutes(i64::from(*minutes % 4096));
                Ok(())
            }
            Op::AddMember { person } => {
                let email = PEOPLE[usize::from(*person) % PEOPLE.len()];
                let profile = MemberProfile {
                    family_name: "Martin".into(),
                    given_name: "Alice".into(),
                    ..Default::default()
                };
                self.c.add_member(email, profile, now).map(drop)
            }
            Op::Erase { pick } => {
                let id = self.member(*pick);
                self.c.erase_member(id, now)?;
                let m = self.c.member(id).expect("erased member stays");
                assert!(m.is_erased() && m.family_name.is_empty());
                assert!(
                    self.c
                        .all_registrations()
                        .filter(|r| r.member == id && r.is_live())
                        .all(|r| !self.c.event(r.event).is_some_and(|e| e.state.is_upcoming())),
                    "an erased member still holds an upcoming seat"
                );
                Ok(())
            }
            Op::Consent { pick, granted } => {
                let id = self.member(*pick);
                self.c
                    .set_consent(id, ConsentKind::MailingList, *granted, now)
            }
            Op::AskHelp { person } => {
                let email = PEOPLE[usize::from(*person) % PEOPLE.len()];
                self.c
                    .ask_help(
                        email,
                        "PostgreSQL",
                        "Réplication logique ?",
                        &["postgresql"],
                        Visibility::Private,
                        now,
                    )
                    .map(drop)
            }
            Op::HelpStep { pick, to, step } => {
                let Some(id) = self.help(*pick) else {
                    return Ok(());
                };
                match step % 3 {
                    0 => {
                        let to = self.member(*to);
                        self.c.refer_help(id, &[to], now)
                    }
                    1 => self.c.resolve_help(id, now),
                    _ => self.c.close_help(id, now),
                }
            }
            Op::ReplaceStatutes { variant } => {
                self.c.replace_statutes(statutes_variant(*variant), now)
            }
            Op::SaveLoad => {
                let doc = self.c.to_json();
                let mut back = match Community::from_json(&doc) {
                    Ok(back) => back,
                    Err(e) => panic!("a document the engine wrote is refused: {e}"),
                };
                assert!(back == self.c, "save/load changed the community");
                assert_eq!(back.to_json(), doc);
                back.set_recording(true);
                self.c = back;
                Ok(())
            }
            Op::Query { event } => {
                let event = self.event(*event);
                let _ = self.c.event_stats();
                let _ = self.c.member_groups(now);
                let _ = self.c.check_statutes(now);
                let _ = self.c.mailing_list_recipients(now);
                let _ = self.c.suggest_for_skills(&["postgresql"], None, 3, now);
                if let Some(h) = self.help(0) {
                    let _ = self.c.suggest_helpers(h, 3, now)?;
                }
                let _ = cimi_core::interop::ical::event(&self.c, event, now)?;
                let options = cimi_core::interop::csv::CsvOptions::french_office();
                let _ = cimi_core::interop::csv::attendees(&self.c, event, &options)?;
                let _ = cimi_core::interop::csv::directory(&self.c, &options, now);
                Ok(())
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    let mut c = Community::cimi();
    c.set_recording(true);
    let mut run = Run {
        replica: c.clone(),
        c,
        now,
        events: Vec::new(),
    };
    for _ in 0..128 {
        let Ok(op) = Op::arbitrary(&mut u) else {
            break;
        };
        let result = run.step(&op);
        let changes = run.c.drain_changes();
        if let Err(e) = &result {
            // With the replica check below, no recorded change means no change.
            assert!(!e.kind().is_empty());
            assert!(
                changes.is_empty(),
                "{op:?} failed ({e}) but changed the community"
            );
        }
        for change in changes {
            if let Err(e) = run.replica.apply(change) {
                panic!("after {op:?}: a recorded change does not replay: {e}");
            }
        }
        assert!(run.replica == run.c, "after {op:?}: the replica differs");
        check_state(&run.c);
        if u.is_empty() {
            break;
        }
    }
});
