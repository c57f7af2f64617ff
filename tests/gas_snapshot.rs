//! Fails when `.gas-snapshot` no longer matches what the gas scenario measures (uncached and
//! cached columns alike), and checks that caching saves exactly the per-call init gas difference.
mod common;

use common::gas::{render, scenario, SNAPSHOT_FILE};

#[tokio::test]
async fn gas_snapshot_is_up_to_date() {
    if std::env::var("RPC_URL").is_ok() {
        eprintln!("skipped: the snapshot is defined for the in-process devnode");
        return;
    }
    let snap = scenario().await;
    let saving = snap.saving_per_call();
    assert!(saving > 0, "a cached program has a cheaper entry");
    for r in &snap.rows {
        let (Some(uncached), Some(cached)) = (r.uncached, r.cached) else {
            panic!("{} reverted", r.op);
        };
        // Caching changes nothing but the entry cost of each call into zAMM: a whole number of
        // per-call savings, at least one except for the deployment (made before caching).
        let calls = (uncached - cached) / saving;
        assert_eq!(
            calls * saving,
            uncached - cached,
            "{}: not whole calls",
            r.op
        );
        let expected = if r.op.starts_with("deploy") {
            0..=0
        } else {
            1..=2
        };
        assert!(
            expected.contains(&calls),
            "{}: uncached {uncached}, cached {cached}",
            r.op
        );
    }
    let fresh = render(&snap);
    let path = common::deploy::repo_root().join(SNAPSHOT_FILE);
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{} is stale; run `cargo bench --bench gas`.\n--- committed\n{committed}\n--- measured\n{fresh}",
        path.display()
    );
}
