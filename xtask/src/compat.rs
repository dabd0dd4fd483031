//! `cargo xtask compat`: is the contract of the working tree compatible with the blessed one?
//!
//! It compares the 3.0.3 renditions (the one generated from the working tree, and the one
//! committed at a revision) with Oxide's `drift`, which classifies each change. For the teams
//! that consume the contract:
//!
//! - a backward-incompatible change (or one incompatible both ways) breaks a client generated
//!   from the blessed contract: it needs a new major version, unless a person names its
//!   location under "Not breaking" with the reason the rule does not apply (a response code
//!   that answers only a parameter added in the same version);
//! - a forward-incompatible change is an addition (a client generated from the new contract
//!   may expect what an older GitLab does not send): it needs at least a new minor version;
//! - a trivial change (descriptions, examples, layout) needs nothing;
//! - an unhandled change, which `drift` cannot classify, needs a person: it passes once the
//!   changelog entry of the current version names its location, in backticks, under
//!   "Reviewed".
//!
//! The exit code says which: 0 compatible, 3 incompatible without a new major, 4 needs review
//! (an unreviewed change, or a change without a new version or changelog entry); 1 when the
//! comparison could not run.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::process::Command;

use anyhow::{Context, Result, bail};
use drift::{ChangeClass, ChangeComparison};
use serde_json::Value;

use crate::generate;
use crate::workspace::{SPEC_30, workspace_root};

/// The changelog of the contract.
pub const CHANGELOG: &str = "openapi/CHANGELOG.md";

/// What the comparison concluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Compatible,
    Incompatible(String),
    NeedsReview(String),
}

impl Verdict {
    pub fn exit_code(&self) -> u8 {
        match self {
            Verdict::Compatible => 0,
            Verdict::Incompatible(_) => 3,
            Verdict::NeedsReview(_) => 4,
        }
    }
}

/// The report of a comparison: one line per change, and the verdict.
#[derive(Debug)]
pub struct Assessment {
    pub lines: Vec<String>,
    pub verdict: Verdict,
}

/// Runs `cargo xtask compat`.
pub fn run(against: Option<String>) -> Result<std::process::ExitCode> {
    let root = workspace_root();
    let rendered = generate::render().context("generating the working tree's contract")?;
    let current_text = rendered
        .outputs
        .iter()
        .find(|output| output.path == SPEC_30)
        .context("generation wrote no 3.0.3 rendition")?;
    let current: Value = yaml_serde::from_str(&current_text.contents)?;
    let revision = match against {
        Some(revision) => revision,
        None => default_revision(&contract_version(&current))?,
    };
    let blessed = contract_at(&revision)?;
    let changelog = std::fs::read_to_string(root.join(CHANGELOG))
        .with_context(|| format!("reading {CHANGELOG}"))?;
    let assessment = assess(&blessed, &current, &changelog)?;
    eprintln!(
        "{:>12} the working tree's contract against {revision}'s",
        "Comparing"
    );
    for line in &assessment.lines {
        println!("{line}");
    }
    match &assessment.verdict {
        Verdict::Compatible => eprintln!("{:>12} compatible", "Finished"),
        Verdict::Incompatible(why) => eprintln!("{:>12} incompatible: {why}", "Failed"),
        Verdict::NeedsReview(why) => eprintln!("{:>12} needs review: {why}", "Failed"),
    }
    Ok(assessment.verdict.exit_code().into())
}

/// The merge base with `main` while on another branch; on `main`, the newest tag of the
/// contract (`contract-v*`), or without one the newest commit whose contract has another
/// version than `current` (the version before the one being made).
fn default_revision(current: &str) -> Result<String> {
    let head = git(&["rev-parse", "HEAD"])?;
    if let Ok(base) = git(&["merge-base", "HEAD", "main"])
        && base.trim() != head.trim()
    {
        return Ok(base.trim().to_owned());
    }
    if let Ok(tag) = git(&["describe", "--tags", "--abbrev=0", "--match", "contract-v*"]) {
        return Ok(tag.trim().to_owned());
    }
    for commit in git(&["log", "--format=%H", "--", SPEC_30])?.lines() {
        if contract_version(&contract_at(commit)?) != current {
            eprintln!(
                "{:>12} no tag contract-v*: comparing with the newest commit of another version",
                "Note"
            );
            return Ok(commit.to_owned());
        }
    }
    bail!(
        "no revision to compare with: no tag contract-v* exists and every commit of {SPEC_30} has \
         version {current}; pass --against <revision>, such as HEAD~1"
    )
}

