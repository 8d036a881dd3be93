//! The server's integration tests, one binary: each module drives one capability
//! through the whole router, on `SQLite` and on `PostgreSQL`, with the shared harness
//! in `support`.

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot proceed should fail loudly, right there"
)]

#[macro_use]
mod support;

mod access;
mod access_matrix;
mod accounts;
mod api_and_ops;
/// A change is not made when its audit row cannot be written.
mod audit_atomicity;
/// Sealed ballots: no order, id or system column links them to a voter.
mod ballot_secrecy;
mod budgeting;
mod budgeting_pabulib;
mod budgeting_results;
mod budgeting_voting;
mod caseloads;
mod checkins;
mod coordination_api;
mod coordination_books;
mod coordination_pages;
mod coordination_storage;
mod coordination_workflow;
mod feedback;
mod hsds;
mod hsds_cache;
mod jobs;
mod listings;
mod listings_api;
mod organisation_access;
mod page_weight;
mod people;
mod places;
mod planning;
mod privacy;
mod referrals;
mod schema_parity;
mod search;
mod search_map;
mod security;
mod star;
mod star_evidence;
mod storage;
mod surveys_answering;
mod surveys_builder;
mod surveys_results;
mod teams;
