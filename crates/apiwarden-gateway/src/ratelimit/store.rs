//! Limiter state: per (policy, key) the TATs of the policy's limits, in sharded maps with
//! a hard cap on the number of keys.
//!
//! Keys are 128-bit seeded hashes, never the raw key, so an entry's size does not depend
//! on what a client sends. An entry whose TATs are all in the past behaves exactly like a
//! key never seen, so dropping it loses nothing ("idle"). When a shard is full, idle
//! entries go first; if they are fewer than a batch (about 1/16 of the shard), the entries
//! closest to becoming idle go with them, so that a flood of new keys pays for one scan
//! per batch rather than per request. Those are lossy evictions and are counted.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError, TryLockError};

/// Limits per policy; a fixed array keeps entries small and allocation-free.
pub const MAX_LIMITS: usize = 4;

/// The TATs of one key, one per limit of its policy (unused slots stay 0).
pub(crate) type Tats = [u64; MAX_LIMITS];

/// Enough for eight busy threads not to queue on one lock; must stay <= 64 (see `Locked`).
const MAX_SHARDS: usize = 32;

/// Every this many checks, one shard is swept of idle entries, so that the key count falls
/// back after a flood even when later traffic never inserts.
pub(crate) const SWEEP_EVERY: u64 = 256;

/// Making room in a full shard frees about this fraction (1/N) of it at once.
const EVICTION_BATCH_DIVISOR: usize = 16;

/// Entries looked at to choose the cut-off when making room.
const EVICTION_SAMPLE: usize = 64;

/// Map keys are already uniformly distributed seeded hashes; hashing them again would only
/// cost time.
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*byte);
        }
    }

    fn write_u128(&mut self, value: u128) {
        self.0 = value as u64;
    }
}

type Entries = HashMap<u128, Tats, BuildHasherDefault<KeyHasher>>;

/// When the entry becomes idle: its latest TAT.
pub(crate) fn idle_at(tats: &Tats) -> u64 {
    let [a, b, c, d] = *tats;
    a.max(b).max(c.max(d))
}

struct Shard {
    entries: Entries,
    capacity: usize,
}

impl Shard {
    fn get(&self, key: u128) -> Tats {
        self.entries.get(&key).copied().unwrap_or_default()
    }

    fn put(&mut self, key: u128, tats: Tats, now: u64, evicted: &AtomicU64) {
        let full = self.entries.len() >= self.capacity;
        match self.entries.entry(key) {
            Entry::Occupied(mut entry) => *entry.get_mut() = tats,
            Entry::Vacant(entry) if !full => _ = entry.insert(tats),
            Entry::Vacant(_) => {
                let lossy = self.make_room(now);
                evicted.fetch_add(lossy as u64, Ordering::Relaxed);
                self.entries.insert(key, tats);
            }
        }
    }

    fn remove_idle(&mut self, now: u64) {
        self.entries.retain(|_, tats| idle_at(tats) > now);
    }

    /// Frees about `1/16` of the shard (at least one entry) in one scan, so that a flood of
    /// new keys pays for a scan once per batch, not once per request. The cut-off is the
    /// 1/16 quantile of a sample of the entries (hash order, so a random sample). If the
    /// cut-off is already idle, only the idle entries go (lossless); otherwise every entry
    /// that becomes idle before the cut-off goes: the idle ones and the live ones that hold
    /// the least about clients still being limited. Returns how many live entries went.
    fn make_room(&mut self, now: u64) -> usize {
        let Some(cutoff) = sample_quantile(self.entries.values().take(EVICTION_SAMPLE).map(idle_at)) else {
            return 0;
        };
        if cutoff <= now {
            self.remove_idle(now);
            return 0;
        }
        // Entries tied at the cut-off (e.g. all seen at the same instant) go only up to
        // the batch size, not all at once.
        let mut ties = (self.capacity / EVICTION_BATCH_DIVISOR).max(1);
        let mut lossy = 0;
        self.entries.retain(|_, tats| {
            let time = idle_at(tats);
            let goes = time < cutoff || (time == cutoff && ties > 0);
            if time == cutoff && goes {
                ties -= 1;
            }
            if goes && time > now {
                lossy += 1;
            }
            !goes
        });
        lossy
    }
}

