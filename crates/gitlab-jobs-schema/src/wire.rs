//! How GitLab writes values, as types: a timestamp, and keys that GitLab always sends or
//! sends only sometimes. A model's field says what it is by its type, and needs no serde
//! attribute but `#[serde(default, skip_serializing_if = "crate::wire::absent")]` on a key that
//! may be absent.

use std::fmt;
use std::ops::{Deref, DerefMut};

use chrono::{DateTime, FixedOffset, SecondsFormat};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A time as GitLab writes it (`Time#iso8601(3)`): milliseconds, `Z` for UTC and the original
/// offset otherwise, so `2015-12-24T16:51:14.000+01:00` survives a round trip byte for byte.
/// Any RFC 3339 time is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub DateTime<FixedOffset>);

impl Deref for Timestamp {
    type Target = DateTime<FixedOffset>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl From<DateTime<FixedOffset>> for Timestamp {
    fn from(time: DateTime<FixedOffset>) -> Self {
        Timestamp(time)
    }
}

impl From<Timestamp> for DateTime<FixedOffset> {
    fn from(time: Timestamp) -> Self {
        time.0
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buffer = [0u8; 29];
        match write_gitlab_time(&self.0, &mut buffer) {
            // ASCII digits and punctuation only.
            Some(length) => {
                f.write_str(std::str::from_utf8(&buffer[..length]).map_err(|_| fmt::Error)?)
            }
            None => f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::Millis, true)),
        }
    }
}

/// Writes `time` as `YYYY-MM-DDTHH:MM:SS.mmm` and `Z` or `±HH:MM` into `buffer` without
/// allocating, as chrono's `to_rfc3339_opts(Millis, true)` writes it; `None` for what that
/// form does not cover (a year outside 0 to 9999, a leap second, an offset with seconds).
fn write_gitlab_time(time: &DateTime<FixedOffset>, buffer: &mut [u8; 29]) -> Option<usize> {
    use chrono::{Datelike, Timelike};
    let local = time.naive_local();
    let (year, nanos) = (local.year(), local.nanosecond());
    let offset = time.offset().local_minus_utc();
    if !(0..=9999).contains(&year) || nanos >= 1_000_000_000 || offset % 60 != 0 {
        return None;
    }
    let mut put = |at: usize, value: u32, width: usize| {
        let mut value = value;
        for index in (0..width).rev() {
            buffer[at + index] = b'0' + (value % 10) as u8;
            value /= 10;
        }
    };
    put(0, year as u32, 4);
    put(5, local.month(), 2);
    put(8, local.day(), 2);
    put(11, local.hour(), 2);
    put(14, local.minute(), 2);
    put(17, local.second(), 2);
    put(20, nanos / 1_000_000, 3);
    for (at, byte) in [
        (4, b'-'),
        (7, b'-'),
        (10, b'T'),
        (13, b':'),
        (16, b':'),
        (19, b'.'),
    ] {
        buffer[at] = byte;
    }
    if offset == 0 {
        buffer[23] = b'Z';
        return Some(24);
    }
    let minutes = offset.unsigned_abs() / 60;
    buffer[23] = if offset < 0 { b'-' } else { b'+' };
    buffer[26] = b':';
    let mut put = |at: usize, value: u32| {
        buffer[at] = b'0' + (value / 10) as u8;
        buffer[at + 1] = b'0' + (value % 10) as u8;
    };
    put(24, minutes / 60);
    put(27, minutes % 60);
    Some(29)
}

impl std::str::FromStr for Timestamp {
    type Err = chrono::ParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match gitlab_time(text.as_bytes()) {
            Some(time) => Ok(Timestamp(time)),
            None => DateTime::parse_from_rfc3339(text).map(Timestamp),
        }
    }
}

