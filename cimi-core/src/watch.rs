//! Technology watch (veille) and the channels it reaches.
//!
//! The watch is internal (the ministry's own projects, read on its intranets)
//! or external (computing at large). Its items go to the community's channels —
//! forum, wiki, mailing list, contact mailbox, Tchap room, public social
//! account, intranet site — each with a visibility. The statutes' rule on the
//! watch is enforced here: **an internal item never reaches a channel wider than the
//! ministry**; the public account carries only the external watch.
//!
//! Visibilities, from narrowest to widest: members only, ministry-internal,
//! public. An internal item may go to members-only and ministry-internal
//! channels; an external item anywhere.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use cimi_core::{Community, watch::{NewWatchItem, Scope}};
//! let t = Utc.with_ymd_and_hms(2024, 3, 4, 9, 0, 0).unwrap();
//! let mut c = Community::cimi();
//! let item = c.share_watch_item(NewWatchItem {
//!     title: "Projet interne de messagerie".into(),
//!     link: "https://intranet.interieur.gouv.fr/projet".into(),
//!     summary: String::new(),
//!     tags: vec!["messagerie".into()],
//!     scope: Scope::Internal,
//!     shared_by: "jean@interieur.gouv.fr".into(),
//!     event: None,
//!     help_request: None,
//! }, t)?;
//! let err = c.publish_watch_item(item, "twitter", t).unwrap_err();
//! assert_eq!(err.kind(), "internal_item_on_public_channel");
//! c.publish_watch_item(item, "forum", t)?;
//! # Ok::<(), cimi_core::Error>(())
//! ```

use std::collections::BTreeSet;
use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::event::to_paris;
use crate::help::HelpRequestId;
use crate::i18n::Lang;
use crate::ids::{EventId, MemberId};

pub use crate::ids::WatchItemId;

/// Internal or external watch.
///
/// ```
/// use cimi_core::watch::{Scope, ChannelVisibility};
/// assert!(!Scope::Internal.allows(ChannelVisibility::Public));
/// assert!(Scope::External.allows(ChannelVisibility::Public));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Scope {
    /// The ministry's own projects and initiatives (intranets).
    Internal,
    /// Computing at large.
    External,
}

impl Scope {
    /// A stable snake_case name.
    pub fn kind(self) -> &'static str {
        match self {
            Scope::Internal => "internal",
            Scope::External => "external",
        }
    }

    /// Parses a snake_case name.
    pub fn from_kind(s: &str) -> Option<Scope> {
        match s {
            "internal" => Some(Scope::Internal),
            "external" => Some(Scope::External),
            _ => None,
        }
    }

    /// The widest visibility an item of this scope may reach.
    pub fn widest(self) -> ChannelVisibility {
        match self {
            Scope::Internal => ChannelVisibility::MinistryInternal,
            Scope::External => ChannelVisibility::Public,
        }
    }

    /// Whether an item of this scope may go to a channel of that visibility.
    pub fn allows(self, visibility: ChannelVisibility) -> bool {
        visibility <= self.widest()
    }
}

/// Who can read a channel, from narrowest to widest.
///
/// ```
/// use cimi_core::watch::ChannelVisibility::*;
/// assert!(MembersOnly < MinistryInternal && MinistryInternal < Public);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChannelVisibility {
    /// The community's members.
    MembersOnly,
    /// The ministry's agents (intranet, ministry network).
    MinistryInternal,
    /// Anyone on the Internet.
    Public,
}

impl ChannelVisibility {
    /// A stable snake_case name.
    pub fn kind(self) -> &'static str {
        match self {
            ChannelVisibility::MembersOnly => "members_only",
            ChannelVisibility::MinistryInternal => "ministry_internal",
            ChannelVisibility::Public => "public",
        }
    }
}

/// What a channel is.
///
/// ```
/// assert_eq!(cimi_core::watch::ChannelKind::TchapRoom.kind(), "tchap_room");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChannelKind {
    /// Discussion forum.
    Forum,
    /// Wiki.
    Wiki,
    /// Mailing list (recipients: members who consented).
    MailingList,
    /// Contact mailbox.
    ContactMailbox,
    /// Tchap room (the State's messaging).
    TchapRoom,
    /// Public social account (Twitter…).
    PublicSocial,
    /// Intranet site.
    IntranetSite,
    /// Source code forge account.
    CodeForge,
}

impl ChannelKind {
    /// A stable snake_case name.
    pub fn kind(self) -> &'static str {
        match self {
            ChannelKind::Forum => "forum",
            ChannelKind::Wiki => "wiki",
            ChannelKind::MailingList => "mailing_list",
            ChannelKind::ContactMailbox => "contact_mailbox",
            ChannelKind::TchapRoom => "tchap_room",
            ChannelKind::PublicSocial => "public_social",
            ChannelKind::IntranetSite => "intranet_site",
            ChannelKind::CodeForge => "code_forge",
        }
    }
}

