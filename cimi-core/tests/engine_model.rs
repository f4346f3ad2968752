//! The registration engine against a simple reference model, over random
//! sequences of register / cancel / check-in / resize / quota / close.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use cimi_core::address::AddressPattern;
use cimi_core::event::{EventKind, EventSpec, RemoteBroadcast, Schedule};
use cimi_core::ids::{EventId, RegistrationId};
use cimi_core::registration::{AttendanceMode, RegistrationRequest, RegistrationStatus, Seat};
use cimi_core::statutes::Statutes;
use cimi_core::{Community, Error};
use proptest::prelude::*;

const PEOPLE: [&str; 14] = [
    "a@interieur.gouv.fr",
    "b@dnum.interieur.gouv.fr",
    "c@interieur.gouv.fr",
    "d@pp.interieur.gouv.fr",
    "e@agri.gouv.fr",
    "f@finances.gouv.fr",
    "g@defense.gouv.fr",
    "h@sante.gouv.fr",
    "i@paris.fr",
    "j@example.org",
    "k@lyon.fr",
    "A@INTERIEUR.GOUV.FR", // same person as the first
    "l@interieur.gouv.fr",
    "m@culture.gouv.fr",
];

fn audience(email: &str) -> Option<&'static str> {
    let e = email.to_ascii_lowercase();
    if e.ends_with("@interieur.gouv.fr") || e.ends_with(".interieur.gouv.fr") {
        Some("interieur")
    } else if e.ends_with(".gouv.fr") {
        Some("other_ministries")
    } else {
        None
    }
}

#[derive(Debug, Clone)]
enum Op {
    Register { person: usize, flexible: bool },
    Cancel { pick: usize },
    CheckIn { pick: usize },
    Resize { capacity: u32 },
    Quota { interieur: Option<u32> },
    Close,
    Reopen,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0..PEOPLE.len(), any::<bool>()).prop_map(|(person, flexible)| Op::Register { person, flexible }),
        3 => any::<usize>().prop_map(|pick| Op::Cancel { pick }),
        1 => any::<usize>().prop_map(|pick| Op::CheckIn { pick }),
        1 => (0u32..8).prop_map(|capacity| Op::Resize { capacity }),
        1 => proptest::option::of(0u32..5).prop_map(|interieur| Op::Quota { interieur }),
        1 => Just(Op::Close),
        1 => Just(Op::Reopen),
    ]
}

/// The reference: a list of registrations in arrival order and a naive scan.
#[derive(Debug, Clone, PartialEq)]
struct ModelReg {
    key: String,
    audience: Option<&'static str>,
    flexible: bool,
    status: RegistrationStatus,
    seat: Option<Seat>,
    waiting: bool,
    checked_in: bool,
}

struct Model {
    capacity: u32,
    quota_interieur: Option<u32>,
    quota_other: u32,
    open: bool,
    regs: Vec<ModelReg>,
}

impl Model {
    fn seats(&self, aud: Option<&'static str>) -> (u32, u32) {
        let on_site = |r: &&ModelReg| {
            r.status == RegistrationStatus::Confirmed && r.seat == Some(Seat::OnSite)
        };
        let total = self.regs.iter().filter(on_site).count() as u32;
        let by_aud = self
            .regs
            .iter()
            .filter(on_site)
            .filter(|r| r.audience == aud)
            .count() as u32;
        (total, by_aud)
    }
    fn quota(&self, aud: Option<&'static str>) -> Option<u32> {
        match aud {
            Some("interieur") => self.quota_interieur,
            Some("other_ministries") => Some(self.quota_other),
            _ => None,
        }
    }
    fn room(&self, aud: Option<&'static str>) -> bool {
        let (total, by_aud) = self.seats(aud);
        total < self.capacity && self.quota(aud).is_none_or(|q| by_aud < q)
    }
    fn promote(&mut self) {
        loop {
            let pick = (0..self.regs.len())
                .find(|&i| self.regs[i].waiting && self.room(self.regs[i].audience));
            let Some(i) = pick else { break };
            let r = &mut self.regs[i];
            r.status = RegistrationStatus::Confirmed;
            r.seat = Some(Seat::OnSite);
            r.waiting = false;
        }
    }
    fn register(&mut self, email: &str, flexible: bool) -> Result<usize, &'static str> {
        let key = email.to_ascii_lowercase();
        if let Some(i) = self
            .regs
            .iter()
            .position(|r| r.key == key && r.status != RegistrationStatus::Cancelled)
        {
            return Ok(i);
        }
        if !self.open {
            return Err("registration_closed");
        }
        let aud = audience(email);
        let (status, seat, waiting) = if self.room(aud) {
            (RegistrationStatus::Confirmed, Some(Seat::OnSite), false)
        } else if flexible {
            (RegistrationStatus::Confirmed, Some(Seat::Remote), true)
        } else {
            (RegistrationStatus::Waitlisted, None, true)
        };
        self.regs.push(ModelReg {
            key,
            audience: aud,
            flexible,
            status,
            seat,
            waiting,
            checked_in: false,
        });
        Ok(self.regs.len() - 1)
    }
}

