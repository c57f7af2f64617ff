//! Hostio semantics and exact ink/gas charges against the published prices (spec §2.3).

#[path = "wasm/common.rs"]
mod common;

use alloy_primitives::{address, b256, keccak256, Address, Bytes, B256, U256};
use common::*;
use stylus_devnode::wasm::{CallKind, CreateResult, EvmData, ExitStatus, SubcallResult};

fn import(name: &str, sig: &str) -> String {
    format!(r#"(import "vm_hooks" "{name}" (func ${name} {sig}))"#)
}

fn data(offset: u32, bytes: &[u8]) -> String {
    format!(r#"(data (i32.const {offset}) "{}")"#, wat_bytes(bytes))
}

const KEY: B256 = b256!("00000000000000000000000000000000000000000000000000000000000000aa");
const VALUE: B256 = b256!("1111111111111111111111111111111111111111111111111111111111111111");
const ADDR: Address = address!("00000000000000000000000000000000000000c0");

#[test]
fn read_args_copies_calldata_and_charges_write_price() {
    let calldata: Vec<u8> = (0..40).collect();
    let decls = import("read_args", "(param i32)");
    let mut api = FakeApi::default();
    let probe = run_probe_with(
        &decls,
        "(call $read_args (i32.const 64))",
        40,
        &mut api,
        &EvmData::default(),
        &calldata,
    );
    assert_eq!(probe.out, calldata);
    assert_eq!(probe.ink, PROBE_OVERHEAD + CONST + HOSTIO + write_price(40));
}

#[test]
fn write_result_charges_two_read_prices_and_last_call_wins() {
    let mut api = FakeApi::default();
    let probe = run_probe(
        "",
        "(call $write_result (i32.const 64) (i32.const 50))",
        0,
        &mut api,
    );
    assert_eq!(
        probe.ink,
        PROBE_OVERHEAD + 2 * CONST + HOSTIO + 2 * read_price(50)
    );

    let wat = r#"(module
      (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
      (memory (export "memory") 1 1)
      (data (i32.const 0) "first-second")
      (func (export "user_entrypoint") (param i32) (result i32)
        (call $write_result (i32.const 0) (i32.const 5))
        (call $write_result (i32.const 6) (i32.const 6))
        i32.const 0))"#;
    let outcome = run_wat(wat, &[], &mut FakeApi::default(), GAS);
    assert_eq!(outcome.status, ExitStatus::Success);
    assert_eq!(&outcome.output[..], b"second");
}

#[test]
fn storage_load_goes_through_the_cache() {
    let decls = format!(
        "{}{}",
        import("storage_load_bytes32", "(param i32 i32)"),
        data(256, KEY.as_slice())
    );
    let load = "(call $storage_load_bytes32 (i32.const 256) (i32.const 64))";
    let mut api = FakeApi::default();
    api.storage.insert(KEY, VALUE);
    let probe = run_probe(&decls, &format!("{load}{load}"), 32, &mut api);
    assert_eq!(probe.out, VALUE.as_slice());
    assert_eq!(api.sloads, vec![KEY], "second load must hit the cache");
    let miss = HOSTIO + 2 * PTR + (2_100 + 5) * INK_PRICE;
    let hit = HOSTIO + 2 * PTR;
    let second_block = HEADER + 2 * CONST + CALL;
    assert_eq!(
        probe.ink,
        PROBE_OVERHEAD + 2 * CONST + miss + second_block + hit
    );
}

/// A loop that repeats `body` `n` times between the two ink readings.
fn looped(body: &str, n: u32) -> String {
    format!(
        "(local.set $len (i32.const {n}))
         (block $done (loop $again
           (br_if $done (i32.eqz (local.get $len)))
           {body}
           (local.set $len (i32.sub (local.get $len) (i32.const 1)))
           (br $again)))"
    )
}

/// Ink of `n` repetitions of `body` in a probe.
fn looped_ink(decls: &str, body: &str, n: u32, api: &mut FakeApi) -> u64 {
    run_probe(decls, &looped(body, n), 0, api).ink
}

#[test]
fn cache_read_surcharge_starts_after_32_reads() {
    let decls = format!(
        "{}{}",
        import("storage_load_bytes32", "(param i32 i32)"),
        data(256, KEY.as_slice())
    );
    let load = "(call $storage_load_bytes32 (i32.const 256) (i32.const 64))";
    let d = |n| looped_ink(&decls, load, n, &mut FakeApi::default());
    let (d31, d32, d33) = (d(31), d(32), d(33));
    assert_eq!((d33 - d32) - (d32 - d31), 2 * INK_PRICE);
}

#[test]
fn cache_write_surcharge_starts_after_8_writes() {
    let decls = format!(
        "{}{}",
        import("storage_cache_bytes32", "(param i32 i32)"),
        data(256, KEY.as_slice())
    );
    let write = "(call $storage_cache_bytes32 (i32.const 256) (i32.const 256))";
    let d = |n| looped_ink(&decls, write, n, &mut FakeApi::default());
    let (d7, d8, d9) = (d(7), d(8), d(9));
    assert_eq!((d9 - d8) - (d8 - d7), 7 * INK_PRICE);
    let (d64, d65) = (d(64), d(65));
    assert_eq!((d65 - d64) - (d9 - d8), 3 * INK_PRICE);
}

fn storage_decls() -> String {
    let k1 = B256::with_last_byte(2);
    let k2 = B256::with_last_byte(1);
    format!(
        "{}{}{}{}{}",
        import("storage_cache_bytes32", "(param i32 i32)"),
        import("storage_flush_cache", "(param i32)"),
        import("storage_load_bytes32", "(param i32 i32)"),
        data(256, &[k1.as_slice(), VALUE.as_slice()].concat()),
        data(
            320,
            &[k2.as_slice(), B256::with_last_byte(7).as_slice()].concat()
        ),
    )
}

#[test]
fn cache_writes_are_flushed_in_key_order_and_charged() {
    let mut api = FakeApi {
        sstore_cost: 5_000,
        ..Default::default()
    };
    let body = "(call $storage_cache_bytes32 (i32.const 256) (i32.const 288))
                (call $storage_cache_bytes32 (i32.const 320) (i32.const 352))
                (call $storage_flush_cache (i32.const 0))";
    let probe = run_probe(&storage_decls(), body, 0, &mut api);
    let keys: Vec<B256> = api.sstores.iter().map(|(k, _, _)| *k).collect();
    assert_eq!(keys, vec![B256::with_last_byte(1), B256::with_last_byte(2)]);
    assert_eq!(api.storage[&B256::with_last_byte(2)], VALUE);
    assert_eq!(
        api.sstores[1].2 + 5_000,
        api.sstores[0].2,
        "gas_left shrinks per slot"
    );
    let cache = HOSTIO + 2 * PTR;
    let flush = HOSTIO + EVM_API + 2 * 5_000 * INK_PRICE;
    let expected = PROBE_OVERHEAD
        + 2 * CONST
        + cache
        + (HEADER + 2 * CONST + CALL)
        + cache
        + (HEADER + CONST + CALL)
        + flush;
    assert_eq!(probe.ink, expected);
}

#[test]
fn unflushed_writes_are_discarded_but_visible_to_loads() {
    let wat = format!(
        r#"(module
      {}
      (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
      (memory (export "memory") 1 1)
      (func (export "user_entrypoint") (param i32) (result i32)
        (call $storage_cache_bytes32 (i32.const 256) (i32.const 288))
        (call $storage_load_bytes32 (i32.const 256) (i32.const 0))
        (call $write_result (i32.const 0) (i32.const 32))
        i32.const 0))"#,
        storage_decls()
    );
    let mut api = FakeApi::default();
    let outcome = run_wat(&wat, &[], &mut api, GAS);
    assert_eq!(outcome.status, ExitStatus::Success);
    assert_eq!(&outcome.output[..], VALUE.as_slice());
    assert!(api.sloads.is_empty(), "a cached write answers the load");
    assert!(
        api.sstores.is_empty() && api.storage.is_empty(),
        "nothing flushed"
    );
}

#[test]
fn flush_with_clear_drops_the_cache() {
    let wat = format!(
        r#"(module
      {}
      (memory (export "memory") 1 1)
      (func (export "user_entrypoint") (param i32) (result i32)
        (call $storage_load_bytes32 (i32.const 256) (i32.const 0))
        (call $storage_flush_cache (i32.const 1))
        (call $storage_load_bytes32 (i32.const 256) (i32.const 0))
        (call $storage_flush_cache (i32.const 0))
        (call $storage_load_bytes32 (i32.const 256) (i32.const 0))
        i32.const 0))"#,
        storage_decls()
    );
    let mut api = FakeApi::default();
    let outcome = run_wat(&wat, &[], &mut api, GAS);
    assert_eq!(outcome.status, ExitStatus::Success);
    assert_eq!(
        api.sloads.len(),
        2,
        "clear forgets the slot, a plain flush keeps it"
    );
    assert!(api.sstores.is_empty(), "clean slots are not written");
}

#[test]
fn flush_in_static_context_fails_only_with_dirty_slots() {
    let program = |body: &str| {
        format!(
            r#"(module {} (memory (export "memory") 1 1)
          (func (export "user_entrypoint") (param i32) (result i32) {body} i32.const 0))"#,
            storage_decls()
        )
    };
    let mut api = FakeApi {
        is_static: true,
        ..Default::default()
    };
    let clean = run_wat(
        &program("(call $storage_flush_cache (i32.const 0))"),
        &[],
        &mut api,
        GAS,
    );
    assert_eq!(clean.status, ExitStatus::Success);
    let dirty = program(
        "(call $storage_cache_bytes32 (i32.const 256) (i32.const 288))
         (call $storage_flush_cache (i32.const 0))",
    );
    let outcome = run_wat(&dirty, &[], &mut api, GAS);
    assert_eq!(outcome.status, ExitStatus::Failure);
    assert!(outcome.output.is_empty());
    assert!(outcome.gas_left > 0, "failure returns the remaining gas");
}

