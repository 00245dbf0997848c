//! `loadgen`: proves city scale. It generates a city's school year into a database, replays a
//! morning's burst against a running server (open loop at a fixed rate with latencies measured
//! from each request's due time, or closed loop for the most it can take), serves the bare
//! "hello" ceiling, and times a city-wide grade comparison through the backend's library.
//! `cargo xtask bench` drives it; docs/BENCHMARKS.md has the figures.

mod args;
mod city;
mod citywide;
mod client;
mod hello;
mod prepare;
mod run;
mod scenario;

use args::Args;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

const USAGE: &str = "\
usage: loadgen <command> [--option value ...]

commands:
  generate          a city's school year in a new database, loaded in bulk
      --database-url URL   sqlite://target/bench/city.db or postgres://…/homework_bench
      --schools 2195 --classes 30000 --days 190 --seed 1
      --sessions FILE      where to write the accounts' session tokens (default: beside it)
      --replace            delete the database first
  prepare           before a run: remove today's reports, sessions last used --idle s ago
      --database-url URL --idle 3600
  load              send requests to a running server and report latencies
      --url http://127.0.0.1:8080  --scenario health|put|comparison|mixed|plan
      --sessions FILE      (all but health)   --read-share 0.05 (mixed)
      --rate R             open loop at R requests/s (omit for closed loop)
      --connections 64 --duration 10 --warmup 2 --max-requests N
      --pid PID            the server's process, to sample its memory and CPU
  hello             the bare axum ceiling: GET /api/v1/health
      --listen 127.0.0.1:0
  city-comparison   one grade across every school through the backend's library
      --database-url URL --grade 7 --days 14 --to YYYY-MM-DD --repeat 5
";

fn main() -> ExitCode {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = raw.split_first() else {
        eprint!("{USAGE}");
        return ExitCode::FAILURE;
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("loadgen: no runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = Args::parse(rest).and_then(|args| {
        runtime.block_on(async {
            match command.as_str() {
                "generate" => city::generate(&args).await,
                "prepare" => prepare::run(&args).await,
                "load" => load(&args).await,
                "hello" => {
                    args.only(&["listen"])?;
                    hello::serve(&args.get("listen", "127.0.0.1:0".to_owned())?).await
                }
                "city-comparison" => citywide::run(&args).await,
                "help" | "--help" | "-h" => {
                    print!("{USAGE}");
                    Ok(())
                }
                other => Err(format!("unknown command {other:?}\n\n{USAGE}")),
            }
        })
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("loadgen: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn load(args: &Args) -> Result<(), String> {
    args.only(&[
        "url",
        "scenario",
        "sessions",
        "read-share",
        "rate",
        "connections",
        "duration",
        "warmup",
        "max-requests",
        "pid",
    ])?;
    let scenario = scenario::Scenario::new(
        &args.get("scenario", "health".to_owned())?,
        args.optional("sessions").as_deref(),
        args.get("read-share", 0.05)?,
    )?;
    let plan = run::Plan {
        target: client::Target::parse(&args.get("url", "http://127.0.0.1:8080".to_owned())?)?,
        connections: args.get("connections", 64)?,
        rate: args
            .optional("rate")
            .map(|r| r.parse::<f64>())
            .transpose()
            .map_err(|e| e.to_string())?,
        duration: Duration::from_secs_f64(args.get("duration", 10.0)?),
        warmup: Duration::from_secs_f64(args.get("warmup", 2.0)?),
        max_requests: args.optional("max-requests").and_then(|n| n.parse().ok()),
        server_pid: args.optional("pid").and_then(|p| p.parse().ok()),
    };
    run::run(plan, Arc::new(scenario)).await
}
