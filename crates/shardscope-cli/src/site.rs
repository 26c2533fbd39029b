//! `shardscope site`: writes the parts of the static site that come from the catalog: the home
//! page and its old-link forwarder, and the Trunk source page of every lab page.
//!
//! Each lab is a page of its own (`<slug>/index.html`, built by Trunk from the page this writes),
//! so a visitor downloads the shared shell and the lab they open, nothing else. The home page needs
//! no wasm at all: it is plain HTML listing `CATALOG`. `scripts/build.sh` runs both commands.

use std::fmt::Write as _;
use std::path::Path;

use shardscope_core::labs::{LabInfo, CATALOG};

/// The page that is not a lab: the browser benchmark and the deliberate panic (`#/debug/…`).
pub const DEBUG_PAGE: &str = "debug";

/// The policy every page carries. Lab pages add the hashes of Trunk's inline start-up script in
/// place of the marker, which `scripts/csp_hashes.py` fills in after each build.
fn content_security_policy(inline_marker: bool) -> String {
    let (wasm, marker) = if inline_marker {
        (" 'wasm-unsafe-eval'", " CSP-INLINE-SCRIPT-HASHES")
    } else {
        ("", "")
    };
    format!(
        "default-src 'self'; script-src 'self'{wasm}{marker}; style-src 'self'; img-src 'self'; \
         font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'none'"
    )
}

/// Escapes text for HTML element content and double-quoted attributes.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The head every page shares, up to its own assets.
fn head(title: &str, description: &str, csp: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta http-equiv="Content-Security-Policy" content="{csp}" />
    <meta name="color-scheme" content="light dark" />
    <meta name="description" content="{}" />
    <title>{}</title>
"#,
        escape(description),
        escape(title)
    )
}

/// The labs with a stylesheet of their own (`www/labs/<slug>.css`), which only their page loads:
/// what one lab alone draws need not weigh on every other lab's page. Everything else is in the
/// shared `www/style.css`.
pub const LAB_STYLESHEETS: &[&str] = &["system"];

/// The Trunk source page of one lab page (or of the debug page, with `lab` = `None`). `root` is
/// the repository's root as seen from the folder the page is written to, ending in `/`.
#[must_use]
pub fn trunk_page(lab: Option<&LabInfo>, root: &str) -> String {
    let (bin, title, description) = match lab {
        Some(lab) => (lab.slug, format!("{} · Shardscope", lab.title), lab.summary),
        None => (
            DEBUG_PAGE,
            "Debug · Shardscope".to_owned(),
            "Browser benchmarks of the Shardscope core.",
        ),
    };
    let mut page = head(&title, description, &content_security_policy(true));
    let _ = write!(
        page,
        r#"    <script src="../theme.js"></script>
    <link data-trunk rel="css" href="{root}www/style.css" />
    <link data-trunk rel="icon" href="{root}www/favicon.svg" />
    <link data-trunk rel="rust" href="{root}crates/shardscope-web/Cargo.toml" data-bin="{bin}" data-wasm-opt="z" data-integrity="none" />
"#
    );
    if LAB_STYLESHEETS.contains(&bin) {
        let _ = writeln!(
            page,
            r#"    <link data-trunk rel="css" href="{root}www/labs/{bin}.css" />"#
        );
    }
    if let Some(lab) = lab.filter(|lab| lab.worker) {
        let worker = lab.worker_name();
        // Trunk gives workers unhashed names; the loader (written beside this page by
        // `write_trunk_pages`) starts the worker by a relative URL, so the site works from any
        // sub-path.
        let _ = write!(
            page,
            r#"    <link data-trunk rel="rust" href="{root}crates/shardscope-worker/Cargo.toml" data-bin="{worker}" data-type="worker" data-wasm-opt="z" data-integrity="none" />
    <link data-trunk rel="copy-file" href="{worker}_loader.js" />
"#
        );
    }
    page.push_str(
        "  </head>\n  <body>\n    <noscript>Shardscope runs in your browser and needs JavaScript and WebAssembly.</noscript>\n  </body>\n</html>\n",
    );
    page
}

