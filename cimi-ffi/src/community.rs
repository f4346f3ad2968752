//! The `Community` object: a thread-safe handle on a `cimi_core::Community`.
//!
//! The core type has no interior mutability; this wrapper keeps it (inside
//! the core's `journal::Store`, in memory or durable) behind a `Mutex`, so one
//! `Community` can be shared by any number of JVM (or Swift, or Python)
//! threads: calls run one at a time and each is atomic. Every call runs inside `catch_unwind`: a panic (a bug)
//! becomes `CimiException.Internal` with kind `panic`, and a community whose
//! lock was poisoned by it answers every later call with kind `poisoned`.

use std::panic::{AssertUnwindSafe, catch_unwind};

use cimi_core::journal::{OpenReport as CoreOpenReport, Store};
use cimi_core::statutes::Statutes as CoreStatutes;
use cimi_core::store::SharedStore;

use crate::error::CimiError;
use crate::sync::RwLock;
use crate::time::{instant, opt_instant};
use crate::types::*;

/// The actor named in the journal when none was set (see `setActor`).
pub const DEFAULT_ACTOR: &str = "cimi-ffi";

/// A community: statutes, members, events, the registration engine, mutual
/// help, technology watch and statistics.
///
/// Safe to share between threads. Instants are milliseconds since the epoch
/// (`at_ms`: when the operation happens; `now_ms`: the instant a status is
/// judged at). In memory by default; `Community.open(dir, …)` keeps it in a
/// durable journal where every change is on disk before the call returns. In
/// Kotlin and Java it is `AutoCloseable`: close it (or use try-with-resources)
/// to free the native memory at once.
#[derive(uniffi::Object)]
pub struct Community {
    inner: SharedStore,
    actor: RwLock<String>,
    /// Whether it was opened from a location (`open`), for `openReport`.
    opened: bool,
}

/// Runs a call at the boundary: a panic becomes `CimiError::Internal`.
pub(crate) fn guarded<R>(f: impl FnOnce() -> Result<R, CimiError>) -> Result<R, CimiError> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| Err(CimiError::panic(&*payload)))
}

fn refuse_if_durable(store: &Store) -> Result<(), CimiError> {
    match store.is_durable() {
        false => Ok(()),
        true => Err(CimiError::InvalidState {
            kind: "journal_in_use".into(),
            message: "a durable community records its changes in its journal; read them with memberHistory or eventHistory".into(),
            message_fr: "une communauté durable consigne ses changements dans son journal ; lisez-les avec memberHistory ou eventHistory".into(),
        }),
    }
}

/// Refuses an empty path (`invalid_input`): the library would otherwise work
/// in the host process's current directory (`save("")` would write `.tmp`
/// there, `open("")` a journal).
pub(crate) fn non_empty_path(path: &str, field: &str) -> Result<(), CimiError> {
    if path.is_empty() {
        return Err(CimiError::input(
            field,
            "the path is empty",
            "le chemin est vide",
        ));
    }
    Ok(())
}

fn closed() -> CimiError {
    cimi_core::Error::Store(cimi_core::store::StoreError::Closed).into()
}

fn read_file(path: &str) -> Result<String, CimiError> {
    std::fs::read_to_string(path).map_err(|e| CimiError::io("read", path, &e))
}

impl Community {
    fn in_memory(core: cimi_core::Community) -> Community {
        Community::from_parts(
            SharedStore::in_memory(core),
            DEFAULT_ACTOR.to_string(),
            false,
        )
    }

    pub(crate) fn from_parts(inner: SharedStore, actor: String, opened: bool) -> Community {
        Community {
            inner,
            actor: RwLock::new(actor),
            opened,
        }
    }

    pub(crate) fn report(&self) -> Option<&CoreOpenReport> {
        self.opened.then(|| self.inner.open_report())
    }

    pub(crate) fn set_actor_name(&self, actor: String) -> Result<(), CimiError> {
        *self.actor.write().map_err(|_| CimiError::poisoned())? = actor;
        Ok(())
    }

    pub(crate) fn actor_name(&self) -> Result<String, CimiError> {
        Ok(self
            .actor
            .read()
            .map_err(|_| CimiError::poisoned())?
            .clone())
    }