fn transient_decls() -> String {
    format!(
        "{}{}{}",
        import("transient_store_bytes32", "(param i32 i32)"),
        import("transient_load_bytes32", "(param i32 i32)"),
        data(256, &[KEY.as_slice(), VALUE.as_slice()].concat())
    )
}

#[test]
fn transient_store_and_load_round_trip_with_exact_charges() {
    let mut api = FakeApi::default();
    let body = "(call $transient_store_bytes32 (i32.const 256) (i32.const 288))
                (call $transient_load_bytes32 (i32.const 256) (i32.const 64))";
    let probe = run_probe(&transient_decls(), body, 32, &mut api);
    assert_eq!(probe.out, VALUE.as_slice());
    assert_eq!(api.transient[&KEY], VALUE);
    let each = HOSTIO + 2 * PTR + EVM_API + 100 * INK_PRICE;
    assert_eq!(each, 78_153 + 1_000_000);
    let expected = PROBE_OVERHEAD + 2 * CONST + each + (HEADER + 2 * CONST + CALL) + each;
    assert_eq!(probe.ink, expected);
}

#[test]
fn transient_store_is_write_protected_in_static_context() {
    let wat = format!(
        r#"(module {} (memory (export "memory") 1 1)
      (func (export "user_entrypoint") (param i32) (result i32)
        (call $transient_load_bytes32 (i32.const 256) (i32.const 0))
        (call $transient_store_bytes32 (i32.const 256) (i32.const 288))
        i32.const 0))"#,
        transient_decls()
    );
    let mut api = FakeApi {
        is_static: true,
        ..Default::default()
    };
    let outcome = run_wat(&wat, &[], &mut api, GAS);
    assert_eq!(outcome.status, ExitStatus::Failure);
    assert!(api.transient.is_empty());
}

