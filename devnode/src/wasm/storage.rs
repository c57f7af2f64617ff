//! The per-invocation storage cache (spec §1.3): loads go through it, writes stay in it until a
//! `storage_flush_cache`, and unflushed writes are discarded when the frame ends.

use std::collections::BTreeMap;

use alloy_primitives::B256;

use super::pricing::{cache_read_gas, cache_write_gas};

/// A cached slot: its current value and the value last known to be in the EVM state.
#[derive(Clone, Copy, Debug)]
struct Slot {
    value: B256,
    known: Option<B256>,
}

impl Slot {
    fn dirty(&self) -> bool {
        self.known != Some(self.value)
    }
}

/// Cache of one program invocation. A `BTreeMap` makes the flush order (by key) deterministic.
#[derive(Debug, Default)]
pub struct StorageCache {
    slots: BTreeMap<B256, Slot>,
    reads: u64,
    writes: u64,
}

impl StorageCache {
    /// Counts one cache read and returns its gas surcharge.
    pub fn read_gas(&mut self) -> u64 {
        self.reads += 1;
        cache_read_gas(self.reads)
    }

    /// The cached value of `key`, if any.
    pub fn get(&self, key: &B256) -> Option<B256> {
        self.slots.get(key).map(|slot| slot.value)
    }

    /// Records a value just loaded from the EVM.
    pub fn insert_loaded(&mut self, key: B256, value: B256) {
        self.slots.insert(
            key,
            Slot {
                value,
                known: Some(value),
            },
        );
    }

    /// Writes `value` into the cache only and returns the write surcharge in gas.
    pub fn write(&mut self, key: B256, value: B256) -> u64 {
        self.writes += 1;
        self.slots
            .entry(key)
            .or_insert(Slot { value, known: None })
            .value = value;
        cache_write_gas(self.writes)
    }

    /// Returns the dirty slots in key order and marks them as persisted.
    pub fn take_dirty(&mut self) -> Vec<(B256, B256)> {
        let mut dirty = Vec::new();
        for (key, slot) in self.slots.iter_mut().filter(|(_, slot)| slot.dirty()) {
            dirty.push((*key, slot.value));
            slot.known = Some(slot.value);
        }
        dirty
    }

    /// Drops every cached slot (`storage_flush_cache(true)`).
    pub fn clear(&mut self) {
        self.slots.clear();
    }
}
