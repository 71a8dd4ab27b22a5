//! What one OS thread per task costs: time to create it and memory to keep it.

use std::fs;
use std::io;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

// ANCHOR: mem_status
/// The memory figures Linux reports for this process in `/proc/self/status`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MemStatus {
    /// `VmSize`: all the address space the process has reserved, in KiB.
    /// Every thread stack counts here in full as soon as it is mapped.
    pub vm_size_kib: u64,
    /// `VmRSS`: the part that is really in RAM (resident), in KiB. A stack
    /// page only becomes resident when the thread first touches it.
    pub vm_rss_kib: u64,
    /// `Threads`: how many threads the process has right now.
    pub threads: u64,
}

impl MemStatus {
    /// Reads `/proc/self/status`. Fails on systems without `/proc` (anything
    /// but Linux) and if the kernel leaves out a field.
    pub fn read() -> io::Result<Self> {
        Self::parse(&fs::read_to_string("/proc/self/status")?)
    }

    fn parse(status: &str) -> io::Result<Self> {
        let field = |name: &str| -> io::Result<u64> {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))
                // Values look like "   123456 kB" or "   7".
                .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
                .ok_or_else(|| io::Error::other(format!("no {name} in /proc/self/status")))
        };
        Ok(MemStatus {
            vm_size_kib: field("VmSize")?,
            vm_rss_kib: field("VmRSS")?,
            threads: field("Threads")?,
        })
    }
}
// ANCHOR_END: mem_status

/// The result of [`measure_thread_cost`].
#[derive(Clone, Copy, Debug)]
pub struct ThreadCost {
    pub threads: usize,
    /// Time to create every thread (the `spawn` calls alone).
    pub spawn_total: Duration,
    /// Time from opening the gate until every thread was joined.
    pub join_total: Duration,
    /// Memory before the first spawn.
    pub before: MemStatus,
    /// Memory while all the threads were alive and waiting.
    pub during: MemStatus,
}

impl ThreadCost {
    pub fn spawn_per_thread(&self) -> Duration {
        self.spawn_total / self.threads.max(1) as u32
    }

    /// Extra address space per thread, in KiB (reserved, mostly stack).
    pub fn vm_size_per_thread_kib(&self) -> u64 {
        self.during
            .vm_size_kib
            .saturating_sub(self.before.vm_size_kib)
            / self.threads.max(1) as u64
    }

    /// Extra resident memory per thread, in KiB (pages really touched).
    pub fn vm_rss_per_thread_kib(&self) -> u64 {
        self.during
            .vm_rss_kib
            .saturating_sub(self.before.vm_rss_kib)
            / self.threads.max(1) as u64
    }
}

/// Holds every thread alive until the measurement is done.
///
/// Each thread checks in, then sleeps on a condition variable until the main
/// thread opens the gate. Sleeping on a `Condvar` uses no CPU, so the
/// measurement sees the cost of threads that exist, not of threads that work.
#[derive(Default)]
struct Gate {
    state: Mutex<GateState>,
    /// Only the main thread waits here, for the check-ins.
    checked_in: Condvar,
    /// Every spawned thread waits here, for the gate to open.
    opened: Condvar,
}

#[derive(Default)]
struct GateState {
    arrived: usize,
    open: bool,
}

// ANCHOR: gate
impl Gate {
    fn lock(&self) -> MutexGuard<'_, GateState> {
        // The lock is only poisoned if a holder panicked, and no code below
        // can panic while holding it; recover the guard rather than panic.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Called by each spawned thread: check in, then wait for the gate.
    fn check_in_and_wait(&self) {
        let mut state = self.lock();
        state.arrived += 1;
        self.checked_in.notify_one();
        while !state.open {
            state = self.opened.wait(state).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// Called by the main thread: sleep until `count` threads checked in.
    fn wait_for(&self, count: usize) {
        let mut state = self.lock();
        while state.arrived < count {
            state = self
                .checked_in
                .wait(state)
                .unwrap_or_else(|p| p.into_inner());
        }
    }

    fn open(&self) {
        self.lock().open = true;
        self.opened.notify_all();
    }
}
// ANCHOR_END: gate

// ANCHOR: measure
/// Spawns `count` threads that each wait until all of them exist, reads this
/// process's memory while they are all alive, then lets them finish and
/// joins them.
///
/// Returns an error if `/proc/self/status` cannot be read or the OS refuses
/// a thread; the threads already spawned are released and joined first.
pub fn measure_thread_cost(count: usize) -> io::Result<ThreadCost> {
    let before = MemStatus::read()?;
    let gate = Arc::new(Gate::default());
    let mut handles = Vec::with_capacity(count);

    let spawn_start = Instant::now();
    let mut spawn_error = None;
    for i in 0..count {
        let gate = Arc::clone(&gate);
        // `Builder::spawn` returns the OS error instead of panicking, which
        // matters here: asking for thousands of threads can hit a limit.
        match thread::Builder::new()
            .name(format!("idle-{i}"))
            .spawn(move || gate.check_in_and_wait())
        {
            Ok(handle) => handles.push(handle),
            Err(err) => {
                spawn_error = Some(err);
                break;
            }
        }
    }
    let spawn_total = spawn_start.elapsed();

    // ANCHOR_END: measure
    // ANCHOR: measure_rest
    // Every thread that exists has started running and touched its stack.
    gate.wait_for(handles.len());
    let during = MemStatus::read();

    let join_start = Instant::now();
    gate.open();
    for handle in handles {
        // The thread body cannot panic (see `Gate::lock`), so `join` cannot
        // return an error; ignoring it keeps the join loop going regardless.
        let _ = handle.join();
    }
    let join_total = join_start.elapsed();

    if let Some(err) = spawn_error {
        return Err(err);
    }
    Ok(ThreadCost {
        threads: count,
        spawn_total,
        join_total,
        before,
        during: during?,
    })
}
// ANCHOR_END: measure_rest

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_fields_it_needs() {
        let sample = "Name:\tdemo\nVmSize:\t   10240 kB\nVmRSS:\t    2048 kB\nThreads:\t7\n";
        let status = MemStatus::parse(sample).unwrap();
        assert_eq!(
            status,
            MemStatus {
                vm_size_kib: 10240,
                vm_rss_kib: 2048,
                threads: 7
            }
        );
    }

    #[test]
    fn a_missing_field_is_an_error() {
        assert!(MemStatus::parse("VmSize:\t1 kB\nThreads:\t1\n").is_err());
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn all_threads_are_alive_during_the_measurement() {
        // Bounded: a lost wake-up in `Gate` must fail the test, not hang it.
        let cost = testkit::timeout(|| measure_thread_cost(50).unwrap());
        // Other tests run threads of their own at the same time, so only a
        // lower bound is certain.
        // The 50 plus at least the thread running this test.
        assert!(cost.during.threads > 50, "{cost:?}");
        assert!(
            cost.during.vm_size_kib > cost.before.vm_size_kib,
            "{cost:?}"
        );
    }
}
