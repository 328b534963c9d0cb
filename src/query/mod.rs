//! Views of the replayed state at a valid date, each a `Serialize` struct with a plain-text
//! renderer. "As known at ledger position S" is the caller's: replay events with `seq <= S`.

mod history;
mod reading;
mod status;

pub use crate::domain::subjects;
pub use history::*;
pub use reading::*;
pub use status::*;
