//! Every lab in the catalog is a page: it has its folder in the core and in the web crate, its
//! binary (which starts a lab), its end-to-end spec, and, if it has a worker, the worker's binary
//! (`shardscope site pages` writes its loader). Nothing else is a page but the debug page.

use std::path::{Path, PathBuf};

use shardscope_core::labs::CATALOG;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_catalog_entry_has_its_folders_binary_spec_and_worker() {
    let root = repo();
    for lab in CATALOG {
        // Rust module names cannot hold a hyphen: `anti-entropy` lives in `anti_entropy/`.
        let module = lab.module();
        for krate in ["shardscope-core", "shardscope-web"] {
            let folder = root.join(format!("crates/{krate}/src/labs/{module}/mod.rs"));
            assert!(folder.is_file(), "{}: no {}", lab.slug, folder.display());
        }
        let bin = read(&root.join(format!("crates/shardscope-web/src/bin/{}.rs", lab.slug)));
        assert!(
            bin.contains("start_lab::<"),
            "{}: the binary does not start a lab",
            lab.slug
        );
        let spec = root.join(format!("tests/e2e/{}.spec.ts", lab.slug));
        assert!(spec.is_file(), "{} has no end-to-end spec {}", lab.slug, spec.display());
        let worker = lab.worker_name();
        let worker_bin = root.join(format!("crates/shardscope-worker/src/bin/{worker}.rs"));
        assert_eq!(
            worker_bin.is_file(),
            lab.worker,
            "{}: worker binary and catalog disagree",
            lab.slug
        );
    }
}

#[test]
fn every_binary_is_a_catalog_page_or_the_debug_page() {
    let dir = repo().join("crates/shardscope-web/src/bin");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let slug = name.strip_suffix(".rs").unwrap_or(&name);
        assert!(
            slug == "debug" || CATALOG.iter().any(|lab| lab.slug == slug),
            "src/bin/{name} is not a page of the catalog"
        );
    }
}

#[test]
fn slugs_are_unique_and_url_safe() {
    for (i, a) in CATALOG.iter().enumerate() {
        assert!(a.slug.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{}", a.slug);
        assert!(CATALOG[..i].iter().all(|b| b.slug != a.slug), "duplicate {}", a.slug);
        assert!(a.slug != "debug", "the debug page's folder is taken");
    }
}