fn statutes() -> Statutes {
    let mut s = Statutes::cimi();
    s.policy.allowed = vec!["*@*".parse::<AddressPattern>().unwrap()];
    s.policy.require_acknowledgement = false;
    s
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 8, 0, 0).unwrap()
}

fn setup(capacity: u32, quota_other: u32) -> (Community, EventId) {
    let mut c = Community::new(statutes()).unwrap();
    let start = t0() + Duration::days(30);
    let spec = EventSpec::new(
        EventKind::Conference,
        "Rencontres",
        Schedule::new(start, start + Duration::hours(8)).unwrap(),
        capacity,
    )
    .with_quota("other_ministries", quota_other)
    .with_remote(RemoteBroadcast {
        url: "https://visio.example/r".into(),
        capacity: None,
    });
    let id = c.schedule_event(spec, t0()).unwrap();
    (c, id)
}

fn request(email: &str, flexible: bool) -> RegistrationRequest {
    RegistrationRequest::new(email)
        .names("Nom", "Prénom")
        .affiliation("Service", "Grade", "Fonction")
        .attending(if flexible {
            AttendanceMode::OnSiteOrRemote
        } else {
            AttendanceMode::OnSite
        })
}

fn run(capacity: u32, quota_other: u32, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let (mut c, ev) = setup(capacity, quota_other);
    let mut model = Model {
        capacity,
        quota_interieur: None,
        quota_other,
        open: true,
        regs: Vec::new(),
    };
    let mut ids: Vec<RegistrationId> = Vec::new();
    for (step, op) in ops.into_iter().enumerate() {
        let at = t0() + Duration::minutes(step as i64);
        match op {
            Op::Register { person, flexible } => {
                let email = PEOPLE[person];
                let got = c.register(ev, &request(email, flexible), at);
                let want = model.register(email, flexible);
                match (got, want) {
                    (Ok(out), Ok(i)) => {
                        if i == ids.len() {
                            prop_assert!(!out.already_registered);
                            ids.push(out.registration.id);
                        } else {
                            prop_assert!(
                                out.already_registered,
                                "step {step}: expected the existing registration"
                            );
                            prop_assert_eq!(out.registration.id, ids[i]);
                        }
                    }
                    (Err(Error::Refused(r)), Err(kind)) => prop_assert_eq!(r.kind(), kind),
                    (got, want) => {
                        prop_assert!(false, "step {step}: engine {got:?}, model {want:?}")
                    }
                }
            }
            Op::Cancel { pick } => {
                if ids.is_empty() {
                    continue;
                }
                let i = pick % ids.len();
                let out = c.cancel_registration(ids[i], at).unwrap();
                prop_assert_eq!(out.registration.status, RegistrationStatus::Cancelled);
                let before: Vec<bool> = model.regs.iter().map(|r| r.waiting).collect();
                let r = &mut model.regs[i];
                r.status = RegistrationStatus::Cancelled;
                r.seat = None;
                r.waiting = false;
                model.promote();
                // The promoted registrations are those that stopped waiting.
                let promoted: Vec<RegistrationId> = model
                    .regs
                    .iter()
                    .enumerate()
                    .filter(|(j, r)| {
                        before[*j] && !r.waiting && r.status == RegistrationStatus::Confirmed
                    })
                    .map(|(j, _)| ids[j])
                    .collect();
                let mut got = out.promoted.clone();
                got.sort();
                prop_assert_eq!(got, promoted);
            }
            Op::CheckIn { pick } => {
                if ids.is_empty() {
                    continue;
                }
                let i = pick % ids.len();
                // At the doors: check-in is refused outside a window around the event.
                let got = c.check_in(ids[i], t0() + Duration::days(30));
                let r = &mut model.regs[i];
                match r.status {
                    RegistrationStatus::Confirmed => {
                        prop_assert!(got.is_ok());
                        r.checked_in = true;
                    }
                    RegistrationStatus::Waitlisted => {
                        prop_assert_eq!(got.unwrap_err().kind(), "not_confirmed")
                    }
                    _ => prop_assert_eq!(got.unwrap_err().kind(), "registration_cancelled"),
                }
            }
            Op::Resize { capacity } => {
                let got = c.set_capacity(ev, capacity, at);
                let on_site = model
                    .regs
                    .iter()
                    .filter(|r| {
                        r.seat == Some(Seat::OnSite) && r.status == RegistrationStatus::Confirmed
                    })
                    .count() as u32;
                if capacity < on_site {
                    prop_assert_eq!(got.unwrap_err().kind(), "capacity_below_confirmed");
                } else {
                    prop_assert!(got.is_ok());
                    model.capacity = capacity;
                    model.promote();
                }
            }
            Op::Quota { interieur } => {
                let got = c.set_quota(ev, "interieur", interieur, at);
                let (_, held) = model.seats(Some("interieur"));
                match interieur {
                    Some(q) if q < held => {
                        prop_assert_eq!(got.unwrap_err().kind(), "quota_below_confirmed")
                    }
                    _ => {
                        prop_assert!(got.is_ok());
                        model.quota_interieur = interieur;
                        model.promote();
                    }
                }
            }
            Op::Close => {
                let got = c.close_registration(ev, at);
                prop_assert_eq!(got.is_ok(), model.open);
                model.open = false;
            }
            Op::Reopen => {
                let got = c.open_registration(ev, at);
                prop_assert_eq!(got.is_ok(), !model.open);
                model.open = true;
            }
        }
        // Same state as the model, registration by registration.
        for (i, id) in ids.iter().enumerate() {
            let r = c.registration(*id).unwrap();
            let m = &model.regs[i];
            prop_assert_eq!(r.status, m.status, "step {}: status of {}", step, id);
            prop_assert_eq!(r.seat, m.seat, "step {}: seat of {}", step, id);
            prop_assert_eq!(
                r.waiting_for_seat,
                m.waiting,
                "step {}: waiting of {}",
                step,
                id
            );
            prop_assert_eq!(r.checked_in_at.is_some(), m.checked_in);
            prop_assert_eq!(r.mode == AttendanceMode::OnSiteOrRemote, m.flexible);
        }
        // Invariants, checked independently of the model.
        c.check_invariants().map_err(TestCaseError::fail)?;
        let occ = c.occupancy(ev).unwrap();
        let e = c.event(ev).unwrap();
        prop_assert!(occ.on_site <= e.capacity);
        for (aud, n) in &occ.on_site_by_audience {
            if let Some(q) = e.quotas.get(aud) {
                prop_assert!(n <= q);
            }
        }
        let waiting = c.waiting_list(ev);
        prop_assert!(waiting.windows(2).all(|w| w[0] < w[1]), "waiting order");
        let mut live: BTreeMap<String, u32> = BTreeMap::new();
        for r in c.registrations(ev).filter(|r| r.is_live()) {
            *live
                .entry(c.member(r.member).unwrap().email.key())
                .or_default() += 1;
        }
        prop_assert!(live.values().all(|n| *n == 1), "nobody twice");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, max_shrink_iters: 2000, ..ProptestConfig::default() })]

    #[test]
    fn engine_matches_model(capacity in 0u32..6, quota_other in 0u32..4, ops in proptest::collection::vec(op(), 1..200)) {
        run(capacity, quota_other, ops)?;
    }
}
