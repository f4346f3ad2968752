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
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Affiliation {
    units: Vec<String>,
}

impl Affiliation {
    /// Builds an affiliation from the outermost unit inwards; blank units are dropped.
    pub fn new<I, S>(units: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Affiliation {
            units: units
                .into_iter()
                .map(|u| u.into().trim().to_string())
                .filter(|u| !u.is_empty())
                .collect(),
        }
    }

    /// The units, outermost first.
    pub fn units(&self) -> &[String] {
        &self.units
    }

    /// The administration (ministry or local authority), the outermost unit.
    pub fn administration(&self) -> Option<&str> {
        self.units.first().map(String::as_str)
    }

    /// Whether a unit of that name (ignoring case) appears anywhere in the path.
    pub fn includes(&self, unit: &str) -> bool {
        self.units
            .iter()
            .any(|u| u.to_lowercase() == unit.trim().to_lowercase())
    }

    /// Whether the affiliation is empty (unknown).
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }
}

impl fmt::Display for Affiliation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.units.join(" › "))
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
    pub responsibility: String,
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
    pub family_name: String,
    /// Given name (prénom).
    pub given_name: String,
    /// Service as the member declared it (free text).
    pub service: String,
    /// Place in the administration, when known.
    #[serde(default, skip_serializing_if = "Affiliation::is_empty")]
    pub affiliation: Affiliation,
    /// Corps or filière (police, gendarmerie, SIC, administrative, contract agent…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corps: Option<String>,
    /// Grade (free text with known values: capitaine, ingénieur des SIC…).
    pub grade: String,
    /// Function (fonction).
    pub function: String,
    /// Skills (compétences), the basis of mutual help.
    #[serde(default)]
    pub skills: BTreeSet<String>,
    /// Interests.
    #[serde(default)]
    pub interests: BTreeSet<String>,
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
            family_name: String::new(),
            given_name: String::new(),
            service: String::new(),
            affiliation: Affiliation::default(),
            corps: None,
            grade: String::new(),
            function: String::new(),
            skills: BTreeSet::new(),
            interests: BTreeSet::new(),
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

    /// Records a participation at `at` (membership *de fait*).
    pub fn record_participation(&mut self, at: DateTime<Utc>) {
        if self.last_participation_at.is_none_or(|last| last < at) {
            self.last_participation_at = Some(at);
        }
    }
}
