use std::process::ExitCode;

use pactum_privacy::{config::Config, startup::Application};

fn main() -> ExitCode {
    pactum_platform::service::main("pactum-privacy", Config::from_env, |config, shutdown| async move {
        Application::build(config).await?.run_until_stopped(shutdown).await
    })
}
