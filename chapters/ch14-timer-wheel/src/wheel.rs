//! The hierarchical timer wheel, on its own: no clock, no locks, no
//! runtime. Time is a count of ticks (the driver in [`crate::time`] makes a
//! tick one millisecond). Six levels of 64 slots: a slot of level `l` spans
//! `64^l` ticks, so level 0 holds the next 64 ms one slot per millisecond,
//! level 1 the next 4 s in 64 ms slots, ..., and level 5 about 2.2 years.
//!
//! Entries live in one slab (a `Vec` with a free list) and are linked into
//! their slot's list by index, so inserting and cancelling are O(1), and a
//! cancelled or fired entry's place is free for the next timer at once.

use std::task::Waker;

// ANCHOR: constants
/// Levels in the wheel.
pub const LEVELS: usize = 6;
/// log2 of the slots per level.
pub const SLOT_BITS: u32 = 6;
/// Slots per level.
pub const SLOTS: usize = 1 << SLOT_BITS;
/// Ticks the whole wheel spans: 64^6, about 2.2 years of milliseconds.
/// A deadline further away than this waits in the top level and is
/// looked at again each time that level turns.
pub const SPAN: u64 = 1 << (SLOT_BITS as u64 * LEVELS as u64);
// ANCHOR_END: constants

/// Ticks one slot of the top level spans.
const TOP_SLOT_TICKS: u64 = 1 << (SLOT_BITS as u64 * (LEVELS as u64 - 1));

/// "No entry" in a list link or a list head.
const NIL: u32 = u32::MAX;
/// `Entry::list` of a free entry.
const FREE: u16 = u16::MAX;

// ANCHOR: level_and_slot
/// The level and slot of a timer due at `when`, when the wheel has
/// moved on to `elapsed`. The level is the highest 6-bit
/// group in which `when` and `elapsed` differ: below it they share the
/// same slot of every higher level. The slot is that group of `when`: an
/// absolute position, so it does not move as `elapsed` advances.
pub fn level_and_slot(elapsed: u64, when: u64) -> (usize, usize) {
    // `| (SLOTS - 1)`: differing only in the lowest group (or not at all,
    // a deadline already reached) is level 0.
    let differing = (elapsed ^ when) | (SLOTS as u64 - 1);
    let highest_bit = 63 - differing.leading_zeros();
    let level = ((highest_bit / SLOT_BITS) as usize).min(LEVELS - 1);
    let slot = (when >> (level as u32 * SLOT_BITS)) as usize % SLOTS;
    (level, slot)
}
// ANCHOR_END: level_and_slot

// ANCHOR: entry
/// Where a timer is: its slab index and the generation it was given, so
/// a key kept after the entry was freed (and reused) is recognised as stale.
/// Generations count inserts wheel-wide, so they survive the slab being
/// freed; a stale key could only match again after 2^32 more inserts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimerKey {
    index: u32,
    generation: u32,
}

/// One timer in the slab: 40 bytes.
struct Entry {
    waker: Option<Waker>,
    /// The tick it is due at.
    when: u64,
    /// Neighbours in its slot's list (`NIL` at the ends); for a free entry,
    /// `next` is the next free one.
    prev: u32,
    next: u32,
    /// The insert that made it, counted wheel-wide.
    generation: u32,
    /// `level * SLOTS + slot` of its list, or `FREE`.
    list: u16,
}
// ANCHOR_END: entry

// ANCHOR: wheel
pub struct Wheel {
    entries: Vec<Entry>,
    /// First free entry, `NIL` if none.
    free: u32,
    /// The first entry of each slot's list.
    heads: [[u32; SLOTS]; LEVELS],
    /// Bit `s` of `occupied[l]` is set when slot `s` of level `l` is not
    /// empty: finding the next timer is a count of trailing zeros.
    occupied: [u64; LEVELS],
    /// The wheel's time: every timer due before it has fired.
    elapsed: u64,
    len: usize,
    /// The next insert's generation.
    next_generation: u32,
}
// ANCHOR_END: wheel

/// What [`Wheel::poll`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    /// The timer fired (or was cancelled): its entry is gone.
    Gone,
    /// Still waiting.
    Pending,
}

impl Default for Wheel {
    fn default() -> Self {
        Self::new()
    }
}

