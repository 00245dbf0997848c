//! The command line: `loadgen COMMAND --name value …`, parsed with the standard library only.

use std::collections::BTreeMap;
use std::str::FromStr;

/// The `--name value` options of a command (a lone `--flag` is `true`).
pub struct Args {
    values: BTreeMap<String, String>,
}

impl Args {
    pub fn parse(raw: &[String]) -> Result<Args, String> {
        let mut values = BTreeMap::new();
        let mut rest = raw.iter().peekable();
        while let Some(arg) = rest.next() {
            let name = arg.strip_prefix("--").ok_or_else(|| format!("unexpected {arg:?}"))?;
            let value = match rest.peek() {
                Some(v) if !v.starts_with("--") => rest.next().cloned().unwrap_or_default(),
                _ => "true".to_owned(),
            };
            values.insert(name.to_owned(), value);
        }
        Ok(Args { values })
    }

    /// An option's value parsed, or `default` when it is absent.
    pub fn get<T: FromStr>(&self, name: &str, default: T) -> Result<T, String> {
        match self.values.get(name) {
            None => Ok(default),
            Some(v) => v.parse().map_err(|_| format!("--{name}: cannot use {v:?}")),
        }
    }

    /// An option that must be given.
    pub fn required(&self, name: &str) -> Result<String, String> {
        self.values.get(name).cloned().ok_or_else(|| format!("--{name} is required"))
    }

    pub fn optional(&self, name: &str) -> Option<String> {
        self.values.get(name).cloned()
    }

    pub fn flag(&self, name: &str) -> bool {
        self.values.get(name).is_some_and(|v| v == "true")
    }

    /// Fails on an option the command does not know, so that a typo is not silently ignored.
    pub fn only(&self, known: &[&str]) -> Result<(), String> {
        match self.values.keys().find(|k| !known.contains(&k.as_str())) {
            Some(k) => Err(format!("unknown option --{k} (known: --{})", known.join(", --"))),
            None => Ok(()),
        }
    }
}