fn call_decls() -> String {
    format!(
        "{}{}{}{}{}{}{}",
        import(
            "call_contract",
            "(param i32 i32 i32 i32 i64 i32) (result i32)"
        ),
        import(
            "delegate_call_contract",
            "(param i32 i32 i32 i64 i32) (result i32)"
        ),
        import(
            "static_call_contract",
            "(param i32 i32 i32 i64 i32) (result i32)"
        ),
        import("read_return_data", "(param i32 i32 i32) (result i32)"),
        import("return_data_size", "(result i32)"),
        data(256, ADDR.as_slice()),
        data(300, &[0xde, 0xad, 0xbe, 0xef]),
    ) + &data(320, &U256::from(77).to_be_bytes::<32>())
}

#[test]
fn call_contract_passes_everything_and_charges_the_returned_cost() {
    let mut api = FakeApi {
        call_result: Some(SubcallResult {
            success: true,
            output: Bytes::from_static(b"hello"),
            gas_cost: 1_234,
        }),
        ..Default::default()
    };
    // status -> mem[64..68], return length -> mem[68..72]
    let body = "(i32.store (i32.const 64)
                  (call $call_contract (i32.const 256) (i32.const 300) (i32.const 4)
                     (i32.const 320) (i64.const -1) (i32.const 68)))";
    let probe = run_probe(&call_decls(), body, 8, &mut api);
    assert_eq!(probe.out, [0, 0, 0, 0, 5, 0, 0, 0]);
    let call = &api.calls[0];
    assert_eq!(
        (call.kind, call.to, call.value),
        (CallKind::Call, ADDR, U256::from(77))
    );
    assert_eq!(call.input, [0xde, 0xad, 0xbe, 0xef]);
    assert_eq!(call.gas_req, call.gas_left, "u64::MAX requests all gas");
    let hostio = 83_193 + 2 * read_price(4);
    // The block runs i64.store, the address const, six argument consts, then the call.
    let block = HEADER + I64_STORE + 7 * CONST + CALL;
    let first_reading = u64::from_le_bytes(probe.outcome.output[..8].try_into().unwrap());
    assert_eq!(call.gas_left, (first_reading - block - hostio) / INK_PRICE);
    // After the call: i32.store (825) joins the closing block.
    let expected = block + hostio + 1_234 * INK_PRICE + (HEADER + 825 + CONST + CALL) + HOSTIO;
    assert_eq!(probe.ink, expected);
}