/// The way GitLab writes every time, `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, read without
/// chrono's general parser: a page of jobs holds about a thousand. Anything else, and any
/// value out of range, is `None`, for chrono to read or refuse; where both read a text they
/// agree (a test compares them).
fn gitlab_time(text: &[u8]) -> Option<DateTime<FixedOffset>> {
    let (head, rest) = text.split_first_chunk::<19>()?;
    // `YYYY-MM-DDTHH:MM:SS`: a digit at every place but the five separators.
    let mut digits = [0u8; 19];
    for (at, (&byte, digit)) in head.iter().zip(&mut digits).enumerate() {
        let separator = match at {
            4 | 7 => b'-',
            10 => b'T',
            13 | 16 => b':',
            _ => 0,
        };
        if separator != 0 {
            if byte != separator {
                return None;
            }
        } else {
            *digit = byte.wrapping_sub(b'0');
            if *digit > 9 {
                return None;
            }
        }
    }
    let two = |at: usize| u32::from(digits[at]) * 10 + u32::from(digits[at + 1]);
    let year = two(0) * 100 + two(2);
    let (month, day) = (two(5), two(8));
    let (hour, minute, second) = (two(11), two(14), two(17));
    let mut rest = rest;
    let mut nanos = 0u32;
    if let [b'.', fraction @ ..] = rest {
        let count = fraction
            .iter()
            .take_while(|byte| byte.is_ascii_digit())
            .count();
        if count == 0 {
            return None;
        }
        for (place, &byte) in fraction[..count].iter().enumerate() {
            if place < 9 {
                nanos = nanos * 10 + u32::from(byte - b'0');
            }
        }
        for _ in count..9 {
            nanos *= 10;
        }
        rest = &fraction[count..];
    }
    let offset = match rest {
        [b'Z'] => 0,
        [sign @ (b'+' | b'-'), h1, h0, b':', m1, m0] => {
            let [h1, h0, m1, m0] = [h1, h0, m1, m0].map(|byte| byte.wrapping_sub(b'0'));
            if h1 > 9 || h0 > 9 || m1 > 9 || m0 > 9 {
                return None;
            }
            let minutes = i32::from(m1) * 10 + i32::from(m0);
            if minutes >= 60 {
                return None;
            }
            let seconds = (i32::from(h1) * 10 + i32::from(h0)) * 3600 + minutes * 60;
            if *sign == b'-' { -seconds } else { seconds }
        }
        _ => return None,
    };
    // A leap second (60) is left to chrono.
    if second > 59 {
        return None;
    }
    let date = chrono::NaiveDate::from_ymd_opt(year as i32, month, day)?;
    let time = chrono::NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?;
    let offset = FixedOffset::east_opt(offset)?;
    let local = chrono::NaiveDateTime::new(date, time);
    let utc = local.checked_sub_offset(offset)?;
    Some(DateTime::from_naive_utc_and_offset(utc, offset))
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TimestampVisitor;

        impl Visitor<'_> for TimestampVisitor {
            type Value = Timestamp;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 timestamp")
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<Timestamp, E> {
                value
                    .parse()
                    .map_err(|err| E::custom(format_args!("invalid timestamp {value:?}: {err}")))
            }
        }

        deserializer.deserialize_str(TimestampVisitor)
    }
}

#[cfg(feature = "json-schema")]
impl schemars::JsonSchema for Timestamp {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Timestamp".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "format": "date-time"})
    }
}

/// A key that may be absent, read and written as serde's `default` and `skip_serializing_if`
/// see it: see [`absent`].
pub trait MaybeAbsent {
    /// Whether the key was absent.
    fn is_absent(&self) -> bool;
}

/// For `#[serde(default, skip_serializing_if = "crate::wire::absent")]`: a key that was absent
/// stays absent on a round trip.
pub fn absent<T: MaybeAbsent>(value: &T) -> bool {
    value.is_absent()
}

