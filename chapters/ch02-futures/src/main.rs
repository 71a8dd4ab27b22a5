//! `cargo run -p ch02-futures`
//!
//! Walks through the chapter one step at a time and prints what happens.

use std::cell::Cell;
use std::future::Future;
use std::mem::size_of_val;
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::task::Context;
use std::time::{Duration, Instant};

use ch02_futures::block_on;
use ch02_futures::countdown::Countdown;
use ch02_futures::desugar::{add_slowly, AddSlowly};
use ch02_futures::lazy::answer;
use ch02_futures::pinning::{where_the_local_lives, PinnedSelfRef, SelfRef};
use ch02_futures::send::spawn_on_thread;
use ch02_futures::timer::{count_polls, Timer};
use futures_task::noop_waker;

fn main() {
    step_1_poll_by_hand();
    step_2_lazy();
    step_3_timer();
    step_4_async_fn();
    step_5_pin();
    step_6_send();
}

fn step_1_poll_by_hand() {
    println!("1. A future written by hand, polled by hand");
    // ANCHOR: poll_by_hand
    // A waker that does nothing: we poll in a loop ourselves, so nobody
    // needs to be told when to poll again.
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    let mut countdown = pin!(Countdown::new(3));
    for poll in 1.. {
        let result = countdown.as_mut().poll(&mut cx);
        println!("   poll {poll}: {result:?}");
        if result.is_ready() {
            break;
        }
    }
    // ANCHOR_END: poll_by_hand
    println!();
}

fn step_2_lazy() {
    println!("2. Futures are lazy");
    // ANCHOR: lazy_demo
    let runs = Cell::new(0);
    let future = answer(&runs);
    println!("   answer() called:   body runs so far = {}", runs.get());
    let waker = noop_waker();
    let result = pin!(future).poll(&mut Context::from_waker(&waker));
    println!(
        "   polled once:       body runs so far = {}, result {result:?}",
        runs.get()
    );
    // ANCHOR_END: lazy_demo
    println!();
}

fn step_3_timer() {
    println!("3. A timer woken from another thread, run by block_on");
    // ANCHOR: timer_demo
    let start = Instant::now();
    let ((), polls) = block_on(count_polls(Timer::new(Duration::from_millis(200))));
    println!(
        "   Timer(200 ms) ready after {} ms, polled {polls} times",
        start.elapsed().as_millis()
    );
    // ANCHOR_END: timer_demo
    println!();
}

fn step_4_async_fn() {
    println!("4. An async fn and the enum it compiles to");
    // ANCHOR: desugar_demo
    let from_async = count_polls(add_slowly(2, 3));
    let by_hand = count_polls(AddSlowly::new(2, 3));
    println!(
        "   add_slowly(2, 3):     (output, polls) = {:?}, future is {} bytes",
        block_on(from_async),
        size_of_val(&add_slowly(2, 3))
    );
    println!(
        "   AddSlowly::new(2, 3): (output, polls) = {:?}, future is {} bytes",
        block_on(by_hand),
        size_of_val(&AddSlowly::new(2, 3))
    );
    // ANCHOR_END: desugar_demo
    println!();
}

fn step_5_pin() {
    println!("5. Why a polled future must not move");
    // ANCHOR: pin_demo
    let mut on_stack = SelfRef::new("hello");
    on_stack.init();
    let (stored, field) = on_stack.addresses();
    println!(
        "   SelfRef on the stack:  pointer {stored:p}, field {field:p}, valid: {}",
        on_stack.points_at_itself()
    );
    let moved = Box::new(on_stack); // a move: the bytes are copied elsewhere
    let (stored, field) = moved.addresses();
    println!(
        "   after moving it:       pointer {stored:p}, field {field:p}, valid: {}",
        moved.points_at_itself()
    );

    let pinned = PinnedSelfRef::new("hello");
    let moved_box = [pinned]; // moves the Box, not what it points to
    println!(
        "   Pin<Box<PinnedSelfRef>> after moving the Box: valid: {}",
        moved_box[0].points_at_itself()
    );

    let (start, size, local) = where_the_local_lives();
    println!(
        "   async block: future at {start:#x}..{:#x} ({size} bytes), borrowed local at {local:#x}",
        start + size
    );
    // ANCHOR_END: pin_demo
    println!();
}

fn step_6_send() {
    println!("6. Futures on other threads: Send + 'static, Arc<Mutex<_>>");
    // ANCHOR: send_demo
    let total = Arc::new(Mutex::new(0));
    let handles: Vec<_> = (1..=4)
        .map(|i| {
            let total = Arc::clone(&total);
            spawn_on_thread(async move {
                Timer::new(Duration::from_millis(50)).await;
                // No task holds the lock across an await, and none panics
                // while holding it, so the lock cannot be poisoned.
                *total.lock().unwrap() += i;
                (i, std::thread::current().id())
            })
        })
        .collect();
    for handle in handles {
        // A join error means that future panicked; there is no such code.
        let (i, thread) = handle.join().unwrap();
        println!("   future {i} ran on {thread:?}");
    }
    println!("   total = {}", total.lock().unwrap());
    // ANCHOR_END: send_demo
}