#[test]
fn failed_calls_return_status_2_and_keep_return_data() {
    let mut api = FakeApi {
        call_result: Some(SubcallResult {
            success: false,
            output: Bytes::from_static(b"revert-data"),
            gas_cost: 0,
        }),
        ..Default::default()
    };
    let body = "(i32.store (i32.const 64)
                  (call $delegate_call_contract (i32.const 256) (i32.const 300) (i32.const 4)
                     (i64.const 1000) (i32.const 68)))
                (i32.store (i32.const 72) (call $return_data_size))
                (i32.store (i32.const 76)
                  (call $read_return_data (i32.const 80) (i32.const 7) (i32.const 100)))
                (i32.store (i32.const 112)
                  (call $read_return_data (i32.const 116) (i32.const 50) (i32.const 4)))";
    let probe = run_probe(&call_decls(), body, 56, &mut api);
    let word = |i: usize| u32::from_le_bytes(probe.out[i..i + 4].try_into().unwrap());
    assert_eq!(word(0), 2, "Nitro reports any failure as 2");
    assert_eq!(word(4), 11);
    assert_eq!(word(8), 11);
    assert_eq!(word(12), 4, "overlap of [7, 107) with 11 bytes");
    assert_eq!(&probe.out[16..20], b"data");
    assert_eq!(word(48), 0, "offset past the end copies nothing");
    let call = &api.calls[0];
    assert_eq!(
        (call.kind, call.value, call.gas_req),
        (CallKind::Delegate, U256::ZERO, 1_000)
    );
}

#[test]
fn static_call_uses_the_static_kind() {
    let mut api = FakeApi::default();
    let body = "(drop (call $static_call_contract (i32.const 256) (i32.const 300) (i32.const 4)
                 (i64.const 5) (i32.const 68)))";
    run_probe(&call_decls(), body, 0, &mut api);
    assert_eq!(api.calls[0].kind, CallKind::Static);
    assert_eq!(api.calls[0].gas_req, 5);
}

#[test]
fn read_return_data_charges_write_price_of_copied_bytes() {
    let mut api = FakeApi {
        call_result: Some(SubcallResult {
            success: true,
            output: Bytes::from(vec![9u8; 100]),
            gas_cost: 0,
        }),
        ..Default::default()
    };
    let d = |size: u32, api: &mut FakeApi| {
        let body = format!(
            "(drop (call $static_call_contract (i32.const 256) (i32.const 300) (i32.const 4)
                (i64.const 5) (i32.const 68)))
             (drop (call $read_return_data (i32.const 400) (i32.const 10) (i32.const {size})))"
        );
        run_probe(&call_decls(), &body, 0, api).ink
    };
    // Copies min(size, 90) bytes: 60 vs 90 (capped) bytes.
    assert_eq!(
        d(60, &mut api) + write_price(90) - write_price(60),
        d(500, &mut api)
    );
}

