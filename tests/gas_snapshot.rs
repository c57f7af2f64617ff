//! Fails when `.gas-snapshot` no longer matches what the gas scenario measures.
mod common;

use common::gas::{render, scenario, SNAPSHOT_FILE};

#[tokio::test]
async fn gas_snapshot_is_up_to_date() {
    if std::env::var("RPC_URL").is_ok() {
        eprintln!("skipped: the snapshot is defined for the in-process devnode");
        return;
    }
    let env = common::Env::new().await;
    let fresh = render(&scenario(&env).await);
    let path = common::deploy::repo_root().join(SNAPSHOT_FILE);
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{} is stale; run `cargo bench --bench gas`.\n--- committed\n{committed}\n--- measured\n{fresh}",
        path.display()
    );
}
