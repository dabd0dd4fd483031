//! Writes a JSON value as block YAML that YAML 1.1 and 1.2 readers read back identically.
//!
//! yaml_serde leaves a string unquoted unless YAML 1.2 would read it as something else, so an
//! example timestamp such as `2015-12-24T15:51:21.802Z` comes out plain, and YAML 1.1 readers
//! (PyYAML, which schemathesis and openapi-python-client use) turn it into a date. Here a string
//! stays plain only when it starts with a letter, `/`, `$` or `_`, holds only characters that
//! mean nothing to either version, and is not one of YAML 1.1's words for booleans and null.
//! Everything else is single-quoted, written as a literal block when it spans lines, or as a
//! JSON string (which is also a YAML double-quoted scalar) when neither form can hold it.

use std::fmt::Write;

use serde_json::Value;

/// The YAML document for `value`, ending with a newline.
pub fn to_string(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_map(&mut out, map, 0),
        Value::Array(items) if !items.is_empty() => write_seq(&mut out, items, 0),
        scalar => {
            write_scalar(&mut out, scalar, 2);
            out.push('\n');
        }
    }
    out
}

fn write_map(out: &mut String, map: &serde_json::Map<String, Value>, indent: usize) {
    for (key, value) in map {
        pad(out, indent);
        out.push_str(&key_text(key));
        out.push(':');
        write_value_after_indicator(out, value, indent, false);
    }
}

fn write_seq(out: &mut String, items: &[Value], indent: usize) {
    for item in items {
        pad(out, indent);
        out.push('-');
        write_value_after_indicator(out, item, indent, true);
    }
}

/// Writes `value` after `key:` or `-`. A non-empty map or sequence goes on the next lines, one
/// level deeper (sequences under a key stay at the key's level, the usual block style); a
/// sequence item that is a map starts on the dash's line.
fn write_value_after_indicator(out: &mut String, value: &Value, indent: usize, in_seq: bool) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            if in_seq {
                out.push(' ');
                let mut nested = String::new();
                write_map(&mut nested, map, indent + 2);
                out.push_str(&nested[indent + 2..]);
            } else {
                out.push('\n');
                write_map(out, map, indent + 2);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            write_seq(out, items, if in_seq { indent + 2 } else { indent });
        }
        scalar => {
            out.push(' ');
            write_scalar(out, scalar, indent + 2);
            out.push('\n');
        }
    }
}

fn write_scalar(out: &mut String, value: &Value, block_indent: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Value::Number(number) => out.push_str(&number_text(number)),
        Value::String(text) => write_string(out, text, block_indent),
        Value::Object(_) => out.push_str("{}"),
        Value::Array(_) => out.push_str("[]"),
    }
}

fn write_string(out: &mut String, text: &str, block_indent: usize) {
    if is_plain_safe(text) {
        out.push_str(text);
    } else if text.contains('\n') && fits_literal_block(text) {
        let body = text.strip_suffix('\n');
        out.push_str(if body.is_some() { "|" } else { "|-" });
        for line in body.unwrap_or(text).split('\n') {
            out.push('\n');
            if !line.is_empty() {
                pad(out, block_indent);
                out.push_str(line);
            }
        }
    } else if text.chars().all(|c| !c.is_control()) {
        write!(out, "'{}'", text.replace('\'', "''")).expect("writing to a String");
    } else {
        out.push_str(&serde_json::to_string(text).expect("a string serializes"));
    }
}

fn key_text(key: &str) -> String {
    if is_plain_safe(key) && !key.contains(' ') {
        key.to_owned()
    } else if key.chars().all(|c| !c.is_control()) {
        format!("'{}'", key.replace('\'', "''"))
    } else {
        serde_json::to_string(key).expect("a string serializes")
    }
}

/// Whether every YAML reader takes `text`, unquoted, for this same string.
fn is_plain_safe(text: &str) -> bool {
    const YAML_WORDS: &[&str] = &["y", "yes", "n", "no", "true", "false", "on", "off", "null"];
    let Some(first) = text.chars().next() else {
        return false;
    };
    (first.is_ascii_alphabetic() || matches!(first, '/' | '$' | '_'))
        && !text.ends_with(' ')
        && !text.contains("  ")
        && text.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    ' ' | '_'
                        | '.'
                        | '/'
                        | '$'
                        | '('
                        | ')'
                        | '{'
                        | '}'
                        | '-'
                        | '+'
                        | ','
                        | ';'
                        | '='
                        | '?'
                        | '&'
                )
        })
        && !YAML_WORDS
            .iter()
            .any(|word| text.eq_ignore_ascii_case(word))
}

