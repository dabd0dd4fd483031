//! `cargo xtask docs`: one self-contained HTML reference of the contract, for teams to publish
//! beside `openapi.yaml`. The page is Redoc's standalone bundle and the contract, both inlined,
//! so it works offline, from a file or from the sandbox, and makes no request to any other
//! host. Redoc lists every operation and, in a "Models" section, every schema.
//!
//! It needs npm, which `cargo xtask gen` and the tests do not: it fetches the pinned Redoc
//! package from the npm registry into `target/` on first use.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::workspace::{target_dir, workspace_root};

/// The Redoc package whose standalone bundle renders the page.
const REDOC: &str = "redoc@2.5.4";

/// Where the page goes in the target folder unless told otherwise; the sandbox serves it at
/// `/docs` from there.
pub const DEFAULT_OUTPUT: &str = "openapi-docs/reference.html";

/// Redoc's sidebar shows Redocly's logo from its CDN, whatever the options; the page shows an
/// empty image instead, so that it asks no other host for anything.
const LOGO: (&str, &str) = (
    "https://cdn.redoc.ly/redoc/logo-mini.svg",
    "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E",
);

/// Runs `cargo xtask docs`.
pub fn run(output: Option<PathBuf>) -> Result<()> {
    let root = workspace_root();
    let target = target_dir();
    let bundle = redoc_bundle(&target.join("xtask-docs"))?;
    let spec = crate::generate::openapi_31()?;
    let page = page(&bundle, &spec)?;
    let output = match output {
        Some(output) => root.join(output),
        None => target.join(DEFAULT_OUTPUT),
    };
    if let Some(parent) = output.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&output, page).with_context(|| format!("writing {}", output.display()))?;
    eprintln!("{:>12} {}", "Wrote", output.display());
    Ok(())
}

/// The standalone bundle of the pinned Redoc, fetched with npm unless it is there already.
fn redoc_bundle(tools: &Path) -> Result<String> {
    let package = tools.join("node_modules/redoc");
    let pinned = REDOC.rsplit('@').next().unwrap_or_default();
    let installed = std::fs::read_to_string(package.join("package.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .is_some_and(|manifest| manifest["version"] == pinned);
    if !installed {
        let npm = Command::new("npm").arg("--version").output();
        if !npm.is_ok_and(|output| output.status.success()) {
            bail!(
                "`cargo xtask docs` needs npm (Node.js 20 or later) on PATH, to fetch {REDOC}; \
                 `cargo xtask gen` and the tests need only Rust"
            );
        }
        eprintln!("{:>12} {REDOC} into {}", "Fetching", tools.display());
        std::fs::create_dir_all(tools)?;
        let status = Command::new("npm")
            .args([
                "install",
                "--no-audit",
                "--no-fund",
                "--silent",
                "--ignore-scripts",
            ])
            .arg("--prefix")
            .arg(tools)
            .arg(REDOC)
            .status()
            .context("running npm")?;
        if !status.success() {
            bail!("npm could not install {REDOC}; is the npm registry reachable?");
        }
    }
    let path = package.join("bundles/redoc.standalone.js");
    std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))
}

/// The page: the bundle, with its one request elsewhere replaced, and the contract.
fn page(bundle: &str, spec: &serde_json::Value) -> Result<String> {
    let (logo, empty) = LOGO;
    let found = bundle.matches(logo).count();
    if found != 1 {
        bail!(
            "expected Redoc's bundle to name its CDN logo once, found it {found} times; see \
             LOGO in xtask/src/docs.rs"
        );
    }
    let bundle = bundle.replace(logo, empty);
    let version = spec["info"]["version"].as_str().unwrap_or_default();
    let title = format!("GitLab Jobs API, contract {version}");
    // A script ends at the first `</script`, wherever it is. In JSON, `<\/` is `</` escaped;
    // in the bundle, which has none today, only that sequence is touched.
    let json = |text: &str| text.replace("</", "<\\/");
    let code = |text: &str| {
        text.replace("</script", "<\\/script")
            .replace("</SCRIPT", "<\\/SCRIPT")
    };
    let spec = with_model_sections(spec);
    let options = serde_json::json!({
        "hideDownloadButton": false,
        "expandResponses": "200,201",
        "jsonSampleExpandLevel": 2,
    });
    Ok(format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<link rel=\"icon\" href=\"data:,\">\n<style>body {{ margin: 0; padding: 0; }}</style>\n</head>\n\
         <body>\n<div id=\"reference\"></div>\n<script>{}</script>\n<script>\nRedoc.init({}, {}, \
         document.getElementById(\"reference\"));\n</script>\n</body>\n</html>\n",
        code(&bundle),
        json(&spec.to_string()),
        options,
    ))
}

