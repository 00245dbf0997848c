//! `cargo xtask <command>`: the project's build chores, written in Rust so they run the same on
//! every machine. Each command is a plain function returning `Result<(), String>`, so that one
//! command can call another (a `demo` that first runs `dist`, say).

mod bench;
mod bench_tablet;
mod cmd;
mod css;
mod demo;
mod dist;
mod fuzz;
mod test;
mod tools;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  demo    build everything and serve the demo school at http://127.0.0.1:8080
  test    run every test (installs Chromium, wasm tools; uses PostgreSQL when reachable)
            --require-postgres  fail if PostgreSQL is not reachable (CI)
            --long              also the long modes (many crash cycles, fuzzing)
  dist    build the web app (wasm) into frontend/dist, ready for the server to serve
  fuzz    run the cargo-fuzz targets of fuzz/ (installs cargo-fuzz)
            [SECONDS] [TARGET...]  seconds per target (default 60); some targets only
  bench   city-scale benchmarks (release build; generates target/bench/city.db once)
            --repeat N          runs of each scenario, the median kept (default 3)
            --postgres          also on postgres://postgres@127.0.0.1:5432/homework_bench
            --postgres-url URL  also on that database; --postgres-only: not on SQLite
            --regenerate        generate the city anew; --quick: shorter steady runs
  bench-tablet  the class tablet's time to first tap in Chromium, CPU slowed 4×, and its
                download (release server; docs/BENCHMARKS.md)
            --rounds N          fresh browser profiles, each a first visit and one from the
                                cache (default 5); --cpu-slowdown X (default 4)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("dist") => dist::dist(),
        Some("demo") => demo::demo(&args[1..]),
        Some("test") => test::test(&args[1..]),
        Some("fuzz") => fuzz::fuzz(&args[1..]),
        Some("bench") => bench::bench(&args[1..]),
        Some("bench-tablet") => bench_tablet::bench_tablet(&args[1..]),
        Some("help" | "-h" | "--help") => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command {other:?}\n\n{USAGE}")),
        None => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