/// A literal block keeps text exactly when its first line does not start with white space
/// (which would set the block's indentation), no line ends with white space (which editors
/// trim), and the text ends with at most one newline.
fn fits_literal_block(text: &str) -> bool {
    let body = text.strip_suffix('\n').unwrap_or(text);
    !body.starts_with(char::is_whitespace)
        && !body.ends_with('\n')
        && body.split('\n').all(|line| {
            line.trim_end() == line && line.chars().all(|c| !c.is_control() || c == '\t')
        })
}

/// A number as both YAML versions read it: YAML 1.1 takes a float only with a dot and a signed
/// exponent (`1.0e+100`), where JSON writes `1e100`.
fn number_text(number: &serde_json::Number) -> String {
    let text = number.to_string();
    match text.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => {
            let mantissa = if mantissa.contains('.') {
                mantissa.to_owned()
            } else {
                format!("{mantissa}.0")
            };
            let exponent = if exponent.starts_with(['+', '-']) {
                exponent.to_owned()
            } else {
                format!("+{exponent}")
            };
            format!("{mantissa}e{exponent}")
        }
        None => text,
    }
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn round_trip(value: &Value) -> String {
        let text = to_string(value);
        let back: Value = yaml_serde::from_str(&text)
            .unwrap_or_else(|err| panic!("emitted YAML does not parse: {err}\n{text}"));
        assert_eq!(&back, value, "YAML read back differs:\n{text}");
        text
    }

    #[test]
    fn strings_yaml_1_1_reads_differently_are_quoted() {
        let value = json!({
            "created_at": "2015-12-24T15:51:21.802Z",
            "date": "2016-01-23",
            "yes": "no",
            "On": "off",
            "version": "3.1.0",
            "sexagesimal": "1:20",
            "null": "~",
            "empty": "",
            "number": "42",
            "float": ".5",
            "negative": "-1",
            "url": "https://example.com/foo/bar/-/jobs/7",
            "quote": "it's",
            "comment": "a # b",
            "plain": "List the jobs of a project",
        });
        let text = round_trip(&value);
        insta::assert_snapshot!("yaml_quoting", text);
    }

    #[test]
    fn keys_that_are_not_identifiers_are_quoted() {
        let value =
            json!({"200": 1, "scope[]": 2, "/projects/{id}/jobs": 3, "$ref": 4, "X-Page": 5});
        let text = round_trip(&value);
        assert!(text.contains("'200': 1\n"), "{text}");
        assert!(text.contains("'scope[]': 2\n"), "{text}");
        assert!(text.contains("/projects/{id}/jobs: 3\n"), "{text}");
        assert!(text.contains("$ref: 4\n"), "{text}");
    }

    #[test]
    fn multi_line_strings_become_literal_blocks_when_they_can() {
        let value = json!({
            "doc": "First line.\n\n- item\n  continued",
            "log": "Running\nJob succeeded\n",
            "indented": " leading space\nsecond",
            "trailing": "two\nnewlines\n\n",
            "control": "bell\u{7}",
            "tab": "a\tb\nc",
            "trailing_space": "line \nnext",
        });
        let text = round_trip(&value);
        insta::assert_snapshot!("yaml_multi_line", text);
    }

    #[test]
    fn nesting_and_empty_collections() {
        let value = json!({
            "list": [{"a": 1, "b": [1, 2]}, [3, [4]], [], {}],
            "map": {"inner": {"deep": null}},
            "empty_map": {},
            "numbers": [0.01, -2, 1e100, 2.5e-7, 18446744073709551615u64],
            "flags": [true, false, null],
        });
        let text = round_trip(&value);
        insta::assert_snapshot!("yaml_nesting", text);
    }

    #[test]
    fn scalar_and_empty_documents() {
        assert_eq!(round_trip(&json!("x: y")), "'x: y'\n");
        assert_eq!(round_trip(&json!({})), "{}\n");
        assert_eq!(round_trip(&json!([])), "[]\n");
    }
}
