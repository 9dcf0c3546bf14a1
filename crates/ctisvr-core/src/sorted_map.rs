//! A map and a set kept in sorted `Vec`s, in place of std's `BTreeMap` and
//! `BTreeSet`: for bundle size. The B-tree's node code was about 90 KB raw
//! (15 %) of the softphone's wasm, once per key and value type
//! (docs/benchmarks.md, "Where the bytes go"); the core's maps hold a
//! handful of entries, which a sorted `Vec` serves as well.
//!
//! Meant for small maps: a lookup is a binary search, but an insert or a
//! remove moves the entries after it (O(n)). Iteration is in ascending key
//! order, as with `BTreeMap`, which the core relies on.
//!
//! Keys and values are kept in two `Vec`s (same index, same length) so that
//! the binary search, the only routine that compares keys, is compiled once
//! per key type, not once per map type.

use std::borrow::Borrow;
use std::fmt;

/// A map ordered by key, for a few entries.
#[derive(Clone)]
pub(crate) struct SortedMap<K, V> {
    /// Ascending, no duplicates.
    keys: Vec<K>,
    /// `values[i]` belongs to `keys[i]`.
    values: Vec<V>,
}

/// A set ordered by key, for a few keys.
#[derive(Clone)]
pub(crate) struct SortedSet<K>(SortedMap<K, ()>);

impl<K, V> SortedMap<K, V> {
    pub(crate) const fn new() -> Self {
        SortedMap { keys: Vec::new(), values: Vec::new() }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The entries in ascending key order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.keys.iter().zip(&self.values)
    }

    /// The entries in ascending key order, values mutable.
    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = (&K, &mut V)> {
        self.keys.iter().zip(&mut self.values)
    }

    pub(crate) fn keys(&self) -> std::slice::Iter<'_, K> {
        self.keys.iter()
    }

    pub(crate) fn values(&self) -> std::slice::Iter<'_, V> {
        self.values.iter()
    }

    pub(crate) fn values_mut(&mut self) -> std::slice::IterMut<'_, V> {
        self.values.iter_mut()
    }

    pub(crate) fn into_values(self) -> std::vec::IntoIter<V> {
        self.values.into_iter()
    }

    /// Keeps the entries for which `keep` says true (visited in key order).
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        let mut i = 0;
        while let (Some(key), Some(value)) = (self.keys.get(i), self.values.get_mut(i)) {
            if keep(key, value) {
                i += 1;
            } else {
                self.remove_at(i);
            }
        }
    }

    /// Removes entry `i`, which a search found.
    fn remove_at(&mut self, i: usize) -> V {
        self.keys.remove(i);
        self.values.remove(i)
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    /// Where `key` is (`Ok`) or would go (`Err`).
    fn search<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.keys.binary_search_by(|k| k.borrow().cmp(key))
    }

    pub(crate) fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.values.get(self.search(key).ok()?)
    }

    pub(crate) fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        let i = self.search(key).ok()?;
        self.values.get_mut(i)
    }

    pub(crate) fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.search(key).is_ok()
    }

    /// Sets `key`'s value; returns the one it replaces.
    pub(crate) fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.search(&key) {
            Ok(i) => self.values.get_mut(i).map(|old| std::mem::replace(old, value)),
            Err(i) => {
                self.keys.insert(i, key);
                self.values.insert(i, value);
                None
            }
        }
    }

    pub(crate) fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        let i = self.search(key).ok()?;
        Some(self.remove_at(i))
    }

    /// `key`'s value, inserted from `make` when it has none (`BTreeMap`'s
    /// `entry(key).or_insert_with(make)`). Indexes: `get_mut` would leave a
    /// `None` to answer with no value, and `Vec::insert_mut` needs a newer
    /// Rust than the workspace's `rust-version`.
    #[expect(clippy::indexing_slicing, reason = "in bounds: the entry was found at `i` or just inserted there")]
    pub(crate) fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.search(&key) {
            Ok(i) => i,
            Err(i) => {
                self.keys.insert(i, key);
                self.values.insert(i, make());
                i
            }
        };
        &mut self.values[i]
    }
}

impl<K> SortedSet<K> {
    pub(crate) const fn new() -> Self {
        SortedSet(SortedMap::new())
    }
}

impl<K: Ord> SortedSet<K> {
    pub(crate) fn contains<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.0.contains_key(key)
    }

    /// Adds `key`; false when it was there already.
    pub(crate) fn insert(&mut self, key: K) -> bool {
        self.0.insert(key, ()).is_none()
    }

    /// Removes `key`; false when it was not there.
    pub(crate) fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.0.remove(key).is_some()
    }
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap::new()
    }
}

impl<K> Default for SortedSet<K> {
    fn default() -> Self {
        SortedSet::new()
    }
}

impl<'a, K, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Zip<std::slice::Iter<'a, K>, std::slice::Iter<'a, V>>;

    fn into_iter(self) -> Self::IntoIter {
        self.keys.iter().zip(&self.values)
    }
}

/// The keys in ascending order.
impl<K> IntoIterator for SortedSet<K> {
    type Item = K;
    type IntoIter = std::vec::IntoIter<K>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.keys.into_iter()
    }
}

