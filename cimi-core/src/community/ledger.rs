//! Recording, replay and undo: every state change goes through [`Community::commit`],
//! which keeps the change when recording and the means to roll it back.

use chrono::{DateTime, Utc};

use super::rules::RegistrationRules;
use super::*;
use crate::change::{Action, Change, Record};
use crate::directory::Lookup;
use crate::error::{Error, FormatError};
use crate::limits::MAX_RECORD_BYTES;
use crate::member::Member;
use crate::registration::Registration;

impl Community {
    // ----- recording and replay -------------------------------------------------

    /// Starts or stops keeping the changes made, for [`drain_changes`](Self::drain_changes).
    pub fn set_recording(&mut self, on: bool) {
        self.recording = on;
        if !on {
            self.changes.clear();
            self.undo.clear();
        }
    }

    /// Takes the changes recorded since the last call.
    pub fn drain_changes(&mut self) -> Vec<Change> {
        self.forget_undo();
        std::mem::take(&mut self.changes)
    }

    /// Applies a recorded change (replay). The change is taken as a fact: the
    /// record replaces its previous version, and derived bookkeeping follows.
    ///
    /// Fails, leaving the state as it was, when the change refers to an unknown
    /// event or member, or would break an invariant (over capacity or quota,
    /// one person twice).
    pub fn apply(&mut self, change: Change) -> Result<(), Error> {
        self.check_record(&change.record)
            .map_err(|e| located(e, "change"))?;
        self.commit(change.action, change.at, change.record);
        Ok(())
    }

    /// Applies a record, keeping the change when recording. Never fails: every
    /// caller has checked the record first.
    pub(crate) fn commit(&mut self, action: Action, at: DateTime<Utc>, record: Record) {
        if self.recording {
            self.record(action, at, record.clone());
        }
        self.put(record, Texts::Own);
    }

    /// [`commit`](Self::commit) for a member whose texts are the community's
    /// shared copies (a stored member, edited with interned texts); boxed
    /// into a record only when changes are recorded.
    /// `found` is a lookup of its address, if the caller made one.
    pub(super) fn commit_member(
        &mut self,
        action: Action,
        at: DateTime<Utc>,
        member: Member,
        found: Option<Lookup>,
    ) {
        if self.recording {
            self.record(action, at, Record::Member(Box::new(member.clone())));
        }
        self.put_member(member, Texts::Shared, found);
    }

    /// [`commit`](Self::commit) for a registration whose audience is the
    /// community's shared copy (a stored registration, or one `register`
    /// built); boxed only when changes are recorded.
    pub(super) fn commit_registration(
        &mut self,
        action: Action,
        at: DateTime<Utc>,
        r: Registration,
    ) {
        if self.recording {
            self.record(action, at, Record::Registration(Box::new(r.clone())));
        }
        self.put_registration(r, Texts::Shared);
    }

    /// Notes a change about to be put, and what undoes it.
    pub(super) fn record(&mut self, action: Action, at: DateTime<Utc>, record: Record) {
        let previous = self.previous_version(&record);
        self.undo.push(previous);
        self.changes.push(Change { action, at, record });
    }

    /// [`commit`](Self::commit) for a record built from a caller's lists and
    /// texts (a profile, a program, a report, a help step, a watch item):
    /// refused, changing nothing, when it breaks the limits every loaded
    /// record is held to, so that what the engine writes it can read back.
    pub(crate) fn commit_within_limits(
        &mut self,
        action: Action,
        at: DateTime<Utc>,
        record: Record,
    ) -> Result<(), Error> {
        match &record {
            Record::Statutes(s) => within_limits("statutes", s),
            Record::Member(m) => within_limits("member", m),
            Record::Event(e) => within_limits("event", e),
            Record::Registration(r) => within_limits("registration", r),
            Record::HelpRequest(h) => within_limits("help_request", h),
            Record::WatchItem(w) => within_limits("watch_item", w),
        }?;
        self.commit(action, at, record);
        Ok(())
    }

    /// What undoes a record: its previous version, or its removal.
    pub(super) fn previous_version(&self, record: &Record) -> Undo {
        match record {
            Record::Statutes(_) => Undo::Put(Record::Statutes(Box::new(self.statutes.clone()))),
            Record::Member(m) => self
                .members
                .get(&m.id)
                .map_or(Undo::RemoveMember(m.id), |old| {
                    Undo::Put(Record::Member(Box::new(old.clone())))
                }),
            Record::Event(e) => self
                .events
                .get(&e.id)
                .map_or(Undo::RemoveEvent(e.id), |old| {
                    Undo::Put(Record::Event(Box::new(old.clone())))
                }),
            Record::Registration(r) => self
                .registrations
                .get(&r.id)
                .map_or(Undo::RemoveRegistration(r.id), |old| {
                    Undo::Put(Record::Registration(Box::new(old.clone())))
                }),
            Record::HelpRequest(h) => self.help.get(&h.id).map_or(Undo::RemoveHelp(h.id), |old| {
                Undo::Put(Record::HelpRequest(Box::new(old.clone())))
            }),
            Record::WatchItem(w) => self
                .watch
                .get(&w.id)
                .map_or(Undo::RemoveWatch(w.id), |old| {
                    Undo::Put(Record::WatchItem(Box::new(old.clone())))
                }),
        }
    }

    pub(super) fn put(&mut self, record: Record, texts: Texts) {
        match record {
            Record::Statutes(s) => {
                self.statutes = *s;
                self.rules = RegistrationRules::new(&self.statutes);
            }
            Record::Member(m) => self.put_member(*m, texts, None),
            Record::Event(e) => {
                let e = *e;
                self.next.event = self.next.event.max(e.id.get() + 1);
                self.books.entry(e.id).or_default();
                self.events.insert(e.id, e);
            }
            Record::WatchItem(w) => {
                self.next.watch = self.next.watch.max(w.id.get() + 1);
                self.watch.insert(w.id, *w);
            }
            Record::HelpRequest(h) => {
                self.next.help = self.next.help.max(h.id.get() + 1);
                self.help.insert(h.id, *h);
            }
            Record::Registration(r) => self.put_registration(*r, texts),
        }
    }

