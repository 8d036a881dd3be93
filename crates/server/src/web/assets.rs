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

/// Serves `/assets/{*path}` with a long cache life: the files change only
/// with the binary.
pub async fn serve(Path(path): Path<String>) -> Response {
    match find(&path) {
        Some(file) => (
            [
                (header::CONTENT_TYPE, file.metadata.mimetype().to_owned()),
                (header::CACHE_CONTROL, "public, max-age=86400".to_owned()),
            ],
            file.data,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
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
}
