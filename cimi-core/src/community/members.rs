//! Members: the directory, profiles, consents, bureau roles, erasure and status.

use chrono::{DateTime, Utc};

use super::*;
use crate::address::EmailAddress;
use crate::change::{Action, Record};
use crate::directory::Lookup;
use crate::error::{Entity, Error, StateError};
use crate::help::HelpRequest;
use crate::ids::{MemberId, RegistrationId};
use crate::limits::MAX_CONSENTS;
use crate::member::{
    BureauRole, Consent, ConsentKind, Member, MemberProfile, MemberStatus, ProfileUpdate,
};
use crate::statutes::Violation;

impl Community {
    // ----- members --------------------------------------------------------------

    /// A member by identifier.
    pub fn member(&self, id: MemberId) -> Option<&Member> {
        self.members.get(&id)
    }

    /// A member by address (compared case-insensitively).
    ///
    /// ```
    /// let mut c = cimi_core::Community::cimi();
    /// let id = c.add_member("Ada@Interieur.gouv.fr", Default::default(), chrono::Utc::now())?;
    /// assert_eq!(c.member_by_email("ada@interieur.gouv.fr").map(|m| m.id), Some(id));
    /// # Ok::<(), cimi_core::Error>(())
    /// ```
    pub fn member_by_email(&self, email: &str) -> Option<&Member> {
        let email = EmailAddress::parse(email).ok()?;
        self.members
            .by_address(email.as_str())
            .and_then(|id| self.members.get(&id))
    }

