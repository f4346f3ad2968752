//! Technology watch (veille) and the community's channels. The core enforces
//! the rule that an internal item never reaches a channel wider than the
//! ministry.

use cimi_core::watch::{self as cw, WatchItemId};

use crate::community::Community;
use crate::convert::{self, id_i64, id_u64};
use crate::error::CimiError;
use crate::time::{instant, millis};
use crate::{EventKind, Lang};

pub use cimi_core::watch::ChannelKind;
pub use cimi_core::watch::ChannelVisibility;
pub use cimi_core::watch::Scope as WatchScope;
use cimi_core::watch::Scope;

/// Whether a watch item is about the ministry's own projects or computing
/// at large.
#[uniffi::remote(Enum)]
#[uniffi(name = "WatchScope")]
#[non_exhaustive]
pub enum Scope {
    /// The ministry's own projects: never on a channel wider than the ministry.
    Internal,
    /// Computing at large: may go anywhere.
    External,
}

/// Who can read a channel, from narrowest to widest.
#[uniffi::remote(Enum)]
#[non_exhaustive]
pub enum ChannelVisibility {
    /// Members only.
    MembersOnly,
    /// The ministry's intranet.
    MinistryInternal,
    /// Everyone.
    Public,
}

/// The kind of a channel.
#[uniffi::remote(Enum)]
#[non_exhaustive]
pub enum ChannelKind {
    /// A forum.
    Forum,
    /// A wiki.
    Wiki,
    /// The mailing list.
    MailingList,
    /// The contact mailbox.
    ContactMailbox,
    /// A Tchap room.
    TchapRoom,
    /// A public social account.
    PublicSocial,
    /// An intranet site.
    IntranetSite,
    /// A code forge.
    CodeForge,
}

/// A channel of the community (from the statutes).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Channel {
    /// Stable identifier (`forum`, `twitter`…).
    pub id: String,
    /// Kind.
    pub kind: ChannelKind,
    /// Name for people.
    pub name: String,
    /// Who can read it.
    pub visibility: ChannelVisibility,
}

impl From<&cw::Channel> for Channel {
    fn from(c: &cw::Channel) -> Self {
        Channel {
            id: c.id.clone(),
            kind: c.kind,
            name: c.name.clone(),
            visibility: c.visibility,
        }
    }
}

/// What is needed to share a watch item. Java: `new NewWatchItemBuilder(title,
/// link, scope, sharedBy)`, then its fluent setters and `build()`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NewWatchItem {
    /// Title.
    pub title: String,
    /// Link.
    pub link: String,
    /// Summary (may span lines).
    pub summary: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Internal or external.
    pub scope: WatchScope,
    /// Address of the member who shares it (becomes a member *de fait*).
    pub shared_by: String,
    /// Related event, if any.
    pub event_id: Option<i64>,
    /// Related help request, if any.
    pub help_request_id: Option<i64>,
}

/// A publication of a watch item on a channel.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Publication {
    /// The channel.
    pub channel: String,
    /// When (ms since the epoch).
    pub at_ms: i64,
}

/// A shared watch item.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WatchItem {
    /// Identifier.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Link.
    pub link: String,
    /// Summary.
    pub summary: String,
    /// Tags, normalised.
    pub tags: Vec<String>,
    /// Internal or external.
    pub scope: WatchScope,
    /// Who shared it (a member).
    pub shared_by_id: i64,
    /// When (ms since the epoch).
    pub shared_at_ms: i64,
    /// Related event.
    pub event_id: Option<i64>,
    /// Related help request.
    pub help_request_id: Option<i64>,
    /// Channels it was published on, with when.
    pub published: Vec<Publication>,
}

impl From<&cw::WatchItem> for WatchItem {
    fn from(w: &cw::WatchItem) -> Self {
        WatchItem {
            id: id_i64(w.id.get()),
            title: w.title.clone(),
            link: w.link.clone(),
            summary: w.summary.clone(),
            tags: w.tags.iter().cloned().collect(),
            scope: w.scope,
            shared_by_id: id_i64(w.shared_by.get()),
            shared_at_ms: millis(w.shared_at),
            event_id: w.event.map(|e| id_i64(e.get())),
            help_request_id: w.help_request.map(|h| id_i64(h.get())),
            published: w
                .published
                .iter()
                .map(|(channel, at)| Publication {
                    channel: channel.clone(),
                    at_ms: millis(*at),
                })
                .collect(),
        }
    }
}

/// Watch items under one tag in a digest.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DigestGroup {
    /// The tag (`""` for items without tags).
    pub tag: String,
    /// The items.
    pub items: Vec<WatchItem>,
}

/// An upcoming event in a digest.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UpcomingEvent {
    /// The event.
    pub event_id: i64,
    /// Title.
    pub title: String,
    /// Kind.
    pub kind: EventKind,
    /// Start (ms since the epoch).
    pub starts_at_ms: i64,
    /// Venue name, if any.
    pub venue: Option<String>,
}

