//! What the play operation answers: the played job, which may be a trigger job.

use serde::{Deserialize, Serialize};

use crate::{Bridge, Job};

/// A job or a trigger job. Playing a manual job answers the job itself, rendered as a `Bridge`
/// when it is a manual trigger job and as a `Job` otherwise. A bridge always has the
/// `downstream_pipeline` key, and a job never has it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[cfg_attr(
    feature = "json-schema",
    derive(schemars::JsonSchema),
    schemars(transform = exactly_one)
)]
pub enum JobOrBridge {
    // The alternatives carry no doc comments: beside a `$ref` a description turns each into an
    // unnamed `allOf` in the 3.0.3 rendition, which openapi-generator warns about. The
    // enum's description says what each is.
    Job(Box<Job>),
    Bridge(Box<Bridge>),
}

impl<'de> Deserialize<'de> for JobOrBridge {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = serde_json::Value::deserialize(deserializer)?;
        if value.get("downstream_pipeline").is_some() {
            Bridge::deserialize(value)
                .map(|bridge| JobOrBridge::Bridge(Box::new(bridge)))
                .map_err(D::Error::custom)
        } else {
            Job::deserialize(value)
                .map(|job| JobOrBridge::Job(Box::new(job)))
                .map_err(D::Error::custom)
        }
    }
}

/// schemars says `anyOf` for an untagged enum; a payload here is exactly one of the two, and
/// `oneOf` says so to generators, which type it as a union of exactly those two.
#[cfg(feature = "json-schema")]
fn exactly_one(schema: &mut schemars::Schema) {
    if let Some(alternatives) = schema.remove("anyOf") {
        schema.insert("oneOf".into(), alternatives);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downstream_pipeline_tells_a_bridge_from_a_job() {
        let bridge: JobOrBridge =
            serde_json::from_str(include_str!("examples/list_pipeline_bridges.json"))
                .map(|mut list: Vec<serde_json::Value>| list.remove(0))
                .map(|value| serde_json::from_value(value).unwrap())
                .unwrap();
        assert!(matches!(bridge, JobOrBridge::Bridge(_)));
        let job: JobOrBridge =
            serde_json::from_str(include_str!("examples/play_job.json")).unwrap();
        assert!(matches!(job, JobOrBridge::Job(_)));
    }
}
