//! The wheel of exercise 14.2, without the slab and the wakers: timers are
//! an id and a tick, each slot a `Vec`. Everything but `advance`, which is
//! the exercise (in `src/advance.rs`).

pub use ch14_timer_wheel::wheel::{LEVELS, SLOTS, SLOT_BITS, SPAN};

use ch14_timer_wheel::wheel::level_and_slot;

/// A timer: who it is, and the tick it is due at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timer {
    pub id: u64,
    pub when: u64,
}

/// Consecutive takes of the same slot at the same time after which
/// `take_slot` gives up: `advance` is going round in circles.
const SAME_SLOT_LIMIT: usize = 1_000;

pub struct Wheel {
    /// The wheel's time: every timer due before it has fired. Only
    /// `advance` moves it.
    pub elapsed: u64,
    slots: Vec<Vec<Vec<Timer>>>,
    /// Bit `s` of `occupied[l]`: slot `s` of level `l` holds a timer.
    occupied: [u64; LEVELS],
    /// The last slot taken, at what time, and how many times in a row.
    last_taken: ((usize, usize, u64), usize),
}

impl Default for Wheel {
    fn default() -> Self {
        Self::new()
    }
}

impl Wheel {
    pub fn new() -> Wheel {
        Wheel {
            elapsed: 0,
            slots: vec![vec![Vec::new(); SLOTS]; LEVELS],
            occupied: [0; LEVELS],
            last_taken: ((usize::MAX, 0, 0), 0),
        }
    }

    /// Puts `timer` where its deadline belongs, as seen from `elapsed`. A
    /// deadline already past is due now. `advance` calls it to cascade.
    pub fn insert(&mut self, mut timer: Timer) {
        timer.when = timer.when.max(self.elapsed);
        let top_slot_ticks = 1u64 << (SLOT_BITS as u64 * (LEVELS as u64 - 1));
        let (level, slot) = if timer.when - self.elapsed >= SPAN - top_slot_ticks {
            // Too far for its own top slot: the one the wheel comes to last.
            let now_slot = (self.elapsed / top_slot_ticks) as usize % SLOTS;
            (LEVELS - 1, (now_slot + SLOTS - 1) % SLOTS)
        } else {
            level_and_slot(self.elapsed, timer.when)
        };
        self.slots[level][slot].push(timer);
        self.occupied[level] |= 1 << slot;
    }

    /// The first slot holding a timer: its level, slot, and the tick it
    /// starts at (at or before `elapsed` for the current slot of a level).
    pub fn next_expiration(&self) -> Option<(usize, usize, u64)> {
        (0..LEVELS).find_map(|level| {
            if self.occupied[level] == 0 {
                return None;
            }
            let shift = level as u32 * SLOT_BITS;
            let now_slot = (self.elapsed >> shift) as usize % SLOTS;
            let ahead = self.occupied[level]
                .rotate_right(now_slot as u32)
                .trailing_zeros();
            let slot = (now_slot + ahead as usize) % SLOTS;
            let span = 1u64 << (shift + SLOT_BITS);
            let mut at = (self.elapsed & !(span - 1)) + ((slot as u64) << shift);
            if slot < now_slot {
                at += span;
            }
            Some((level, slot, at))
        })
    }

    /// Empties a slot and returns its timers, oldest first.
    ///
    /// # Panics
    /// When the same slot is taken a thousand times in a row without
    /// `elapsed` moving: the caller puts timers back where they came from.
    pub fn take_slot(&mut self, level: usize, slot: usize) -> Vec<Timer> {
        let this = (level, slot, self.elapsed);
        let (last, times) = &mut self.last_taken;
        if *last == this {
            *times += 1;
            assert!(
                *times < SAME_SLOT_LIMIT,
                "advance took slot {slot} of level {level} {SAME_SLOT_LIMIT} times at tick {}: \
                 its timers keep going back into the slot they came from (did time move to \
                 the slot's start before they were placed again?)",
                self.elapsed
            );
        } else {
            *last = this;
            *times = 1;
        }
        self.occupied[level] &= !(1 << slot);
        std::mem::take(&mut self.slots[level][slot])
    }

    /// Where timer `id` waits, if it does.
    pub fn position(&self, id: u64) -> Option<(usize, usize)> {
        (0..LEVELS)
            .flat_map(|level| (0..SLOTS).map(move |slot| (level, slot)))
            .find(|&(level, slot)| self.slots[level][slot].iter().any(|t| t.id == id))
    }

    /// Timers waiting.
    pub fn len(&self) -> usize {
        self.slots.iter().flatten().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
