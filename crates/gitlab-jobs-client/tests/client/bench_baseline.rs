//! The benchmark's plain-struct baseline keeps up with the models.

#[path = "../../benches/support/plain.rs"]
mod plain;

use serde_json::Value;

/// A job with every key of the contract's `Job` (the model's example, and `null` for a key it
/// leaves out) reads into the benchmark's `PlainJob`, which refuses a key it lacks.
#[test]
fn the_benchmarks_plain_job_has_every_key_of_job() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let read = |path: &str| -> Value {
        let text = std::fs::read_to_string(root.join(path)).expect(path);
        serde_json::from_str(&text).expect(path)
    };
    let schema = read("openapi/schemas/Job.json");
    let mut job = read("crates/gitlab-jobs-schema/src/examples/get_job.json");
    let keys = schema["properties"].as_object().expect("Job's properties");
    assert!(keys.len() >= 27, "Job has {} keys", keys.len());
    for key in keys.keys() {
        job.as_object_mut()
            .expect("the example is an object")
            .entry(key.clone())
            .or_insert(Value::Null);
    }
    if let Err(err) = serde_json::from_value::<plain::PlainJob>(job) {
        panic!(
            "the benchmark's baseline does not read a whole job ({err}); add the key to its \
             struct in crates/gitlab-jobs-client/benches/support/plain.rs"
        );
    }
}