macro_rules! presence {
    ($(#[doc = $doc:literal])* $name:ident, $marker:expr) => {
        $(#[doc = $doc])*
        ///
        /// It reads like the `Option` it holds (`.is_some()`, `.as_ref()`, `.as_deref()`), and
        /// `None` means the key was absent. For a nullable key, `T` is itself an `Option`: the
        /// three states absent, `null` and a value are `None`, `Some(None)` and `Some(Some(_))`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name<T>(pub Option<T>);

        impl<T> $name<T> {
            /// The key, absent.
            pub const ABSENT: Self = $name(None);

            /// The value, `None` if the key was absent.
            pub fn into_option(self) -> Option<T> {
                self.0
            }
        }

        impl<T> Default for $name<T> {
            fn default() -> Self {
                $name(None)
            }
        }

        impl<T> Deref for $name<T> {
            type Target = Option<T>;

            fn deref(&self) -> &Option<T> {
                &self.0
            }
        }

        impl<T> DerefMut for $name<T> {
            fn deref_mut(&mut self) -> &mut Option<T> {
                &mut self.0
            }
        }

        impl<T> From<T> for $name<T> {
            fn from(value: T) -> Self {
                $name(Some(value))
            }
        }

        impl<T> From<$name<T>> for Option<T> {
            fn from(value: $name<T>) -> Self {
                value.0
            }
        }

        impl<T: PartialEq> PartialEq<Option<T>> for $name<T> {
            fn eq(&self, other: &Option<T>) -> bool {
                self.0 == *other
            }
        }

        /// The value as `T` shows it; nothing when the key was not sent.
        impl<T: fmt::Display> fmt::Display for $name<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match &self.0 {
                    Some(value) => value.fmt(f),
                    None => Ok(()),
                }
            }
        }

        impl<T> MaybeAbsent for $name<T> {
            fn is_absent(&self) -> bool {
                self.0.is_none()
            }
        }

        impl<T: Serialize> Serialize for $name<T> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match &self.0 {
                    Some(value) => value.serialize(serializer),
                    // Only when the field lacks `skip_serializing_if = "crate::wire::absent"`.
                    None => serializer.serialize_none(),
                }
            }
        }

        impl<'de, T: Deserialize<'de>> Deserialize<'de> for $name<T> {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                T::deserialize(deserializer).map(|value| $name(Some(value)))
            }
        }

        #[cfg(feature = "json-schema")]
        impl<T: schemars::JsonSchema> schemars::JsonSchema for $name<T> {
            fn inline_schema() -> bool {
                true
            }

            fn schema_name() -> std::borrow::Cow<'static, str> {
                format!(concat!(stringify!($name), "_{}"), T::schema_name()).into()
            }

            fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let mut schema = generator.subschema_for::<T>();
                if let Some(marker) = $marker {
                    schema.insert(marker.into(), true.into());
                }
                schema
            }
        }
    };
}

/// The marker `AlwaysSent` leaves on a property's schema, which [`ContractRequired`] turns
/// into `required`: schemars calls any key serde may skip optional.
#[cfg(feature = "json-schema")]
const ALWAYS_SENT: &str = "x-gitlab-always-sent";

presence!(
    /// A key GitLab always sends, that older instances or the documentation's examples may leave
    /// out. The contract requires it; the Rust type reads a payload without it.
    AlwaysSent,
    Some(ALWAYS_SENT)
);

presence!(
    /// A key GitLab sends only under a condition, such as `failure_reason` only for a failed job.
    /// The contract does not require it.
    SometimesSent,
    None::<&str>
);

/// A schemars transform, part of every schema generator of the contract: the properties
/// [`AlwaysSent`] marked join `required`, in the order of the properties, and each schema
/// starts with its type and description.
#[cfg(feature = "json-schema")]
#[derive(Debug, Clone, Copy, Default)]
pub struct ContractRequired;

#[cfg(feature = "json-schema")]
impl schemars::transform::Transform for ContractRequired {
    fn transform(&mut self, schema: &mut schemars::Schema) {
        schemars::transform::transform_subschemas(self, schema);
        let Some(object) = schema.as_object_mut() else {
            return;
        };
        lead_with_what_it_is(object);
        mark_since(object);
        let Some(properties) = object
            .get_mut("properties")
            .and_then(serde_json::Value::as_object_mut)
        else {
            return;
        };
        let mut marked = Vec::new();
        for (name, property) in properties.iter_mut() {
            if let Some(property) = property.as_object_mut()
                && property.remove(ALWAYS_SENT).is_some()
            {
                marked.push(name.clone());
            }
        }
        if marked.is_empty() {
            return;
        }
        let names: Vec<String> = properties.keys().cloned().collect();
        let already: Vec<String> = object
            .get("required")
            .and_then(serde_json::Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|name| name.as_str().map(str::to_owned))
            .collect();
        let required: Vec<serde_json::Value> = names
            .into_iter()
            .filter(|name| already.contains(name) || marked.contains(name))
            .map(serde_json::Value::from)
            .collect();
        object.insert("required".into(), serde_json::Value::Array(required));
    }
}

