//! malbok: an event-sourced, tamper-evident audit ledger of goal assessments for Swedish
//! municipalities. See ARCHITECTURE.md for the map of the modules.

pub mod cli;
pub mod domain;
pub mod r#gen;
pub mod import;
pub mod ledger;
pub mod projection;
pub mod query;
pub mod report;
pub mod signatures;
pub mod tree_store;
