//! Members: people who take part in the community.
//!
//! There is no application form: one is a member *de fait* by participating
//! (registering for or attending an event, asking or answering for help). A
//! member's status is derived, never stored: *active* while the last
//! participation is within the statutes' activity window, *dormant* after it,
//! *erased* after a GDPR erasure.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use cimi_core::member::{Member, MemberStatus};
//! use cimi_core::ids::MemberId;
//!
//! let joined = Utc.with_ymd_and_hms(2017, 12, 1, 9, 0, 0).unwrap();
//! let m = Member::new(MemberId::new(1), "jean@interieur.gouv.fr".parse()?, joined);
//! let window = chrono::Duration::days(365);
//! assert_eq!(m.status(window, joined + chrono::Duration::days(30)), MemberStatus::Active);
//! assert_eq!(m.status(window, joined + chrono::Duration::days(400)), MemberStatus::Dormant);
//! # Ok::<(), cimi_core::address::AddressError>(())
//! ```

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::address::EmailAddress;
use crate::i18n::Lang;
use crate::ids::MemberId;
use crate::text::{Interner, SEPARATOR, Text, TextSet};

/// A place in the administration: administration → direction → service, e.g.
/// `Intérieur → DGGN → ST(SI)²`.
///
/// ```
/// use cimi_core::member::Affiliation;
/// let a = Affiliation::new(["Intérieur", "Préfecture de police", "SDSICIF"]);
/// assert_eq!(a.administration(), Some("Intérieur"));
/// assert!(a.includes("sdsicif"));
/// assert_eq!(a.to_string(), "Intérieur › Préfecture de police › SDSICIF");
/// ```
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Affiliation {
    // The units joined by U+001F, outermost first: one pointer per member,
    // shared by everyone in the same service.
    units: Option<Text>,
}

impl Affiliation {
    /// Builds an affiliation from the outermost unit inwards; blank units are
    /// dropped, and so are units holding control characters.
    pub fn new<I, S>(units: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut joined = String::new();
        for u in units {
            let u = u.as_ref().trim();
            if u.is_empty() || u.contains(SEPARATOR) {
                continue;
            }
            if !joined.is_empty() {
                joined.push(SEPARATOR);
            }
            joined.push_str(u);
        }
        Affiliation {
            units: (!joined.is_empty()).then(|| Text::from(joined)),
        }
    }

    /// The units, outermost first.
    ///
    /// ```
    /// let a = cimi_core::member::Affiliation::new(["Intérieur", "DGGN"]);
    /// assert_eq!(a.units().collect::<Vec<_>>(), ["Intérieur", "DGGN"]);
    /// ```
    pub fn units(&self) -> impl DoubleEndedIterator<Item = &str> + Clone + '_ {
        self.units
            .as_deref()
            .into_iter()
            .flat_map(|s| s.split(SEPARATOR))
    }

    /// The administration (ministry or local authority), the outermost unit.
    pub fn administration(&self) -> Option<&str> {
        self.units().next()
    }

    /// The innermost unit (usually the service).
    ///
    /// ```
    /// let a = cimi_core::member::Affiliation::new(["Intérieur", "DGGN", "ST(SI)²"]);
    /// assert_eq!(a.innermost(), Some("ST(SI)²"));
    /// ```
    pub fn innermost(&self) -> Option<&str> {
        self.units().next_back()
    }

    /// Whether a unit of that name (ignoring case) appears anywhere in the path.
    pub fn includes(&self, unit: &str) -> bool {
        let unit = unit.trim().to_lowercase();
        self.units().any(|u| u.to_lowercase() == unit)
    }

    /// Whether the affiliation is empty (unknown).
    pub fn is_empty(&self) -> bool {
        self.units.is_none()
    }

    pub(crate) fn share(&self, interner: &mut Interner) -> Affiliation {
        Affiliation {
            units: self.units.as_ref().map(|t| interner.share(t)),
        }
    }

    pub(crate) fn release(&self, interner: &mut Interner) {
        if let Some(t) = &self.units {
            interner.release(t);
        }
    }
}

