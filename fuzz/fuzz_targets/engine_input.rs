//! The operations of the `engine_ops` target and their byte encoding.
//!
//! The target decodes operations with `arbitrary`'s derived decoder; the seed
//! generator (`examples/seed_corpora.rs`) writes operations with [`encode`],
//! which mirrors that decoder (little-endian integers, a `u32` choosing the
//! variant, a byte for each `bool` and `Option` tag) and is checked against it
//! there.
#![allow(dead_code)]

use arbitrary::Arbitrary;

/// One operation on the community; integers are reduced by the target
/// (indices modulo the number of events, registrations, members…).
#[derive(Arbitrary, Debug)]
pub enum Op {
    Schedule {
        in_hours: u16,
        capacity: u8,
        quota_interieur: Option<u8>,
        quota_other: Option<u8>,
        remote: Option<Option<u8>>,
        no_waitlist: bool,
        draft: bool,
        window: Option<(Option<i16>, Option<i16>)>,
        /// Waitlist offers held `1 + h % 72` hours.
        offers: Option<u8>,
    },
    Register {
        event: u8,
        person: u8,
        mode: u8,
        fields: [u8; 5],
        acknowledge: u8,
    },
    Cancel {
        pick: u8,
    },
    CheckIn {
        pick: u8,
    },
    SetCapacity {
        event: u8,
        capacity: u8,
    },
    SetQuota {
        event: u8,
        audience: u8,
        quota: Option<u8>,
    },
    SetRemote {
        event: u8,
        remote: Option<Option<u8>>,
    },
    SetWindow {
        event: u8,
        opens: Option<i16>,
        closes: Option<i16>,
    },
    Lifecycle {
        event: u8,
        to: u8,
    },
    Advance {
        minutes: u16,
    },
    AddMember {
        person: u8,
    },
    Erase {
        pick: u8,
    },
    Consent {
        pick: u8,
        granted: bool,
    },
    AskHelp {
        person: u8,
    },
    HelpStep {
        pick: u8,
        to: u8,
        step: u8,
    },
    ReplaceStatutes {
        variant: u8,
    },
    SaveLoad,
    Query {
        event: u8,
    },
    /// Accepts or declines the seat offered to a registration.
    AnswerOffer {
        pick: u8,
        accept: bool,
    },
    /// The organisers' periodic job.
    ExpireOffers,
    /// Cancels with a registration's token, as given or altered.
    CancelByToken {
        pick: u8,
        tamper: u8,
    },
}

/// The number of variants of [`Op`].
const VARIANTS: u64 = 21;

fn tag(out: &mut Vec<u8>, index: u64) {
    // The derived decoder picks variant `(u32 * VARIANTS) >> 32`.
    let x = (index << 32).div_ceil(VARIANTS);
    out.extend_from_slice(&(x as u32).to_le_bytes());
}

fn option<T>(out: &mut Vec<u8>, v: &Option<T>, mut some: impl FnMut(&mut Vec<u8>, &T)) {
    match v {
        None => out.push(0),
        Some(x) => {
            out.push(1);
            some(out, x);
        }
    }
}

fn u16_le(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn i16_le(out: &mut Vec<u8>, v: i16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn remote(out: &mut Vec<u8>, v: &Option<Option<u8>>) {
    option(out, v, |out, cap| option(out, cap, |out, c| out.push(*c)));
}

/// Appends the bytes that decode to `op`.
pub fn encode(op: &Op, out: &mut Vec<u8>) {
    match op {
        Op::Schedule {
            in_hours,
            capacity,
            quota_interieur,
            quota_other,
            remote: r,
            no_waitlist,
            draft,
            window,
            offers,
        } => {
            tag(out, 0);
            u16_le(out, *in_hours);
            out.push(*capacity);
            option(out, quota_interieur, |out, q| out.push(*q));
            option(out, quota_other, |out, q| out.push(*q));
            remote(out, r);
            out.push(u8::from(*no_waitlist));
            out.push(u8::from(*draft));
            option(out, window, |out, (o, c)| {
                option(out, o, |out, h| i16_le(out, *h));
                option(out, c, |out, h| i16_le(out, *h));
            });
            option(out, offers, |out, h| out.push(*h));
        }
        Op::Register {
            event,
            person,
            mode,
            fields,
            acknowledge,
        } => {
            tag(out, 1);
            out.extend_from_slice(&[*event, *person, *mode]);
            out.extend_from_slice(fields);
            out.push(*acknowledge);
        }
        Op::Cancel { pick } => {
            tag(out, 2);
            out.push(*pick);
        }
        Op::CheckIn { pick } => {
            tag(out, 3);
            out.push(*pick);
        }
        Op::SetCapacity { event, capacity } => {
            tag(out, 4);
            out.extend_from_slice(&[*event, *capacity]);
        }
        Op::SetQuota {
            event,
            audience,
            quota,
        } => {
            tag(out, 5);
            out.extend_from_slice(&[*event, *audience]);
            option(out, quota, |out, q| out.push(*q));
        }
        Op::SetRemote { event, remote: r } => {
            tag(out, 6);
            out.push(*event);
            remote(out, r);
        }
        Op::SetWindow {
            event,
            opens,
            closes,
        } => {
            tag(out, 7);
            out.push(*event);
            option(out, opens, |out, h| i16_le(out, *h));
            option(out, closes, |out, h| i16_le(out, *h));
        }
        Op::Lifecycle { event, to } => {
            tag(out, 8);
            out.extend_from_slice(&[*event, *to]);
        }
        Op::Advance { minutes } => {
            tag(out, 9);
            u16_le(out, *minutes);
        }
        Op::AddMember { person } => {
            tag(out, 10);
            out.push(*person);
        }
        Op::Erase { pick } => {
            tag(out, 11);
            out.push(*pick);
        }
        Op::Consent { pick, granted } => {
            tag(out, 12);
            out.extend_from_slice(&[*pick, u8::from(*granted)]);
        }
        Op::AskHelp { person } => {
            tag(out, 13);
            out.push(*person);
        }
        Op::HelpStep { pick, to, step } => {
            tag(out, 14);
            out.extend_from_slice(&[*pick, *to, *step]);
        }
        Op::ReplaceStatutes { variant } => {
            tag(out, 15);
            out.push(*variant);
        }
        Op::SaveLoad => tag(out, 16),
        Op::Query { event } => {
            tag(out, 17);
            out.push(*event);
        }
        Op::AnswerOffer { pick, accept } => {
            tag(out, 18);
            out.extend_from_slice(&[*pick, u8::from(*accept)]);
        }
        Op::ExpireOffers => tag(out, 19),
        Op::CancelByToken { pick, tamper } => {
            tag(out, 20);
            out.extend_from_slice(&[*pick, *tamper]);
        }
    }
}