    /// All members, by identifier.
    pub fn members(&self) -> impl Iterator<Item = &Member> + '_ {
        self.members.values()
    }

    pub(super) fn member_checked(&self, id: MemberId) -> Result<&Member, Error> {
        self.members
            .get(&id)
            .ok_or_else(|| Error::not_found(Entity::Member, id.get()))
    }

    /// Records a participation at `at` by the person with this address
    /// (`found` is the directory's lookup of it, naming the member already
    /// holding it, if any): membership *de fait* is created or refreshed,
    /// after `edit` updates the record; the texts `edit` sets must come from
    /// the community's interner.
    pub(crate) fn participate(
        &mut self,
        found: Lookup,
        email: EmailAddress,
        at: DateTime<Utc>,
        edit: impl FnOnce(&mut Member),
    ) -> MemberId {
        let (mut member, action) = match found.member.and_then(|id| self.members.get(&id)) {
            Some(m) => (m.clone(), Action::MemberUpdated),
            None => (
                Member::new(MemberId::new(self.next.member), email, at),
                Action::MemberAdded,
            ),
        };
        edit(&mut member);
        member.record_participation(at);
        let id = member.id;
        self.commit_member(action, at, member, Some(found));
        id
    }

    pub(crate) fn live_member(&self, id: MemberId) -> Result<Member, Error> {
        let m = self.member_checked(id)?;
        if m.is_erased() {
            return Err(StateError::MemberErased.into());
        }
        Ok(m.clone())
    }

    pub(super) fn apply_profile(m: &mut Member, p: MemberProfile) {
        m.family_name = p.family_name.trim().into();
        m.given_name = p.given_name.trim().into();
        m.service = p.service.trim().into();
        m.grade = p.grade.trim().into();
        m.function = p.function.trim().into();
        m.set_corps(
            p.corps
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .map(Into::into),
        );
        m.affiliation = p.affiliation;
        m.skills = p
            .skills
            .into_iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        m.set_interests(
            p.interests
                .into_iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
        );
    }

    /// Adds a member to the directory (for instance from an organiser's list).
    /// Members also appear on their own by participating.
    pub fn add_member(
        &mut self,
        email: &str,
        profile: MemberProfile,
        at: DateTime<Utc>,
    ) -> Result<MemberId, Error> {
        let email = EmailAddress::parse(email)?;
        if self.members.by_address(email.as_str()).is_some() {
            return Err(StateError::DuplicateMember.into());
        }
        self.check_profile(&profile)?;
        let id = MemberId::new(self.next.member);
        let mut m = Member::new(id, email, at);
        Self::apply_profile(&mut m, profile);
        self.commit_within_limits(Action::MemberAdded, at, Record::Member(Box::new(m)))?;
        Ok(id)
    }

    /// Adds members in order, all at `at`, as that many calls of
    /// [`add_member`](Self::add_member): one answer per member, its new id or
    /// the error that refused it (an invalid address, one already in the
    /// directory — earlier in the batch included —, a field over the
    /// limits). A refused member changes nothing; the others are added.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// use cimi_core::{Community, community::MemberProfile};
    /// let t = Utc.with_ymd_and_hms(2024, 3, 1, 9, 0, 0).unwrap();
    /// let mut c = Community::cimi();
    /// let alice = MemberProfile { family_name: "Martin".into(), ..Default::default() };
    /// let answers = c.add_members(
    ///     [("alice@interieur.gouv.fr", alice.clone()), ("not an address", alice.clone()),
    ///      ("ALICE@interieur.gouv.fr", alice)],
    ///     t,
    /// );
    /// assert!(answers[0].is_ok());
    /// assert_eq!(answers[1].as_ref().unwrap_err().kind(), "invalid_address");
    /// assert_eq!(answers[2].as_ref().unwrap_err().kind(), "duplicate_member");
    /// assert_eq!(c.members().count(), 1);
    /// ```
    pub fn add_members<S: AsRef<str>>(
        &mut self,
        members: impl IntoIterator<Item = (S, MemberProfile)>,
        at: DateTime<Utc>,
    ) -> Vec<Result<MemberId, Error>> {
        members
            .into_iter()
            .map(|(email, profile)| self.add_member(email.as_ref(), profile, at))
            .collect()
    }

    /// Updates a member's profile: the fields the update gives replace the
    /// current ones, the others keep their value (a whole [`MemberProfile`]
    /// gives every field, so it replaces the profile).
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// use cimi_core::{Community, community::MemberProfile, member::ProfileUpdate};
    /// let t = Utc.with_ymd_and_hms(2024, 3, 1, 9, 0, 0).unwrap();
    /// let mut c = Community::cimi();
    /// let start = MemberProfile { family_name: "Martin".into(), grade: "attachée".into(), ..Default::default() };
    /// let id = c.add_member("alice@interieur.gouv.fr", start, t)?;
    /// c.update_profile(id, ProfileUpdate { grade: Some("commandant".into()), ..Default::default() }, t)?;
    /// let m = c.member(id).unwrap();
    /// assert_eq!((m.family_name.as_str(), m.grade.as_str()), ("Martin", "commandant"));
    /// # Ok::<(), cimi_core::Error>(())
    /// ```
    pub fn update_profile(
        &mut self,
        id: MemberId,
        update: impl Into<ProfileUpdate>,
        at: DateTime<Utc>,
    ) -> Result<(), Error> {
        let mut m = self.live_member(id)?;
        let profile = update.into().apply_to(m.profile());
        self.check_profile(&profile)?;
        Self::apply_profile(&mut m, profile);
        self.commit_within_limits(Action::MemberUpdated, at, Record::Member(Box::new(m)))
    }

    /// Records a consent decision, dated `at`.
    pub fn set_consent(
        &mut self,
        id: MemberId,
        kind: ConsentKind,
        granted: bool,
        at: DateTime<Utc>,
    ) -> Result<(), Error> {
        let mut m = self.live_member(id)?;
        if m.consents().len() >= MAX_CONSENTS {
            return Err(Error::input(
                "consents",
                "too many decisions",
                "trop de décisions",
            ));
        }
        m.push_consent(Consent { kind, granted, at });
        self.commit(Action::MemberUpdated, at, Record::Member(Box::new(m)));
        Ok(())
    }

    /// Gives a member a bureau responsibility, or removes it with `None`.
    pub fn set_bureau_role(
        &mut self,
        id: MemberId,
        responsibility: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), Error> {
        let mut m = self.live_member(id)?;
        if let Some(r) = responsibility {
            self.check_text("responsibility", r)?;
        }
        m.set_bureau_role(responsibility.map(|r| BureauRole {
            responsibility: r.trim().into(),
            since: at,
        }));
        self.commit(Action::MemberUpdated, at, Record::Member(Box::new(m)));
        Ok(())
    }

    /// Erases a member's personal data (GDPR right to erasure): names,
    /// affiliation, skills, consents and bureau role are removed, the address is
    /// replaced by a tombstone, the texts of their help requests are removed,
    /// and their registrations for upcoming events are cancelled (seats go to
    /// the waiting list). Registrations and attendance of past events stay, so
    /// the aggregates stay right. Erasing twice changes nothing.
    ///
    /// ```
    /// let mut c = cimi_core::Community::cimi();
    /// let t = chrono::Utc::now();
    /// let id = c.add_member("ada@interieur.gouv.fr", Default::default(), t)?;
    /// c.erase_member(id, t)?;
    /// assert!(c.member_by_email("ada@interieur.gouv.fr").is_none());
    /// assert_eq!(c.member(id).unwrap().email.as_str(), format!("erased-{}@erased.invalid", id.get()));
    /// # Ok::<(), cimi_core::Error>(())
    /// ```
    pub fn erase_member(&mut self, id: MemberId, at: DateTime<Utc>) -> Result<(), Error> {
        let m = self.member_checked(id)?;
        if m.is_erased() {
            return Ok(());
        }
        let upcoming: Vec<RegistrationId> = self
            .registrations
            .values()
            .filter(|r| r.member == id && r.is_live())
            .filter(|r| {
                self.events
                    .get(&r.event)
                    .is_some_and(|e| e.state.is_upcoming())
            })
            .map(|r| r.id)
            .collect();
        for r in upcoming {
            self.cancel_registration(r, at)?;
        }
        let tombstone = EmailAddress::parse(&format!("erased-{}@erased.invalid", id.get()))
            .expect("tombstone addresses are valid");
        let mut erased = Member::new(id, tombstone, self.members[&id].joined_at);
        erased.last_participation_at = self.members[&id].last_participation_at;
        erased.set_erased_at(Some(at));
        self.commit(Action::MemberErased, at, Record::Member(Box::new(erased)));
        let asked: Vec<HelpRequest> = self
            .help
            .values()
            .filter(|h| h.asker == id)
            .cloned()
            .collect();
        for mut h in asked {
            h.topic.clear();
            h.text.clear();
            self.commit(Action::HelpErased, at, Record::HelpRequest(Box::new(h)));
        }
        Ok(())
    }

    /// Whether a member's consent of that kind holds at `at`: the latest
    /// decision made at or before `at` wins, and no decision means no consent.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// use cimi_core::{Community, community::MemberProfile, member::ConsentKind};
    /// let t = Utc.with_ymd_and_hms(2024, 3, 1, 9, 0, 0).unwrap();
    /// let mut c = Community::cimi();
    /// let id = c.add_member("alice@interieur.gouv.fr", MemberProfile::default(), t)?;
    /// assert!(!c.has_consent(id, ConsentKind::Recording, t)?);
    /// c.set_consent(id, ConsentKind::Recording, true, t)?;
    /// assert!(c.has_consent(id, ConsentKind::Recording, t)?);
    /// # Ok::<(), cimi_core::Error>(())
    /// ```
    pub fn has_consent(
        &self,
        id: MemberId,
        kind: ConsentKind,
        at: DateTime<Utc>,
    ) -> Result<bool, Error> {
        Ok(self.member_checked(id)?.has_consent(kind, at))
    }

    /// A member's status at `now`.
    pub fn member_status(&self, id: MemberId, now: DateTime<Utc>) -> Result<MemberStatus, Error> {
        Ok(self
            .member_checked(id)?
            .status(self.statutes.activity_window(), now))
    }

    /// The members holding a bureau role.
    pub fn bureau(&self) -> Vec<&Member> {
        self.members
            .values()
            .filter(|m| m.bureau_role().is_some() && !m.is_erased())
            .collect()
    }

    /// Every rule of the statutes that the current bureau breaks, at `now`.
    ///
    /// ```
    /// let c = cimi_core::Community::cimi();
    /// let kinds: Vec<_> = c.check_statutes(chrono::Utc::now()).iter().map(|v| v.kind()).collect();
    /// assert_eq!(kinds[0], "bureau_size");
    /// ```
    pub fn check_statutes(&self, now: DateTime<Utc>) -> Vec<Violation> {
        self.statutes.check_bureau(&self.bureau(), now)
    }
}
