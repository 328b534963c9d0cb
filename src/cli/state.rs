//! The commands' door to the ledger and its derived data (`crate::projection`): open with the
//! derived data up to date, and fold one organisation's events, or all of them.

use super::CliError;
use crate::domain::{Id, State};
use crate::ledger::{Hash, Ledger, Seq};
pub use crate::projection::KnownAt;
use crate::projection::{self, Error};
use std::path::Path;

impl From<Error> for CliError {
    fn from(e: Error) -> CliError {
        match e {
            Error::Refused(r) => CliError::Refused(r),
            Error::Ledger(l) => CliError::Ledger(l),
        }
    }
}

/// Opens the ledger with its derived data brought up to its head.
pub fn open(path: &Path) -> Result<Ledger, CliError> {
    Ok(projection::open(path)?)
}

/// The state of the whole ledger as known at `known` (every organisation), lean.
pub fn replay(ledger: &Ledger, known: KnownAt) -> Result<State, CliError> {
    Ok(projection::full_state(ledger, known, true)?.0)
}

/// The lean state of the organisation that `org`, else `body`, else `goal` belongs to (a
/// command given none of them folds the whole ledger), and the head of the prefix it was folded
/// from. An id that names nothing is refused with its flag.
pub fn scoped(
    ledger: &Ledger,
    known: KnownAt,
    scope: [(&str, Option<&str>); 3],
    lean: bool,
) -> Result<(State, (Seq, Hash)), CliError> {
    for (flag, id) in scope {
        if let Some(id) = id {
            let home = projection::home_of(ledger, id, flag)?;
            return Ok(projection::org_state(ledger, home.as_ref(), known, lean)?);
        }
    }
    Ok(projection::full_state(ledger, known, lean)?)
}

/// The state of the organisation `id` belongs to, with the journal (for history and diff).
pub fn of_id(
    ledger: &Ledger,
    id: &str,
    flag: &str,
    known: KnownAt,
) -> Result<(State, (Seq, Hash)), CliError> {
    let home: Option<Id> = projection::home_of(ledger, id, flag)?;
    Ok(projection::org_state(ledger, home.as_ref(), known, false)?)
}
