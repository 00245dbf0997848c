//! Starts the server, or runs one of its set-up commands (`backend --help`).

use backend::config::{Cli, Command, LogFormat};
use clap::Parser;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    // Colours only on a terminal: a log file gets no escape codes at all (and every field a
    // client typed is logged in its escaped Debug form).
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr);
    match cli.log_format {
        LogFormat::Json => logs.json().init(),
        LogFormat::Text => logs.init(),
    }
    let result = match cli.command.clone() {
        None | Some(Command::Serve) => backend::serve(cli).await,
        Some(Command::Backup { to }) => backend::maintenance::backup(&cli, &to).await,
        Some(Command::Restore { from }) => backend::maintenance::restore(&cli, &from).await,
        Some(Command::RecheckCases { today, claim }) => {
            backend::http::cases::recheck_cli(&cli, today, claim).await
        }
        Some(Command::AddSchool { name, admin, district }) => {
            backend::bootstrap::add_school(&cli, &name, &admin, district).await
        }
        Some(Command::AddDistrict { name, admin }) => {
            backend::bootstrap::add_district(&cli, &name, &admin).await
        }
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