/// The names of every page Trunk builds: each lab's slug, then the debug page.
pub fn page_names() -> impl Iterator<Item = &'static str> {
    CATALOG.iter().map(|lab| lab.slug).chain([DEBUG_PAGE])
}

/// The script a lab's page starts its worker with: wasm-bindgen's no-modules glue, then the wasm.
/// Written here rather than by Trunk's `data-loader-shim`, whose call uses the deprecated
/// positional form of the initialiser and makes the worker log a warning.
#[must_use]
pub fn worker_loader(worker: &str) -> String {
    format!(
        "// Written by `shardscope site pages`: starts this lab's Web Worker.\n\
         importScripts(\"./{worker}.js\");\n\
         wasm_bindgen({{ module_or_path: \"./{worker}_bg.wasm\" }});\n"
    )
}

/// Writes every Trunk source page into `dir` as `<name>.html`, with the worker loaders they copy.
pub fn write_trunk_pages(dir: &Path, root: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for lab in CATALOG {
        std::fs::write(dir.join(format!("{}.html", lab.slug)), trunk_page(Some(lab), root))?;
        if lab.worker {
            let worker = lab.worker_name();
            std::fs::write(dir.join(format!("{worker}_loader.js")), worker_loader(&worker))?;
        }
    }
    std::fs::write(dir.join(format!("{DEBUG_PAGE}.html")), trunk_page(None, root))
}

/// The home page: plain HTML listing every lab, with no wasm.
#[must_use]
pub fn home_page() -> String {
    let mut page = head(
        "Shardscope",
        "Shardscope: interactive, quantitative labs on how distributed systems place and move data.",
        &content_security_policy(false),
    );
    page.push_str(
        r#"    <link rel="stylesheet" href="style.css" />
    <link rel="icon" href="favicon.svg" />
    <script src="theme.js"></script>
    <script src="old-links.js"></script>
  </head>
  <body>
    <div class="shell">
      <header class="site-header">
        <a href="./" class="brand">Shardscope</a>
        <span class="tagline">How distributed systems place and move data</span>
        <button type="button" id="theme-toggle" class="theme-toggle" aria-pressed="false">Dark mode</button>
      </header>
      <main>
        <section class="home" aria-labelledby="home-title">
          <h1 id="home-title">Labs</h1>
          <p>Each lab runs the real algorithm on up to millions of seeded keys and shows measured numbers next to what theory predicts. Every lab's state lives in its link.</p>
          <ul class="lab-list">
"#,
    );
    for lab in CATALOG {
        let _ = writeln!(
            page,
            r#"            <li class="lab-card"><h2><a href="{}/">{}</a></h2><p>{}</p></li>"#,
            lab.slug,
            escape(lab.title),
            escape(lab.summary)
        );
    }
    page.push_str(
        r#"          </ul>
        </section>
      </main>
      <footer class="site-footer">
        <p>Every number on this site is computed in your browser from a seed; the same link shows the same numbers.</p>
      </footer>
    </div>
  </body>
</html>
"#,
    );
    page
}

