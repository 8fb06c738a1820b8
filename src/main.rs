//! The `oneonone` binary: the command line ([`cli`]) over the `oneonone` library. The library is
//! the daemon; the binary adds the subcommands, and — with the default `sandbox` feature — the
//! built-in sandbox for `demo` and `sandbox`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
