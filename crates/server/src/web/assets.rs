//! The Scottish Government Design System's stylesheet and images, installed
//! from npm at build time (see `build.rs`) and embedded in the binary, so a
//! single file is the whole deployment.

use axum::{
    extract::Path,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "$COPROD_DESIGN_SYSTEM_DIST"]
#[include = "css/design-system.min.css"]
#[include = "images/**/*.svg"]
struct DesignSystem;

/// Serves `/assets/{*path}` with a long cache life: the files change only
/// with the binary.
pub async fn serve(Path(path): Path<String>) -> Response {
    match DesignSystem::get(&path) {
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

    #[test]
    fn the_stylesheet_is_embedded() {
        let css = DesignSystem::get("css/design-system.min.css").expect("design system stylesheet");
        assert!(css.data.len() > 10_000);
        assert!(std::str::from_utf8(&css.data).unwrap().contains(".ds_page"));
    }
}
