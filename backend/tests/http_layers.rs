//! The shape of `src/http/` (issue 15), read off the source: a resource module (one with a
//! `router()`) imports no other resource module, and the helper modules it shares import one
//! another without a circle. A new handler that reaches into another resource for a helper
//! fails here; move the helper into a helper module instead (docs/ARCHITECTURE.md).

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each module of `src/http/` (not `mod.rs`) and the sibling modules it names, as
/// `crate::http::x` or `super::x`, anywhere in its text (a `use` line or a full path).
fn modules() -> BTreeMap<String, (bool, BTreeSet<String>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http");
    let mut texts = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
        if path.extension().is_some_and(|e| e == "rs") && name != "mod" {
            texts.insert(name, std::fs::read_to_string(&path).unwrap());
        }
    }
    let names: BTreeSet<String> = texts.keys().cloned().collect();
    texts
        .into_iter()
        .map(|(name, text)| {
            // Only the module's own code: its unit tests may use whatever they like.
            let code = text.split("#[cfg(test)]").next().unwrap_or("");
            let is_resource = code.contains("pub fn router()");
            let mut uses = BTreeSet::new();
            for prefix in ["crate::http::", "super::"] {
                for (at, _) in code.match_indices(prefix) {
                    let rest = &code[at + prefix.len()..];
                    let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'));
                    let used = &rest[..end.unwrap_or(rest.len())];
                    if used != name && names.contains(used) {
                        uses.insert(used.to_owned());
                    }
                }
            }
            (name, (is_resource, uses))
        })
        .collect()
}

#[test]
fn no_resource_module_imports_another() {
    let modules = modules();
    let mut wrong = Vec::new();
    for (name, (is_resource, uses)) in &modules {
        for used in uses {
            if *is_resource && modules[used].0 {
                wrong.push(format!("{name} -> {used}"));
            }
        }
    }
    assert!(wrong.is_empty(), "resource modules importing resource modules: {wrong:?}");
    // The reading above must see the resources at all.
    assert!(modules.get("summary").is_some_and(|m| m.0), "summary is a resource");
    assert!(modules.get("scope").is_some_and(|m| !m.0), "scope is a helper");
}

#[test]
fn the_modules_of_http_import_one_another_without_a_circle() {
    let modules = modules();
    // Kahn: peel off the modules that import nothing left; whatever remains is in a circle.
    let mut left: BTreeMap<&str, BTreeSet<&str>> = modules
        .iter()
        .map(|(n, (_, uses))| (n.as_str(), uses.iter().map(String::as_str).collect()))
        .collect();
    loop {
        let free: Vec<&str> =
            left.iter().filter(|(_, uses)| uses.is_empty()).map(|(n, _)| *n).collect();
        if free.is_empty() {
            break;
        }
        for n in &free {
            left.remove(n);
        }
        for uses in left.values_mut() {
            for n in &free {
                uses.remove(n);
            }
        }
    }
    assert!(left.is_empty(), "modules of src/http in an import circle: {left:?}");
}