/// The extension that says since which GitLab version an operation, a parameter or a key
/// exists, so that a team on an older instance knows what it may use.
pub const SINCE: &str = "x-gitlab-since";

/// The version a description gives with the sentence "Since GitLab X.Y." (or "… Since GitLab
/// X.Y, …"): the one place the contract says it, in words for people, from which
/// [`SINCE`] is derived for machines.
pub fn since(description: &str) -> Option<String> {
    // A line break of the `///` comment may fall inside the sentence.
    let words = description.split_whitespace().collect::<Vec<_>>().join(" ");
    let (_, rest) = words.split_once("Since GitLab ")?;
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let version = rest[..end].trim_end_matches('.');
    let mut parts = version.split('.');
    let well_formed = parts.clone().count() == 2
        && parts.all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
    well_formed.then(|| version.to_owned())
}

/// Gives `object` (a schema, an operation or a parameter) the [`SINCE`] extension its
/// description's "Since GitLab X.Y" says, if it says one.
#[cfg(feature = "json-schema")]
pub(crate) fn mark_since(object: &mut serde_json::Map<String, serde_json::Value>) {
    let version = object
        .get("description")
        .and_then(serde_json::Value::as_str)
        .and_then(since);
    if let Some(version) = version {
        object.insert(SINCE.into(), version.into());
    }
}

/// Orders a schema's keys for a reader of the YAML: what it is and its description first, then
/// its keys, its other keywords, and its examples last (schemars writes the description and
/// examples first, then the schema).
#[cfg(feature = "json-schema")]
fn lead_with_what_it_is(object: &mut serde_json::Map<String, serde_json::Value>) {
    const LEADING: [&str; 11] = [
        "$schema",
        "title",
        "type",
        "format",
        "items",
        "$ref",
        "anyOf",
        "oneOf",
        "description",
        "required",
        "properties",
    ];
    let mut rest = std::mem::take(object);
    for key in LEADING {
        if let Some(value) = rest.remove(key) {
            object.insert(key.to_owned(), value);
        }
    }
    let examples = rest.remove("examples");
    object.append(&mut rest);
    if let Some(examples) = examples {
        object.insert("examples".into(), examples);
    }
}

/// The schema generator of the contract: JSON Schema 2020-12, for what GitLab sends (serde's
/// serialize side), with [`ContractRequired`]; `definitions` is where referenced schemas go,
/// such as `/$defs` or `/components/schemas`.
#[cfg(feature = "json-schema")]
pub fn schema_generator(definitions: &str) -> schemars::SchemaGenerator {
    let mut settings = schemars::generate::SchemaSettings::draft2020_12()
        .for_serialize()
        .with_transform(ContractRequired);
    settings.definitions_path = definitions.to_owned().into();
    settings.into_generator()
}

