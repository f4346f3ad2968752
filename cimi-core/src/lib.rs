//! # cimi-core
//!
//! The domain of a ministry's IT community, as a plain Rust library: its
//! members (membership *de fait*, affiliation, skills, dated consents, bureau
//! roles), its statutes as data (values, objectives, obligations, audiences,
//! activity window, bureau rules), its events (miditechs, workshops,
//! conferences, meetings, in Europe/Paris time) and the registration engine
//! (address policy, required fields, audiences with seat quotas, obligations,
//! registration window, waiting list with promotion, remote attendance,
//! idempotent re-registration, check-in).
//!
//! The CIMI (Communauté Informatique du Ministère de l'Intérieur) is a preset of
//! data, [`Statutes::cimi`]; another community loads its own statutes from JSON.
//!
//! Time is an input: every operation takes the current instant, so behaviour is
//! deterministic. Every state change is a recorded [`change::Change`] that can
//! be replayed. Refusals and errors carry a stable kind and French and English
//! messages.
//!
//! ```
//! use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
//! use cimi_core::event::{EventKind, EventSpec, Schedule, Venue};
//! use cimi_core::registration::RegistrationRequest;
//! use cimi_core::{Community, Error, Lang};
//!
//! let mut cimi = Community::cimi();
//! let day = NaiveDate::from_ymd_opt(2017, 12, 12).unwrap();
//! let when = Schedule::paris(day, NaiveTime::from_hms_opt(12, 30, 0).unwrap(),
//!                            NaiveTime::from_hms_opt(14, 30, 0).unwrap())?;
//! let now = Utc.with_ymd_and_hms(2017, 11, 20, 9, 0, 0).unwrap();
//! let event = cimi.schedule_event(
//!     EventSpec::new(EventKind::Miditech, "L'État plateforme", when, 80)
//!         .with_venue(Venue::new("DGGN", "4 rue Claude Bernard, 92130 Issy-les-Moulineaux"))
//!         .with_quota("interieur", 60),
//!     now,
//! )?;
//!
//! let refused = cimi.register(event, &RegistrationRequest::new("jean@gmail.com"), now);
//! let Err(Error::Refused(why)) = refused else { panic!() };
//! assert_eq!(why.kind(), "address_not_allowed");
//! println!("{}", why.message(Lang::Fr));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod address;
pub mod change;
pub mod community;
mod directory;
pub mod error;
pub mod event;
mod gdpr;
pub mod help;
mod i18n;
pub mod ids;
pub mod interop;
pub mod limits;
pub mod member;
pub mod registration;
pub mod skills;
pub mod stats;
pub mod statutes;
pub mod store;
#[doc(inline)]
pub use store::journal;
mod table;
pub mod text;
pub mod waitlist;
pub mod watch;

pub use community::Community;
pub use error::Error;
pub use i18n::{Lang, UnknownLang};
pub use statutes::Statutes;

/// The README's Rust examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