/// A channel of the community, declared in its statutes.
///
/// ```
/// let s = cimi_core::Statutes::cimi();
/// let twitter = s.channel("twitter").unwrap();
/// assert_eq!(twitter.visibility.kind(), "public");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channel {
    /// Stable identifier.
    pub id: String,
    /// Kind.
    pub kind: ChannelKind,
    /// Name for people (`@communaute_cimi`, `Forum CIMI`…).
    pub name: String,
    /// Who can read it.
    pub visibility: ChannelVisibility,
}

/// A publication refused by the watch rules.
///
/// ```
/// use cimi_core::{watch::PublicationRefusal, Lang};
/// let r = PublicationRefusal::InternalItemOnPublicChannel { channel: "twitter".into() };
/// assert!(r.message(Lang::Fr).contains("twitter"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PublicationRefusal {
    /// An internal item on a channel wider than the ministry.
    #[error(
        "an internal watch item cannot be published on '{channel}', which is wider than the ministry"
    )]
    InternalItemOnPublicChannel {
        /// The channel.
        channel: String,
    },
    /// The statutes declare no such channel.
    #[error("no channel '{channel}' in the statutes")]
    UnknownChannel {
        /// The identifier asked.
        channel: String,
    },
}

impl PublicationRefusal {
    /// A stable snake_case identifier.
    pub fn kind(&self) -> &'static str {
        match self {
            PublicationRefusal::InternalItemOnPublicChannel { .. } => {
                "internal_item_on_public_channel"
            }
            PublicationRefusal::UnknownChannel { .. } => "unknown_channel",
        }
    }

    /// The refusal in the given language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (PublicationRefusal::InternalItemOnPublicChannel { channel }, Lang::Fr) => format!(
                "un élément de veille interne ne peut pas être publié sur « {channel} », plus large que le ministère"
            ),
            (PublicationRefusal::UnknownChannel { channel }, Lang::Fr) => {
                format!("aucun canal « {channel} » dans les statuts")
            }
            _ => self.to_string(),
        }
    }
}

/// What is needed to share a watch item.
///
/// ```
/// # use cimi_core::watch::{NewWatchItem, Scope};
/// let item = NewWatchItem { title: "Rust 2024".into(), link: "https://blog.rust-lang.org".into(),
///     summary: "Nouvelle édition".into(), tags: vec!["Rust".into()], scope: Scope::External,
///     shared_by: "jean@interieur.gouv.fr".into(), event: None, help_request: None };
/// assert_eq!(item.scope, Scope::External);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWatchItem {
    /// Title.
    pub title: String,
    /// Link.
    pub link: String,
    /// Summary (may span lines).
    pub summary: String,
    /// Tags (stored lowercased, white space collapsed).
    pub tags: Vec<String>,
    /// Internal or external.
    pub scope: Scope,
    /// Address of the member who shares it (becomes a member *de fait*).
    pub shared_by: String,
    /// Related event.
    pub event: Option<EventId>,
    /// Related help request.
    pub help_request: Option<HelpRequestId>,
}

/// A shared watch item.
///
/// ```
/// # use cimi_core::watch::WatchItem;
/// # fn f(w: &WatchItem) -> bool { w.published.is_empty() }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchItem {
    /// Identifier.
    pub id: WatchItemId,
    /// Title.
    pub title: String,
    /// Link.
    pub link: String,
    /// Summary.
    #[serde(default)]
    pub summary: String,
    /// Tags, normalised.
    #[serde(default)]
    pub tags: BTreeSet<String>,
    /// Internal or external.
    pub scope: Scope,
    /// Who shared it.
    pub shared_by: MemberId,
    /// When.
    pub shared_at: DateTime<Utc>,
    /// Related event.
    #[serde(default)]
    pub event: Option<EventId>,
    /// Related help request.
    #[serde(default)]
    pub help_request: Option<HelpRequestId>,
    /// Channels it was published on, with when.
    #[serde(default)]
    pub published: Vec<(String, DateTime<Utc>)>,
}

/// An upcoming event in a digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpcomingEvent {
    /// The event.
    pub id: EventId,
    /// Title.
    pub title: String,
    /// Kind.
    pub kind: crate::event::EventKind,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// Venue name, if any.
    pub venue: Option<String>,
}