/// As `BTreeMap` shows itself: `{k: v, …}`.
impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for SortedMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// As `BTreeSet` shows itself: `{k, …}`.
impl<K: fmt::Debug> fmt::Debug for SortedSet<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    #[test]
    fn keeps_keys_sorted_and_unique() {
        let mut map = SortedMap::new();
        assert!(map.is_empty());
        assert_eq!(map.insert(3, "c"), None);
        assert_eq!(map.insert(1, "a"), None);
        assert_eq!(map.insert(2, "b"), None);
        assert_eq!(map.insert(1, "A"), Some("a"), "replaced");
        assert_eq!(map.iter().collect::<Vec<_>>(), [(&1, &"A"), (&2, &"b"), (&3, &"c")]);
        assert_eq!(map.get(&2), Some(&"b"));
        assert_eq!(map.get(&4), None);
        assert_eq!(map.remove(&2), Some("b"));
        assert_eq!(map.remove(&2), None);
        assert_eq!(map.keys().copied().collect::<Vec<_>>(), [1, 3]);
        assert_eq!(format!("{map:?}"), r#"{1: "A", 3: "c"}"#);
    }

    #[test]
    fn string_keys_are_found_by_str() {
        let mut map: SortedMap<String, u32> = SortedMap::new();
        map.insert("b".into(), 2);
        *map.get_or_insert_with("a".into(), || 0) += 1;
        *map.get_or_insert_with("b".into(), || 0) += 1;
        assert_eq!(map.get("a"), Some(&1));
        assert_eq!(map.get_mut("b").map(|v| *v), Some(3));
        assert!(map.contains_key("b") && !map.contains_key("c"));
        map.retain(|k, _| k != "a");
        assert_eq!(map.into_values().collect::<Vec<_>>(), [3]);
    }

    #[test]
    fn a_set_is_its_keys_in_order() {
        let mut set = SortedSet::new();
        assert!(set.insert(5u64) && set.insert(1) && !set.insert(5));
        assert!(set.contains(&1) && !set.contains(&2));
        assert!(set.remove(&1) && !set.remove(&1));
        set.insert(3);
        assert_eq!(format!("{set:?}"), "{3, 5}");
        assert_eq!(set.into_iter().collect::<Vec<_>>(), [3, 5]);
    }

    /// One step of a random run, applied to both maps.
    #[derive(Debug, Clone)]
    enum Op {
        Insert(u8, u16),
        Remove(u8),
        GetOrInsert(u8, u16),
        Bump(u8),
        RetainEven,
    }

    fn op() -> impl Strategy<Value = Op> {
        // Keys from a small range, so that inserts and removes meet.
        let key = 0u8..24;
        prop_oneof![
            (key.clone(), any::<u16>()).prop_map(|(k, v)| Op::Insert(k, v)),
            key.clone().prop_map(Op::Remove),
            (key.clone(), any::<u16>()).prop_map(|(k, v)| Op::GetOrInsert(k, v)),
            key.prop_map(Op::Bump),
            Just(Op::RetainEven),
        ]
    }

    proptest! {
        #[test]
        fn behaves_as_btreemap(ops in proptest::collection::vec(op(), 0..64)) {
            let mut map = SortedMap::new();
            let mut model = BTreeMap::new();
            let mut set = SortedSet::new();
            let mut model_set = BTreeSet::new();
            for op in ops {
                match op {
                    Op::Insert(k, v) => {
                        prop_assert_eq!(map.insert(k, v), model.insert(k, v));
                        prop_assert_eq!(set.insert(k), model_set.insert(k));
                    }
                    Op::Remove(k) => {
                        prop_assert_eq!(map.remove(&k), model.remove(&k));
                        prop_assert_eq!(set.remove(&k), model_set.remove(&k));
                    }
                    Op::GetOrInsert(k, v) => {
                        prop_assert_eq!(*map.get_or_insert_with(k, || v), *model.entry(k).or_insert(v));
                    }
                    Op::Bump(k) => {
                        if let Some(v) = map.get_mut(&k) {
                            *v = v.wrapping_add(1);
                        }
                        if let Some(v) = model.get_mut(&k) {
                            *v = v.wrapping_add(1);
                        }
                    }
                    Op::RetainEven => {
                        map.retain(|k, v| (u32::from(*k) + u32::from(*v)) & 1 == 0);
                        model.retain(|k, v| (u32::from(*k) + u32::from(*v)) & 1 == 0);
                    }
                }
                prop_assert_eq!(map.iter().collect::<Vec<_>>(), model.iter().collect::<Vec<_>>());
                prop_assert_eq!(map.is_empty(), model.is_empty());
                for k in 0u8..24 {
                    prop_assert_eq!(map.get(&k), model.get(&k));
                    prop_assert_eq!(map.contains_key(&k), model.contains_key(&k));
                    prop_assert_eq!(set.contains(&k), model_set.contains(&k));
                }
            }
            prop_assert_eq!(
                set.into_iter().collect::<Vec<_>>(),
                model_set.into_iter().collect::<Vec<_>>()
            );
        }
    }
}