#[test]
fn create1_and_create2_report_address_or_revert_data() {
    let decls = format!(
        "{}{}{}{}",
        import("create1", "(param i32 i32 i32 i32 i32)"),
        import("create2", "(param i32 i32 i32 i32 i32 i32)"),
        import("return_data_size", "(result i32)"),
        data(256, &[0x60, 0x00, 0x60, 0x00]),
    ) + &data(288, &U256::from(5).to_be_bytes::<32>())
        + &data(320, B256::with_last_byte(9).as_slice());
    let created = address!("00000000000000000000000000000000000000ee");
    let mut api = FakeApi {
        create_result: Some(CreateResult {
            address: Some(created),
            output: Bytes::new(),
            gas_cost: 32_000,
        }),
        ..Default::default()
    };
    let body = "(call $create1 (i32.const 256) (i32.const 4) (i32.const 288) (i32.const 64)
                 (i32.const 84))";
    let probe = run_probe(&decls, body, 24, &mut api);
    assert_eq!(&probe.out[..20], created.as_slice());
    assert_eq!(&probe.out[20..], [0, 0, 0, 0]);
    assert_eq!(api.creates[0].code, [0x60, 0x00, 0x60, 0x00]);
    assert_eq!(
        (api.creates[0].endowment, api.creates[0].salt),
        (U256::from(5), None)
    );
    let create1 = 83_193 + 2 * read_price(4);
    assert_eq!(
        probe.ink,
        PROBE_OVERHEAD + 5 * CONST + create1 + 32_000 * INK_PRICE
    );

    let mut api = FakeApi {
        create_result: Some(CreateResult {
            address: None,
            output: Bytes::from_static(b"nope"),
            gas_cost: 0,
        }),
        ..Default::default()
    };
    let body = "(call $create2 (i32.const 256) (i32.const 4) (i32.const 288) (i32.const 320)
                 (i32.const 64) (i32.const 84))
                (i32.store (i32.const 88) (call $return_data_size))";
    let probe = run_probe(&decls, body, 28, &mut api);
    assert_eq!(
        &probe.out[..20],
        [0u8; 20],
        "failed create writes the zero address"
    );
    assert_eq!(&probe.out[20..], [4, 0, 0, 0, 4, 0, 0, 0]);
    assert_eq!(api.creates[0].salt, Some(B256::with_last_byte(9)));
    let create2 = 88_233 + 2 * read_price(4);
    // Spelled out: block(i64.store, 6 consts, call) + create2 + block(i32.const, call
    // return_data_size) + 8,400 + block(i32.store, i32.const, call ink) + 8,400.
    let spelled = (HEADER + I64_STORE + 6 * CONST + CALL)
        + create2
        + (HEADER + CONST + CALL)
        + HOSTIO
        + (HEADER + 825 + CONST + CALL)
        + HOSTIO;
    assert_eq!(probe.ink, spelled);
}

#[test]
fn emit_log_splits_topics_and_charges_log_gas() {
    let topics = [B256::with_last_byte(1), B256::with_last_byte(2)];
    let payload = b"hello";
    let bytes = [topics[0].as_slice(), topics[1].as_slice(), payload].concat();
    let decls = import("emit_log", "(param i32 i32 i32)") + &data(256, &bytes);
    let mut api = FakeApi::default();
    let probe = run_probe(
        &decls,
        "(call $emit_log (i32.const 256) (i32.const 69) (i32.const 2))",
        0,
        &mut api,
    );
    assert_eq!(
        api.logs,
        vec![(topics.to_vec(), Bytes::from_static(payload))]
    );
    let log_gas = 3 * 375 + 8 * 5;
    let hostio = HOSTIO + EVM_API + read_price(69) + log_gas * INK_PRICE;
    assert_eq!(probe.ink, PROBE_OVERHEAD + 3 * CONST + hostio);

    for (len, count) in [(69, 5), (63, 2)] {
        let wat = format!(
            r#"(module {decls} (memory (export "memory") 1 1)
              (func (export "user_entrypoint") (param i32) (result i32)
                (call $emit_log (i32.const 256) (i32.const {len}) (i32.const {count}))
                i32.const 0))"#
        );
        let outcome = run_wat(&wat, &[], &mut FakeApi::default(), GAS);
        assert_eq!(
            outcome.status,
            ExitStatus::Failure,
            "len {len}, topics {count}"
        );
    }
    let wat = format!(
        r#"(module {decls} (memory (export "memory") 1 1)
          (func (export "user_entrypoint") (param i32) (result i32)
            (call $emit_log (i32.const 256) (i32.const 69) (i32.const 2)) i32.const 0))"#
    );
    let mut api = FakeApi {
        is_static: true,
        ..Default::default()
    };
    assert_eq!(
        run_wat(&wat, &[], &mut api, GAS).status,
        ExitStatus::Failure
    );
}