    /// Reads under the lock.
    pub(crate) fn read<R>(
        &self,
        f: impl FnOnce(&cimi_core::Community) -> Result<R, CimiError>,
    ) -> Result<R, CimiError> {
        self.read_store(|s| f(s.community()))
    }

    /// Reads the store under the lock (a PostgreSQL store's history and
    /// subject access query the database, hence `&mut`).
    pub(crate) fn read_store<R>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<R, CimiError>,
    ) -> Result<R, CimiError> {
        guarded(|| {
            let mut guard = self
                .inner
                .mutex()
                .lock()
                .map_err(|_| CimiError::poisoned())?;
            let store = guard.as_mut().ok_or_else(closed)?;
            f(store)
        })
    }

    /// Changes under the lock, as one journaled operation (for a
    /// durable community, acknowledged once on disk; rolled back on error).
    pub(crate) fn write<R>(
        &self,
        f: impl FnOnce(&mut cimi_core::Community) -> Result<R, cimi_core::Error>,
    ) -> Result<R, CimiError> {
        self.write_store(|s, actor| Ok(s.execute(actor, f)?))
    }

    /// The store under the lock, with the current actor.
    pub(crate) fn write_store<R>(
        &self,
        f: impl FnOnce(&mut Store, &str) -> Result<R, CimiError>,
    ) -> Result<R, CimiError> {
        let actor = self.actor_name()?;
        self.read_store(|s| f(s, &actor))
    }
}

#[uniffi::export]
impl Community {
    // ----- creation and persistence ---------------------------------------------

    /// An empty community under the CIMI statutes (the preset).
    #[uniffi::constructor]
    pub fn cimi() -> Community {
        Community::in_memory(cimi_core::Community::cimi())
    }

    /// An empty community under statutes given as a JSON document (the format
    /// of `statutesJson()` and `cimiStatutesJson()`).
    #[uniffi::constructor]
    pub fn from_statutes_json(json: String) -> Result<Community, CimiError> {
        guarded(|| {
            let statutes = CoreStatutes::from_json(&json)?;
            Ok(Community::in_memory(cimi_core::Community::new(statutes)?))
        })
    }

    /// An empty community under statutes read from a JSON file.
    #[uniffi::constructor]
    pub fn from_statutes_file(path: String) -> Result<Community, CimiError> {
        guarded(|| {
            let statutes = CoreStatutes::from_json(&read_file(&path)?)?;
            Ok(Community::in_memory(cimi_core::Community::new(statutes)?))
        })
    }

    /// Loads a community saved with `toJson()`. Nothing is half-loaded: an
    /// impossible document is a `Format` error saying where.
    #[uniffi::constructor]
    pub fn from_json(json: String) -> Result<Community, CimiError> {
        guarded(|| {
            Ok(Community::in_memory(cimi_core::Community::from_json(
                &json,
            )?))
        })
    }

    /// Loads a community from a file written by `save`.
    #[uniffi::constructor]
    pub fn load(path: String) -> Result<Community, CimiError> {
        guarded(|| {
            Ok(Community::in_memory(cimi_core::Community::from_json(
                &read_file(&path)?,
            )?))
        })
    }

    /// The whole state as a versioned JSON document.
    pub fn to_json(&self) -> Result<String, CimiError> {
        self.read(|c| Ok(c.to_json()))
    }

    /// Writes `toJson()` to a file (through a temporary file `<path>.tmp`
    /// in the same directory, renamed into place, removed if that fails). An
    /// empty path is `InvalidInput`.
    pub fn save(&self, path: String) -> Result<(), CimiError> {
        non_empty_path(&path, "path")?;
        let json = self.to_json()?;
        guarded(|| {
            let tmp = format!("{path}.tmp");
            let written = std::fs::write(&tmp, json)
                .map_err(|e| CimiError::io("write", &tmp, &e))
                .and_then(|()| {
                    std::fs::rename(&tmp, &path).map_err(|e| CimiError::io("rename", &path, &e))
                });
            if written.is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
            written
        })
    }

    /// The first broken invariant of the registration engine, or `null` when
    /// they all hold (never over capacity or quota, nobody twice, no free seat
    /// while an eligible request waits…). For tests and monitoring.
    pub fn check_invariants(&self) -> Result<Option<String>, CimiError> {
        self.read(|c| Ok(c.check_invariants().err()))
    }