/// The digest of the watch for one channel and period, ready to send.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Digest {
    /// The channel.
    pub channel: Channel,
    /// Start of the period (included, ms since the epoch).
    pub from_ms: i64,
    /// End of the period (excluded, ms since the epoch).
    pub to_ms: i64,
    /// Items by tag (sorted).
    pub groups: Vec<DigestGroup>,
    /// Events open for registration that start later.
    pub upcoming: Vec<UpcomingEvent>,
    /// The digest as plain text, in the language asked.
    pub text: String,
    /// The digest as Markdown (escaped), in the language asked.
    pub markdown: String,
}

fn watch_id(id: i64) -> Result<WatchItemId, CimiError> {
    id_u64(id, "watch_item_id").map(WatchItemId::new)
}

#[uniffi::export]
impl Community {
    /// The community's channels (from the statutes).
    pub fn channels(&self) -> Result<Vec<Channel>, CimiError> {
        self.read(|c| Ok(c.statutes().channels.iter().map(Into::into).collect()))
    }

    /// Shares a watch item; the sharer (by address) becomes a member *de
    /// fait* if needed. Returns its identifier.
    pub fn share_watch_item(&self, item: NewWatchItem, at_ms: i64) -> Result<i64, CimiError> {
        let at = instant(at_ms, "at_ms")?;
        let item = cw::NewWatchItem {
            title: item.title,
            link: item.link,
            summary: item.summary,
            tags: item.tags,
            scope: item.scope,
            shared_by: item.shared_by,
            event: item.event_id.map(convert::event_id).transpose()?,
            help_request: item
                .help_request_id
                .map(|h| id_u64(h, "help_request_id").map(cimi_core::help::HelpRequestId::new))
                .transpose()?,
        };
        self.write(|c| c.share_watch_item(item, at).map(|id| id_i64(id.get())))
    }

    /// Publishes a watch item on a channel; an internal item on a channel
    /// wider than the ministry is refused (`CimiException.PublicationRefused`,
    /// kind `internal_item_on_public_channel`).
    pub fn publish_watch_item(
        &self,
        watch_item_id: i64,
        channel: String,
        at_ms: i64,
    ) -> Result<(), CimiError> {
        let id = watch_id(watch_item_id)?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.publish_watch_item(id, &channel, at))
    }

    /// A watch item by identifier, or `null`.
    pub fn watch_item(&self, watch_item_id: i64) -> Result<Option<WatchItem>, CimiError> {
        let id = watch_id(watch_item_id)?;
        self.read(|c| Ok(c.watch_item(id).map(Into::into)))
    }

    /// Every watch item, by identifier.
    pub fn watch_items(&self) -> Result<Vec<WatchItem>, CimiError> {
        self.read(|c| Ok(c.watch_items().map(Into::into).collect()))
    }

    /// The mailing list's recipients at `at_ms`: the members whose latest
    /// mailing-list consent is granted, not erased.
    pub fn mailing_list_recipients(&self, at_ms: i64) -> Result<Vec<crate::Member>, CimiError> {
        let at = instant(at_ms, "at_ms")?;
        self.read(|c| {
            Ok(c.mailing_list_recipients(at)
                .into_iter()
                .map(Into::into)
                .collect())
        })
    }

    /// The digest of the watch items shared in `[from_ms, to_ms)` that
    /// `channel` may carry, grouped by tag, with the events open for
    /// registration at `now_ms`; text and Markdown in `lang`.
    pub fn digest(
        &self,
        channel: String,
        from_ms: i64,
        to_ms: i64,
        now_ms: i64,
        lang: Lang,
    ) -> Result<Digest, CimiError> {
        let from = instant(from_ms, "from_ms")?;
        let to = instant(to_ms, "to_ms")?;
        let now = instant(now_ms, "now_ms")?;
        self.read(|c| {
            let d = c.digest(&channel, from, to, now)?;
            Ok(Digest {
                channel: (&d.channel).into(),
                from_ms: millis(d.from),
                to_ms: millis(d.to),
                groups: d
                    .groups
                    .iter()
                    .map(|(tag, items)| DigestGroup {
                        tag: tag.clone(),
                        items: items.iter().map(Into::into).collect(),
                    })
                    .collect(),
                upcoming: d
                    .upcoming
                    .iter()
                    .map(|u| UpcomingEvent {
                        event_id: id_i64(u.id.get()),
                        title: u.title.clone(),
                        kind: u.kind,
                        starts_at_ms: millis(u.starts_at),
                        venue: u.venue.clone(),
                    })
                    .collect(),
                text: d.to_text(lang),
                markdown: d.to_markdown(lang),
            })
        })
    }
}