impl Wheel {
    pub fn new() -> Wheel {
        Wheel {
            entries: Vec::new(),
            free: NIL,
            heads: [[NIL; SLOTS]; LEVELS],
            occupied: [0; LEVELS],
            elapsed: 0,
            len: 0,
            next_generation: 0,
        }
    }

    /// Pending timers.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The wheel's time: every timer due before it has fired.
    pub fn elapsed(&self) -> u64 {
        self.elapsed
    }

    /// Bytes the slab holds (its capacity, not its length): the wheel's
    /// whole heap footprint apart from the wakers' own allocations.
    pub fn slab_bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<Entry>()
    }

    /// Where a pending timer is (for the demo and the tests).
    pub fn position(&self, key: TimerKey) -> Option<(usize, usize)> {
        let entry = self.live(key)?;
        let list = entry.list as usize;
        Some((list / SLOTS, list % SLOTS))
    }

    fn live(&self, key: TimerKey) -> Option<&Entry> {
        self.entries
            .get(key.index as usize)
            .filter(|e| e.generation == key.generation && e.list != FREE)
    }

    // ANCHOR: insert
    /// Adds a timer due at tick `when`. A deadline already reached goes
    /// into the current level-0 slot and fires at the next `advance`.
    pub fn insert(&mut self, when: u64, waker: Waker) -> TimerKey {
        let when = when.max(self.elapsed);
        let index = match self.free {
            NIL => {
                let index = u32::try_from(self.entries.len())
                    .ok()
                    .filter(|&i| i != NIL)
                    .expect("more than 4 billion pending timers");
                self.entries.push(Entry {
                    waker: None,
                    when,
                    prev: NIL,
                    next: NIL,
                    generation: 0,
                    list: FREE,
                });
                index
            }
            index => {
                self.free = self.entries[index as usize].next;
                index
            }
        };
        let entry = &mut self.entries[index as usize];
        let generation = self.next_generation;
        self.next_generation = generation.wrapping_add(1);
        entry.waker = Some(waker);
        entry.when = when;
        entry.generation = generation;
        self.link(index);
        self.len += 1;
        TimerKey { index, generation }
    }
    // ANCHOR_END: insert

    /// Puts entry `index` at the front of the list its deadline belongs to.
    fn link(&mut self, index: u32) {
        let when = self.entries[index as usize].when;
        let (level, slot) = if when - self.elapsed >= SPAN - TOP_SLOT_TICKS {
            // So far that its own top-level slot may be the current one,
            // which would be processed (and the timer linked back) at once,
            // for ever. The slot before the current one comes round last,
            // still before the deadline; the timer is linked again then.
            let top = LEVELS - 1;
            let now_slot = (self.elapsed >> (top as u32 * SLOT_BITS)) as usize % SLOTS;
            (top, (now_slot + SLOTS - 1) % SLOTS)
        } else {
            level_and_slot(self.elapsed, when)
        };
        let head = self.heads[level][slot];
        if head != NIL {
            self.entries[head as usize].prev = index;
        }
        let entry = &mut self.entries[index as usize];
        entry.prev = NIL;
        entry.next = head;
        entry.list = (level * SLOTS + slot) as u16;
        self.heads[level][slot] = index;
        self.occupied[level] |= 1 << slot;
    }

    // ANCHOR: unlink
    /// Takes entry `index` out of its list: O(1), it knows its neighbours
    /// and its list.
    fn unlink(&mut self, index: u32) {
        let Entry {
            prev, next, list, ..
        } = self.entries[index as usize];
        let (level, slot) = (list as usize / SLOTS, list as usize % SLOTS);
        match prev {
            NIL => self.heads[level][slot] = next,
            prev => self.entries[prev as usize].next = next,
        }
        if next != NIL {
            self.entries[next as usize].prev = prev;
        }
        if self.heads[level][slot] == NIL {
            self.occupied[level] &= !(1 << slot);
        }
    }
    // ANCHOR_END: unlink

    // ANCHOR: release
    /// Puts an unlinked entry on the free list and returns its waker. Its
    /// key is stale from now on: the entry is free, and when it is reused
    /// it gets a new generation. The last pending timer gone, the whole
    /// slab goes back to the allocator.
    fn release(&mut self, index: u32) -> Option<Waker> {
        let entry = &mut self.entries[index as usize];
        entry.list = FREE;
        entry.next = self.free;
        self.free = index;
        self.len -= 1;
        let waker = entry.waker.take();
        if self.len == 0 {
            self.entries = Vec::new();
            self.free = NIL;
        }
        waker
    }
    // ANCHOR_END: release

    // ANCHOR: cancel
    /// Cancels a pending timer; its entry is free at once. Returns its
    /// waker, for the caller to drop outside its lock (dropping a waker
    /// runs code we do not control). A stale key (the timer fired) is
    /// ignored.
    pub fn cancel(&mut self, key: TimerKey) -> Option<Waker> {
        self.live(key)?;
        self.unlink(key.index);
        self.release(key.index)
    }
    // ANCHOR_END: cancel

    /// Whether the timer is still pending; if so, and `waker` would not
    /// wake the same task, stores it and returns the old one (to drop
    /// outside the caller's lock).
    pub fn poll(&mut self, key: TimerKey, waker: &Waker) -> (Lookup, Option<Waker>) {
        if self.live(key).is_none() {
            return (Lookup::Gone, None);
        }
        let entry = &mut self.entries[key.index as usize];
        if entry.waker.as_ref().is_some_and(|w| w.will_wake(waker)) {
            return (Lookup::Pending, None);
        }
        (Lookup::Pending, entry.waker.replace(waker.clone()))
    }

    // ANCHOR: next_expiration
    /// The first non-empty slot: its level, slot, and the tick it starts
    /// at. The lowest level with a timer wins: all of its timers fall in
    /// the current slot of the level above, before any slot up there.
    pub fn next_expiration(&self) -> Option<(usize, usize, u64)> {
        (0..LEVELS).find_map(|level| {
            let occupied = self.occupied[level];
            if occupied == 0 {
                return None;
            }
            let shift = level as u32 * SLOT_BITS;
            let now_slot = (self.elapsed >> shift) as usize % SLOTS;
            // Rotated so that the current slot is bit 0: the next set bit
            // is the next slot to come, wrapping round the level.
            let ahead = occupied.rotate_right(now_slot as u32).trailing_zeros() as usize;
            let slot = (now_slot + ahead) % SLOTS;
            let level_span = 1u64 << (shift + SLOT_BITS);
            let level_start = self.elapsed & !(level_span - 1);
            let mut at = level_start + ((slot as u64) << shift);
            if slot < now_slot {
                at += level_span; // wrapped: the level's next turn
            }
            Some((level, slot, at))
        })
    }
    // ANCHOR_END: next_expiration

    // ANCHOR: advance
    /// Processes every tick up to and including `now`: the wakers of the
    /// timers due go into `fired`, in deadline order. A slot of a higher
    /// level is reached before its timers are due: they cascade, each to
    /// the level its deadline now belongs to.
    pub fn advance(&mut self, now: u64, fired: &mut Vec<Waker>) {
        while let Some((level, slot, at)) = self.next_expiration() {
            if at > now {
                break;
            }
            // Time moves to the slot's start, never back (the current
            // slot of a level started before `elapsed`).
            self.elapsed = self.elapsed.max(at);
            let mut next = std::mem::replace(&mut self.heads[level][slot], NIL);
            self.occupied[level] &= !(1 << slot);
            while next != NIL {
                let index = next;
                next = self.entries[index as usize].next;
                if self.entries[index as usize].when <= self.elapsed {
                    fired.extend(self.release(index));
                } else {
                    self.link(index); // lower, now that time has moved on
                }
            }
        }
        self.elapsed = self.elapsed.max(now);
    }
    // ANCHOR_END: advance

    /// Empties the wheel and returns every waker (the runtime shut down).
    pub fn drain(&mut self, wakers: &mut Vec<Waker>) {
        for level in 0..LEVELS {
            for slot in 0..SLOTS {
                let mut next = std::mem::replace(&mut self.heads[level][slot], NIL);
                while next != NIL {
                    let index = next;
                    next = self.entries[index as usize].next;
                    wakers.extend(self.release(index));
                }
            }
            self.occupied[level] = 0;
        }
    }
}