    // ----- statutes -------------------------------------------------------------

    /// The statutes.
    pub fn statutes(&self) -> Result<Statutes, CimiError> {
        self.read(|c| Ok(c.statutes().into()))
    }

    /// The statutes as a JSON document.
    pub fn statutes_json(&self) -> Result<String, CimiError> {
        self.read(|c| Ok(c.statutes().to_json()))
    }

    /// Replaces the statutes (after the bureau amends them) with a JSON
    /// document; registrations are kept as they are.
    pub fn replace_statutes_json(&self, json: String, at_ms: i64) -> Result<(), CimiError> {
        let at = instant(at_ms, "at_ms")?;
        let statutes = guarded(|| Ok(CoreStatutes::from_json(&json)?))?;
        self.write(|c| c.replace_statutes(statutes, at))
    }

    /// Every rule of the statutes the current bureau breaks, at `now_ms`.
    pub fn check_statutes(&self, now_ms: i64) -> Result<Vec<Violation>, CimiError> {
        let now = instant(now_ms, "now_ms")?;
        self.read(|c| Ok(c.check_statutes(now).iter().map(Into::into).collect()))
    }

    // ----- journal --------------------------------------------------------------

    /// Starts or stops recording changes (for `drainChangesJson`). Not for a
    /// durable community, whose journal already records every change (read
    /// it with `memberHistory` / `eventHistory`).
    pub fn set_recording(&self, on: bool) -> Result<(), CimiError> {
        self.write_store(|s, actor| {
            refuse_if_durable(s)?;
            Ok(s.execute(actor, |c| {
                c.set_recording(on);
                Ok(())
            })?)
        })
    }

    /// The changes recorded since the last call, each as a JSON object
    /// (`action`, `at`, `record`, `value`), oldest first.
    pub fn drain_changes_json(&self) -> Result<Vec<String>, CimiError> {
        let changes = self.write_store(|s, actor| {
            refuse_if_durable(s)?;
            Ok(s.execute(actor, |c| Ok(c.drain_changes()))?)
        })?;
        changes
            .iter()
            .map(|ch| {
                serde_json::to_string(ch).map_err(|e| CimiError::Internal {
                    kind: "serialization".into(),
                    message: e.to_string(),
                    message_fr: e.to_string(),
                })
            })
            .collect()
    }

    /// Applies a change from `drainChangesJson` (replay on a replica).
    pub fn apply_change_json(&self, json: String) -> Result<(), CimiError> {
        let change: cimi_core::change::Change =
            serde_json::from_str(&json).map_err(|e| CimiError::Format {
                kind: "invalid_json".into(),
                message: format!("invalid change: {e}"),
                message_fr: format!("changement invalide : {e}"),
            })?;
        self.write(|c| c.apply(change))
    }

    // ----- members --------------------------------------------------------------

    /// All members, by identifier.
    pub fn members(&self) -> Result<Vec<Member>, CimiError> {
        self.read(|c| Ok(c.members().map(Into::into).collect()))
    }

    /// A member by identifier, or `null`.
    pub fn member(&self, member_id: i64) -> Result<Option<Member>, CimiError> {
        let id = crate::types::member_id(member_id)?;
        self.read(|c| Ok(c.member(id).map(Into::into)))
    }

    /// A member by address (compared case-insensitively), or `null`.
    pub fn member_by_email(&self, email: String) -> Result<Option<Member>, CimiError> {
        self.read(|c| Ok(c.member_by_email(&email).map(Into::into)))
    }

