//! A stand-in task for testing a scheduler on its own, without a runtime or
//! a future: running it only reports its id on a channel.

use std::sync::{mpsc, Arc};

use crate::task::{Runnable, Task, TaskId};

struct Probe {
    id: TaskId,
    ran: mpsc::Sender<TaskId>,
}

impl Runnable for Probe {
    fn id(&self) -> TaskId {
        self.id
    }

    fn run(self: Arc<Self>) {
        // The receiver may be gone when a test has seen what it needed.
        let _ = self.ran.send(self.id);
    }

    fn cancel(&self) {}
}

/// A task with id `id` that sends `id` on `ran` each time it is run.
pub fn probe(id: TaskId, ran: &mpsc::Sender<TaskId>) -> Task {
    Arc::new(Probe {
        id,
        ran: ran.clone(),
    })
}
