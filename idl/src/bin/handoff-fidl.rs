//! `handoff-fidl`: check FIDL files, print their JSON IR, or generate Rust.
//!
//! ```text
//! handoff-fidl check FILES... [--dep DIR]...
//! handoff-fidl ir    FILES... [--dep DIR]... [-o out.json]
//! handoff-fidl rust  FILES... [--dep DIR]... [-o out.rs] [--handle-type PATH]
//! ```
//! FILES are the files of one library (they may include its dependencies); `--dep`
//! directories are searched for libraries named by `using`. Errors go to stderr as
//! `file:line:column: error: message`; the exit status is 1 on any error.

use clap::{Args, Parser, Subcommand};
use handoff_idl::{Config, Error, Loader, Root};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "handoff-fidl",
    version,
    about = "FIDL front end: check, JSON IR, Rust code"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and resolve; report errors.
    Check(Input),
    /// Print the JSON IR.
    Ir {
        #[command(flatten)]
        input: Input,
        /// Write to this file instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Generate Rust for the target library.
    Rust {
        #[command(flatten)]
        input: Input,
        /// Write to this file instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Rust path of the handle type.
        #[arg(long, default_value = handoff_idl::DEFAULT_HANDLE_TYPE)]
        handle_type: String,
    },
}

#[derive(Args)]
struct Input {
    /// The .fidl files of the library.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Directories holding libraries named by `using`.
    #[arg(long = "dep")]
    deps: Vec<PathBuf>,
}

impl Input {
    fn load(&self) -> Result<Root, Error> {
        let mut loader = Loader::new();
        for f in &self.files {
            loader.add_file(f);
        }
        for d in &self.deps {
            loader.add_dependency_dir(d);
        }
        loader.load()
    }
}

fn write(output: &Option<PathBuf>, text: &str) -> Result<(), String> {
    match output {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
        }
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Check(input) => {
            let root = input.load().map_err(|e| e.to_string())?;
            let lib = root.target();
            eprintln!(
                "ok: library `{}`: {} declarations",
                lib.name,
                lib.declarations.len()
            );
            Ok(())
        }
        Command::Ir { input, output } => {
            let root = input.load().map_err(|e| e.to_string())?;
            let mut text = handoff_idl::ir::to_string_pretty(&root);
            text.push('\n');
            write(&output, &text)
        }
        Command::Rust {
            input,
            output,
            handle_type,
        } => {
            let root = input.load().map_err(|e| e.to_string())?;
            let code = Config::new()
                .handle_type(handle_type)
                .generate(&root)
                .map_err(|e| e.to_string())?;
            write(&output, &code)
        }
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
