//! Enums that stay open: GitLab adds statuses, failure reasons and artifact types over time, and a
//! value this crate does not know yet must neither fail to parse nor change on a round trip.
//!
//! The contract says the same to every generator: an open enum `X` is
//! `anyOf: [KnownX, UnlistedValue]`, where `KnownX` is a closed string enum of the values GitLab
//! is known to send, with their meanings, and `UnlistedValue` is any other string. Generated
//! clients then type `X` as "`KnownX` or a string" (`KnownX | str` in Python, `KnownX | string`
//! in TypeScript, a struct of both in Go): a known value parses into the enum and an unknown
//! one is kept as a string, where a plain `enum` would reject it and fail a whole page. Both
//! alternatives are named components, because openapi-generator warns about an unnamed one.
//!
//! The forms weighed, tried with openapi-typescript 7.13, openapi-python-client 0.29 and
//! openapi-generator 7.26 (Go):
//!
//! - `enum` alone: Python raises `ValueError` on an unknown value, Go's enum type refuses it.
//! - `type: string` with `x-extensible-enum`: every generator accepts any string, but none shows
//!   the values, nor do Redoc or the linters, which see a plain string.
//! - `anyOf: [{enum}, {type: string}]`, inline: accepted everywhere, but openapi-generator warns
//!   "Failed to get the schema name" for the unnamed alternatives.
//! - `anyOf` of two named components: accepted everywhere, the known values keep their own
//!   named enum type (autocompletion in Python and TypeScript), and no tool warns. Chosen.

/// The component of "any other value" that every open enum allows beside its known values.
#[cfg(feature = "json-schema")]
pub const UNLISTED: &str = "UnlistedValue";

/// What `UnlistedValue` says.
#[cfg(feature = "json-schema")]
pub(crate) const UNLISTED_DESCRIPTION: &str = "A value GitLab added after this contract was \
    written: valid, and unknown to it. Keep it as it came.";

