//! Records kept in one vector ordered by identifier.
//!
//! The community hands identifiers out in increasing order, so a new record
//! goes at the end (no tree to walk, no node to split) and a record is found
//! by a subtraction, falling back to a binary search when identifiers have
//! gaps (erased members, records loaded from a document). Inserting before
//! the end or removing a record moves the ones after it: that happens only
//! when a change is undone or a document lists records out of order.

use std::marker::PhantomData;

use crate::ids::{MemberId, RegistrationId};
use crate::member::Member;
use crate::registration::Registration;

/// An identifier a table is ordered by.
pub(crate) trait Key: Copy + Ord {
    /// The identifier's number.
    fn number(self) -> u64;
}

/// A record that carries its identifier.
pub(crate) trait Row {
    /// The identifier type.
    type Key: Key;
    /// The record's identifier.
    fn key(&self) -> Self::Key;
}

macro_rules! keys {
    ($($t:ty),*) => {$(
        impl Key for $t {
            fn number(self) -> u64 {
                self.get()
            }
        }
    )*};
}
keys!(MemberId, RegistrationId);

impl Row for Member {
    type Key = MemberId;
    fn key(&self) -> MemberId {
        self.id
    }
}

impl Row for Registration {
    type Key = RegistrationId;
    fn key(&self) -> RegistrationId {
        self.id
    }
}

/// Where [`IdTable::put`] placed a record.
#[derive(Debug)]
pub(crate) enum Placed<V> {
    /// It replaced the record with its identifier, at that position.
    Replaced(usize, V),
    /// It went at the end.
    Appended(usize),
    /// It went before the end: the records after it moved one place.
    Inserted,
}

/// Records ordered by identifier, in one vector (see the module's doc).
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct IdTable<V: Row> {
    rows: Vec<V>,
    key: PhantomData<V::Key>,
}

impl<V: Row> Default for IdTable<V> {
    fn default() -> Self {
        IdTable {
            rows: Vec::new(),
            key: PhantomData,
        }
    }
}

impl<V: Row> IdTable<V> {
    /// How many records.
    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    /// The position of the record with this identifier.
    pub(crate) fn slot(&self, key: V::Key) -> Option<usize> {
        let last = self.rows.last()?.key();
        // A new record's identifier is past the last: no search.
        if key > last {
            return None;
        }
        let first = self.rows[0].key().number();
        let guess = key.number().checked_sub(first)?;
        if let Ok(guess) = usize::try_from(guess)
            && self.rows.get(guess).is_some_and(|r| r.key() == key)
        {
            return Some(guess);
        }
        self.rows.binary_search_by_key(&key, Row::key).ok()
    }

    /// The record with this identifier.
    pub(crate) fn get(&self, key: &V::Key) -> Option<&V> {
        self.slot(*key).map(|i| &self.rows[i])
    }

    /// Whether a record has this identifier.
    pub(crate) fn contains_key(&self, key: &V::Key) -> bool {
        self.slot(*key).is_some()
    }

    /// The records, by identifier.
    pub(crate) fn values(&self) -> std::slice::Iter<'_, V> {
        self.rows.iter()
    }

    /// The records, by identifier, as a slice (positions are slots).
    pub(crate) fn rows(&self) -> &[V] {
        &self.rows
    }

    /// Puts a record in its place: replacing the one with its identifier,
    /// at the end, or before the end.
    pub(crate) fn put(&mut self, row: V) -> Placed<V> {
        let key = row.key();
        if let Some(slot) = self.slot(key) {
            return Placed::Replaced(slot, std::mem::replace(&mut self.rows[slot], row));
        }
        match self.rows.last() {
            Some(last) if last.key() > key => {
                let at = self.rows.partition_point(|r| r.key() < key);
                self.rows.insert(at, row);
                Placed::Inserted
            }
            _ => {
                self.rows.push(row);
                Placed::Appended(self.rows.len() - 1)
            }
        }
    }

    /// Puts a record in its place; the record it replaces, if any.
    pub(crate) fn insert(&mut self, key: V::Key, row: V) -> Option<V> {
        debug_assert!(key == row.key());
        match self.put(row) {
            Placed::Replaced(_, old) => Some(old),
            Placed::Appended(_) | Placed::Inserted => None,
        }
    }

    /// Takes a record out, with the position it had.
    pub(crate) fn remove_slot(&mut self, key: &V::Key) -> Option<(usize, V)> {
        let slot = self.slot(*key)?;
        Some((slot, self.rows.remove(slot)))
    }

    /// Takes a record out.
    pub(crate) fn remove(&mut self, key: &V::Key) -> Option<V> {
        self.remove_slot(key).map(|(_, row)| row)
    }

    /// Room for `additional` more records.
    pub(crate) fn reserve(&mut self, additional: usize) {
        self.rows.reserve(additional);
    }

    /// The records' spare room, kept by a copy that is to grow.
    pub(crate) fn capacity(&self) -> usize {
        self.rows.capacity()
    }

    /// An empty table with room for `capacity` records.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        IdTable {
            rows: Vec::with_capacity(capacity),
            key: PhantomData,
        }
    }

    /// Appends copies of `rows`, which must follow the table's last record in order.
    pub(crate) fn extend_ordered<'a>(&mut self, rows: impl Iterator<Item = &'a V>)
    where
        V: Clone + 'a,
    {
        self.rows.extend(rows.cloned());
    }
}

impl<V: Row> std::ops::Index<&V::Key> for IdTable<V> {
    type Output = V;
    fn index(&self, key: &V::Key) -> &V {
        match self.get(key) {
            Some(row) => row,
            None => panic!("no record with identifier {}", key.number()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq)]
    struct R(MemberId, u32);
    impl Row for R {
        type Key = MemberId;
        fn key(&self) -> MemberId {
            self.0
        }
    }

    proptest! {
        /// Whatever the order of puts and removals, the table answers as a
        /// `BTreeMap` would and stays ordered.
        #[test]
        fn behaves_as_an_ordered_map(ops in proptest::collection::vec((0u64..40, any::<bool>(), any::<u32>()), 0..200)) {
            let mut table = IdTable::<R>::default();
            let mut model = std::collections::BTreeMap::new();
            for (id, put, v) in ops {
                let key = MemberId::new(id);
                if put {
                    prop_assert_eq!(table.insert(key, R(key, v)), model.insert(key, R(key, v)));
                } else {
                    prop_assert_eq!(table.remove(&key), model.remove(&key));
                }
                for probe in 0..41 {
                    let k = MemberId::new(probe);
                    prop_assert_eq!(table.get(&k), model.get(&k));
                }
                prop_assert!(table.values().eq(model.values()));
            }
        }
    }
}
