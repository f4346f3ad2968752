//! Members: the directory, profiles, consents, bureau roles and status
//! (the core's `community/members.rs`), with their records and enums
//! (`Member`, `MemberProfile`, `ProfileUpdate`, `Consent`, `BureauRole`,
//! `ConsentKind`, `MemberStatus`).

use std::collections::BTreeSet;

use cimi_core::member as cm;

use crate::community::Community;
use crate::convert::{self, id_i64};
use crate::error::CimiError;
use crate::time::{instant, millis, opt_millis};

pub use cimi_core::member::ConsentKind;
pub use cimi_core::member::MemberStatus;

/// What a consent is about.
#[uniffi::remote(Enum)]
#[non_exhaustive]
pub enum ConsentKind {
    /// Receiving the mailing list.
    MailingList,
    /// Being recorded during events.
    Recording,
    /// Publication of one's name (attendee lists, reports).
    NamePublication,
}

/// A member's status, derived from participation and the statutes.
#[uniffi::remote(Enum)]
#[non_exhaustive]
pub enum MemberStatus {
    /// Participated within the activity window.
    Active,
    /// No participation within the activity window.
    Dormant,
    /// Personal data erased (GDPR).
    Erased,
}

/// One dated consent decision.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Consent {
    /// What the decision is about.
    pub kind: ConsentKind,
    /// Granted (`true`) or withdrawn (`false`).
    pub granted: bool,
    /// When the decision was made (ms since the epoch).
    pub at_ms: i64,
}

/// A responsibility in the bureau.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BureauRole {
    /// What the member is responsible for (GitHub, mailing list…).
    pub responsibility: String,
    /// Since when (ms since the epoch).
    pub since_ms: i64,
}

/// A member of the community (member *de fait* by participating, or added to
/// the directory).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Member {
    /// Identifier.
    pub id: i64,
    /// E-mail address (normalised); identifies the person.
    pub email: String,
    /// Nom.
    pub family_name: String,
    /// Prénom.
    pub given_name: String,
    /// Given name then family name, for display.
    pub display_name: String,
    /// Service as declared (free text).
    pub service: String,
    /// Place in the administration, outermost first (Intérieur, DGGN, ST(SI)²).
    pub affiliation: Vec<String>,
    /// Corps or filière.
    pub corps: Option<String>,
    /// Grade.
    pub grade: String,
    /// Fonction.
    pub function: String,
    /// Skills (compétences).
    pub skills: Vec<String>,
    /// Interests.
    pub interests: Vec<String>,
    /// Every consent decision, oldest first.
    pub consents: Vec<Consent>,
    /// First participation or addition to the directory.
    pub joined_at_ms: i64,
    /// Last participation, if any.
    pub last_participation_at_ms: Option<i64>,
    /// Role in the bureau, if any.
    pub bureau_role: Option<BureauRole>,
    /// When the member's personal data was erased, if it was.
    pub erased_at_ms: Option<i64>,
}

impl From<&cm::Member> for Member {
    fn from(m: &cm::Member) -> Self {
        Member {
            id: id_i64(m.id.get()),
            email: m.email.as_str().to_string(),
            family_name: m.family_name.to_string(),
            given_name: m.given_name.to_string(),
            display_name: m.display_name(),
            service: m.service.to_string(),
            affiliation: m.affiliation.units().map(|s| s.to_string()).collect(),
            corps: m.corps().map(|c| c.as_str()).map(str::to_owned),
            grade: m.grade.to_string(),
            function: m.function.to_string(),
            skills: m.skills.iter().map(|s| s.to_string()).collect(),
            interests: m.interests().iter().map(|s| s.to_string()).collect(),
            consents: m
                .consents()
                .iter()
                .map(|c| Consent {
                    kind: c.kind,
                    granted: c.granted,
                    at_ms: millis(c.at),
                })
                .collect(),
            joined_at_ms: millis(m.joined_at),
            last_participation_at_ms: opt_millis(m.last_participation_at),
            bureau_role: m.bureau_role().map(|r| BureauRole {
                responsibility: r.responsibility.to_string(),
                since_ms: millis(r.since),
            }),
            erased_at_ms: opt_millis(m.erased_at()),
        }
    }
}

/// The editable profile of a member. Java: `new MemberProfileBuilder(familyName,
/// givenName)`, then its fluent setters and `build()`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MemberProfile {
    /// Nom.
    pub family_name: String,
    /// Prénom.
    pub given_name: String,
    /// Declared service.
    pub service: String,
    /// Grade.
    pub grade: String,
    /// Fonction.
    pub function: String,
    /// Corps or filière.
    pub corps: Option<String>,
    /// Place in the administration, outermost first.
    pub affiliation: Vec<String>,
    /// Skills.
    pub skills: Vec<String>,
    /// Interests.
    pub interests: Vec<String>,
}

