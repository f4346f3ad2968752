//! Veille operations: sharing a watch item, publishing it on a channel, and the
//! digest of items and upcoming events.

use crate::address::EmailAddress;
use crate::change::{Action, Record};
use crate::community::Community;
use crate::error::{Entity, Error};
use crate::limits::MAX_WATCH_TAGS;
use crate::member::{ConsentKind, Member};
use crate::watch::*;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

impl Community {
    /// A watch item by identifier.
    pub fn watch_item(&self, id: WatchItemId) -> Option<&WatchItem> {
        self.watch.get(&id)
    }

    /// Every watch item, by identifier.
    pub fn watch_items(&self) -> impl Iterator<Item = &WatchItem> + '_ {
        self.watch.values()
    }

    /// Shares a watch item. The sharer is found by address, or becomes a
    /// member *de fait*.
    pub fn share_watch_item(
        &mut self,
        item: NewWatchItem,
        at: DateTime<Utc>,
    ) -> Result<WatchItemId, Error> {
        let email = EmailAddress::parse(&item.shared_by)?;
        if item.title.trim().is_empty() {
            return Err(Error::input(
                "title",
                "must not be blank",
                "ne doit pas être vide",
            ));
        }
        self.check_text("title", &item.title)?;
        self.check_text("link", &item.link)?;
        self.check_long_text("summary", &item.summary)?;
        if item.tags.len() > MAX_WATCH_TAGS {
            return Err(Error::input(
                "tags",
                format!("more than {MAX_WATCH_TAGS} tags"),
                format!("plus de {MAX_WATCH_TAGS} étiquettes"),
            ));
        }
        for t in &item.tags {
            self.check_text("tags", t)?;
        }
        if let Some(e) = item.event
            && !self.events.contains_key(&e)
        {
            return Err(Error::not_found(Entity::Event, e.get()));
        }
        if let Some(h) = item.help_request
            && !self.help.contains_key(&h)
        {
            return Err(Error::not_found(Entity::HelpRequest, h.get()));
        }
        let found = self.members.lookup(email.as_str());
        let shared_by = self.participate(found, email, at, |_| {});
        let id = WatchItemId::new(self.next.watch);
        let w = WatchItem {
            id,
            title: item.title.trim().to_string(),
            link: item.link.trim().to_string(),
            summary: item.summary,
            tags: item
                .tags
                .iter()
                .map(|t| one_line(t).to_lowercase())
                .filter(|t| !t.is_empty())
                .collect(),
            scope: item.scope,
            shared_by,
            shared_at: at,
            event: item.event,
            help_request: item.help_request,
            published: Vec::new(),
        };
        self.commit_within_limits(Action::WatchShared, at, Record::WatchItem(Box::new(w)))?;
        Ok(id)
    }

    /// The channel with that identifier, or a typed refusal.
    fn channel_checked(&self, channel: &str) -> Result<&Channel, Error> {
        self.statutes.channel(channel).ok_or_else(|| {
            PublicationRefusal::UnknownChannel {
                channel: channel.to_string(),
            }
            .into()
        })
    }

    /// Publishes a watch item on a channel, refusing an internal item on a
    /// channel wider than the ministry. Publishing twice on the same channel
    /// records it once.
    pub fn publish_watch_item(
        &mut self,
        id: WatchItemId,
        channel: &str,
        at: DateTime<Utc>,
    ) -> Result<(), Error> {
        let ch = self.channel_checked(channel)?.clone();
        let item = self
            .watch
            .get(&id)
            .ok_or_else(|| Error::not_found(Entity::WatchItem, id.get()))?;
        if !item.scope.allows(ch.visibility) {
            return Err(PublicationRefusal::InternalItemOnPublicChannel { channel: ch.id }.into());
        }
        if item.published.iter().any(|(c, _)| *c == ch.id) {
            return Ok(());
        }
        let mut item = item.clone();
        item.published.push((ch.id, at));
        self.commit(
            Action::WatchPublished,
            at,
            Record::WatchItem(Box::new(item)),
        );
        Ok(())
    }

    /// The mailing list's recipients at `at`: exactly the members whose latest
    /// mailing-list consent at that instant is granted, and who are not erased.
    pub fn mailing_list_recipients(&self, at: DateTime<Utc>) -> Vec<&Member> {
        self.members
            .values()
            .filter(|m| !m.is_erased() && m.has_consent(ConsentKind::MailingList, at))
            .collect()
    }

    /// The digest of the watch items shared in `[from, to)` that `channel` may
    /// carry, grouped by tag, with the events open for registration at `now`.
    pub fn digest(
        &self,
        channel: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Digest, Error> {
        let ch = self.channel_checked(channel)?.clone();
        let mut groups: BTreeMap<String, Vec<WatchItem>> = BTreeMap::new();
        for item in self.watch.values() {
            if item.shared_at < from || item.shared_at >= to || !item.scope.allows(ch.visibility) {
                continue;
            }
            if item.tags.is_empty() {
                groups.entry(String::new()).or_default().push(item.clone());
            }
            for tag in &item.tags {
                groups.entry(tag.clone()).or_default().push(item.clone());
            }
        }
        for items in groups.values_mut() {
            items.sort_by_key(|i| (i.shared_at, i.id));
        }
        let mut upcoming: Vec<UpcomingEvent> = self
            .events
            .values()
            .filter(|e| e.accepts_registrations_at(now) && e.schedule.starts_at > now)
            .map(|e| UpcomingEvent {
                id: e.id,
                title: e.title.clone(),
                kind: e.kind,
                starts_at: e.schedule.starts_at,
                venue: e.venue.as_ref().map(|v| v.name.clone()),
            })
            .collect();
        upcoming.sort_by_key(|e| (e.starts_at, e.id));
        Ok(Digest {
            channel: ch,
            from,
            to,
            groups: groups.into_iter().collect(),
            upcoming,
        })
    }
}
