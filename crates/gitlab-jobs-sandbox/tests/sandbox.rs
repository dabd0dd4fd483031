//! The generated client against the sandbox, and the sandbox against the contract.

mod sandbox {
    pub mod access;
    pub mod artifacts;
    pub mod binary;
    pub mod faults;
    pub mod operations;
    pub mod outside;
    pub mod pagination;
    pub mod robustness;
    pub mod routes;
    pub mod state;
    pub mod support;
}