/// The script that sends an old link (`#/lab/<slug>?…` or `#/debug/…` on the home page, from the
/// time the site was one page) on to the page that now has it, with the same fragment and query.
#[must_use]
pub fn old_links_script() -> String {
    // Each lab's own slug, and the old slugs it reads links for (Rebalance, folded into
    // Placement, opens the Placement page, which converts the link).
    let pages = CATALOG.iter().flat_map(|lab| {
        std::iter::once((lab.slug, lab.slug)).chain(lab.aliases.iter().map(|alias| (*alias, lab.slug)))
    });
    let table = pages
        .map(|(old, new)| format!("\"{old}\": \"{new}/\""))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        r#"// Written by `shardscope site home` from the lab catalog; do not edit.
// The site was once one page whose fragment named the lab (#/lab/<slug>?<state>). Each lab is now
// a page of its own; this sends such a link on to that page with its fragment (the lab's whole
// state) and its query (?embed=1) unchanged, replacing the history entry so Back skips it.
"use strict";
(function () {{
  var PAGES = {{ {table} }};
  function forward() {{
    var hash = window.location.hash;
    var match = /^#\/(?:lab\/([^?/]*)|(debug)\/)/.exec(hash);
    if (!match) return null;
    var known = Object.prototype.hasOwnProperty.call(PAGES, match[1] || "");
    var page = match[2] ? "{DEBUG_PAGE}/" : known ? PAGES[match[1]] : null;
    if (page) {{
      window.location.replace(page + window.location.search + hash);
      return null;
    }}
    var name = match[1];
    try {{ name = decodeURIComponent(name); }} catch (e) {{ /* shown as typed */ }}
    return name.length > 60 ? name.slice(0, 60) + "…" : name;
  }}
  function show(name) {{
    if (name === null) return;
    var old = document.getElementById("old-link-problem");
    if (old) old.remove();
    var section = document.createElement("section");
    section.id = "old-link-problem";
    section.className = "not-found";
    section.setAttribute("role", "alert");
    var text = document.createElement("p");
    text.textContent = "There is no lab called “" + name + "”. These are the labs:";
    section.appendChild(text);
    var main = document.querySelector("main");
    if (main) main.prepend(section);
  }}
  var missing = forward();
  if (missing !== null) document.addEventListener("DOMContentLoaded", function () {{ show(missing); }});
  window.addEventListener("hashchange", function () {{ show(forward()); }});
}})();
"#
    )
}

/// Writes the home page, its script, into `dir`.
pub fn write_home(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("index.html"), home_page())?;
    std::fs::write(dir.join("old-links.js"), old_links_script())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lab_is_on_the_home_page_and_has_a_trunk_page() {
        let home = home_page();
        for lab in CATALOG {
            assert!(home.contains(&format!(r#"<a href="{}/">{}</a>"#, lab.slug, escape(lab.title))));
            let page = trunk_page(Some(lab), "../../");
            assert!(page.contains(&format!(r#"data-bin="{}""#, lab.slug)));
            assert_eq!(page.contains("data-type=\"worker\""), lab.worker);
            if lab.worker {
                let loader = worker_loader(&lab.worker_name());
                assert!(loader.contains(&format!("importScripts(\"./{}.js\")", lab.worker_name())));
            }
        }
        assert!(!home.contains("wasm"), "the home page loads no wasm");
        assert!(!home.contains("unsafe-inline"));
    }

    #[test]
    fn each_lab_stylesheet_is_a_lab_s_and_exists_and_only_its_page_loads_it() {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../www/labs");
        let mut files: Vec<String> = std::fs::read_dir(&folder)
            .expect("www/labs")
            .map(|f| f.expect("an entry").file_name().to_string_lossy().into_owned())
            .collect();
        files.sort_unstable();
        let mut listed: Vec<String> = LAB_STYLESHEETS.iter().map(|s| format!("{s}.css")).collect();
        listed.sort_unstable();
        assert_eq!(files, listed, "www/labs/ holds exactly the listed stylesheets");
        for lab in CATALOG {
            let page = trunk_page(Some(lab), "../../");
            let own = format!("www/labs/{}.css", lab.slug);
            assert_eq!(page.contains(&own), LAB_STYLESHEETS.contains(&lab.slug), "{}", lab.slug);
            assert_eq!(
                page.matches("www/labs/").count(),
                usize::from(LAB_STYLESHEETS.contains(&lab.slug))
            );
        }
        for slug in LAB_STYLESHEETS {
            assert!(CATALOG.iter().any(|lab| lab.slug == *slug), "{slug} is a lab");
        }
    }

    #[test]
    fn old_links_know_every_slug_and_alias() {
        let script = old_links_script();
        for lab in CATALOG {
            assert!(script.contains(&format!("\"{0}\": \"{0}/\"", lab.slug)));
        }
        for lab in CATALOG {
            for old in lab.aliases {
                assert!(script.contains(&format!("\"{old}\": \"{}/\"", lab.slug)));
                assert!(
                    CATALOG.iter().all(|other| other.slug != *old),
                    "{old} is both a lab and an alias"
                );
            }
        }
    }
}