/// The `1/EVICTION_BATCH_DIVISOR` quantile of up to `EVICTION_SAMPLE` values: keeps the
/// smallest few in a small sorted array, cheaper than sorting the sample.
fn sample_quantile(values: impl Iterator<Item = u64>) -> Option<u64> {
    const KEPT: usize = EVICTION_SAMPLE / EVICTION_BATCH_DIVISOR + 1;
    let mut smallest = [u64::MAX; KEPT];
    let mut seen = 0;
    for value in values {
        seen += 1;
        // Insert into the sorted array, dropping its largest.
        let mut carried = value;
        for slot in smallest.iter_mut() {
            if carried < *slot {
                std::mem::swap(&mut carried, slot);
            }
        }
    }
    let kept = seen.min(KEPT);
    smallest.get((seen / EVICTION_BATCH_DIVISOR).min(kept.checked_sub(1)?)).copied()
}

pub(crate) struct Store {
    shards: Vec<Mutex<Shard>>,
    evicted: AtomicU64,
    checks: AtomicU64,
}

impl Store {
    /// At most `max_keys` entries in all: the shard count is a power of two no larger than
    /// `max_keys`, and each shard holds `max_keys / shards`.
    pub(crate) fn new(max_keys: usize) -> Store {
        let max_keys = max_keys.max(1);
        let shard_count = (1..=MAX_SHARDS).rev().find(|n| n.is_power_of_two() && *n <= max_keys).unwrap_or(1);
        let capacity = max_keys / shard_count;
        let shards =
            (0..shard_count).map(|_| Mutex::new(Shard { entries: Entries::default(), capacity })).collect();
        Store { shards, evicted: AtomicU64::new(0), checks: AtomicU64::new(0) }
    }

    #[cfg(test)]
    pub(crate) fn shard_count(&self) -> usize {
        self.shards.len()
    }

    pub(crate) fn shard_of(&self, key: u128) -> usize {
        // The high half picks the shard; the map buckets by the low half.
        ((key >> 64) as u64 % self.shards.len() as u64) as usize
    }

    /// Locks the shards whose bits are set in `mask`, in ascending order so that two
    /// checks never wait on each other crosswise.
    pub(crate) fn lock(&self, mask: u64) -> Locked<'_> {
        let mut guards = Vec::with_capacity(mask.count_ones() as usize);
        let mut rest = mask;
        while rest != 0 {
            if let Some(shard) = self.shards.get(rest.trailing_zeros() as usize) {
                guards.push(shard.lock().unwrap_or_else(PoisonError::into_inner));
            }
            rest &= rest - 1;
        }
        Locked { guards, mask, evicted: &self.evicted }
    }

    /// Counts a check and, every `SWEEP_EVERY` checks, sweeps idle entries from the next
    /// shard in turn (skipped if that shard is busy: the next turn will come).
    pub(crate) fn after_check(&self, now: u64) {
        let count = self.checks.fetch_add(1, Ordering::Relaxed);
        if !count.is_multiple_of(SWEEP_EVERY) {
            return;
        }
        let turn = (count / SWEEP_EVERY) % self.shards.len() as u64;
        let Some(shard) = self.shards.get(turn as usize) else { return };
        let mut guard = match shard.try_lock() {
            Ok(guard) => guard,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => return,
        };
        guard.remove_idle(now);
    }

    pub(crate) fn tracked(&self) -> usize {
        self.shards
            .iter()
            .map(|shard| shard.lock().unwrap_or_else(PoisonError::into_inner).entries.len())
            .sum()
    }

    pub(crate) fn evicted(&self) -> u64 {
        self.evicted.load(Ordering::Relaxed)
    }
}

/// Shards held for the duration of one check, so that its decision and its update are one
/// atomic step across all the keys it touches.
pub(crate) struct Locked<'a> {
    guards: Vec<MutexGuard<'a, Shard>>,
    mask: u64,
    evicted: &'a AtomicU64,
}