impl fmt::Display for Affiliation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, u) in self.units().enumerate() {
            if i > 0 {
                f.write_str(" › ")?;
            }
            f.write_str(u)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Affiliation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.units()).finish()
    }
}

impl Serialize for Affiliation {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.units())
    }
}

impl<'de> Deserialize<'de> for Affiliation {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let units: Vec<String> = Vec::deserialize(d)?;
        if units.iter().any(|u| u.contains(SEPARATOR)) {
            return Err(serde::de::Error::custom(
                "an affiliation unit contains a control character",
            ));
        }
        Ok(Affiliation::new(units))
    }
}

/// What a member may consent to.
///
/// ```
/// use cimi_core::member::ConsentKind;
/// assert_eq!(ConsentKind::Recording.kind(), "recording");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ConsentKind {
    /// Receiving the mailing list.
    MailingList,
    /// Being recorded during events.
    Recording,
    /// Publication of one's name (attendee lists, reports).
    NamePublication,
}

impl ConsentKind {
    /// All kinds, in a stable order.
    pub const ALL: [ConsentKind; 3] = [
        ConsentKind::MailingList,
        ConsentKind::Recording,
        ConsentKind::NamePublication,
    ];

    /// A stable snake_case name.
    pub fn kind(self) -> &'static str {
        match self {
            ConsentKind::MailingList => "mailing_list",
            ConsentKind::Recording => "recording",
            ConsentKind::NamePublication => "name_publication",
        }
    }

    /// Parses a snake_case name.
    ///
    /// ```
    /// use cimi_core::member::ConsentKind;
    /// assert_eq!(ConsentKind::from_kind("mailing_list"), Some(ConsentKind::MailingList));
    /// ```
    pub fn from_kind(s: &str) -> Option<ConsentKind> {
        ConsentKind::ALL.into_iter().find(|k| k.kind() == s)
    }
}

/// One dated decision about a consent: granted or withdrawn at an instant.
///
/// ```
/// use chrono::Utc;
/// use cimi_core::member::{Consent, ConsentKind};
/// let c = Consent { kind: ConsentKind::MailingList, granted: true, at: Utc::now() };
/// assert!(c.granted);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    /// What the decision is about.
    pub kind: ConsentKind,
    /// Granted (`true`) or withdrawn (`false`).
    pub granted: bool,
    /// When the decision was made.
    pub at: DateTime<Utc>,
}

/// A member's status, derived from participation and the statutes.
///
/// ```
/// assert_eq!(cimi_core::member::MemberStatus::Dormant.kind(), "dormant");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MemberStatus {
    /// Participated within the activity window.
    Active,
    /// No participation within the activity window.
    Dormant,
    /// Personal data erased (GDPR); kept only for aggregates.
    Erased,
}

impl MemberStatus {
    /// A stable snake_case name.
    pub fn kind(self) -> &'static str {
        match self {
            MemberStatus::Active => "active",
            MemberStatus::Dormant => "dormant",
            MemberStatus::Erased => "erased",
        }
    }

    /// The status in the given language.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            MemberStatus::Active => lang.pick("actif", "active"),
            MemberStatus::Dormant => lang.pick("en sommeil", "dormant"),
            MemberStatus::Erased => lang.pick("effacé", "erased"),
        }
    }
}

/// A responsibility in the bureau (graphic charters, mailing list, GitHub,
/// miditech organisation…).
///
/// ```
/// let role = cimi_core::member::BureauRole { responsibility: "GitHub".into(), since: chrono::Utc::now() };
/// assert_eq!(role.responsibility, "GitHub");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BureauRole {
    /// What the member is responsible for.
    pub responsibility: Text,
    /// Since when.
    pub since: DateTime<Utc>,
}

/// The editable profile of a member.
///
/// ```
/// use cimi_core::member::MemberProfile;
/// let p = MemberProfile { family_name: "Meslier".into(), given_name: "Isabelle".into(),
///                         grade: "commandant".into(), ..Default::default() };
/// assert!(p.skills.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
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
    /// Structured affiliation.
    pub affiliation: Affiliation,
    /// Skills.
    pub skills: BTreeSet<String>,
    /// Interests.
    pub interests: BTreeSet<String>,
}

