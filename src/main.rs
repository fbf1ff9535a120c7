//! The `sgcheck` command line.
#![forbid(unsafe_code)]

mod cli;

/// mimalloc instead of the system allocator: an audit makes and frees millions of small
/// strings and vectors, and glibc's allocator was a fifth of its profile.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
