//! Compiles every `.proto` under the workspace's `proto/` with `protox` (pure Rust, so no system
//! `protoc` is needed) and generates the prost messages and tonic services from the result.

use std::{env, fs, path::PathBuf};

use protox::prost::Message;

const PROTOS: &[&str] = &[
    "google/type/date.proto",
    "google/type/money.proto",
    "pactum/events/v1/envelope.proto",
    "pactum/contracts/v1/contracts.proto",
    "pactum/contracts/v1/events.proto",
    "pactum/billing/v1/billing.proto",
    "pactum/billing/v1/events.proto",
    "pactum/privacy/v1/privacy.proto",
    "pactum/notification/v1/notification.proto",
    "pactum/notification/v1/events.proto",
    "pactum/testing/v1/test_clock.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?).join("../../proto");
    println!("cargo:rerun-if-changed={}", root.display());

    let mut compiler = protox::Compiler::new([&root])?;
    // `include_imports` keeps google/type and google/protobuf in the set, so reflection
    // clients can resolve every type without a copy of our protos.
    compiler.include_imports(true).include_source_info(true);
    compiler.open_files(PROTOS)?;
    let descriptors = compiler.file_descriptor_set();

    let out = PathBuf::from(env::var("OUT_DIR")?);
    fs::write(out.join("pactum_descriptor.bin"), descriptors.encode_to_vec())?;

    tonic_prost_build::configure().include_file("pactum_protos.rs").compile_fds(descriptors)?;
    Ok(())
}