#[test]
fn account_queries_charge_cold_then_warm_access() {
    let decls = format!(
        "{}{}{}{}{}",
        import("account_balance", "(param i32 i32)"),
        import("account_codehash", "(param i32 i32)"),
        import("account_code", "(param i32 i32 i32 i32) (result i32)"),
        import("account_code_size", "(param i32) (result i32)"),
        data(256, ADDR.as_slice()),
    );
    let code = Bytes::from_static(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    let fresh = || {
        let mut api = FakeApi::default();
        api.balances.insert(ADDR, U256::from(123_456));
        api.codes.insert(ADDR, code.clone());
        api
    };
    let mut api = fresh();
    let probe = run_probe(
        &decls,
        "(call $account_balance (i32.const 256) (i32.const 64))",
        32,
        &mut api,
    );
    assert_eq!(U256::from_be_slice(&probe.out), U256::from(123_456));
    let balance = HOSTIO + 2 * PTR + EVM_API;
    assert_eq!(
        probe.ink,
        PROBE_OVERHEAD + 2 * CONST + balance + 2_600 * INK_PRICE
    );

    let mut api = fresh();
    let body = "(call $account_balance (i32.const 256) (i32.const 64))
                (call $account_codehash (i32.const 256) (i32.const 64))";
    let probe = run_probe(&decls, body, 32, &mut api);
    assert_eq!(probe.out, keccak256(&code).as_slice());
    let second = HEADER + 2 * CONST + CALL;
    assert_eq!(
        probe.ink,
        PROBE_OVERHEAD
            + 2 * CONST
            + balance
            + 2_600 * INK_PRICE
            + second
            + balance
            + 100 * INK_PRICE
    );

    // No padding: offset 8, size 10 on 10 bytes copies 2.
    let mut api = fresh();
    let body = "(i32.store (i32.const 96)
                  (call $account_code (i32.const 256) (i32.const 8) (i32.const 10) (i32.const 64)))";
    let probe = run_probe(&decls, body, 36, &mut api);
    assert_eq!(&probe.out[..4], [9, 10, 0, 0]);
    assert_eq!(&probe.out[32..], [2, 0, 0, 0]);
    let hostio = HOSTIO + EVM_API + 2_600 * INK_PRICE + write_price(10);
    let expected =
        (HEADER + I64_STORE + 5 * CONST + CALL) + hostio + (HEADER + 825 + CONST + CALL) + HOSTIO;
    assert_eq!(probe.ink, expected);

    let mut api = fresh();
    let body = "(i32.store (i32.const 64) (call $account_code_size (i32.const 256)))";
    let probe = run_probe(&decls, body, 4, &mut api);
    assert_eq!(probe.out, [10, 0, 0, 0]);
    let hostio = HOSTIO + EVM_API + 2_600 * INK_PRICE;
    let expected =
        (HEADER + I64_STORE + 2 * CONST + CALL) + hostio + (HEADER + 825 + CONST + CALL) + HOSTIO;
    assert_eq!(probe.ink, expected);
}

