use std::process::ExitCode;

use pactum_contracts::{config::Config, startup::Application};

fn main() -> ExitCode {
    pactum_platform::service::main("pactum-contracts", Config::from_env, |config, shutdown| async move {
        Application::build(config).await?.run_until_stopped(shutdown).await
    })
}
