//! Placeholder: this chapter is not written yet.
