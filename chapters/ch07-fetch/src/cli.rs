//! Command-line options shared by `ch07-fetch`, `fetch-tokio` and
//! `fetch-interop`.

use std::ops::RangeInclusive;
use std::time::Duration;

use crate::server::{Fault, ServerConfig};

pub const USAGE: &str = "\
options:
  --url URL          fetch URL/{id} from a real service instead of the local server
  --ids A..=B        the ids to fetch (default 1..=10)
  --sequential       one request after another, for comparison
  --timeout-ms N     give up on a request after N ms (default 5000)
  --fault ID=KIND    make the local server misbehave for ID; KIND is one of
                     500, bad-json, truncated, silent, reset, huge, fail-first-N
  --workers N        worker threads of the client runtime (default 2)";

#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub url: Option<String>,
    pub ids: RangeInclusive<u64>,
    pub sequential: bool,
    pub timeout: Duration,
    pub faults: Vec<(u64, Fault)>,
    pub workers: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            url: None,
            ids: 1..=10,
            sequential: false,
            timeout: Duration::from_secs(5),
            faults: Vec::new(),
            workers: 2,
        }
    }
}

impl Options {
    /// Parses the arguments after the program name. `Err` carries a message
    /// for the user (`--help` included: it is not a run).
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
        let mut options = Options::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
            match arg.as_str() {
                "--url" => options.url = Some(value("--url")?),
                "--ids" => options.ids = parse_ids(&value("--ids")?)?,
                "--sequential" => options.sequential = true,
                "--timeout-ms" => {
                    let text = value("--timeout-ms")?;
                    let ms = text
                        .parse::<u64>()
                        .map_err(|_| format!("--timeout-ms: not a number: {text:?}"))?;
                    options.timeout = Duration::from_millis(ms);
                }
                "--fault" => {
                    let text = value("--fault")?;
                    let (id, kind) = text
                        .split_once('=')
                        .ok_or_else(|| format!("--fault: expected ID=KIND, got {text:?}"))?;
                    let id = id
                        .parse::<u64>()
                        .map_err(|_| format!("--fault: not an id: {id:?}"))?;
                    options.faults.push((id, kind.parse()?));
                }
                "--workers" => {
                    let text = value("--workers")?;
                    options.workers = match text.parse::<usize>() {
                        Ok(n) if n > 0 => n,
                        _ => {
                            return Err(format!(
                                "--workers: expected a number above 0, got {text:?}"
                            ))
                        }
                    };
                }
                "-h" | "--help" => return Err(USAGE.to_string()),
                other => return Err(format!("unknown option {other:?}\n{USAGE}")),
            }
        }
        if options.url.is_some() && !options.faults.is_empty() {
            return Err("--fault applies to the local server, not to --url".into());
        }
        Ok(options)
    }

    /// The local server's configuration for these options.
    pub fn server_config(&self) -> ServerConfig {
        let mut config = ServerConfig::default();
        config.faults.extend(self.faults.iter().copied());
        config
    }

    pub fn ids(&self) -> Vec<u64> {
        self.ids.clone().collect()
    }

    /// The line every fetch program prints first; `on` names the client and
    /// the runtime, e.g. "on our runtime".
    pub fn banner(&self, base: impl std::fmt::Display, on: &str) -> String {
        let mode = if self.sequential {
            "one at a time"
        } else {
            "all at once"
        };
        format!(
            "fetching todos {:?} from {base}, {mode}, {on} ({} workers)",
            self.ids, self.workers
        )
    }
}

fn parse_ids(text: &str) -> Result<RangeInclusive<u64>, String> {
    let bad = || format!("--ids: expected A..=B, like 1..=10, got {text:?}");
    let (first, last) = text.split_once("..=").ok_or_else(bad)?;
    let first = first.parse::<u64>().map_err(|_| bad())?;
    let last = last.parse::<u64>().map_err(|_| bad())?;
    if first > last || last - first >= 100_000 {
        return Err(format!(
            "--ids: {text:?} is empty or longer than 100000 ids"
        ));
    }
    Ok(first..=last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, String> {
        Options::parse(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn parses_every_option() {
        testkit::timeout(|| {
            let options = parse(&[
                "--ids",
                "0..=10",
                "--sequential",
                "--timeout-ms",
                "250",
                "--fault",
                "3=reset",
                "--workers",
                "4",
            ])
            .unwrap();
            assert_eq!(options.ids, 0..=10);
            assert!(options.sequential);
            assert_eq!(options.timeout, Duration::from_millis(250));
            assert_eq!(options.faults, vec![(3, Fault::Reset)]);
            assert_eq!(options.workers, 4);
            assert_eq!(parse(&[]).unwrap(), Options::default());
        });
    }

    #[test]
    fn bad_options_say_what_is_wrong() {
        testkit::timeout(|| {
            for (args, says) in [
                (&["--ids", "10..=1"][..], "empty"),
                (&["--ids", "5"][..], "expected A..=B"),
                (&["--fault", "3"][..], "ID=KIND"),
                (&["--fault", "3=nope"][..], "unknown fault"),
                (
                    &["--url", "http://x", "--fault", "1=500"][..],
                    "local server",
                ),
                (&["--workers", "0"][..], "above 0"),
                (&["--url"][..], "needs a value"),
                (&["--frobnicate"][..], "unknown option"),
            ] {
                let error = parse(args).unwrap_err();
                assert!(error.contains(says), "{args:?}: {error}");
            }
        });
    }
}