/// The 3.0.3 rendition committed at `revision`.
fn contract_at(revision: &str) -> Result<Value> {
    let text = git(&["show", &format!("{revision}:{SPEC_30}")]).with_context(|| {
        format!("reading {SPEC_30} at {revision}; is it a revision of this repository?")
    })?;
    yaml_serde::from_str(&text).with_context(|| format!("{SPEC_30} at {revision} is not YAML"))
}

fn contract_version(doc: &Value) -> String {
    doc["info"]["version"].as_str().unwrap_or("").to_owned()
}

fn git(args: &[&str]) -> Result<String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(workspace_root())
        .output()
        .context("running git")?;
    if !output.status.success() {
        bail!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    String::from_utf8(output.stdout).context("git wrote non-UTF-8")
}

/// A semantic version `major.minor.patch`.
fn semver(text: &str) -> Option<(u64, u64, u64)> {
    let mut parts = text.split('.').map(|part| part.parse::<u64>().ok());
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(Some(major)), Some(Some(minor)), Some(Some(patch)), None) => {
            Some((major, minor, patch))
        }
        _ => None,
    }
}

/// The body of the changelog entry `## <version>`, if there is one.
pub fn changelog_entry<'a>(changelog: &'a str, version: &str) -> Option<&'a str> {
    let heading = format!("## {version}");
    let start = changelog.lines().position(|line| line.trim() == heading)?;
    let body_start = changelog
        .lines()
        .take(start + 1)
        .map(|line| line.len() + 1)
        .sum::<usize>()
        .min(changelog.len());
    let rest = &changelog[body_start..];
    let end = rest.find("\n## ").map_or(rest.len(), |at| at + 1);
    Some(&rest[..end])
}

/// The operations a change reaches, by operation ID.
fn operations_reached(doc: &Value, change: &drift::Change) -> BTreeSet<String> {
    change
        .paths
        .iter()
        .flat_map(|path| [path.old.endpoint_base(), path.new.endpoint_base()])
        .flatten()
        .filter_map(|base| {
            let pointer = base.strip_prefix('#')?;
            let operation = doc.pointer(pointer)?;
            operation["operationId"].as_str().map(str::to_owned)
        })
        .collect()
}

/// How a change affects a consumer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    /// Breaks a client generated from the blessed contract.
    Breaking,
    /// Adds what an older GitLab may not send or accept.
    Addition,
    /// Changes nothing a client reads: text, examples, layout.
    Trivial,
    /// Neither `drift` nor the rules below can tell: a person must.
    Review,
}

/// One change, as reported.
#[derive(Debug, Clone)]
struct Finding {
    class: Class,
    direction: &'static str,
    location: String,
    message: String,
    reached: BTreeSet<String>,
}

