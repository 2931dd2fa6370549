//! Measures every figure that the course quotes and writes them as YAML
//! files (the format of deckbook's `metrics` blocks).
//!
//! ```text
//! cargo run --release -p measure -- --out ../data          # full run
//! cargo run --release -p measure -- --out /tmp/x --quick  # smoke test
//! ```
//!
//! Everything runs in this process: servers listen on 127.0.0.1 only, every
//! loop is bounded by a request count and (where noted) a time budget.

mod anti;
mod http;
mod machine;
mod report;
mod rest;
mod state;

use std::error::Error;
use std::path::PathBuf;
use std::time::Instant;

pub type BoxError = Box<dyn Error + Send + Sync>;

/// What every suite needs: where to write, how much to do, what to say.
#[derive(Debug)]
pub struct Ctx {
    pub out: PathBuf,
    /// Smoke-test mode: a few requests per scenario, numbers meaningless.
    pub quick: bool,
    pub machine: machine::Machine,
    pub command: String,
}

impl Ctx {
    /// Full-run count, or a small one in quick mode.
    pub fn n(&self, full: usize) -> usize {
        if self.quick { (full / 50).max(2) } else { full }
    }

    /// The caption every data file carries: what, where, when, how.
    pub fn caption(&self, what: &str) -> String {
        format!(
            "{what}. Measured {date} on {machine}; release build. Regenerate: {command} (in code/).",
            date = self.machine.date,
            machine = self.machine.summary(),
            command = self.command,
        )
    }
}

fn parse_args() -> Result<(PathBuf, bool), String> {
    let mut out = None;
    let mut quick = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => {
                out = Some(PathBuf::from(
                    args.next().ok_or("--out needs a folder")?,
                ))
            }
            "--quick" => quick = true,
            "-h" | "--help" => {
                return Err("usage: measure --out DIR [--quick]".to_owned());
            }
            other => {
                return Err(format!(
                    "unknown argument {other:?} (usage: measure --out DIR [--quick])"
                ));
            }
        }
    }
    Ok((out.ok_or("usage: measure --out DIR [--quick]")?, quick))
}

fn main() -> Result<(), BoxError> {
    let (out, quick) = parse_args()?;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let ctx = Ctx {
        out,
        quick,
        machine: machine::Machine::detect(),
        command: format!(
            "cargo run --release -p measure -- {}",
            args.join(" ")
        ),
    };
    std::fs::create_dir_all(&ctx.out)?;
    if cfg!(debug_assertions) && !quick {
        eprintln!(
            "warning: debug build; the course's figures come from --release"
        );
    }

    let started = Instant::now();
    rest::run(&ctx)?;
    state::run(&ctx)?;
    anti::run(&ctx)?;
    eprintln!("measure: done in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole pipeline in quick mode: every file is written and has
    /// the keys deckbook reads.
    #[test]
    fn quick_run_writes_every_file() {
        let out = std::env::temp_dir()
            .join(format!("deckbook-measure-{}", std::process::id()));
        let ctx = Ctx {
            out: out.clone(),
            quick: true,
            machine: machine::Machine::detect(),
            command: "measure --quick".to_owned(),
        };
        std::fs::create_dir_all(&out).unwrap();
        rest::run(&ctx).unwrap();
        state::run(&ctx).unwrap();
        anti::run(&ctx).unwrap();
        let mut files: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|entry| {
                entry.unwrap().file_name().to_string_lossy().into_owned()
            })
            .collect();
        files.sort();
        assert_eq!(files, report::ALL_FILES);
        for file in files {
            let text = std::fs::read_to_string(out.join(&file)).unwrap();
            for key in [
                "title:",
                "unit:",
                "lower_is_better:",
                "before_label:",
                "after_label:",
                "caption:",
                "rows:",
            ] {
                assert!(text.contains(key), "{file} lacks {key}");
            }
        }
        std::fs::remove_dir_all(out).unwrap();
    }
}
