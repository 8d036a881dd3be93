//! Installs the front-end packages from npm (never copied into the
//! repository) — the Scottish Government Design System and Leaflet — and
//! tells the asset embedder where they and our own scripts are.

use std::{path::Path, process::Command};

fn main() {
    // Read at run time, not baked in with env!: the compiled build script
    // can be reused for a checkout at another path.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest_dir).join("../../web");
    let modules = root.join("node_modules");
    let design_system = modules.join("@scottish-government/design-system/dist");
    let leaflet = modules.join("leaflet/dist");
    let own_source = root.join("src");
    println!(
        "cargo:rerun-if-changed={}",
        root.join("package-lock.json").display()
    );
    for folder in [&design_system, &leaflet, &own_source] {
        println!("cargo:rerun-if-changed={}", folder.display());
    }
    let installed = design_system.join("css/design-system.min.css").exists()
        && leaflet.join("leaflet.js").exists();
    if !installed {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--prefix"])
            .arg(&root)
            .status();
        match status {
            Ok(s) if s.success() => {}
            other => panic!(
                "coprod needs the design system and Leaflet from npm: `npm ci --prefix web` failed ({other:?}). \
                 Install Node.js and npm, then build again."
            ),
        }
    }
    for (variable, folder) in [
        ("COPROD_DESIGN_SYSTEM_DIST", &design_system),
        ("COPROD_LEAFLET_DIST", &leaflet),
        ("COPROD_WEB_SRC", &own_source),
    ] {
        // A folder that is missing is reported by the embedder, naming it.
        let folder = folder.canonicalize().unwrap_or_else(|_| folder.clone());
        println!("cargo:rustc-env={variable}={}", folder.display());
    }
}