impl From<MemberProfile> for cm::MemberProfile {
    fn from(p: MemberProfile) -> Self {
        cm::MemberProfile {
            family_name: p.family_name,
            given_name: p.given_name,
            service: p.service,
            grade: p.grade,
            function: p.function,
            corps: p.corps,
            affiliation: cm::Affiliation::new(p.affiliation),
            skills: p.skills.into_iter().collect::<BTreeSet<_>>(),
            interests: p.interests.into_iter().collect::<BTreeSet<_>>(),
        }
    }
}

/// A change of a member's profile: every field given (not `null`) replaces
/// the member's, every `null` keeps it. Every field defaults to `null`
/// (Kotlin: named arguments, `ProfileUpdate(grade = "commandant")`; Java:
/// `new ProfileUpdateBuilder().grade("commandant").build()`).
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct ProfileUpdate {
    /// Nom.
    #[uniffi(default = None)]
    pub family_name: Option<String>,
    /// Prénom.
    #[uniffi(default = None)]
    pub given_name: Option<String>,
    /// Declared service.
    #[uniffi(default = None)]
    pub service: Option<String>,
    /// Grade.
    #[uniffi(default = None)]
    pub grade: Option<String>,
    /// Fonction.
    #[uniffi(default = None)]
    pub function: Option<String>,
    /// Corps or filière (an empty text clears it).
    #[uniffi(default = None)]
    pub corps: Option<String>,
    /// Place in the administration, outermost first.
    #[uniffi(default = None)]
    pub affiliation: Option<Vec<String>>,
    /// Skills.
    #[uniffi(default = None)]
    pub skills: Option<Vec<String>>,
    /// Interests.
    #[uniffi(default = None)]
    pub interests: Option<Vec<String>>,
}

impl From<ProfileUpdate> for cm::ProfileUpdate {
    fn from(u: ProfileUpdate) -> Self {
        let set = |v: Vec<String>| v.into_iter().collect::<BTreeSet<_>>();
        cm::ProfileUpdate {
            family_name: u.family_name,
            given_name: u.given_name,
            service: u.service,
            grade: u.grade,
            function: u.function,
            corps: u.corps,
            affiliation: u.affiliation.map(cm::Affiliation::new),
            skills: u.skills.map(set),
            interests: u.interests.map(set),
        }
    }
}

#[uniffi::export]
impl Community {
    /// All members, by identifier.
    pub fn members(&self) -> Result<Vec<Member>, CimiError> {
        self.read(|c| Ok(c.members().map(Into::into).collect()))
    }

    /// A member by identifier, or `null`.
    pub fn member(&self, member_id: i64) -> Result<Option<Member>, CimiError> {
        let id = convert::member_id(member_id)?;
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

    /// Updates a member's profile: the fields `update` gives replace the
    /// member's, the others keep their value (the core's rule, as in Python).
    pub fn update_profile(
        &self,
        member_id: i64,
        update: ProfileUpdate,
        at_ms: i64,
    ) -> Result<(), CimiError> {
        let id = convert::member_id(member_id)?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.update_profile(id, cm::ProfileUpdate::from(update), at))
    }

    /// Records a consent decision (granted or withdrawn), dated `at_ms`.
    pub fn set_consent(
        &self,
        member_id: i64,
        kind: ConsentKind,
        granted: bool,
        at_ms: i64,
    ) -> Result<(), CimiError> {
        let id = convert::member_id(member_id)?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.set_consent(id, kind, granted, at))
    }

    /// Whether the member's consent of that kind is granted at `at_ms` (the
    /// latest decision wins; no decision means no consent).
    pub fn has_consent(
        &self,
        member_id: i64,
        kind: ConsentKind,
        at_ms: i64,
    ) -> Result<bool, CimiError> {
        let id = convert::member_id(member_id)?;
        let at = instant(at_ms, "at_ms")?;
        self.read(|c| Ok(c.has_consent(id, kind, at)?))
    }

    /// Gives a member a bureau responsibility, or removes it with `null`.
    pub fn set_bureau_role(
        &self,
        member_id: i64,
        responsibility: Option<String>,
        at_ms: i64,
    ) -> Result<(), CimiError> {
        let id = convert::member_id(member_id)?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.set_bureau_role(id, responsibility.as_deref(), at))
    }

    /// A member's status (active, dormant, erased) at `now_ms`.
    pub fn member_status(&self, member_id: i64, now_ms: i64) -> Result<MemberStatus, CimiError> {
        let id = convert::member_id(member_id)?;
        let now = instant(now_ms, "now_ms")?;
        self.read(|c| Ok(c.member_status(id, now)?))
    }

    /// The members holding a bureau role.
    pub fn bureau(&self) -> Result<Vec<Member>, CimiError> {
        self.read(|c| Ok(c.bureau().into_iter().map(Into::into).collect()))
    }
}
