//! Enums that stay open: GitLab adds statuses, failure reasons and artifact types over time, and a
//! value this crate does not know yet must neither fail to parse nor change on a round trip.

/// Declares an open string enum: the listed variants, plus `Other(String)` for any value GitLab
/// sends that is not listed. Equality, ordering and hashing go by the wire string, so
/// `Other("failed".into())` equals `Failed`. The OpenAPI and JSON schemas list the known values
/// (`type: string, enum: [...]`): the contract is strict, the Rust type is lenient.
macro_rules! open_enum {
    (
        $(#[doc = $doc:literal])*
        #[example = $example:literal]
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

            #[cfg(any(feature = "openapi", feature = "json-schema"))]
            fn schema_description() -> String {
                let mut text = $crate::wire::doc_to_description(&[$($doc),*]);
                let variants: &[(&str, &[&str])] = &[$(($value, &[$($variant_doc),*])),+];
                if variants.iter().any(|(_, doc)| !doc.is_empty()) {
                    text.push_str("\n");
                    for (value, doc) in variants {
                        let doc = $crate::wire::doc_to_description(doc).replace('\n', " ");
                        text.push_str(&format!("\n- `{value}`: {doc}"));
                    }
                }
                text.push_str(
                    "\n\nGitLab adds values over time: treat a value not listed here as valid \
                     and unknown.",
                );
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

        #[cfg(feature = "openapi")]
        impl ::utoipa::PartialSchema for $name {
            fn schema() -> ::utoipa::openapi::RefOr<::utoipa::openapi::schema::Schema> {
                use ::utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
                ObjectBuilder::new()
                    .schema_type(SchemaType::new(Type::String))
                    .enum_values(Some([$($value),+]))
                    .description(Some(Self::schema_description()))
                    .examples([$example])
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl ::utoipa::ToSchema for $name {}

        #[cfg(feature = "json-schema")]
        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                ::schemars::json_schema!({
                    "description": Self::schema_description(),
                    "type": "string",
                    "enum": [$($value),+],
                    "examples": [$example],
                })
            }
        }
    };
}

pub(crate) use open_enum;
