//! Writes `fixtures/examples` from the documentation carried in `fixtures/seeds`: one file per
//! JSON example, named after its version and operation. Run it after adding or replacing a
//! seed; the tests fail while the files and the seeds disagree.

use std::fs;

use contract_tests::{docs, fixtures_dir, spec};

fn main() {
    let operations = spec::operations(&spec::openapi_31());
    let fixtures = docs::fixtures_from_seeds(&operations);
    let dir = fixtures_dir().join("examples");
    if dir.exists() {
        for entry in fs::read_dir(&dir).expect("reading fixtures/examples") {
            let path = entry.expect("a directory entry").path();
            if path.extension().is_some_and(|ext| ext == "json") {
                fs::remove_file(&path).expect("removing an old fixture");
            }
        }
    }
    fs::create_dir_all(&dir).expect("creating fixtures/examples");
    for fixture in &fixtures {
        fs::write(dir.join(&fixture.file), docs::fixture_text(&fixture.value))
            .unwrap_or_else(|err| panic!("writing {}: {err}", fixture.file));
    }
    eprintln!(
        "wrote {} example fixtures to {}",
        fixtures.len(),
        dir.display()
    );
}