/// A digest of the watch for one channel and period.
///
/// ```
/// # use cimi_core::watch::Digest;
/// # fn f(d: &Digest) -> usize { d.groups.len() }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Digest {
    /// The channel.
    pub channel: Channel,
    /// Start of the period (included).
    pub from: DateTime<Utc>,
    /// End of the period (excluded).
    pub to: DateTime<Utc>,
    /// Items by tag (sorted); an item with several tags appears under each;
    /// items without tags come under `""`.
    pub groups: Vec<(String, Vec<WatchItem>)>,
    /// Events open for registration that start after `now`.
    pub upcoming: Vec<UpcomingEvent>,
}

fn paris_date(t: DateTime<Utc>, lang: Lang) -> String {
    let p = to_paris(t);
    match lang {
        Lang::Fr => p.format("%d/%m/%Y").to_string(),
        _ => p.format("%Y-%m-%d").to_string(),
    }
}

pub(crate) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Digest {
    fn title(&self, lang: Lang) -> String {
        format!(
            "{} — {} ({} → {})",
            lang.pick("Veille", "Technology watch"),
            self.channel.name,
            paris_date(self.from, lang),
            paris_date(self.to, lang)
        )
    }

    fn group_name(tag: &str, lang: Lang) -> String {
        if tag.is_empty() {
            lang.pick("(sans étiquette)", "(untagged)").to_string()
        } else {
            tag.to_string()
        }
    }

    /// The digest as plain text.
    pub fn to_text(&self, lang: Lang) -> String {
        let mut out = String::new();
        let title = self.title(lang);
        let _ = writeln!(out, "{title}\n{}\n", "=".repeat(title.chars().count()));
        if self.groups.is_empty() {
            let _ = writeln!(
                out,
                "{}\n",
                lang.pick(
                    "Aucun élément de veille sur la période.",
                    "No watch item in the period."
                )
            );
        }
        for (tag, items) in &self.groups {
            let _ = writeln!(out, "[{}]", Self::group_name(tag, lang));
            for i in items {
                let _ = writeln!(
                    out,
                    "- {} ({})\n  {}",
                    one_line(&i.title),
                    paris_date(i.shared_at, lang),
                    i.link
                );
                if !i.summary.trim().is_empty() {
                    let _ = writeln!(out, "  {}", one_line(&i.summary));
                }
            }
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "{}",
            lang.pick(
                "Événements ouverts aux inscriptions :",
                "Events open for registration:"
            )
        );
        if self.upcoming.is_empty() {
            let _ = writeln!(out, "- {}", lang.pick("aucun", "none"));
        }
        for e in &self.upcoming {
            let when = to_paris(e.starts_at);
            let _ = writeln!(
                out,
                "- {} {} : {} « {} »{}",
                paris_date(e.starts_at, lang),
                when.format("%H:%M"),
                e.kind.label(lang),
                one_line(&e.title),
                e.venue
                    .as_ref()
                    .map(|v| format!(", {}", one_line(v)))
                    .unwrap_or_default()
            );
        }
        out
    }

    /// The digest as Markdown (text is escaped so that it cannot inject markup).
    pub fn to_markdown(&self, lang: Lang) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# {}\n", md(&self.title(lang)));
        if self.groups.is_empty() {
            let _ = writeln!(
                out,
                "_{}_\n",
                lang.pick(
                    "Aucun élément de veille sur la période.",
                    "No watch item in the period."
                )
            );
        }
        for (tag, items) in &self.groups {
            let _ = writeln!(out, "## {}\n", md(&Self::group_name(tag, lang)));
            for i in items {
                let _ = writeln!(
                    out,
                    "- [{}](<{}>) — {}",
                    md(&one_line(&i.title)),
                    i.link.replace(['<', '>', ' '], ""),
                    paris_date(i.shared_at, lang)
                );
                if !i.summary.trim().is_empty() {
                    let _ = writeln!(out, "  {}", md(&one_line(&i.summary)));
                }
            }
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "## {}\n",
            lang.pick(
                "Événements ouverts aux inscriptions",
                "Events open for registration"
            )
        );
        if self.upcoming.is_empty() {
            let _ = writeln!(out, "- {}", lang.pick("aucun", "none"));
        }
        for e in &self.upcoming {
            let _ = writeln!(
                out,
                "- **{} {}** — {} « {} »{}",
                paris_date(e.starts_at, lang),
                to_paris(e.starts_at).format("%H:%M"),
                e.kind.label(lang),
                md(&one_line(&e.title)),
                e.venue
                    .as_ref()
                    .map(|v| format!(", {}", md(&one_line(v))))
                    .unwrap_or_default()
            );
        }
        out
    }
}

/// Escapes Markdown's special characters.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\`*_{}[]()<>#+-.!|~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