#[test]
fn environment_getters_return_call_facts_at_their_prices() {
    let data = EvmData {
        block_basefee: U256::from(7),
        chain_id: 412_346,
        block_coinbase: address!("00000000000000000000000000000000000000c1"),
        block_gas_limit: 30_000_000,
        block_number: 99,
        block_timestamp: 1_700_000_000,
        contract_address: address!("00000000000000000000000000000000000000c2"),
        msg_sender: address!("00000000000000000000000000000000000000c3"),
        msg_value: U256::from(5),
        tx_gas_price: U256::from(100),
        tx_origin: address!("00000000000000000000000000000000000000c4"),
        reentrant: true,
        ..Default::default()
    };
    let pointer_getters: [(&str, Vec<u8>); 7] = [
        ("block_basefee", U256::from(7).to_be_bytes::<32>().to_vec()),
        ("block_coinbase", data.block_coinbase.to_vec()),
        ("contract_address", data.contract_address.to_vec()),
        ("msg_sender", data.msg_sender.to_vec()),
        ("msg_value", U256::from(5).to_be_bytes::<32>().to_vec()),
        ("tx_gas_price", U256::from(100).to_be_bytes::<32>().to_vec()),
        ("tx_origin", data.tx_origin.to_vec()),
    ];
    for (name, expected) in pointer_getters {
        let decls = import(name, "(param i32)");
        let probe = run_probe_with(
            &decls,
            &format!("(call ${name} (i32.const 64))"),
            expected.len() as u32,
            &mut FakeApi::default(),
            &data,
            &[],
        );
        assert_eq!(probe.out, expected, "{name}");
        assert_eq!(probe.ink, PROBE_OVERHEAD + CONST + HOSTIO + PTR, "{name}");
    }
    let value_getters: [(&str, &str, u64); 6] = [
        ("chainid", "i64", 412_346),
        ("block_gas_limit", "i64", 30_000_000),
        ("block_number", "i64", 99),
        ("block_timestamp", "i64", 1_700_000_000),
        ("msg_reentrant", "i32", 1),
        ("tx_ink_price", "i32", 10_000),
    ];
    for (name, ty, expected) in value_getters {
        let decls = import(name, &format!("(result {ty})"));
        let store = if ty == "i64" {
            "i64.store"
        } else {
            "i32.store"
        };
        let body = format!("(i32.const 64) (call ${name}) ({store})");
        let probe = run_probe_with(&decls, &body, 8, &mut FakeApi::default(), &data, &[]);
        assert_eq!(
            u64::from_le_bytes(probe.out[..8].try_into().unwrap()),
            expected,
            "{name}"
        );
        let store_ink = if ty == "i64" { I64_STORE } else { 825 };
        let expected_ink = (HEADER + I64_STORE + CONST + CALL)
            + HOSTIO
            + (HEADER + store_ink + CONST + CALL)
            + HOSTIO;
        assert_eq!(probe.ink, expected_ink, "{name}");
    }
}

#[test]
fn msg_reentrant_passes_the_flag_through() {
    let decls = import("msg_reentrant", "(result i32)");
    for flag in [false, true] {
        let data = EvmData {
            reentrant: flag,
            ..Default::default()
        };
        let body = "(i32.store (i32.const 64) (call $msg_reentrant))";
        let probe = run_probe_with(&decls, body, 4, &mut FakeApi::default(), &data, &[]);
        assert_eq!(probe.out, [u8::from(flag), 0, 0, 0]);
    }
}

#[test]
fn evm_gas_left_matches_ink_left() {
    let wat = r#"(module
      (import "vm_hooks" "evm_gas_left" (func $gas (result i64)))
      (import "vm_hooks" "evm_ink_left" (func $ink (result i64)))
      (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
      (memory (export "memory") 1 1)
      (func (export "user_entrypoint") (param i32) (result i32)
        (i64.store (i32.const 0) (call $ink))
        (i64.store (i32.const 8) (call $gas))
        (call $write_result (i32.const 0) (i32.const 16))
        i32.const 0))"#;
    let outcome = run_wat(wat, &[], &mut FakeApi::default(), GAS);
    let ink = u64::from_le_bytes(outcome.output[..8].try_into().unwrap());
    let gas = u64::from_le_bytes(outcome.output[8..].try_into().unwrap());
    let between = HEADER + I64_STORE + CONST + CALL + HOSTIO;
    assert_eq!(gas, (ink - between) / INK_PRICE);
}

