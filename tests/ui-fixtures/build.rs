//! Generates clients for the test-only specs in `specs/`.

fn main() {
    let result = custkit_codegen::Config::new().specs_dir("specs").generate();
    if let Err(errors) = result {
        eprintln!("{errors}");
        std::process::exit(1);
    }
}