    /// Adds a member to the directory; returns the member's identifier.
    pub fn add_member(
        &self,
        email: String,
        profile: MemberProfile,
        at_ms: i64,
    ) -> Result<i64, CimiError> {
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| {
            c.add_member(&email, profile.into(), at)
                .map(|id| id_i64(id.get()))
        })
    }

    /// Replaces a member's profile.
    pub fn update_profile(
        &self,
        member_id: i64,
        profile: MemberProfile,
        at_ms: i64,
    ) -> Result<(), CimiError> {
        let id = crate::types::member_id(member_id)?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.update_profile(id, profile.into(), at))
    }

    /// Records a consent decision (granted or withdrawn), dated `at_ms`.
    pub fn set_consent(
        &self,
        member_id: i64,
        kind: ConsentKind,
        granted: bool,
        at_ms: i64,
    ) -> Result<(), CimiError> {
        let id = crate::types::member_id(member_id)?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.set_consent(id, kind.into(), granted, at))
    }

    /// Whether the member's consent of that kind is granted at `at_ms` (the
    /// latest decision wins; no decision means no consent).
    pub fn has_consent(
        &self,
        member_id: i64,
        kind: ConsentKind,
        at_ms: i64,
    ) -> Result<bool, CimiError> {
        let id = crate::types::member_id(member_id)?;
        let at = instant(at_ms, "at_ms")?;
        self.read(|c| {
            let m = c.member(id).ok_or_else(|| cimi_core::Error::NotFound {
                entity: cimi_core::error::Entity::Member,
                id: id.get(),
            })?;
            Ok(m.has_consent(kind.into(), at))
        })
    }

    /// Gives a member a bureau responsibility, or removes it with `null`.
    pub fn set_bureau_role(
        &self,
        member_id: i64,
        responsibility: Option<String>,
        at_ms: i64,
    ) -> Result<(), CimiError> {
        let id = crate::types::member_id(member_id)?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.set_bureau_role(id, responsibility.as_deref(), at))
    }

    /// A member's status (active, dormant, erased) at `now_ms`.
    pub fn member_status(&self, member_id: i64, now_ms: i64) -> Result<MemberStatus, CimiError> {
        let id = crate::types::member_id(member_id)?;
        let now = instant(now_ms, "now_ms")?;
        self.read(|c| Ok(c.member_status(id, now)?.into()))
    }

    /// The members holding a bureau role.
    pub fn bureau(&self) -> Result<Vec<Member>, CimiError> {
        self.read(|c| Ok(c.bureau().into_iter().map(Into::into).collect()))
    }

    // ----- events ---------------------------------------------------------------

    /// Schedules an event; returns its identifier. Unless `spec.draft`, it
    /// accepts registrations at once (within its window).
    pub fn schedule_event(&self, spec: EventSpec, at_ms: i64) -> Result<i64, CimiError> {
        let at = instant(at_ms, "at_ms")?;
        let spec = spec.into_core()?;
        self.write(|c| c.schedule_event(spec, at).map(|id| id_i64(id.get())))
    }

    /// An event by identifier, or `null`.
    pub fn event(&self, event_id: i64) -> Result<Option<Event>, CimiError> {
        let id = crate::types::event_id(event_id)?;
        self.read(|c| Ok(c.event(id).map(Into::into)))
    }

    /// All events, by identifier.
    pub fn events(&self) -> Result<Vec<Event>, CimiError> {
        self.read(|c| Ok(c.events().map(Into::into).collect()))
    }

    /// Changes the seat capacity; returns the registrations promoted from the
    /// waiting list, in order. It cannot go below the seats confirmed.
    pub fn set_capacity(
        &self,
        event_id: i64,
        capacity: i32,
        at_ms: i64,
    ) -> Result<Vec<i64>, CimiError> {
        let id = crate::types::event_id(event_id)?;
        let capacity = count_u32(capacity, "capacity")?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.set_capacity(id, capacity, at).map(|ids| ids_out(&ids)))
    }

    /// Sets (or removes, with `null`) an audience's seat quota; returns the
    /// registrations promoted as a result.
    pub fn set_quota(
        &self,
        event_id: i64,
        audience: String,
        quota: Option<i32>,
        at_ms: i64,
    ) -> Result<Vec<i64>, CimiError> {
        let id = crate::types::event_id(event_id)?;
        let quota = quota.map(|q| count_u32(q, "quota")).transpose()?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| {
            c.set_quota(id, &audience, quota, at)
                .map(|ids| ids_out(&ids))
        })
    }

    /// Replaces the program.
    pub fn set_program(
        &self,
        event_id: i64,
        program: Vec<ProgramItem>,
        at_ms: i64,
    ) -> Result<(), CimiError> {
        let id = crate::types::event_id(event_id)?;
        let at = instant(at_ms, "at_ms")?;
        let program = program.into_iter().map(Into::into).collect();
        self.write(|c| c.set_program(id, program, at))
    }

    /// Sets or removes (`null`) the venue.
    pub fn set_venue(
        &self,
        event_id: i64,
        venue: Option<Venue>,
        at_ms: i64,
    ) -> Result<(), CimiError> {
        let id = crate::types::event_id(event_id)?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.set_venue(id, venue.map(Into::into), at))
    }

    /// Sets or removes (`null`) the remote broadcast; it cannot drop below the
    /// remote places already confirmed.
    pub fn set_remote(
        &self,
        event_id: i64,
        remote: Option<RemoteBroadcast>,
        at_ms: i64,
    ) -> Result<(), CimiError> {
        let id = crate::types::event_id(event_id)?;
        let at = instant(at_ms, "at_ms")?;
        let remote = remote.map(RemoteBroadcast::into_core).transpose()?;
        self.write(|c| c.set_remote(id, remote, at))
    }

    /// Sets the registration window (`null`: no bound).
    pub fn set_registration_window(
        &self,
        event_id: i64,
        opens_at_ms: Option<i64>,
        closes_at_ms: Option<i64>,
        at_ms: i64,
    ) -> Result<(), CimiError> {
        let id = crate::types::event_id(event_id)?;
        let opens = opt_instant(opens_at_ms, "opens_at_ms")?;
        let closes = opt_instant(closes_at_ms, "closes_at_ms")?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.set_registration_window(id, opens, closes, at))
    }

    /// Opens a draft (or re-opens a closed) event for registration.
    pub fn open_registration(&self, event_id: i64, at_ms: i64) -> Result<(), CimiError> {
        let id = crate::types::event_id(event_id)?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.open_registration(id, at))
    }

    /// Closes registration; the waiting list still moves on cancellations.
    pub fn close_registration(&self, event_id: i64, at_ms: i64) -> Result<(), CimiError> {
        let id = crate::types::event_id(event_id)?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.close_registration(id, at))
    }

    /// Marks the event as held (not before it starts).
    pub fn mark_held(&self, event_id: i64, at_ms: i64) -> Result<(), CimiError> {
        let id = crate::types::event_id(event_id)?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.mark_held(id, at))
    }

    /// Publishes the compte-rendu of a held event.
    pub fn publish_report(
        &self,
        event_id: i64,
        summary: String,
        resources: Vec<Resource>,
        at_ms: i64,
    ) -> Result<(), CimiError> {
        let id = crate::types::event_id(event_id)?;
        let at = instant(at_ms, "at_ms")?;
        let resources = resources.into_iter().map(Into::into).collect();
        self.write(|c| c.publish_report(id, &summary, resources, at))
    }

    /// Cancels an event that has not been held.
    pub fn cancel_event(&self, event_id: i64, at_ms: i64) -> Result<(), CimiError> {
        let id = crate::types::event_id(event_id)?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.cancel_event(id, at))
    }

    // ----- registrations --------------------------------------------------------

    /// Judges a registration request arriving at `at_ms` and returns the
    /// identifier of the registration: a new one (a confirmed seat, a remote
    /// place or a place in the waiting list), or the live one the person
    /// already holds for this event. A refusal throws
    /// `CimiException.Refused` whose `kind` says why (`address_not_allowed`,
    /// `event_full`…).
    ///
    /// Only the identifier crosses the boundary, which keeps the call cheap
    /// from the JVM; read the registration (status, seat…) with
    /// `registration(id)`, or call `registerOutcome` to get it, and whether
    /// the person was already registered, in the same call.
    pub fn register(
        &self,
        event_id: i64,
        request: RegistrationRequest,
        at_ms: i64,
    ) -> Result<i64, CimiError> {
        let id = crate::types::event_id(event_id)?;
        let at = instant(at_ms, "at_ms")?;
        let request = request.into();
        self.write(|c| {
            c.register(id, &request, at)
                .map(|o| id_i64(o.registration.id.get()))
        })
    }

    /// `register`, answering with the whole outcome: the registration (new,
    /// or the one the person already had) and whether the person was already
    /// registered. Same rules and errors as `register`.
    pub fn register_outcome(
        &self,
        event_id: i64,
        request: RegistrationRequest,
        at_ms: i64,
    ) -> Result<RegistrationOutcome, CimiError> {
        let id = crate::types::event_id(event_id)?;
        let at = instant(at_ms, "at_ms")?;
        let request = request.into();
        self.write(|c| c.register(id, &request, at).map(Into::into))
    }

    /// Judges a batch of requests for one event, in order, all at `at_ms`, in
    /// one call and under one lock. One attempt per request, in the same
    /// order; a refused request does not stop the others.
    pub fn register_many(
        &self,
        event_id: i64,
        requests: Vec<RegistrationRequest>,
        at_ms: i64,
    ) -> Result<Vec<RegistrationAttempt>, CimiError> {
        let id = crate::types::event_id(event_id)?;
        let at = instant(at_ms, "at_ms")?;
        let requests: Vec<cimi_core::registration::RegistrationRequest> =
            requests.into_iter().map(Into::into).collect();
        self.write(|c| {
            Ok(c.register_many(id, &requests, at)
                .into_iter()
                .map(|r| match r {
                    Ok(o) => RegistrationAttempt {
                        outcome: Some(o.into()),
                        error: None,
                    },
                    Err(e) => RegistrationAttempt {
                        outcome: None,
                        error: Some(CimiError::from(e).into()),
                    },
                })
                .collect())
        })
    }

    /// Cancels a registration; the seat goes to the earliest waiting
    /// registration whose audience has room (listed in `promoted`).
    /// Cancelling twice answers the same.
    pub fn cancel_registration(
        &self,
        registration_id: i64,
        at_ms: i64,
    ) -> Result<Cancellation, CimiError> {
        let id = crate::types::registration_id(registration_id)?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.cancel_registration(id, at).map(Into::into))
    }

    /// Checks a confirmed registrant in (checking in twice keeps the first time).
    pub fn check_in(&self, registration_id: i64, at_ms: i64) -> Result<Registration, CimiError> {
        let id = crate::types::registration_id(registration_id)?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.check_in(id, at).map(|r| (&r).into()))
    }

    /// A registration by identifier, or `null`.
    pub fn registration(&self, registration_id: i64) -> Result<Option<Registration>, CimiError> {
        let id = crate::types::registration_id(registration_id)?;
        self.read(|c| Ok(c.registration(id).map(Into::into)))
    }

    /// Every registration of an event (including cancelled ones), in order of arrival.
    pub fn registrations(&self, event_id: i64) -> Result<Vec<Registration>, CimiError> {
        let id = crate::types::event_id(event_id)?;
        self.read(|c| Ok(c.registrations(id).map(Into::into).collect()))
    }

    /// Every registration of the community, in order of arrival.
    pub fn all_registrations(&self) -> Result<Vec<Registration>, CimiError> {
        self.read(|c| Ok(c.all_registrations().map(Into::into).collect()))
    }

    /// The waiting list of an event (registration identifiers), in promotion order.
    pub fn waiting_list(&self, event_id: i64) -> Result<Vec<i64>, CimiError> {
        let id = crate::types::event_id(event_id)?;
        self.read(|c| Ok(ids_out(&c.waiting_list(id))))
    }

    /// The confirmed registrations of an event (on site and remote), in order.
    pub fn confirmed(&self, event_id: i64) -> Result<Vec<Registration>, CimiError> {
        let id = crate::types::event_id(event_id)?;
        self.read(|c| Ok(c.confirmed(id).into_iter().map(Into::into).collect()))
    }

    /// How full an event is.
    pub fn occupancy(&self, event_id: i64) -> Result<Occupancy, CimiError> {
        let id = crate::types::event_id(event_id)?;
        self.read(|c| Ok(c.occupancy(id)?.into()))
    }

    /// Whether a registrant came: pending, attended, no-show (after the event
    /// was held) or not applicable (not confirmed).
    pub fn attendance(&self, registration_id: i64) -> Result<Attendance, CimiError> {
        let id = crate::types::registration_id(registration_id)?;
        self.read(|c| {
            let not_found = |entity, raw| cimi_core::Error::NotFound { entity, id: raw };
            let r = c
                .registration(id)
                .ok_or_else(|| not_found(cimi_core::error::Entity::Registration, id.get()))?;
            let e = c
                .event(r.event)
                .ok_or_else(|| not_found(cimi_core::error::Entity::Event, r.event.get()))?;
            let held = matches!(
                e.state,
                cimi_core::event::EventState::Held | cimi_core::event::EventState::Reported
            );
            Ok(r.attendance(held).into())
        })
    }
}