/// Declares an open string enum: the listed variants, plus `Other(String)` for any value GitLab
/// sends that is not listed. Equality, ordering and hashing go by the wire string, so
/// `Other("failed".into())` equals `Failed`. The OpenAPI and JSON schemas say
/// `anyOf: [Known<Name>, UnlistedValue]` (see the module docs); with `#[contract = closed]`,
/// for a value a client sends and GitLab validates, they list only the values GitLab accepts.
macro_rules! open_enum {
    (@closed) => { false };
    (@closed closed) => { true };
    (
        $(#[doc = $doc:literal])*
        #[example = $example:literal]
        $(#[contract = $contract:ident])?
        $vis:vis enum $name:ident {
            $(
                $(#[doc = $variant_doc:literal])*
                $variant:ident = $value:literal,
            )+
        }
    ) => {
        $(#[doc = $doc])*
        ///
        /// This enum is open: a value GitLab sends that is not listed here deserializes into
        /// [`Self::Other`] and serializes back unchanged.
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        $vis enum $name {
            $(
                $(#[doc = $variant_doc])*
                #[doc = concat!("\n\nOn the wire: `", $value, "`.")]
                $variant,
            )+
            /// A value GitLab sent that this version of the crate does not know, kept as sent.
            /// Build it with `From<&str>` or `parse`, which map known values to their variants.
            Other(String),
        }

        impl $name {
            /// Every value GitLab is known to send, in the order GitLab's source declares them.
            pub const KNOWN: &'static [Self] = &[$(Self::$variant),+];

            /// The value as GitLab writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)+
                    Self::Other(value) => value,
                }
            }

            /// Whether this crate knows the value (it is not [`Self::Other`]).
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Other(_))
            }

            fn known(value: &str) -> Option<Self> {
                match value {
                    $($value => Some(Self::$variant),)+
                    _ => None,
                }
            }

            /// The name of the component that lists the known values.
            #[cfg(feature = "json-schema")]
            const KNOWN_NAME: &'static str = concat!("Known", stringify!($name));

            /// Whether the contract lists only the known values: GitLab refuses any other.
            #[cfg(feature = "json-schema")]
            const CLOSED_IN_CONTRACT: bool = open_enum!(@closed $($contract)?);

            /// The closed form's description: its own docs and what each value means.
            #[cfg(feature = "json-schema")]
            fn closed_description() -> String {
                let mut text = $crate::wire::doc_to_description(&[$($doc),*]);
                let known = Self::known_description();
                if let Some((_, values)) = known.split_once('\n') {
                    text.push_str("\n");
                    text.push_str(values);
                }
                text
            }

            /// What the open enum says: its own docs, and that other values come.
            #[cfg(feature = "json-schema")]
            fn schema_description() -> String {
                let mut text = $crate::wire::doc_to_description(&[$($doc),*]);
                text.push_str(&format!(
                    "\n\nOne of `{}`, or another string: GitLab adds values over time, so a \
                     value not listed there is valid, and unknown to this contract.",
                    Self::KNOWN_NAME
                ));
                text
            }

            /// What the closed enum of known values says: each value and its meaning.
            #[cfg(feature = "json-schema")]
            fn known_description() -> String {
                let mut text = format!(
                    "The values of `{}` that GitLab is known to send.",
                    stringify!($name)
                );
                let variants: &[(&str, &[&str])] = &[$(($value, &[$($variant_doc),*])),+];
                if variants.iter().any(|(_, doc)| !doc.is_empty()) {
                    text.push_str("\n");
                    for (value, doc) in variants {
                        let doc = $crate::wire::doc_to_description(doc).replace('\n', " ");
                        text.push_str(&format!("\n- `{value}`: {doc}"));
                    }
                }
                text
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::known(value).unwrap_or_else(|| Self::Other(value.to_owned()))
            }
        }

        impl ::std::convert::From<String> for $name {
            fn from(value: String) -> Self {
                Self::known(&value).unwrap_or(Self::Other(value))
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::cmp::PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl ::std::cmp::Eq for $name {}

        impl ::std::cmp::PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<::std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl ::std::cmp::Ord for $name {
            fn cmp(&self, other: &Self) -> ::std::cmp::Ordering {
                self.as_str().cmp(other.as_str())
            }
        }

        impl ::std::hash::Hash for $name {
            fn hash<H: ::std::hash::Hasher>(&self, state: &mut H) {
                self.as_str().hash(state);
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct ValueVisitor;

                impl ::serde::de::Visitor<'_> for ValueVisitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " string"))
                    }

                    fn visit_str<E: ::serde::de::Error>(self, value: &str) -> Result<$name, E> {
                        Ok($name::from(value))
                    }

                    fn visit_string<E: ::serde::de::Error>(self, value: String) -> Result<$name, E> {
                        Ok($name::from(value))
                    }
                }

                deserializer.deserialize_str(ValueVisitor)
            }
        }

        #[cfg(feature = "json-schema")]
        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(generator: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                if Self::CLOSED_IN_CONTRACT {
                    return ::schemars::json_schema!({
                        "description": Self::closed_description(),
                        "type": "string",
                        "enum": [$($value),+],
                        "examples": [$example],
                    });
                }
                let path = generator.settings().definitions_path.to_string();
                let definitions = generator.definitions_mut();
                definitions.insert(
                    Self::KNOWN_NAME.into(),
                    ::serde_json::json!({
                        "description": Self::known_description(),
                        "type": "string",
                        "enum": [$($value),+],
                        "examples": [$example],
                    }),
                );
                definitions.insert(
                    $crate::open_enum::UNLISTED.into(),
                    ::serde_json::json!({
                        "description": $crate::open_enum::UNLISTED_DESCRIPTION,
                        "type": "string",
                        "examples": ["some_value_added_later"],
                    }),
                );
                ::schemars::json_schema!({
                    "description": Self::schema_description(),
                    "anyOf": [
                        {"$ref": format!("#{path}/{}", Self::KNOWN_NAME)},
                        {"$ref": format!("#{path}/{}", $crate::open_enum::UNLISTED)},
                    ],
                    "examples": [$example],
                })
            }
        }
    };
}

pub(crate) use open_enum;