/// Changes to a member's profile, for [`Community::update_profile`](crate::Community::update_profile):
/// each field given (`Some`) replaces the current value, each field left
/// `None` keeps it. An empty `corps` clears it. This is the one rule of
/// profile updates, in Rust, Python and the FFI alike.
///
/// ```
/// use cimi_core::member::{MemberProfile, ProfileUpdate};
/// let base = MemberProfile { family_name: "Martin".into(), grade: "attachée".into(), ..Default::default() };
/// let up = ProfileUpdate { grade: Some("commandant".into()), ..Default::default() };
/// let p = up.apply_to(base);
/// assert_eq!((p.family_name.as_str(), p.grade.as_str()), ("Martin", "commandant"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProfileUpdate {
    /// Nom.
    pub family_name: Option<String>,
    /// Prénom.
    pub given_name: Option<String>,
    /// Declared service.
    pub service: Option<String>,
    /// Grade.
    pub grade: Option<String>,
    /// Fonction.
    pub function: Option<String>,
    /// Corps or filière (an empty text clears it).
    pub corps: Option<String>,
    /// Structured affiliation.
    pub affiliation: Option<Affiliation>,
    /// Skills.
    pub skills: Option<BTreeSet<String>>,
    /// Interests.
    pub interests: Option<BTreeSet<String>>,
}

impl ProfileUpdate {
    /// The profile `base` with this update's fields replaced.
    pub fn apply_to(self, base: MemberProfile) -> MemberProfile {
        MemberProfile {
            family_name: self.family_name.unwrap_or(base.family_name),
            given_name: self.given_name.unwrap_or(base.given_name),
            service: self.service.unwrap_or(base.service),
            grade: self.grade.unwrap_or(base.grade),
            function: self.function.unwrap_or(base.function),
            corps: self.corps.or(base.corps),
            affiliation: self.affiliation.unwrap_or(base.affiliation),
            skills: self.skills.unwrap_or(base.skills),
            interests: self.interests.unwrap_or(base.interests),
        }
    }
}

/// A whole profile as an update that gives every field.
impl From<MemberProfile> for ProfileUpdate {
    fn from(p: MemberProfile) -> Self {
        ProfileUpdate {
            family_name: Some(p.family_name),
            given_name: Some(p.given_name),
            service: Some(p.service),
            grade: Some(p.grade),
            function: Some(p.function),
            corps: Some(p.corps.unwrap_or_default()),
            affiliation: Some(p.affiliation),
            skills: Some(p.skills),
            interests: Some(p.interests),
        }
    }
}

/// A member of the community.
///
/// `Debug` output shows no personal data (names and address are elided).
///
/// ```
/// use chrono::Utc;
/// use cimi_core::ids::MemberId;
/// use cimi_core::member::Member;
/// let mut m = Member::new(MemberId::new(1), "a@x.gouv.fr".parse()?, Utc::now());
/// m.family_name = "Martin".into();
/// assert!(!format!("{m:?}").contains("Martin"));
/// # Ok::<(), cimi_core::address::AddressError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "MemberRecord")]
pub struct Member {
    /// Identifier.
    pub id: MemberId,
    /// E-mail address; identifies the person.
    pub email: EmailAddress,
    /// Family name (nom).
    pub family_name: Text,
    /// Given name (prénom).
    pub given_name: Text,
    /// Service as the member declared it (free text).
    pub service: Text,
    /// Place in the administration, when known.
    pub affiliation: Affiliation,
    /// Grade (free text with known values: capitaine, ingénieur des SIC…).
    pub grade: Text,
    /// Function (fonction).
    pub function: Text,
    /// Skills (compétences), the basis of mutual help.
    pub skills: TextSet,
    /// First participation or addition to the directory.
    pub joined_at: DateTime<Utc>,
    /// Last participation, if any.
    pub last_participation_at: Option<DateTime<Utc>>,
    /// The fields most members leave unset (corps, interests, consents,
    /// bureau role, erasure), in one allocation only for those who set one:
    /// a national directory holds millions of members.
    rare: Option<Box<Rare>>,
}