/// Compares `old` (the blessed 3.0.3 rendition) with `new` and judges the change against the
/// versions the two carry and the changelog.
///
/// `drift` 0.2 classifies most changes; two kinds it does not, and this adds them. It reports
/// any change to an object's properties as unhandled, and it does not look inside `anyOf`, where
/// every open enum keeps its known values. So every difference between the documents, keyword
/// by keyword (descriptions and examples aside), is matched with the `drift` change that
/// covers it; those it leaves unhandled or does not see go through the rules of
/// [`classify_difference`], and only what those cannot tell needs a person.
pub fn assess(old: &Value, new: &Value, changelog: &str) -> Result<Assessment> {
    let changes = drift::compare(old, new).map_err(|err| anyhow::anyhow!("drift: {err:#}"))?;
    let version = contract_version;
    let (old_version, new_version) = (version(old), version(new));
    let entry = changelog_entry(changelog, &new_version);

    let mut drift_findings = Vec::new();
    for change in &changes {
        let mut reached: BTreeSet<String> = operations_reached(new, change);
        reached.extend(operations_reached(old, change));
        let direction = match change.paths.first().map(|path| path.comparison) {
            Some(ChangeComparison::Input) => "input",
            Some(ChangeComparison::Output) => "output",
            _ => "structure",
        };
        for info in &change.changes {
            let location = change
                .paths
                .first()
                .map(|path| {
                    let (base, _) = path.new.base_and_subpath();
                    if info.new_subpath.is_empty() {
                        base.to_owned()
                    } else {
                        format!("{base}/{}", info.new_subpath)
                    }
                })
                .unwrap_or_default();
            let class = match info.class {
                ChangeClass::BackwardIncompatible | ChangeClass::Incompatible => Class::Breaking,
                ChangeClass::ForwardIncompatible => Class::Addition,
                ChangeClass::Trivial => Class::Trivial,
                ChangeClass::Unhandled => Class::Review,
            };
            drift_findings.push(Finding {
                class,
                direction,
                location,
                message: info.message.clone(),
                reached: reached.clone(),
            });
        }
    }

    // Every keyword-level difference, with the drift finding that covers it, if any.
    let directions = Directions::of(old, new);
    let mut refined: Vec<Vec<Finding>> = vec![Vec::new(); drift_findings.len()];
    let mut unexplained: Vec<bool> = vec![false; drift_findings.len()];
    let mut extra = Vec::new();
    for difference in differences(old, new) {
        let cover = drift_findings
            .iter()
            .enumerate()
            .filter(|(_, finding)| is_within(&difference.pointer, &finding.location))
            .max_by_key(|(_, finding)| finding.location.len());
        match cover {
            Some((_, finding)) if finding.class != Class::Review => {}
            Some((index, _)) => {
                let finding = classify_difference(&difference, &directions);
                unexplained[index] |= finding.class == Class::Review;
                refined[index].push(finding);
            }
            None => extra.push(classify_difference(&difference, &directions)),
        }
    }
    let mut findings = Vec::new();
    for (index, finding) in drift_findings.into_iter().enumerate() {
        if finding.class == Class::Review && !unexplained[index] && !refined[index].is_empty() {
            findings.extend(
                std::mem::take(&mut refined[index])
                    .into_iter()
                    .map(|mut f| {
                        f.reached = finding.reached.clone();
                        f
                    }),
            );
        } else {
            findings.push(finding);
        }
    }
    findings.extend(extra);

    let mut lines = Vec::new();
    let (mut breaking, mut substantive, mut unreviewed) = (0, 0, Vec::new());
    let not_breaking = entry.and_then(|entry| section(entry, NOT_BREAKING));
    for finding in &findings {
        let label = match finding.class {
            Class::Breaking
                if not_breaking
                    .is_some_and(|text| text.contains(&format!("`{}`", finding.location))) =>
            {
                substantive += 1;
                "incompatible, reviewed as not breaking"
            }
            Class::Breaking => {
                breaking += 1;
                substantive += 1;
                "incompatible"
            }
            Class::Addition => {
                substantive += 1;
                "addition"
            }
            Class::Trivial => "trivial",
            Class::Review => {
                substantive += 1;
                if entry.is_some_and(|entry| entry.contains(&format!("`{}`", finding.location))) {
                    "reviewed"
                } else {
                    unreviewed.push(finding.location.clone());
                    "needs review"
                }
            }
        };
        let reached = if finding.reached.is_empty() {
            String::new()
        } else {
            let names: Vec<&str> = finding.reached.iter().map(String::as_str).collect();
            format!(" (reaches {})", names.join(", "))
        };
        let mut line = String::new();
        write!(
            line,
            "[{label}] {} {}: {}{reached}",
            finding.direction, finding.location, finding.message
        )?;
        lines.push(line);
    }
    lines.sort();
    lines.dedup();
    unreviewed.sort();
    unreviewed.dedup();
    let verdict = match (semver(&old_version), semver(&new_version)) {
        (_, None) => Verdict::NeedsReview(format!(
            "info.version {new_version:?} is not a semantic version major.minor.patch"
        )),
        (_, Some(_)) if entry.is_none() => Verdict::NeedsReview(format!(
            "{CHANGELOG} has no entry `## {new_version}`; add one saying what changed"
        )),
        // The first versioned contract: everything before it was unversioned.
        (None, Some(_)) => Verdict::Compatible,
        (Some(old_v), Some(new_v)) if new_v < old_v => Verdict::NeedsReview(format!(
            "info.version went down, from {old_version} to {new_version}"
        )),
        (Some(old_v), Some(new_v)) => {
            if breaking > 0 && new_v.0 <= old_v.0 {
                Verdict::Incompatible(format!(
                    "{breaking} change(s) break clients generated from {old_version}; raise \
                     the major version (CONTRACT_VERSION in crates/gitlab-jobs-schema/src/\
                     openapi.rs), or undo them"
                ))
            } else if !unreviewed.is_empty() {
                Verdict::NeedsReview(format!(
                    "{} change(s) cannot be classified; check each, then name its location \
                     under \"Reviewed\" in the {new_version} entry of {CHANGELOG}: {}",
                    unreviewed.len(),
                    unreviewed.join(", ")
                ))
            } else if substantive > 0 && new_v == old_v {
                Verdict::NeedsReview(format!(
                    "the contract changed but its version is still {old_version}; raise the \
                     minor for an addition, the major for a break, and add a changelog entry"
                ))
            } else {
                Verdict::Compatible
            }
        }
    };
    Ok(Assessment { lines, verdict })
}

