//! Checks that the models, the published contract and GitLab's documentation agree.

mod contract {
    pub mod docs_examples;
    pub mod docs_tables;
    pub mod sandbox_answers;
    pub mod spec_checks;
    pub mod support;
}
