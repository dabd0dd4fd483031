//! Query strings read the way Rack and Grape read them.

use gitlab_jobs_schema::JobStatus;

use crate::errors::Failure;

/// The decoded `key=value` pairs of a query string, in order.
#[derive(Debug, Default, Clone)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    pub fn parse(raw: Option<&str>) -> Self {
        let pairs = raw
            .map(|raw| {
                form_urlencoded::parse(raw.as_bytes())
                    .into_owned()
                    .collect()
            })
            .unwrap_or_default();
        Query { pairs }
    }

    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// The value of a plain `name=` key; Rack keeps the last of repeated keys.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// An `Integer` parameter: a decimal number, or a 400 `<name> is invalid`.
    pub fn int(&self, name: &str) -> Result<Option<i64>, Failure> {
        self.get(name)
            .map(|value| parse_int(value).ok_or_else(|| Failure::invalid(name)))
            .transpose()
    }

    /// A `Boolean` parameter, with Grape's spellings, or a 400 `<name> is invalid`.
    pub fn bool(&self, name: &str) -> Result<Option<bool>, Failure> {
        self.get(name)
            .map(|value| parse_bool(value).ok_or_else(|| Failure::invalid(name)))
            .transpose()
    }

    /// The `scope` filter: `scope[]=a&scope[]=b`, one `scope=a`, or, where `hash_form` is
    /// allowed (the project job list), `scope[0]=a&scope[1]=b`. Anything else, or a value that
    /// is not a job status, is GitLab's 400.
    pub fn scope(&self, hash_form: bool) -> Result<Option<Vec<JobStatus>>, Failure> {
        let invalid = || Failure::invalid_value("scope");
        let mut bare = None;
        let mut array = Vec::new();
        let mut hash = Vec::new();
        for (key, value) in &self.pairs {
            if key == "scope" {
                bare = Some(value.as_str());
            } else if key == "scope[]" {
                array.push(value.as_str());
            } else if let Some(index) = key.strip_prefix("scope[").and_then(|k| k.strip_suffix(']'))
            {
                if index.contains(['[', ']']) {
                    return Err(invalid());
                }
                hash.push(value.as_str());
            }
        }
        let values = match (bare, array.is_empty(), hash.is_empty()) {
            (None, true, true) => return Ok(None),
            (Some(value), true, true) => vec![value],
            (None, false, true) => array,
            (None, true, false) if hash_form => hash,
            // A hash where only arrays are taken, or two forms at once: Grape's 400.
            _ => return Err(invalid()),
        };
        values
            .into_iter()
            .map(|value| match JobStatus::from(value) {
                status if status.is_known() => Ok(status),
                _ => Err(invalid()),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }
}

/// A decimal integer, as Grape's `Integer` coercion takes it.
pub fn parse_int(value: &str) -> Option<i64> {
    let digits = value.strip_prefix(['-', '+']).unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

/// Grape's `Boolean` coercion.
pub fn parse_bool(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "t" | "yes" | "y" | "on" => Some(true),
        "0" | "false" | "f" | "no" | "n" | "off" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(raw: &str, hash_form: bool) -> Result<Option<Vec<&'static str>>, u16> {
        Query::parse(Some(raw))
            .scope(hash_form)
            .map(|statuses| {
                statuses.map(|s| {
                    s.iter()
                        .map(|s| -> &'static str { s.as_str().to_owned().leak() })
                        .collect()
                })
            })
            .map_err(|failure| failure.status().as_u16())
    }

    #[test]
    fn scope_reads_like_rack() {
        assert_eq!(scope("", true), Ok(None));
        assert_eq!(
            scope("scope%5B%5D=pending&scope%5B%5D=running", false),
            Ok(Some(vec!["pending", "running"]))
        );
        assert_eq!(scope("scope=failed", false), Ok(Some(vec!["failed"])));
        assert_eq!(
            scope("scope=failed&scope=success", false),
            Ok(Some(vec!["success"])),
            "last bare key wins"
        );
        assert_eq!(
            scope("scope[0]=failed&scope[1]=manual", true),
            Ok(Some(vec!["failed", "manual"]))
        );
        assert_eq!(
            scope("scope[0]=failed", false),
            Err(400),
            "pipeline lists take no hash"
        );
        assert_eq!(
            scope("scope=failed,success", true),
            Err(400),
            "a comma list is one bad value"
        );
        assert_eq!(scope("scope[]=bogus", true), Err(400));
        assert_eq!(scope("scope[]=", true), Err(400));
        assert_eq!(scope("scope=failed&scope[]=manual", true), Err(400));
    }

    #[test]
    fn integers_and_booleans_take_grapes_spellings() {
        assert_eq!(parse_int("42"), Some(42));
        assert_eq!(parse_int("-1"), Some(-1));
        for bad in ["", "4x", "1.5", "99999999999999999999", "-"] {
            assert_eq!(parse_int(bad), None, "{bad:?}");
        }
        assert_eq!(parse_bool("TRUE"), Some(true));
        assert_eq!(parse_bool("0"), Some(false));
        assert_eq!(parse_bool("maybe"), None);
    }
}