/// The rarely set fields of a [`Member`]; never all empty when boxed.
#[derive(Clone, Default, PartialEq, Eq)]
struct Rare {
    corps: Option<Text>,
    interests: TextSet,
    consents: Vec<Consent>,
    bureau_role: Option<BureauRole>,
    erased_at: Option<DateTime<Utc>>,
}

impl Rare {
    fn is_empty(&self) -> bool {
        self.corps.is_none()
            && self.interests.is_empty()
            && self.consents.is_empty()
            && self.bureau_role.is_none()
            && self.erased_at.is_none()
    }
}

static NO_RARE: Rare = Rare {
    corps: None,
    interests: TextSet::new(),
    consents: Vec::new(),
    bureau_role: None,
    erased_at: None,
};

/// A member as documents and journals spell it (the names and order of the
/// JSON format's fields), to read.
#[derive(Deserialize)]
struct MemberRecord {
    id: MemberId,
    email: EmailAddress,
    family_name: Text,
    given_name: Text,
    service: Text,
    #[serde(default)]
    affiliation: Affiliation,
    #[serde(default)]
    corps: Option<Text>,
    grade: Text,
    function: Text,
    #[serde(default)]
    skills: TextSet,
    #[serde(default)]
    interests: TextSet,
    #[serde(default)]
    consents: Vec<Consent>,
    joined_at: DateTime<Utc>,
    #[serde(default)]
    last_participation_at: Option<DateTime<Utc>>,
    #[serde(default)]
    bureau_role: Option<BureauRole>,
    #[serde(default)]
    erased_at: Option<DateTime<Utc>>,
}

/// The same, to write.
#[derive(Serialize)]
struct MemberRef<'a> {
    id: MemberId,
    email: &'a EmailAddress,
    family_name: &'a Text,
    given_name: &'a Text,
    service: &'a Text,
    #[serde(skip_serializing_if = "Affiliation::is_empty")]
    affiliation: &'a Affiliation,
    #[serde(skip_serializing_if = "Option::is_none")]
    corps: Option<&'a Text>,
    grade: &'a Text,
    function: &'a Text,
    skills: &'a TextSet,
    interests: &'a TextSet,
    consents: &'a [Consent],
    joined_at: DateTime<Utc>,
    last_participation_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bureau_role: Option<&'a BureauRole>,
    #[serde(skip_serializing_if = "Option::is_none")]
    erased_at: Option<DateTime<Utc>>,
}

impl From<MemberRecord> for Member {
    fn from(r: MemberRecord) -> Member {
        let mut m = Member {
            id: r.id,
            email: r.email,
            family_name: r.family_name,
            given_name: r.given_name,
            service: r.service,
            affiliation: r.affiliation,
            grade: r.grade,
            function: r.function,
            skills: r.skills,
            joined_at: r.joined_at,
            last_participation_at: r.last_participation_at,
            rare: Some(Box::new(Rare {
                corps: r.corps,
                interests: r.interests,
                consents: r.consents,
                bureau_role: r.bureau_role,
                erased_at: r.erased_at,
            })),
        };
        m.tidy();
        m
    }
}

impl Serialize for Member {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let rare = self.rare();
        MemberRef {
            id: self.id,
            email: &self.email,
            family_name: &self.family_name,
            given_name: &self.given_name,
            service: &self.service,
            affiliation: &self.affiliation,
            corps: rare.corps.as_ref(),
            grade: &self.grade,
            function: &self.function,
            skills: &self.skills,
            interests: &rare.interests,
            consents: &rare.consents,
            joined_at: self.joined_at,
            last_participation_at: self.last_participation_at,
            bureau_role: rare.bureau_role.as_ref(),
            erased_at: rare.erased_at,
        }
        .serialize(serializer)
    }
}

impl fmt::Debug for Member {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Member")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("skills", &self.skills.len())
            .field("joined_at", &self.joined_at)
            .field("last_participation_at", &self.last_participation_at)
            .field("bureau", &self.bureau_role().is_some())
            .field("erased", &self.is_erased())
            .finish_non_exhaustive()
    }
}

