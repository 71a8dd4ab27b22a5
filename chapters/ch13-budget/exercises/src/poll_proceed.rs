//! Exercise 13.1: poll_proceed (book: Chapter 13, section "Exercise 13.1: Asking for a unit").

use std::task::{Context, Poll};

#[allow(unused_imports)] // yours to use
use crate::budget;

// ANCHOR: solution
/// Called by a resource before it does an operation. With units left, takes
/// one and returns `Ready` with a guard; with none, makes sure the task is
/// polled again later and returns `Pending`; when nobody counts, always
/// `Ready`, taking nothing.
pub fn poll_proceed(cx: &mut Context<'_>) -> Poll<RestoreOnPending> {
    // TODO: read the budget (`budget::get`), and decide.
    let _ = cx;
    todo!("Exercise 13.1 (poll_proceed): see the book, Chapter 13, \"Exercise 13.1: Asking for a unit\"")
}

/// The unit `poll_proceed` took. If the operation turned out `Pending`, the
/// resource just drops the guard, and the unit goes back to the budget; if
/// it was ready, the resource calls `made_progress` first, and the unit
/// stays spent.
pub struct RestoreOnPending {
    // TODO: what the guard needs to know when it is dropped.
}

impl RestoreOnPending {
    pub fn made_progress(&self) {
        todo!("Exercise 13.1 (poll_proceed): see the book, Chapter 13, \"Exercise 13.1: Asking for a unit\"")
    }
}

// TODO: give the unit back when the guard is dropped without
// `made_progress`.
// ANCHOR_END: solution
