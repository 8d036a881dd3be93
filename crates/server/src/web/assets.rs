//! Static files embedded in the binary, so a single file is the whole
//! deployment: the Scottish Government Design System's stylesheet and
//! images and Leaflet, both installed from npm at build time (see
//! `build.rs`), and our own scripts and styles from `web/src/`.

use axum::{
    extract::Path,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use rust_embed::{EmbeddedFile, RustEmbed};

#[derive(RustEmbed)]
#[folder = "$COPROD_DESIGN_SYSTEM_DIST"]
#[include = "css/design-system.min.css"]
#[include = "images/**/*.svg"]
struct DesignSystem;

/// The map library, served under `/assets/leaflet/`. Its stylesheet finds
/// the marker images beside it, in `images/`.
#[derive(RustEmbed)]
#[folder = "$COPROD_LEAFLET_DIST"]
#[include = "leaflet.js"]
#[include = "leaflet.css"]
#[include = "images/*.png"]
struct Leaflet;

/// Our own front-end files, served under `/assets/coprod/`.
#[derive(RustEmbed)]
#[folder = "$COPROD_WEB_SRC"]
#[include = "*.js"]
#[include = "*.css"]
struct OwnFiles;

/// The embedded file at `path` under `/assets/`, if there is one.
fn find(path: &str) -> Option<EmbeddedFile> {
    if let Some(rest) = path.strip_prefix("leaflet/") {
        Leaflet::get(rest)
    } else if let Some(rest) = path.strip_prefix("coprod/") {
        OwnFiles::get(rest)
    } else {
        DesignSystem::get(path)
    }
}

/// How many hex digits of a file's SHA-256 its hashed name carries.
const HASH_DIGITS: usize = 12;

/// How long a browser keeps a file asked for by its plain name: such names
/// are used only by relative references inside other files (a stylesheet's
/// images), which change only with the binary.
const PLAIN_NAME_CACHE: &str = "public, max-age=86400";

/// A file asked for by its hashed name never changes.
const HASHED_NAME_CACHE: &str = "public, max-age=31536000, immutable";

/// The start of a file's SHA-256, in hex.
fn hash_of(file: &EmbeddedFile) -> String {
    hex::encode(file.metadata.sha256_hash())[..HASH_DIGITS].to_owned()
}

/// `css/design-system.min.css` with `hash` before its last extension:
/// `css/design-system.min.0123456789ab.css`.
fn hashed_name(path: &str, hash: &str) -> String {
    let (folder, name) = path.rsplit_once('/').map_or(("", path), |(f, n)| (f, n));
    let name = match name.rsplit_once('.') {
        Some((stem, extension)) => format!("{stem}.{hash}.{extension}"),
        None => format!("{name}.{hash}"),
    };
    if folder.is_empty() {
        name
    } else {
        format!("{folder}/{name}")
    }
}

/// The address of the embedded file at `path` (under `/assets/`), named by
/// its content, so that it can be kept for a year: a new version of the
/// file has a new name. A path that is not embedded keeps its plain name
/// (and will be answered with 404).
pub fn url(path: &str) -> String {
    let (path, fragment) = path
        .split_once('#')
        .map_or((path, None), |(p, f)| (p, Some(f)));
    let name = find(path).map_or_else(
        || path.to_owned(),
        |file| hashed_name(path, &hash_of(&file)),
    );
    match fragment {
        Some(fragment) => format!("/assets/{name}#{fragment}"),
        None => format!("/assets/{name}"),
    }
}

/// The plain path of a hashed name and the hash it carries, if it has one.
fn unhashed(path: &str) -> Option<(String, &str)> {
    let (folder, name) = path.rsplit_once('/').map_or(("", path), |(f, n)| (f, n));
    let (rest, extension) = name.rsplit_once('.')?;
    let (stem, hash) = match rest.rsplit_once('.') {
        Some((stem, hash)) => (Some(stem), hash),
        // `name.hash` without an extension.
        None => (None, extension),
    };
    if hash.len() != HASH_DIGITS || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let plain = match stem {
        Some(stem) => format!("{stem}.{extension}"),
        None => rest.to_owned(),
    };
    Some((
        if folder.is_empty() {
            plain
        } else {
            format!("{folder}/{plain}")
        },
        hash,
    ))
}

/// Serves `/assets/{*path}`: by hashed name (as pages refer to them) for a
/// year, marked immutable; by plain name (as relative references inside
/// the files do) for a day. A hashed name whose hash is not the file's is
/// not found, so no cache keeps the wrong content under it.
pub async fn serve(Path(path): Path<String>) -> Response {
    let (file, cache) = match find(&path) {
        Some(file) => (file, PLAIN_NAME_CACHE),
        None => match unhashed(&path)
            .and_then(|(plain, hash)| find(&plain).filter(|f| hash_of(f) == hash))
        {
            Some(file) => (file, HASHED_NAME_CACHE),
            None => return StatusCode::NOT_FOUND.into_response(),
        },
    };
    (
        [
            (header::CONTENT_TYPE, file.metadata.mimetype().to_owned()),
            (header::CACHE_CONTROL, cache.to_owned()),
        ],
        file.data,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(path: &str) -> String {
        let file = find(path).unwrap_or_else(|| panic!("{path} is not embedded"));
        String::from_utf8(file.data.into_owned()).unwrap()
    }

    #[test]
    fn the_stylesheet_is_embedded() {
        let css = text("css/design-system.min.css");
        assert!(css.len() > 10_000);
        assert!(css.contains(".ds_page"));
    }

    #[test]
    fn leaflet_and_the_search_map_are_embedded_each_under_its_own_folder() {
        assert!(text("leaflet/leaflet.js").contains("Leaflet"));
        assert!(text("leaflet/leaflet.css").contains("images/marker-icon.png"));
        assert!(find("leaflet/images/marker-icon.png").is_some());
        assert!(find("leaflet/images/marker-shadow.png").is_some());
        assert!(text("coprod/search-map.js").contains("data-search-map"));
        assert!(text("coprod/search-map.css").contains(".coprod-search-map"));
        // Only what is listed is served: not the package's source maps, nor
        // a design system file by Leaflet's path.
        assert!(find("leaflet/leaflet.js.map").is_none());
        assert!(find("leaflet/css/design-system.min.css").is_none());
        assert!(find("coprod/../package.json").is_none());
    }

    #[test]
    fn hashed_names_carry_the_content_hash_and_lead_back_to_the_file() {
        let stylesheet = url("css/design-system.min.css");
        let name = stylesheet.strip_prefix("/assets/").unwrap();
        let (plain, hash) = unhashed(name).unwrap();
        assert_eq!(plain, "css/design-system.min.css");
        assert_eq!(hash, hash_of(&find(&plain).unwrap()));
        assert!(name.starts_with("css/design-system.min.") && name.ends_with(".css"));
        let icons = url("images/icons/icons.stack.svg#search");
        assert!(icons.ends_with(".svg#search"), "{icons}");
        assert_eq!(unhashed("leaflet/leaflet.js"), None);
        assert_eq!(url("no/such.css"), "/assets/no/such.css");
    }
}