    pub(super) fn put_member(&mut self, m: Member, texts: Texts, found: Option<Lookup>) {
        let id = m.id;
        self.next.member = self.next.member.max(id.get() + 1);
        let old = match texts {
            Texts::Own => self.members.put(m),
            Texts::Shared => self.members.put_shared(m, found),
        };
        self.skills.update(old.as_ref(), &self.members[&id]);
    }

    pub(super) fn put_registration(&mut self, mut r: Registration, texts: Texts) {
        if texts == Texts::Own
            && let Some(a) = &r.audience
        {
            r.audience = Some(self.members.interner.share(a));
        }
        self.next.registration = self.next.registration.max(r.id.get() + 1);
        let book = self.books.entry(r.event).or_default();
        if let Some(old) = self.registrations.get(&r.id) {
            book.remove(old);
        }
        book.add(&r);
        self.registrations.insert(r.id, r);
    }
}

/// What a store needs from the engine to run an operation as one unit, and
/// nothing more: a mark to roll back to, the changes made since, and
/// forgetting how to undo them once they are durable. The store sees no other
/// part of the community's state.
pub(crate) trait Ledger {
    /// A point to roll back to; recording must be on for the changes after it
    /// to be undoable.
    fn mark(&self) -> Mark;
    /// Undoes every change made since `mark`, newest first.
    fn rollback(&mut self, mark: Mark);
    /// Takes the recorded changes, keeping what undoes them until
    /// [`forget_undo`](Ledger::forget_undo) or [`rollback`](Ledger::rollback).
    fn take_changes(&mut self) -> Vec<Change>;
    /// Forgets the undo entries (once changes are durable).
    fn forget_undo(&mut self);
    /// Checks what holds between operations (see `check_books`), for a store
    /// that replayed records it did not decide itself.
    fn check_settled(&self) -> Result<(), (EventId, String)>;
}

impl Ledger for Community {
    /// A point to roll back to (see [`rollback`](Ledger::rollback)); recording
    /// must be on for changes after it to be undoable.
    fn mark(&self) -> Mark {
        Mark {
            undo: self.undo.len(),
            changes: self.changes.len(),
            next: self.next,
        }
    }

    /// Undoes every change made since `mark`, newest first.
    fn rollback(&mut self, mark: Mark) {
        while self.undo.len() > mark.undo {
            match self.undo.pop().expect("undo entry") {
                Undo::Put(record) => self.put(record, Texts::Own),
                Undo::RemoveMember(id) => {
                    if let Some(old) = self.members.remove(&id) {
                        self.skills.remove(&old);
                    }
                }
                Undo::RemoveEvent(id) => {
                    self.events.remove(&id);
                    self.books.remove(&id);
                }
                Undo::RemoveRegistration(id) => {
                    if let Some(r) = self.registrations.remove(&id)
                        && let Some(book) = self.books.get_mut(&r.event)
                    {
                        book.remove(&r);
                    }
                }
                Undo::RemoveHelp(id) => {
                    self.help.remove(&id);
                }
                Undo::RemoveWatch(id) => {
                    self.watch.remove(&id);
                }
            }
        }
        self.changes.truncate(mark.changes);
        self.next = mark.next;
    }

    /// Takes the recorded changes, keeping what undoes them until
    /// [`forget_undo`](Ledger::forget_undo) or [`rollback`](Ledger::rollback).
    fn take_changes(&mut self) -> Vec<Change> {
        std::mem::take(&mut self.changes)
    }

    /// Forgets the undo entries (once changes are durable).
    fn forget_undo(&mut self) {
        for undo in std::mem::take(&mut self.undo) {
            if let Undo::Put(Record::Member(old)) = undo {
                // The last holder of texts only that version used: let the
                // directory forget them (erased names must not linger).
                self.members.release(&old);
            }
        }
    }

    fn check_settled(&self) -> Result<(), (EventId, String)> {
        self.check_books()
    }
}

/// A change as text, for sending it to a replica: one line of JSON, the
/// journal's record format.
impl Change {
    /// The change as one line of JSON.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// use cimi_core::{Community, change::Change, community::MemberProfile};
    /// let t = Utc.with_ymd_and_hms(2024, 3, 1, 9, 0, 0).unwrap();
    /// let mut c = Community::cimi();
    /// c.set_recording(true);
    /// c.add_member("alice@interieur.gouv.fr", MemberProfile::default(), t)?;
    /// let lines: Vec<String> = c.drain_changes().iter().map(Change::to_json).collect();
    ///
    /// let mut replica = Community::cimi();
    /// for line in &lines {
    ///     replica.apply(Change::from_json(line)?)?;
    /// }
    /// assert_eq!(replica, c);
    /// # Ok::<(), cimi_core::Error>(())
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a change always serializes")
    }

    /// A change from [`to_json`](Self::to_json)'s text; malformed JSON gives
    /// [`FormatError::Syntax`] (kind `invalid_json`). Applying it with
    /// [`Community::apply`] checks it against the community.
    pub fn from_json(text: &str) -> Result<Change, Error> {
        if text.len() > MAX_RECORD_BYTES {
            return Err(FormatError::TooLarge {
                limit: MAX_RECORD_BYTES,
            }
            .into());
        }
        serde_json::from_str(text).map_err(|e| FormatError::Syntax(e.to_string()).into())
    }
}
