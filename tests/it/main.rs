//! All integration tests, in one crate so that they link once (thirteen test binaries cost most
//! of a cold `cargo test` in linking). Each module drives the real binary or the library.

#[allow(dead_code)]
mod common;

mod bad_input;
mod cli;
mod controller;
mod crash;
mod csv_in;
mod damage;
mod derived;
mod domain;
mod escaping;
mod fuzz;
mod r#gen;
mod golden;
mod honest;
mod html;
mod kolada;
mod people;
mod proofs;
mod props;
mod provenance;
mod readme;
mod reliability;
mod report;
mod seeds;
mod shape;
mod tamper;
mod trend;
