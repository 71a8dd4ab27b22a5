//! The data both sides agree on: a todo, shaped like the article's service
//! (`id`, `todo`, `completed`, `userId`), and the local server's made-up list.

use serde::{Deserialize, Serialize};

// ANCHOR: todo
/// One todo, as the service sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Todo {
    pub id: u64,
    /// Some public services call this field `title`; accept that too, so
    /// `--url` works against them.
    #[serde(alias = "title")]
    pub todo: String,
    pub completed: bool,
    #[serde(rename = "userId")]
    pub user_id: u64,
}
// ANCHOR_END: todo

const TEXTS: [&str; 12] = [
    "Water the plants",
    "Read a chapter of a book",
    "Write a thank-you note",
    "Fix the squeaky door",
    "Plan the weekend trip",
    "Back up the laptop",
    "Call the dentist",
    "Learn what .await compiles to",
    "Clean out the fridge",
    "Go for a run",
    "Reply to the landlord",
    "Sort the recycling",
];

/// The local server's todo `id`; every run of every program gets the same one.
// `is_multiple_of` needs Rust 1.87; the workspace supports 1.86.
#[allow(clippy::manual_is_multiple_of)]
pub fn todo_for(id: u64) -> Todo {
    Todo {
        id,
        todo: TEXTS[(id as usize).wrapping_sub(1) % TEXTS.len()].to_string(),
        completed: id % 3 == 0,
        user_id: (id * 37) % 200 + 1,
    }
}
