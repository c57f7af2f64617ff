//! Gas snapshot: runs the fixed scenario (tests/common/gas.rs) on fresh in-process devnodes, with
//! the zAMM program uncached and cached, and writes `.gas-snapshot`. Run with `cargo bench --bench gas`.

#[path = "../tests/common/mod.rs"]
mod common;

use common::gas::{render, scenario, SNAPSHOT_FILE};

#[tokio::main]
async fn main() {
    // `cargo bench` passes `--bench`; any other invocation (e.g. `cargo test --benches`) is a no-op.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let text = render(&scenario().await);
    let path = common::deploy::repo_root().join(SNAPSHOT_FILE);
    std::fs::write(&path, &text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    print!("{text}");
    println!("wrote {}", path.display());
}
