//! Installs the Scottish Government Design System from npm (never copied
//! into the repository) and tells the asset embedder where it is.

use std::{path::Path, process::Command};

fn main() {
    // Read at run time, not baked in with env!: the compiled build script
    // can be reused for a checkout at another path.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest_dir).join("../../web");
    let dist = root.join("node_modules/@scottish-government/design-system/dist");
    println!(
        "cargo:rerun-if-changed={}",
        root.join("package-lock.json").display()
    );
    println!("cargo:rerun-if-changed={}", dist.display());
    if !dist.join("css/design-system.min.css").exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--prefix"])
            .arg(&root)
            .status();
        match status {
            Ok(s) if s.success() => {}
            other => panic!(
                "coprod needs the design system from npm: `npm ci --prefix web` failed ({other:?}). \
                 Install Node.js and npm, then build again."
            ),
        }
    }
    let dist = dist.canonicalize().expect("design system folder");
    println!(
        "cargo:rustc-env=COPROD_DESIGN_SYSTEM_DIST={}",
        dist.display()
    );
}
