//! Placeholder: this chapter's exercises are not written yet.