/// The heading, in a changelog entry, of changes a person has judged not to break any client
/// although the rules say they may, each location in backticks with the reason: a response
/// code that answers only a request parameter added in the same version, say.
const NOT_BREAKING: &str = "### Not breaking";

/// The text of the section under `heading` in a changelog entry, up to the next heading.
fn section<'e>(entry: &'e str, heading: &str) -> Option<&'e str> {
    let start = entry.find(heading)? + heading.len();
    let rest = &entry[start..];
    Some(rest.find("\n#").map_or(rest, |end| &rest[..end]))
}

/// Whether the JSON pointer `pointer` is `location` or inside it.
fn is_within(pointer: &str, location: &str) -> bool {
    pointer == location
        || pointer
            .strip_prefix(location)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// One keyword that differs between the documents: its pointer, and its value on each side.
#[derive(Debug)]
struct Difference {
    pointer: String,
    old: Option<Value>,
    new: Option<Value>,
}

/// Keywords that change nothing a client reads.
const TEXT: &[&str] = &["description", "summary", "example", "examples", "title"];

/// Every keyword-level difference between the documents: values that differ, and subtrees
/// present on one side only (reported once, at their root). `info`, `servers`, `tags`,
/// descriptions, examples and extensions are left out; `enum`, `required` and `type` compare
/// whole.
fn differences(old: &Value, new: &Value) -> Vec<Difference> {
    fn walk(old: Option<&Value>, new: Option<&Value>, at: String, out: &mut Vec<Difference>) {
        let key = at.rsplit('/').next().unwrap_or("");
        let whole = matches!(key, "enum" | "required" | "type");
        match (old, new) {
            (Some(Value::Object(a)), Some(Value::Object(b))) if !whole => {
                let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
                for key in keys {
                    if TEXT.contains(&key.as_str()) || key.starts_with("x-") {
                        continue;
                    }
                    if at.is_empty() && matches!(key.as_str(), "info" | "servers" | "tags") {
                        continue;
                    }
                    let escaped = key.replace('~', "~0").replace('/', "~1");
                    walk(a.get(key), b.get(key), format!("{at}/{escaped}"), out);
                }
            }
            (Some(Value::Array(a)), Some(Value::Array(b))) if !whole && a.len() == b.len() => {
                for (index, (x, y)) in a.iter().zip(b).enumerate() {
                    walk(Some(x), Some(y), format!("{at}/{index}"), out);
                }
            }
            (a, b) if a != b => out.push(Difference {
                pointer: format!("#{at}"),
                old: a.cloned(),
                new: b.cloned(),
            }),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(Some(old), Some(new), String::new(), &mut out);
    out
}

/// Which components are read from GitLab (outputs) and which are sent to it (inputs), and
/// the operations that reach each.
struct Directions {
    inputs: BTreeSet<String>,
    outputs: BTreeSet<String>,
    operations: std::collections::BTreeMap<String, BTreeSet<String>>,
}

impl Directions {
    fn of(old: &Value, new: &Value) -> Self {
        let mut directions = Directions {
            inputs: BTreeSet::new(),
            outputs: BTreeSet::new(),
            operations: Default::default(),
        };
        for doc in [old, new] {
            for item in doc["paths"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(_, i)| i)
            {
                for operation in item.as_object().into_iter().flatten().map(|(_, o)| o) {
                    let mut all = BTreeSet::new();
                    for key in ["parameters", "requestBody"] {
                        reach(doc, &operation[key], &mut directions.inputs);
                        reach(doc, &operation[key], &mut all);
                    }
                    reach(doc, &operation["responses"], &mut directions.outputs);
                    reach(doc, &operation["responses"], &mut all);
                    if let Some(id) = operation["operationId"].as_str() {
                        for component in all {
                            directions
                                .operations
                                .entry(component)
                                .or_default()
                                .insert(id.to_owned());
                        }
                    }
                }
            }
        }
        directions
    }

    /// The operations whose requests or answers reach `pointer`'s component.
    fn reached(&self, pointer: &str) -> BTreeSet<String> {
        let component = pointer
            .strip_prefix("#/components/")
            .map(|rest| rest.splitn(3, '/').take(2).collect::<Vec<_>>().join("/"))
            .map(|name| format!("#/components/{name}"));
        component
            .and_then(|name| self.operations.get(&name).cloned())
            .unwrap_or_default()
    }

    /// The sides a difference at `pointer` is on: `(input, output)`.
    fn sides(&self, pointer: &str) -> (bool, bool) {
        let component = |prefix: &str| {
            pointer
                .strip_prefix(prefix)
                .map(|rest| format!("{prefix}{}", rest.split('/').next().unwrap_or("")))
        };
        if let Some(name) = component("#/components/schemas/") {
            return (self.inputs.contains(&name), self.outputs.contains(&name));
        }
        if pointer.starts_with("#/components/responses/") || pointer.contains("/responses/") {
            return (false, true);
        }
        if pointer.contains("/parameters/") || pointer.contains("/requestBody") {
            return (true, false);
        }
        (true, true)
    }
}

/// Adds to `found` every component `value` refers to, transitively.
fn reach(doc: &Value, value: &Value, found: &mut BTreeSet<String>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get("$ref")
                && found.insert(reference.clone())
                && let Some(target) = reference.strip_prefix('#').and_then(|p| doc.pointer(p))
            {
                reach(doc, target, found);
            }
            object.values().for_each(|item| reach(doc, item, found));
        }
        Value::Array(items) => items.iter().for_each(|item| reach(doc, item, found)),
        _ => {}
    }
}

/// What a difference does to a consumer, where the rules can tell:
///
/// - values removed from an `enum` break a client that sends or expects them; values added
///   are an addition (every answer's enum is open, and a filter's new value is new);
/// - a property added is an addition, unless a client must now send it; a property removed
///   breaks a client that reads or sends it;
/// - `required` gaining a property is an addition for what GitLab sends and a break for what
///   a client sends, and the other way round for losing one;
/// - an operation added is an addition, one removed a break.
///
/// Anything else needs a person.
fn classify_difference(difference: &Difference, directions: &Directions) -> Finding {
    let pointer = &difference.pointer;
    let (input, output) = directions.sides(pointer);
    let direction = match (input, output) {
        (true, false) => "input",
        (false, true) => "output",
        _ => "both",
    };
    let set = |value: &Option<Value>| -> BTreeSet<String> {
        value
            .as_ref()
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|value| {
                value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned)
            })
            .collect()
    };
    let finding = |class, message: String| Finding {
        class,
        direction,
        location: pointer.clone(),
        message,
        reached: directions.reached(pointer),
    };
    let (old, new) = (set(&difference.old), set(&difference.new));
    let gone: Vec<&String> = old.difference(&new).collect();
    let came: Vec<&String> = new.difference(&old).collect();
    let parent = pointer.rsplit_once('/').map_or("", |(parent, _)| parent);
    let key = pointer.rsplit('/').next().unwrap_or("");
    if key == "enum" {
        return if gone.is_empty() {
            finding(Class::Addition, format!("enum values added: {came:?}"))
        } else {
            finding(Class::Breaking, format!("enum values removed: {gone:?}"))
        };
    }
    if key == "required" {
        // Gaining a required property: a client sending the object must now send it.
        let breaks = (!came.is_empty() && input) || (!gone.is_empty() && output);
        let class = if breaks {
            Class::Breaking
        } else {
            Class::Addition
        };
        return finding(class, format!("required now {came:?}, no longer {gone:?}"));
    }
    if parent.ends_with("/properties") {
        return match (&difference.old, &difference.new) {
            (None, Some(_)) => finding(Class::Addition, format!("property {key} added")),
            (Some(_), None) => finding(Class::Breaking, format!("property {key} removed")),
            _ => finding(Class::Review, "a property changed".to_owned()),
        };
    }
    if parent == "#/paths" || parent.starts_with("#/paths/") && parent.matches('/').count() == 2 {
        return match (&difference.old, &difference.new) {
            (None, Some(_)) => finding(Class::Addition, "an operation added".to_owned()),
            (Some(_), None) => finding(Class::Breaking, "an operation removed".to_owned()),
            _ => finding(Class::Review, "an operation changed".to_owned()),
        };
    }
    finding(
        Class::Review,
        format!(
            "{key} changed from {:?} to {:?}",
            difference.old, difference.new
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::render;

    /// A change made to a scratch copy of the contract.
    type Edit = dyn Fn(&mut Value);

    /// The working tree's 3.0.3 rendition, as generated.
    fn current() -> Value {
        let rendered = render().unwrap();
        let output = rendered
            .outputs
            .iter()
            .find(|output| output.path == SPEC_30)
            .unwrap();
        yaml_serde::from_str(&output.contents).unwrap()
    }

    /// `doc` at `version`, with a changelog that has an entry for it.
    fn versioned(mut doc: Value, version: &str) -> (Value, String) {
        doc["info"]["version"] = version.into();
        let changelog =
            format!("# Changelog\n\n## {version}\n\n- Something.\n\n## 1.0.0\n\n- First.\n");
        (doc, changelog)
    }

    fn verdict(old: &Value, change: impl FnOnce(&mut Value), version: &str) -> Assessment {
        let mut new = old.clone();
        change(&mut new);
        let (new, changelog) = versioned(new, version);
        assess(old, &new, &changelog).unwrap()
    }

    #[test]
    fn an_unchanged_contract_is_compatible() {
        let old = versioned(current(), "1.0.0").0;
        let assessment = verdict(&old, |_| {}, "1.0.0");
        assert_eq!(
            assessment.verdict,
            Verdict::Compatible,
            "{:?}",
            assessment.lines
        );
        assert!(assessment.lines.is_empty());
    }

    /// Each change that breaks a consumer is caught, in a scratch copy of the contract.
    #[test]
    fn breaking_changes_are_caught() {
        let old = versioned(current(), "1.0.0").0;
        let optional_key = |doc: &mut Value| {
            let required = doc["components"]["schemas"]["Job"]["required"]
                .as_array_mut()
                .unwrap();
            required.retain(|key| key != "web_url");
        };
        let fewer_values = |doc: &mut Value| {
            let values = doc["components"]["schemas"]["KnownJobStatus"]["enum"]
                .as_array_mut()
                .unwrap();
            values.retain(|value| value != "canceling");
        };
        let parameter_type = |doc: &mut Value| {
            let parameters = doc["paths"]["/projects/{id}/jobs"]["get"]["parameters"]
                .as_array_mut()
                .unwrap();
            let page = parameters
                .iter_mut()
                .find(|parameter| parameter["name"] == "page")
                .unwrap();
            page["schema"] = serde_json::json!({"type": "string"});
        };
        let no_operation = |doc: &mut Value| {
            doc["paths"]
                .as_object_mut()
                .unwrap()
                .shift_remove("/projects/{id}/jobs/{job_id}/erase");
        };
        let cases: [(&str, &Edit); 4] = [
            ("a required response key made optional", &optional_key),
            ("an enum value removed", &fewer_values),
            ("a parameter's type changed", &parameter_type),
            ("an operation removed", &no_operation),
        ];
        for (what, change) in cases {
            let assessment = verdict(&old, change, "1.1.0");
            assert_ne!(
                assessment.verdict.exit_code(),
                0,
                "{what} passed:\n{}",
                assessment.lines.join("\n")
            );
            // A new major lets a break through; a change drift cannot judge still needs a
            // person.
            let major = verdict(&old, change, "2.0.0");
            assert!(
                matches!(major.verdict, Verdict::Compatible | Verdict::NeedsReview(_)),
                "{what} at 2.0.0: {:?}",
                major.verdict
            );
        }
    }

    #[test]
    fn additions_pass_with_a_new_minor_and_only_with_one() {
        let old = versioned(current(), "1.0.0").0;
        let optional_key = |doc: &mut Value| {
            doc["components"]["schemas"]["Job"]["properties"]["queue_position"] =
                serde_json::json!({"type": "integer", "description": "Where the job waits."});
        };
        let new_operation = |doc: &mut Value| {
            let item = doc["paths"]["/projects/{id}/pipelines/{pipeline_id}/bridges"].clone();
            let mut item = item;
            item["get"]["operationId"] = "list_pipeline_test_jobs".into();
            doc["paths"].as_object_mut().unwrap().insert(
                "/projects/{id}/pipelines/{pipeline_id}/test_jobs".into(),
                item,
            );
        };
        let cases: [(&str, &Edit); 2] = [
            ("an optional key added", &optional_key),
            ("an operation added", &new_operation),
        ];
        for (what, change) in cases {
            let assessment = verdict(&old, change, "1.1.0");
            assert_eq!(
                assessment.verdict,
                Verdict::Compatible,
                "{what}:\n{}",
                assessment.lines.join("\n")
            );
            let same_version = verdict(&old, change, "1.0.0");
            assert!(
                matches!(same_version.verdict, Verdict::NeedsReview(ref why) if why.contains("raise")),
                "{what} without a new version: {:?}",
                same_version.verdict
            );
        }
    }

    #[test]
    fn a_break_passes_only_when_a_person_says_why_it_is_none() {
        let old = versioned(current(), "1.0.0").0;
        let (new, _) = versioned(current(), "1.1.0");
        let mut new = new;
        new["paths"]["/projects/{id}/jobs/{job_id}"]["get"]["responses"]["418"] =
            serde_json::json!({"description": "A teapot."});
        let location = "#/paths/~1projects~1{id}~1jobs~1{job_id}/get";
        let plain = assess(&old, &new, "## 1.1.0\n\n- A teapot.\n").unwrap();
        assert!(
            matches!(plain.verdict, Verdict::Incompatible(_)),
            "{:?}",
            plain.verdict
        );
        // Named elsewhere in the entry, it is still a break.
        let elsewhere = format!("## 1.1.0\n\n### Reviewed\n\n- `{location}`: fine.\n");
        let still = assess(&old, &new, &elsewhere).unwrap();
        assert!(
            matches!(still.verdict, Verdict::Incompatible(_)),
            "{:?}",
            still.verdict
        );
        let judged =
            format!("## 1.1.0\n\n### Not breaking\n\n- `{location}`: only for a new header.\n");
        let assessment = assess(&old, &new, &judged).unwrap();
        assert_eq!(
            assessment.verdict,
            Verdict::Compatible,
            "{:?}",
            assessment.lines
        );
    }

    #[test]
    fn an_unhandled_change_passes_once_reviewed_in_the_changelog() {
        let old = versioned(current(), "1.0.0").0;
        let mut new = old.clone();
        new["components"]["schemas"]["UnlistedValue"]["pattern"] = "^[a-z_]+$".into();
        let new = versioned(new, "1.1.0").0;
        let assessment = assess(&old, &new, "## 1.1.0\n\n- A pattern.\n").unwrap();
        let Verdict::NeedsReview(why) = &assessment.verdict else {
            panic!("{:?}: {:?}", assessment.verdict, assessment.lines);
        };
        let location = why.rsplit(": ").next().unwrap().split(", ").next().unwrap();
        let reviewed = format!("## 1.1.0\n\n### Reviewed\n\n- `{location}`: checked.\n");
        let assessment = assess(&old, &new, &reviewed).unwrap();
        assert_eq!(
            assessment.verdict,
            Verdict::Compatible,
            "{:?}",
            assessment.lines
        );
    }

    #[test]
    fn changelog_entries_are_found_by_version() {
        let changelog = "# C\n\n## 1.1.0\n\n- b\n\n## 1.0.0\n\n- a\n";
        assert_eq!(changelog_entry(changelog, "1.1.0"), Some("\n- b\n\n"));
        assert_eq!(changelog_entry(changelog, "1.0.0"), Some("\n- a\n"));
        assert_eq!(changelog_entry(changelog, "0.9.0"), None);
    }
}