fn math_probe(name: &str, operands: &[U256]) -> (U256, u64) {
    let sig = if operands.len() == 3 {
        "(param i32 i32 i32)"
    } else {
        "(param i32 i32)"
    };
    let bytes: Vec<u8> = operands
        .iter()
        .flat_map(|v| v.to_be_bytes::<32>())
        .collect();
    let decls = import(name, sig) + &data(64, &bytes);
    let args: String = (0..operands.len())
        .map(|i| format!("(i32.const {})", 64 + 32 * i))
        .collect();
    let probe = run_probe(
        &decls,
        &format!("(call ${name} {args})"),
        32,
        &mut FakeApi::default(),
    );
    (
        U256::from_be_slice(&probe.out),
        probe.ink - PROBE_OVERHEAD - operands.len() as u64 * CONST,
    )
}

#[test]
fn math_hostios_use_256_bit_semantics_and_prices() {
    let max = U256::MAX;
    assert_eq!(
        math_probe("math_div", &[U256::from(100), U256::from(7)]),
        (U256::from(14), 43_520)
    );
    assert_eq!(
        math_probe("math_div", &[U256::from(100), U256::ZERO]).0,
        U256::ZERO
    );
    assert_eq!(
        math_probe("math_mod", &[U256::from(100), U256::from(7)]),
        (U256::from(2), 43_520)
    );
    assert_eq!(
        math_probe("math_mod", &[U256::from(100), U256::ZERO]).0,
        U256::ZERO
    );
    // 3^256 wraps mod 2^256; exponent 0x0100 has 2 significant bytes -> 3 priced bytes.
    let (pow, ink) = math_probe("math_pow", &[U256::from(3), U256::from(256)]);
    assert_eq!(pow, U256::from(3).wrapping_pow(U256::from(256)));
    assert_eq!(ink, 23_520 + 3_000 + 17_500 * 3);
    assert_eq!(
        math_probe("math_pow", &[U256::from(2), U256::ZERO]),
        (U256::from(1), 23_520 + 3_000 + 17_500)
    );
    let (sum, ink) = math_probe("math_add_mod", &[max, max, U256::from(1_000_003)]);
    let expected = (max % U256::from(1_000_003)) * U256::from(2) % U256::from(1_000_003);
    assert_eq!((sum, ink), (expected, 49_560));
    assert_eq!(
        math_probe("math_add_mod", &[U256::from(5), U256::from(6), U256::ZERO]).0,
        U256::ZERO
    );
    let (product, ink) = math_probe("math_mul_mod", &[max, max, U256::from(1_000_003)]);
    assert_eq!(
        (product, ink),
        (max.mul_mod(max, U256::from(1_000_003)), 52_660)
    );
}

#[test]
fn native_keccak256_hashes_and_charges_per_word() {
    let input: Vec<u8> = (0..100).collect();
    let decls = import("native_keccak256", "(param i32 i32 i32)") + &data(256, &input);
    let probe = run_probe(
        &decls,
        "(call $native_keccak256 (i32.const 256) (i32.const 100) (i32.const 64))",
        32,
        &mut FakeApi::default(),
    );
    assert_eq!(probe.out, keccak256(&input).as_slice());
    // 100 bytes = 4 words: 121,800 + 21,000 × 2.
    assert_eq!(probe.ink, PROBE_OVERHEAD + 3 * CONST + 121_800 + 42_000);
}

#[test]
fn exit_early_ends_with_the_given_status() {
    let wat = r#"(module
      (import "vm_hooks" "exit_early" (func $exit (param i32)))
      (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
      (memory (export "memory") 1 1)
      (data (i32.const 0) "bye")
      (func (export "user_entrypoint") (param i32) (result i32)
        (call $write_result (i32.const 0) (i32.const 3))
        (call $exit (local.get 0))
        unreachable))"#;
    let program = activate_wat(wat);
    let mut api = FakeApi::default();
    let ok = run_program(&program, &[], &EvmData::default(), &mut api, GAS);
    assert_eq!(
        (ok.status, &ok.output[..]),
        (ExitStatus::Success, &b"bye"[..])
    );
    let revert = run_program(&program, &[1], &EvmData::default(), &mut api, GAS);
    assert_eq!(
        (revert.status, &revert.output[..]),
        (ExitStatus::Revert, &b"bye"[..])
    );
    assert_eq!(ok.gas_left, revert.gas_left);
}
