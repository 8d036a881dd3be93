//! The page kernel shared by every capability: the message catalogue, the
//! page shell, cookies, forms with CSRF protection, static assets and the
//! response headers every page carries.

/// Static files embedded in the binary: the design system, Leaflet, our scripts.
pub mod assets;
/// Reading and writing cookies.
pub mod cookies;
/// Anti-forgery tokens (double-submit cookie).
pub mod csrf;
/// Strict form parsing: valid UTF-8, bounded, CSRF-checked.
pub mod form;
/// The message catalogue: every word shown to people.
pub mod i18n;
/// Security headers and error pages for every response.
pub mod layers;
/// The page shell: header, navigation by role, footer.
pub mod shell;

pub use form::{FieldErrors, NoFields, StrictForm};
pub use shell::Shell;
/// The address a request came from.
pub mod client_ip;
/// Turning templates into responses.
pub mod render;

pub use client_ip::ClientIp;
pub use render::{page, page_with_status};
/// Long lists a page at a time, and times as people read them.
pub mod paging;

pub use paging::{Paging, day_text, utc_time, when};