/// The contract as the page shows it: under "Models", a section for each schema with its own
/// description above its properties (Redoc's `schemaDefinitionsTagName` shows the properties
/// only). Each section is a tag that holds no operation (`x-traitTag`) and renders the schema
/// with `<SchemaDefinition>`; `x-tagGroups` puts the operations' tags first.
fn with_model_sections(spec: &serde_json::Value) -> serde_json::Value {
    use serde_json::{Value, json};
    let mut spec = spec.clone();
    let operation_tags: Vec<Value> = spec["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|tag| tag.get("name").cloned())
        .collect();
    let models: Vec<(String, String)> = spec["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, schema)| {
            let description = schema["description"].as_str().unwrap_or_default();
            (name.clone(), description.to_owned())
        })
        .collect();
    let tags = spec["tags"].as_array_mut();
    let Some(tags) = tags else { return spec };
    for (name, description) in &models {
        tags.push(json!({
            "name": name,
            "x-traitTag": true,
            "description": format!(
                "{description}\n\n<SchemaDefinition schemaRef=\"#/components/schemas/{name}\" />"
            ),
        }));
    }
    spec["x-tagGroups"] = json!([
        {"name": "Operations", "tags": operation_tags},
        {"name": "Models", "tags": models.iter().map(|(name, _)| name).collect::<Vec<_>>()},
    ]);
    spec
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_escapes_script_ends_and_drops_the_cdn_logo() {
        let bundle = format!("var logo = \"{}\"; var s = \"</script>\"; a </b/;", LOGO.0);
        let spec = serde_json::json!({"info": {"version": "1.2.3"}, "x": "</script><b>"});
        let html = page(&bundle, &spec).unwrap();
        assert!(!html.contains("cdn.redoc.ly"));
        assert!(
            html.contains("a </b/;"),
            "code other than `</script` is left alone"
        );
        assert_eq!(
            html.matches("</script>").count(),
            2,
            "only the page's own script ends"
        );
        assert!(html.contains("<title>GitLab Jobs API, contract 1.2.3</title>"));
        let moved = page("no logo here", &spec).unwrap_err().to_string();
        assert!(moved.contains("found it 0 times"), "{moved}");
    }

    #[test]
    fn each_model_has_a_section_with_its_own_description_after_the_operations() {
        let spec = serde_json::json!({
            "tags": [{"name": "jobs"}],
            "components": {"schemas": {
                "Job": {"description": "A CI job: 27 keys.", "type": "object"},
                "Bare": {"type": "string"},
            }},
        });
        let shown = with_model_sections(&spec);
        assert_eq!(
            shown["x-tagGroups"],
            serde_json::json!([
                {"name": "Operations", "tags": ["jobs"]},
                {"name": "Models", "tags": ["Job", "Bare"]},
            ])
        );
        assert_eq!(shown["tags"][1]["x-traitTag"], true);
        assert_eq!(
            shown["tags"][1]["description"],
            "A CI job: 27 keys.\n\n<SchemaDefinition schemaRef=\"#/components/schemas/Job\" />"
        );
        assert_eq!(
            shown["tags"][2]["description"],
            "\n\n<SchemaDefinition schemaRef=\"#/components/schemas/Bare\" />"
        );
        assert_eq!(
            shown["components"], spec["components"],
            "the schemas are left as they are"
        );
    }
}
