//! The coprod application: pages, JSON API, storage and operations, one
//! module per capability plus the shared kernel. See docs/ARCHITECTURE.md.

/// Who may use which route, decided in one place.
pub mod access;
/// People's accounts, sessions and passwords.
pub mod accounts;
/// Administrators' pages for people and their roles.
pub mod admin;
/// The JSON API shell: tokens, error envelope, OpenAPI document.
pub mod api;
/// Shared state, the router and serving.
pub mod app;
/// The community asset map and its HSDS interchange.
pub mod asset_map;
/// The append-only audit log.
pub mod audit;
/// Participatory budgeting: processes, proposals, voting, results, delivery.
pub mod budgeting;
/// Planned check-in calls and wellbeing concerns.
pub mod checkins;
/// Offers, requests, matching, rounds and the time bank.
pub mod coordination;
/// Random tokens and their stored hashes.
pub mod crypto;
/// The storage kernel over SQLite or PostgreSQL.
pub mod db;
/// The fictional demonstration partnership.
pub mod demo;
/// The application's error type.
pub mod error;
/// Feedback, compliments and complaints on the model complaints procedure.
pub mod feedback;
/// Background work: the job queue every instance shares, and its workers.
pub mod jobs;
/// Outgoing mail.
pub mod mail;
/// Liveness, readiness and metrics.
pub mod ops;
/// Organisations of the partnership and their localities.
pub mod organisations;
/// Pages that belong to no capability: home, accessibility, privacy.
pub mod pages;
/// The person's record: what matters to them, the agreed plan, the circle of support.
pub mod people;
/// The postcode directory: from a postcode to a place and its areas.
pub mod places;
/// Community planning: the LOIP, locality plans and "you said, we did".
pub mod planning;
/// People's rights over their data: consents, subject access, erasure, retention.
pub mod privacy;
/// Social prescribing: referrals, their life-cycle, outcomes and the uptake funnel.
pub mod referrals;
/// Typed settings from defaults, file and environment.
pub mod settings;
/// The Co-Production Star toolkit: map, focus, people, market, grow.
pub mod star;
/// Surveys and consultations: building, answering and results.
pub mod surveys;
/// Teams and their shared caseload: members, leads, handovers, the view of today.
pub mod teams;
/// The page kernel: catalogue, shell, forms, assets, headers.
pub mod web;

pub use app::{AppState, router, serve};
pub use coprod_engine;
pub use settings::Settings;
