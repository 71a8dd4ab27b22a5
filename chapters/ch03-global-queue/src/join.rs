//! `JoinHandle`: the spawner's side of a task, and `JoinError`, what it gets
//! when the task did not produce a value.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use crate::task::{drop_payload, TaskId};

/// Why a task gave no output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinError {
    id: TaskId,
    kind: JoinErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum JoinErrorKind {
    /// The task's future panicked; this is the panic message.
    Panic(String),
    /// The task was aborted, or dropped when its runtime shut down.
    Cancelled,
}

impl JoinError {
    /// Public for chapters whose join handles wait on work that is not one
    /// of this chapter's tasks (the blocking pool, the current-thread runtime).
    ///
    /// Keeps the message and drops the payload, catching a panic in the
    /// payload's own `Drop`, so no caller has to.
    pub fn panic(id: TaskId, payload: Box<dyn Any + Send>) -> Self {
        let message = panic_message(payload.as_ref());
        drop_payload(payload);
        JoinError {
            id,
            kind: JoinErrorKind::Panic(message),
        }
    }

    pub fn cancelled(id: TaskId) -> Self {
        JoinError {
            id,
            kind: JoinErrorKind::Cancelled,
        }
    }

    pub fn id(&self) -> TaskId {
        self.id
    }

    pub fn is_panic(&self) -> bool {
        matches!(self.kind, JoinErrorKind::Panic(_))
    }

    pub fn is_cancelled(&self) -> bool {
        matches!(self.kind, JoinErrorKind::Cancelled)
    }

    /// The panic message, if the task panicked.
    pub fn panic_message(&self) -> Option<&str> {
        match &self.kind {
            JoinErrorKind::Panic(message) => Some(message),
            JoinErrorKind::Cancelled => None,
        }
    }
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            JoinErrorKind::Panic(message) => write!(f, "task {} panicked: {message}", self.id),
            JoinErrorKind::Cancelled => write!(f, "task {} was cancelled", self.id),
        }
    }
}

impl std::error::Error for JoinError {}

/// `panic!("...")` carries a `&str`, `panic!("{x}")` a `String`; anything
/// else (`std::panic::panic_any`) has no message we can print.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "<non-string panic payload>".to_string()
    }
}

/// What a `JoinHandle` needs from its task; implemented by the task cell, so
/// the handle and the queue share one allocation. Public so that later
/// chapters hand out this same `JoinHandle` for work of their own (chapter
/// 10's blocking pool, chapter 11's current-thread tasks).
pub trait Join<T>: Send + Sync {
    fn poll_join(&self, cx: &mut Context<'_>) -> Poll<Result<T, JoinError>>;
    fn abort(self: Arc<Self>);
    /// The handle was dropped: drop the output if there is one, and drop
    /// any output that arrives later as soon as it does.
    fn detach(&self);
    fn is_finished(&self) -> bool;
    fn id(&self) -> TaskId;
}

// ANCHOR: join_handle
/// An owned permission to wait for a spawned task's output.
///
/// Awaiting it gives `Ok(output)`, or `Err(JoinError)` if the task panicked or
/// was cancelled. Dropping it detaches the task: it keeps running and its
/// output is dropped when it finishes.
pub struct JoinHandle<T> {
    task: Arc<dyn Join<T>>,
}
// ANCHOR_END: join_handle

impl<T> JoinHandle<T> {
    pub fn new(task: Arc<dyn Join<T>>) -> Self {
        JoinHandle { task }
    }

    /// Cancels the task: its future is dropped the next time a worker picks
    /// it up, and awaiting this handle gives a cancelled `JoinError`. A task
    /// that already finished keeps its output.
    pub fn abort(&self) {
        self.task.clone().abort();
    }

    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }

    pub fn id(&self) -> TaskId {
        self.task.id()
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.task.poll_join(cx)
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        self.task.detach();
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("id", &self.id())
            .finish()
    }
}