/// Reads `null` as the type's default, such as an empty list.
pub(crate) fn null_as_empty<'de, T: Deserialize<'de> + Default, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Turns the lines of a `///` comment into a description the way utoipa's derive does: strip the
/// common indentation and join the lines with `\n`, so hand-written schemas read like derived ones.
#[cfg(feature = "json-schema")]
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
        at: Timestamp,
        maybe: Option<Timestamp>,
        #[serde(default, skip_serializing_if = "crate::wire::absent")]
        always: AlwaysSent<Option<Timestamp>>,
        #[serde(default, skip_serializing_if = "crate::wire::absent")]
        number: SometimesSent<Option<f64>>,
    }

    fn round_trip(json: &str) -> String {
        let stamp: Stamp = serde_json::from_str(json).expect("fixture parses");
        serde_json::to_string(&stamp).expect("serializes")
    }

    /// The fast path and chrono read every text alike: GitLab's forms, and near misses.
    #[test]
    fn gitlab_times_read_as_chrono_reads_them() {
        let mut texts: Vec<String> = vec![
            "2015-12-24T16:51:14.000+01:00".into(),
            "2015-12-24T15:51:21.802Z".into(),
            "2015-12-24T15:51:21Z".into(),
            "2015-12-24T15:51:21.8Z".into(),
            "2015-12-24T15:51:21.123456789Z".into(),
            "2015-12-24T15:51:21.1234567891Z".into(),
            "2015-12-24T15:51:21.Z".into(),
            "2015-12-24t15:51:21Z".into(),
            "2015-12-24 15:51:21Z".into(),
            "2015-12-24T15:51:21z".into(),
            "2015-12-24T15:51:21+0100".into(),
            "2015-12-24T15:51:21-00:00".into(),
            "2015-12-24T15:51:21+23:59".into(),
            "2015-12-24T15:51:21+24:00".into(),
            "2015-12-24T15:51:21+01:60".into(),
            "2016-12-31T23:59:60Z".into(),
            "2015-02-29T00:00:00Z".into(),
            "2016-02-29T00:00:00Z".into(),
            "2015-13-01T00:00:00Z".into(),
            "2015-00-01T00:00:00Z".into(),
            "2015-12-32T00:00:00Z".into(),
            "2015-12-24T24:00:00Z".into(),
            "0000-01-01T00:00:00Z".into(),
            "9999-12-31T23:59:59.999Z".into(),
            "2015-12-24T15:51:21.802Z ".into(),
            "+2015-12-24T15:51:21Z".into(),
            "2015-12-24T15:51:2１Z".into(),
            "".into(),
        ];
        for text in &texts[..6] {
            assert!(
                gitlab_time(text.as_bytes()).is_some(),
                "{text:?} takes the fast path"
            );
        }
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            let mut text = texts[(rng % 6) as usize].clone().into_bytes();
            let at = (rng >> 8) as usize % text.len();
            text[at] = b"0123456789:+-.TZ"[(rng >> 20) as usize % 16];
            texts.push(String::from_utf8(text).unwrap());
        }
        for text in &texts {
            let fast = gitlab_time(text.as_bytes());
            let chrono = DateTime::parse_from_rfc3339(text).ok();
            if let Some(fast) = fast {
                assert_eq!(Some(fast), chrono, "{text:?}");
                assert_eq!(fast.offset(), chrono.unwrap().offset(), "{text:?}");
            }
            assert_eq!(
                text.parse::<Timestamp>().ok().map(|t| t.0),
                chrono,
                "{text:?}"
            );
        }
    }

    /// Writing without chrono writes what chrono writes, for any time and offset.
    #[test]
    fn gitlab_times_are_written_as_chrono_writes_them() {
        let mut rng = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let mut checked = 0;
        for _ in 0..50_000 {
            let seconds = (next() % 400_000_000_000) as i64 - 100_000_000_000;
            let nanos = (next() % 1_000_000_000) as u32;
            let offset = (next() % (2 * 86_399)) as i32 - 86_399;
            let offset = if next() % 2 == 0 {
                offset - offset % 60
            } else {
                offset
            };
            let (Some(utc), Some(offset)) = (
                DateTime::from_timestamp(seconds, nanos),
                FixedOffset::east_opt(offset),
            ) else {
                continue;
            };
            let time = utc.with_timezone(&offset);
            let chrono = time.to_rfc3339_opts(SecondsFormat::Millis, true);
            assert_eq!(Timestamp(time).to_string(), chrono, "{time:?}");
            checked += 1;
        }
        assert!(checked > 40_000);
        let zero = DateTime::parse_from_rfc3339("0000-01-01T00:00:00+00:00").unwrap();
        assert_eq!(Timestamp(zero).to_string(), "0000-01-01T00:00:00.000Z");
    }

    #[test]
    fn since_reads_the_version_of_the_since_sentence_only() {
        for (text, version) in [
            ("List them. Since GitLab 19.2.", Some("19.2")),
            (
                "Also retried jobs. Since GitLab 13.10, like the rest.",
                Some("13.10"),
            ),
            ("In GitLab 13.5 and later, newest first.", None),
            ("since GitLab 14.9.", None),
            ("Since GitLab 19.", None),
            ("Since GitLab 19.2.1.", None),
            ("Since GitLab .2.", None),
            ("Since GitLab ", None),
            ("Opaque. Since\nGitLab 15.9.", Some("15.9")),
            ("", None),
        ] {
            assert_eq!(since(text).as_deref(), version, "{text:?}");
        }
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
    fn timestamps_parse_display_and_compare_as_times() {
        let early: Timestamp = "2015-12-24T16:51:14.000+01:00".parse().expect("parses");
        let late: Timestamp = "2015-12-24T15:51:14.001Z".parse().expect("parses");
        assert!(early < late);
        assert_eq!(early.to_string(), "2015-12-24T16:51:14.000+01:00");
        assert_eq!(late.timestamp_millis() - early.timestamp_millis(), 1);
        assert!("24 Dec 2015".parse::<Timestamp>().is_err());
    }

    #[test]
    fn presence_keeps_absent_null_and_value_apart() {
        let at = r#""at":"2015-12-24T16:51:14.000+01:00","maybe":null"#;
        for rest in [
            "",
            r#","always":null,"number":null"#,
            r#","always":"2016-01-11T11:30:19.914Z","number":0.25"#,
        ] {
            let json = format!("{{{at}{rest}}}");
            assert_eq!(round_trip(&json), json);
        }
        let absent: Stamp = serde_json::from_str(&format!("{{{at}}}")).expect("parses");
        assert_eq!(absent.always, AlwaysSent::ABSENT);
        assert!(absent.number.is_none());
        let null: Stamp =
            serde_json::from_str(&format!(r#"{{{at},"always":null}}"#)).expect("parses");
        assert_eq!(null.always, AlwaysSent(Some(None)));
        assert_eq!(null.always.into_option(), Some(None));
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

    #[test]
    fn a_sent_value_displays_as_itself_and_an_absent_one_as_nothing() {
        let reason = SometimesSent(Some(crate::FailureReason::ScriptFailure));
        assert_eq!(format!("failed: {reason}"), "failed: script_failure");
        assert_eq!(
            format!("[{}]", SometimesSent::<crate::FailureReason>(None)),
            "[]"
        );
        assert_eq!(format!("{:>5}", AlwaysSent(Some(42))), "   42");
    }

    #[cfg(feature = "json-schema")]
    #[test]
    fn always_sent_keys_are_required_and_sometimes_sent_keys_are_not() {
        #[derive(Serialize, schemars::JsonSchema)]
        #[allow(dead_code)]
        struct Shape {
            first: String,
            #[serde(default, skip_serializing_if = "crate::wire::absent")]
            second: AlwaysSent<Option<Timestamp>>,
            third: u8,
            #[serde(default, skip_serializing_if = "crate::wire::absent")]
            fourth: SometimesSent<bool>,
        }
        let schema = schema_generator("/$defs").into_root_schema_for::<Shape>();
        let schema = serde_json::to_value(schema).expect("serializes");
        assert_eq!(
            schema["required"],
            serde_json::json!(["first", "second", "third"])
        );
        assert_eq!(
            schema["properties"]["second"],
            serde_json::json!({"type": ["string", "null"], "format": "date-time"})
        );
        assert!(!schema.to_string().contains(ALWAYS_SENT));
    }

    #[cfg(feature = "json-schema")]
    #[test]
    fn doc_lines_lose_the_comment_space_but_keep_list_indentation() {
        let text = doc_to_description(&[" First line.", "", " - item", "   continued", ""]);
        assert_eq!(text, "First line.\n\n- item\n  continued");
    }
}
