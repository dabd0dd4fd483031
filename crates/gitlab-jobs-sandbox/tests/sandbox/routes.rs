//! The sandbox serves exactly the contract's operations.

use std::collections::BTreeSet;
use std::path::Path;

use gitlab_jobs_sandbox::{outside, routes};

#[test]
fn routes_are_exactly_the_contracts_operations() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.yaml");
    let contract: serde_json::Value =
        yaml_serde::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut operations = BTreeSet::new();
    for (path, item) in contract["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            operations.insert((method.to_uppercase(), path.clone()));
        }
    }
    let served: BTreeSet<(String, String)> = routes::table()
        .into_iter()
        .map(|(method, path, _)| (method.to_string(), path.to_owned()))
        .collect();
    assert_eq!(served, operations);
    // The routes clients call around the Jobs API are served too, and are not in it.
    for (method, path, _) in outside::table() {
        let route = (method.to_string(), path.to_owned());
        assert!(!operations.contains(&route), "{route:?} is in the contract");
    }
}