impl Member {
    /// The member's editable profile, as [`Community::update_profile`](crate::Community::update_profile)
    /// and [`Community::add_member`](crate::Community::add_member) take it.
    ///
    /// ```
    /// use cimi_core::{ids::MemberId, member::Member};
    /// let m = Member::new(MemberId::new(1), "a@interieur.gouv.fr".parse()?, chrono::Utc::now());
    /// assert_eq!(m.profile().family_name, "");
    /// # Ok::<(), cimi_core::address::AddressError>(())
    /// ```
    pub fn profile(&self) -> MemberProfile {
        MemberProfile {
            family_name: self.family_name.to_string(),
            given_name: self.given_name.to_string(),
            service: self.service.to_string(),
            grade: self.grade.to_string(),
            function: self.function.to_string(),
            corps: self.corps().map(|c| c.to_string()),
            affiliation: self.affiliation.clone(),
            skills: self.skills.iter().map(|s| s.to_string()).collect(),
            interests: self.interests().iter().map(|s| s.to_string()).collect(),
        }
    }

    /// A member known only by address, joining at `at`.
    pub fn new(id: MemberId, email: EmailAddress, at: DateTime<Utc>) -> Member {
        Member {
            id,
            email,
            family_name: Text::empty(),
            given_name: Text::empty(),
            service: Text::empty(),
            affiliation: Affiliation::default(),
            grade: Text::empty(),
            function: Text::empty(),
            skills: TextSet::new(),
            joined_at: at,
            last_participation_at: None,
            rare: None,
        }
    }

    fn rare(&self) -> &Rare {
        self.rare.as_deref().unwrap_or(&NO_RARE)
    }

    /// Changes the rarely set fields, keeping them unboxed while all are empty.
    fn edit_rare<R>(&mut self, edit: impl FnOnce(&mut Rare) -> R) -> R {
        let out = edit(self.rare.get_or_insert_with(Box::default));
        self.tidy();
        out
    }

    fn tidy(&mut self) {
        if self.rare.as_deref().is_some_and(Rare::is_empty) {
            self.rare = None;
        }
    }

    /// Corps or filière (police, gendarmerie, SIC, administrative, contract agent…).
    pub fn corps(&self) -> Option<&Text> {
        self.rare().corps.as_ref()
    }

    /// Sets the corps or filière.
    pub fn set_corps(&mut self, corps: Option<Text>) {
        self.edit_rare(|r| r.corps = corps);
    }

    /// Interests.
    pub fn interests(&self) -> &TextSet {
        &self.rare().interests
    }

    /// Sets the interests.
    pub fn set_interests(&mut self, interests: TextSet) {
        self.edit_rare(|r| r.interests = interests);
    }

    /// Every consent decision, oldest first.
    pub fn consents(&self) -> &[Consent] {
        &self.rare().consents
    }

    /// Records a consent decision (after the others).
    ///
    /// ```
    /// use chrono::Utc;
    /// use cimi_core::{ids::MemberId, member::{Consent, ConsentKind, Member}};
    /// let t = Utc::now();
    /// let mut m = Member::new(MemberId::new(1), "a@x.gouv.fr".parse()?, t);
    /// m.push_consent(Consent { kind: ConsentKind::Recording, granted: true, at: t });
    /// assert_eq!(m.consents().len(), 1);
    /// # Ok::<(), cimi_core::address::AddressError>(())
    /// ```
    pub fn push_consent(&mut self, consent: Consent) {
        self.edit_rare(|r| r.consents.push(consent));
    }

    /// Role in the bureau, if any.
    pub fn bureau_role(&self) -> Option<&BureauRole> {
        self.rare().bureau_role.as_ref()
    }

    /// Sets or clears the role in the bureau.
    pub fn set_bureau_role(&mut self, role: Option<BureauRole>) {
        self.edit_rare(|r| r.bureau_role = role);
    }

