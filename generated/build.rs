//! Generates a client for every spec in `../specs` (see `custkit-codegen`).

fn main() {
    let result = custkit_codegen::Config::new()
        .specs_dir("../specs")
        .display_root("..")
        .generate();
    if let Err(errors) = result {
        eprintln!("{errors}");
        std::process::exit(1);
    }
}
