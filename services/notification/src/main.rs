use std::process::ExitCode;

use pactum_notification::{config::Config, startup::Application};

fn main() -> ExitCode {
    pactum_platform::service::main("pactum-notification", Config::from_env, |config, shutdown| async move {
        Application::build(config).await?.run_until_stopped(shutdown).await
    })
}
