//! The allocator setting the timing benchmarks run under.
//!
//! Timed on copies of one community, the registration decision and its
//! baseline (a `HashSet<String>` insert) both grow memory. Under glibc's
//! default settings, what each side pays for that growth depends on glibc's
//! heuristics rather than on the code: freeing a copy hands memory back to the
//! kernel once the free space passes a threshold that moves with the sizes
//! freed before, and the next copy then takes page faults (about 2 µs each on
//! the benchmark machine) that the other side may escape. On the benchmark
//! machine, the `HashSet` insert measured from 143 to 242 ns across runs of
//! the cost curve at neighbouring commits (none touching it). Measured apart,
//! with page faults counted: 143 ns and no fault when it reused freed memory;
//! about 250 ns and 837 faults per 20,000 inserts in a fresh process.
//!
//! So the timing programs ([`keep_freed_memory`]) run with glibc told to keep
//! what it frees ([`KEEP_FREED_MEMORY`]): both sides then reuse memory and
//! neither takes page faults, and a ratio compares the two operations'
//! work. Memory figures are measured under the defaults (a child process,
//! see [`under_default_malloc`]): kept free memory would count as resident.
//! `CIMI_BENCH_MALLOC=default` runs a timing program under the defaults too.
//!
//! ```
//! let mut child = std::process::Command::new("true");
//! cimi_benches::malloc::under_default_malloc(&mut child);
//! assert!(child.get_envs().any(|(k, v)| k == "CIMI_BENCH_MALLOC" && v == Some("default".as_ref())));
//! ```

use std::process::Command;

/// glibc tunables: never give the heap's free top back to the kernel, and
/// serve blocks up to 32 MiB (the largest threshold glibc accepts) from the
/// heap rather than from mappings of their own, unmapped when freed.
pub const KEEP_FREED_MEMORY: &str =
    "glibc.malloc.trim_threshold=4294967295:glibc.malloc.mmap_threshold=33554432";

/// Set to `default` to run under the allocator's default settings.
pub const MALLOC_VAR: &str = "CIMI_BENCH_MALLOC";

/// Runs this executable again, with the same arguments, under
/// [`KEEP_FREED_MEMORY`], and exits with its status; returns at once in the
/// process that runs so already, or when `CIMI_BENCH_MALLOC=default` asks
/// for the defaults. Call it first thing in `main`. (Other allocators than
/// glibc's ignore the setting.)
pub fn keep_freed_memory() {
    if std::env::var(MALLOC_VAR).is_ok_and(|v| v == "default") {
        return;
    }
    let tunables = std::env::var("GLIBC_TUNABLES").unwrap_or_default();
    if tunables.contains(KEEP_FREED_MEMORY) {
        return;
    }
    let tunables = if tunables.is_empty() {
        KEEP_FREED_MEMORY.to_string()
    } else {
        format!("{tunables}:{KEEP_FREED_MEMORY}")
    };
    let status = std::env::current_exe()
        .and_then(|exe| {
            Command::new(exe)
                .args(std::env::args_os().skip(1))
                .env("GLIBC_TUNABLES", tunables)
                .status()
        })
        .unwrap_or_else(|e| {
            panic!("cannot run the benchmark again under {KEEP_FREED_MEMORY}: {e}")
        });
    std::process::exit(status.code().unwrap_or(1));
}

/// Makes `child` run under the allocator's defaults (for memory figures, or
/// for timings to compare with).
pub fn under_default_malloc(child: &mut Command) -> &mut Command {
    child
        .env_remove("GLIBC_TUNABLES")
        .env(MALLOC_VAR, "default")
}

/// Runs this executable as a child under the allocator's defaults, set up by
/// `configure` (arguments, variables), and answers what it printed; an error
/// says why it could not run or how it failed.
pub fn own_output_under_default_malloc(
    configure: impl FnOnce(&mut Command),
) -> Result<String, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut child = Command::new(exe);
    under_default_malloc(&mut child);
    configure(&mut child);
    let out = child.output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The setting this process runs under, for reports: `kept` or `default`.
pub fn setting() -> &'static str {
    if std::env::var("GLIBC_TUNABLES").is_ok_and(|t| t.contains(KEEP_FREED_MEMORY)) {
        "kept"
    } else {
        "default"
    }
}
