//! How GitLab writes values that serde's defaults would write differently.

use std::fmt;

use chrono::{DateTime, FixedOffset, SecondsFormat};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// Timestamps as GitLab renders them (`Time#iso8601(3)`): milliseconds, `Z` for UTC and the
/// original offset otherwise, so `2015-12-24T16:51:14.000+01:00` survives a round trip byte for
/// byte. Any RFC 3339 timestamp is accepted on input.
pub(crate) mod timestamp {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        value: &DateTime<FixedOffset>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&value.to_rfc3339_opts(SecondsFormat::Millis, true))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<DateTime<FixedOffset>, D::Error> {
        deserializer.deserialize_str(TimestampVisitor)
    }

    struct TimestampVisitor;

    impl Visitor<'_> for TimestampVisitor {
        type Value = DateTime<FixedOffset>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an RFC 3339 timestamp")
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
            DateTime::parse_from_rfc3339(value)
                .map_err(|err| E::custom(format_args!("invalid timestamp {value:?}: {err}")))
        }
    }

    /// A timestamp that GitLab sends as `null` when it is not set.
    pub(crate) mod option {
        use super::*;

        pub(crate) fn serialize<S: Serializer>(
            value: &Option<DateTime<FixedOffset>>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match value {
                Some(value) => super::serialize(value, serializer),
                None => serializer.serialize_none(),
            }
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
            #[derive(Deserialize)]
            struct Wrapped(#[serde(deserialize_with = "super::deserialize")] DateTime<FixedOffset>);
            Ok(Option::<Wrapped>::deserialize(deserializer)?.map(|Wrapped(value)| value))
        }
    }

    /// A nullable timestamp whose key may also be absent: see [`super::double_option`].
    pub(crate) mod double_option {
        use super::*;

        pub(crate) fn serialize<S: Serializer>(
            value: &Option<Option<DateTime<FixedOffset>>>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match value {
                Some(inner) => super::option::serialize(inner, serializer),
                None => serializer.serialize_none(),
            }
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<Option<DateTime<FixedOffset>>>, D::Error> {
            super::option::deserialize(deserializer).map(Some)
        }
    }
}

/// A nullable key that may also be absent, as `Option<Option<T>>`: `None` when the key is absent,
/// `Some(None)` for `null`, `Some(Some(value))` otherwise. Fields using it pair it with
/// `#[serde(default, skip_serializing_if = "Option::is_none")]`, so an absent key stays absent
/// and a `null` stays `null` on a round trip.
pub(crate) mod double_option {
    use super::*;

    pub(crate) fn serialize<T: Serialize, S: Serializer>(
        value: &Option<Option<T>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(inner) => inner.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}

/// Reads `null` as the type's default, such as an empty list.
pub(crate) fn null_as_empty<'de, T: Deserialize<'de> + Default, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Turns the lines of a `///` comment into a description the way utoipa's derive does: strip the
/// common indentation and join the lines with `\n`, so hand-written schemas read like derived ones.
#[cfg(any(feature = "openapi", feature = "json-schema"))]
pub(crate) fn doc_to_description(lines: &[&str]) -> String {
    let indent = lines
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    let text = lines
        .iter()
        .map(|line| line.get(indent..).unwrap_or("").trim_end())
        .collect::<Vec<_>>()
        .join("\n");
    text.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Stamp {
        #[serde(
            serialize_with = "timestamp::serialize",
            deserialize_with = "timestamp::deserialize"
        )]
        at: DateTime<FixedOffset>,
        #[serde(
            serialize_with = "timestamp::option::serialize",
            deserialize_with = "timestamp::option::deserialize"
        )]
        maybe: Option<DateTime<FixedOffset>>,
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "timestamp::double_option"
        )]
        tri: Option<Option<DateTime<FixedOffset>>>,
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "double_option"
        )]
        number: Option<Option<f64>>,
    }

    fn round_trip(json: &str) -> String {
        let stamp: Stamp = serde_json::from_str(json).expect("fixture parses");
        serde_json::to_string(&stamp).expect("serializes")
    }

    #[test]
    fn timestamps_keep_offset_and_milliseconds() {
        let json = r#"{"at":"2015-12-24T16:51:14.000+01:00","maybe":"2015-12-24T15:51:21.802Z"}"#;
        assert_eq!(round_trip(json), json);
    }

    #[test]
    fn timestamps_without_fraction_gain_gitlab_milliseconds() {
        let json = r#"{"at":"2015-12-24T16:51:14+01:00","maybe":null}"#;
        assert_eq!(
            round_trip(json),
            r#"{"at":"2015-12-24T16:51:14.000+01:00","maybe":null}"#
        );
    }

    #[test]
    fn double_options_keep_absent_null_and_value_apart() {
        let at = r#""at":"2015-12-24T16:51:14.000+01:00","maybe":null"#;
        for rest in [
            "",
            r#","tri":null,"number":null"#,
            r#","tri":"2016-01-11T11:30:19.914Z","number":0.25"#,
        ] {
            let json = format!("{{{at}{rest}}}");
            assert_eq!(round_trip(&json), json);
        }
    }

    #[test]
    fn a_bad_timestamp_names_the_value() {
        let err = serde_json::from_str::<Stamp>(r#"{"at":"yesterday","maybe":null}"#)
            .expect_err("not a timestamp");
        assert!(
            err.to_string().contains(r#"invalid timestamp "yesterday""#),
            "{err}"
        );
    }

    #[cfg(any(feature = "openapi", feature = "json-schema"))]
    #[test]
    fn doc_lines_lose_the_comment_space_but_keep_list_indentation() {
        let text = doc_to_description(&[" First line.", "", " - item", "   continued", ""]);
        assert_eq!(text, "First line.\n\n- item\n  continued");
    }
}