    /// When the member's personal data was erased, if it was.
    pub fn erased_at(&self) -> Option<DateTime<Utc>> {
        self.rare().erased_at
    }

    /// Whether the member's personal data was erased.
    pub fn is_erased(&self) -> bool {
        self.rare.as_deref().is_some_and(|r| r.erased_at.is_some())
    }

    /// Marks the member's personal data erased at `at` (the caller clears
    /// the data itself).
    pub fn set_erased_at(&mut self, at: Option<DateTime<Utc>>) {
        self.edit_rare(|r| r.erased_at = at);
    }

    /// The status at `now`, for the statutes' activity window.
    ///
    /// A member who never participated is active during the window that follows
    /// joining the directory.
    pub fn status(&self, activity_window: Duration, now: DateTime<Utc>) -> MemberStatus {
        if self.is_erased() {
            return MemberStatus::Erased;
        }
        let last = self.last_participation_at.unwrap_or(self.joined_at);
        if now.signed_duration_since(last) <= activity_window {
            MemberStatus::Active
        } else {
            MemberStatus::Dormant
        }
    }

    /// Whether the consent of that kind is currently granted (the latest decision
    /// at or before `at` wins; no decision means no consent).
    ///
    /// ```
    /// use chrono::{Duration, Utc};
    /// use cimi_core::{ids::MemberId, member::{Consent, ConsentKind, Member}};
    /// let t = Utc::now();
    /// let mut m = Member::new(MemberId::new(1), "a@x.gouv.fr".parse()?, t);
    /// m.push_consent(Consent { kind: ConsentKind::Recording, granted: true, at: t });
    /// assert!(m.has_consent(ConsentKind::Recording, t + Duration::seconds(1)));
    /// assert!(!m.has_consent(ConsentKind::MailingList, t));
    /// # Ok::<(), cimi_core::address::AddressError>(())
    /// ```
    pub fn has_consent(&self, kind: ConsentKind, at: DateTime<Utc>) -> bool {
        self.consents()
            .iter()
            .filter(|c| c.kind == kind && c.at <= at)
            .max_by_key(|c| c.at)
            .is_some_and(|c| c.granted)
    }

    /// The full name, given name first, for display.
    pub fn display_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
            .trim()
            .to_string()
    }

    /// Whether the member belongs to the named unit, either by the structured
    /// affiliation or by the declared service.
    pub fn belongs_to(&self, unit: &str) -> bool {
        let unit_lower = unit.trim().to_lowercase();
        self.affiliation.includes(unit) || self.service.trim().to_lowercase() == unit_lower
    }

    /// The same member with every text replaced by the community's shared copy.
    pub(crate) fn shared(mut self, i: &mut Interner) -> Member {
        self.family_name = i.share(&self.family_name);
        self.given_name = i.share(&self.given_name);
        self.service = i.share(&self.service);
        self.grade = i.share(&self.grade);
        self.function = i.share(&self.function);
        self.affiliation = self.affiliation.share(i);
        self.skills = i.share_set(&self.skills);
        if let Some(rare) = &mut self.rare {
            rare.corps = rare.corps.as_ref().map(|c| i.share(c));
            rare.interests = i.share_set(&rare.interests);
            if let Some(role) = &mut rare.bureau_role {
                role.responsibility = i.share(&role.responsibility);
            }
        }
        self
    }

    /// Lets the community forget the texts only this (departing) version used.
    pub(crate) fn release(&self, i: &mut Interner) {
        for t in [
            &self.family_name,
            &self.given_name,
            &self.service,
            &self.grade,
            &self.function,
        ] {
            i.release(t);
        }
        if let Some(c) = self.corps() {
            i.release(c);
        }
        self.affiliation.release(i);
        i.release_set(&self.skills);
        i.release_set(self.interests());
        if let Some(role) = self.bureau_role() {
            i.release(&role.responsibility);
        }
    }

    /// Records a participation at `at` (membership *de fait*).
    pub fn record_participation(&mut self, at: DateTime<Utc>) {
        if self.last_participation_at.is_none_or(|last| last < at) {
            self.last_participation_at = Some(at);
        }
    }
}