impl Locked<'_> {
    fn shard(&self, index: usize) -> Option<&Shard> {
        self.guards.get(self.rank(index)).map(|guard| &**guard)
    }

    /// Position of shard `index` among the locked ones.
    fn rank(&self, index: usize) -> usize {
        let below = u32::try_from(index).ok().and_then(|i| 1u64.checked_shl(i)).unwrap_or(0).wrapping_sub(1);
        (self.mask & below).count_ones() as usize
    }

    pub(crate) fn get(&self, shard: usize, key: u128) -> Tats {
        self.shard(shard).map(|shard| shard.get(key)).unwrap_or_default()
    }

    pub(crate) fn put(&mut self, shard: usize, key: u128, tats: Tats, now: u64) {
        let rank = self.rank(shard);
        if let Some(guard) = self.guards.get_mut(rank) {
            guard.put(key, tats, now, self.evicted);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled_shard(capacity: usize, idle_times: impl IntoIterator<Item = u64>) -> Shard {
        let mut shard = Shard { entries: Entries::default(), capacity };
        for (key, time) in idle_times.into_iter().enumerate() {
            shard.entries.insert(key as u128, [time, 0, 0, 0]);
        }
        shard
    }

    #[test]
    fn a_full_shard_drops_idle_entries_before_live_ones() {
        let evicted = AtomicU64::new(0);
        let mut shard = filled_shard(32, (0..32).map(|i| 10 * (i + 1)));
        shard.put(99, [1000, 0, 0, 0], 35, &evicted);
        assert_eq!(shard.entries.len(), 30);
        assert_eq!(evicted.load(Ordering::Relaxed), 0);
        assert!(shard.entries.contains_key(&3) && shard.entries.contains_key(&99));
    }

    #[test]
    fn without_enough_idle_entries_the_ones_closest_to_idle_go_and_are_counted() {
        let evicted = AtomicU64::new(0);
        let mut shard = filled_shard(64, (0..64).map(|i| 1000 + i));
        shard.put(999, [5000, 0, 0, 0], 1000, &evicted);
        // The cut-off is the 5th smallest of the 64: entry 0 was idle (lossless), entries
        // 1 to 4 were live (lossy, counted).
        assert_eq!(evicted.load(Ordering::Relaxed), 4);
        assert_eq!(shard.entries.len(), 60);
        assert!((0..5).all(|key| !shard.entries.contains_key(&key)));
        assert!(shard.entries.contains_key(&5) && shard.entries.contains_key(&999));
    }

    #[test]
    fn ties_are_evicted_only_up_to_the_batch() {
        let mut shard = filled_shard(64, std::iter::repeat_n(7, 64));
        assert_eq!(shard.make_room(1), 4);
        assert_eq!(shard.entries.len(), 60);
    }

    #[test]
    fn a_full_shard_of_live_entries_always_makes_room() {
        let evicted = AtomicU64::new(0);
        let mut shard = filled_shard(1, [50]);
        shard.put(7, [60, 0, 0, 0], 1, &evicted);
        assert_eq!((shard.entries.len(), evicted.load(Ordering::Relaxed)), (1, 1));
        assert!(shard.entries.contains_key(&7));
    }

    #[test]
    fn the_cutoff_is_the_sixteenth_quantile_of_the_sample() {
        assert_eq!(sample_quantile((0..64).rev()), Some(4));
        assert_eq!(sample_quantile([9, 3, 5].into_iter()), Some(3));
        assert_eq!(sample_quantile(std::iter::empty()), None);
    }

    #[test]
    fn the_shards_never_hold_more_than_max_keys() {
        for max_keys in [1, 3, 31, 33, 1000] {
            let store = Store::new(max_keys);
            assert!(store.shard_count() <= max_keys && store.shard_count() <= 64);
            let capacity = store.shards.iter().map(|s| s.lock().unwrap().capacity).sum::<usize>();
            assert!(capacity <= max_keys && capacity > 0, "{max_keys}: {capacity}");
        }
    }

    #[test]
    fn locked_shards_are_found_by_rank() {
        let store = Store::new(1000);
        let mut locked = store.lock(1 << 3 | 1 << 17 | 1 << 31);
        locked.put(17, 5, [9, 0, 0, 0], 1);
        assert_eq!(locked.get(17, 5), [9, 0, 0, 0]);
        assert_eq!(locked.get(3, 5), [0; 4]);
        drop(locked);
        assert_eq!(store.shards.get(17).unwrap().lock().unwrap().entries.len(), 1);
    }
}
