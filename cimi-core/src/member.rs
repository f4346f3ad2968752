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
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    #[serde(default, skip_serializing_if = "Affiliation::is_empty")]
    pub affiliation: Affiliation,
    /// Corps or filière (police, gendarmerie, SIC, administrative, contract agent…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corps: Option<Text>,
    /// Grade (free text with known values: capitaine, ingénieur des SIC…).
    pub grade: Text,
    /// Function (fonction).
    pub function: Text,
    /// Skills (compétences), the basis of mutual help.
    #[serde(default)]
    pub skills: TextSet,
    /// Interests.
    #[serde(default)]
    pub interests: TextSet,
    /// Every consent decision, oldest first.
    #[serde(default)]
    pub consents: Vec<Consent>,
    /// First participation or addition to the directory.
    pub joined_at: DateTime<Utc>,
    /// Last participation, if any.
    #[serde(default)]
    pub last_participation_at: Option<DateTime<Utc>>,
    /// Role in the bureau, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bureau_role: Option<BureauRole>,
    /// When the member's personal data was erased, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erased_at: Option<DateTime<Utc>>,
}

impl fmt::Debug for Member {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Member")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("skills", &self.skills.len())
            .field("joined_at", &self.joined_at)
            .field("last_participation_at", &self.last_participation_at)
            .field("bureau", &self.bureau_role.is_some())
            .field("erased", &self.erased_at.is_some())
            .finish_non_exhaustive()
    }
}

impl Member {
    /// A member known only by address, joining at `at`.
    pub fn new(id: MemberId, email: EmailAddress, at: DateTime<Utc>) -> Member {
        Member {
            id,
            email,
            family_name: Text::empty(),
            given_name: Text::empty(),
            service: Text::empty(),
            affiliation: Affiliation::default(),
            corps: None,
            grade: Text::empty(),
            function: Text::empty(),
            skills: TextSet::new(),
            interests: TextSet::new(),
            consents: Vec::new(),
            joined_at: at,
            last_participation_at: None,
            bureau_role: None,
            erased_at: None,
        }
    }

    /// The status at `now`, for the statutes' activity window.
    ///
    /// A member who never participated is active during the window that follows
    /// joining the directory.
    pub fn status(&self, activity_window: Duration, now: DateTime<Utc>) -> MemberStatus {
        if self.erased_at.is_some() {
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
    /// m.consents.push(Consent { kind: ConsentKind::Recording, granted: true, at: t });
    /// assert!(m.has_consent(ConsentKind::Recording, t + Duration::seconds(1)));
    /// assert!(!m.has_consent(ConsentKind::MailingList, t));
    /// # Ok::<(), cimi_core::address::AddressError>(())
    /// ```
    pub fn has_consent(&self, kind: ConsentKind, at: DateTime<Utc>) -> bool {
        self.consents
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
        self.corps = self.corps.as_ref().map(|c| i.share(c));
        self.affiliation = self.affiliation.share(i);
        self.skills = i.share_set(&self.skills);
        self.interests = i.share_set(&self.interests);
        if let Some(role) = &mut self.bureau_role {
            role.responsibility = i.share(&role.responsibility);
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
        if let Some(c) = &self.corps {
            i.release(c);
        }
        self.affiliation.release(i);
        for set in [&self.skills, &self.interests] {
            if let Some(t) = set.as_text() {
                i.release(t);
            }
        }
        if let Some(role) = &self.bureau_role {
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
