//! Execution: exit statuses, per-block ink metering, dynamic memory charges, the depth budget,
//! call costs, the return-data gas cap, memory growth, re-entrance and a real SDK program.

#[path = "wasm/common.rs"]
mod common;

use std::sync::Arc;

use alloy_primitives::Bytes;
use common::*;
use stylus_devnode::wasm::{
    activate, execute, ActivatedProgram, EvmData, ExitStatus, StylusParams, SubcallResult,
};

/// Entry cost of `program` at default params when not cached and no pages are charged.
fn call_cost(program: &ActivatedProgram) -> u64 {
    let params = StylusParams::default();
    program.cached_gas(&params) + program.init_gas(&params)
}

const RETURN_INPUT: &str = r#"(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 0))
    (call $write_result (i32.const 0) (local.get $len))
    ;; status = first byte of the input
    (i32.load8_u (i32.const 0))))"#;

#[test]
fn success_and_revert_carry_write_result_data() {
    let program = activate_wat(RETURN_INPUT);
    let mut api = FakeApi::default();
    let ok = run_program(&program, &[0, 1, 2], &EvmData::default(), &mut api, GAS);
    assert_eq!(
        (ok.status, &ok.output[..]),
        (ExitStatus::Success, &[0u8, 1, 2][..])
    );
    let revert = run_program(&program, &[7, 8], &EvmData::default(), &mut api, GAS);
    assert_eq!(
        (revert.status, &revert.output[..]),
        (ExitStatus::Revert, &[7u8, 8][..])
    );
    assert!(revert.gas_left > 0 && revert.gas_left < GAS);
}

#[test]
fn trap_is_a_failure_with_empty_data_and_gas_returned() {
    let wat = r#"(module
      (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
      (memory (export "memory") 1 1)
      (func (export "user_entrypoint") (param i32) (result i32)
        (call $write_result (i32.const 0) (i32.const 4))
        unreachable))"#;
    let program = activate_wat(wat);
    let outcome = run_program(
        &program,
        &[],
        &EvmData::default(),
        &mut FakeApi::default(),
        GAS,
    );
    assert_eq!(outcome.status, ExitStatus::Failure);
    assert!(outcome.output.is_empty());
    // Blocks: [const, const, call] and [unreachable, end-never-reached charged with it].
    let ink = (HEADER + 2 * CONST + CALL) + HOSTIO + 2 * read_price(4) + (HEADER + 1 + 1);
    let expected = ((GAS - call_cost(&program)) * INK_PRICE - ink) / INK_PRICE;
    assert_eq!(outcome.gas_left, expected);

    let oob = with_entry("(i32.load (i32.const 70000))");
    let outcome = run_wat(&oob, &[], &mut FakeApi::default(), GAS);
    assert_eq!(
        (outcome.status, outcome.output.len()),
        (ExitStatus::Failure, 0)
    );
}

fn with_entry(body: &str) -> String {
    format!(
        r#"(module (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32) {body}))"#
    )
}

#[test]
fn a_block_costs_its_ops_plus_the_header() {
    // Straight-line ops join the scaffolding's block: i64.store, body, i32.const 8, call.
    let body = "i32.const 5 i32.const 7 i32.add i32.const 3 i32.mul drop
                i64.const 1 i64.const 2 i64.div_u i64.eqz drop";
    let probe = run_probe("", body, 0, &mut FakeApi::default());
    let ops = 1 + 1 + 70 + 1 + 160 + 9 + 1 + 1 + 1_270 + 225 + 9;
    assert_eq!(probe.ink, HEADER + I64_STORE + ops + CONST + CALL + HOSTIO);
}

#[test]
fn loops_pay_every_iteration() {
    let body = |n: u32| {
        format!(
            "(local.set $len (i32.const {n}))
             (loop $again
               (br_if $again (local.tee $len (i32.sub (local.get $len) (i32.const 1)))))"
        )
    };
    let ink = |n| run_probe("", &body(n), 0, &mut FakeApi::default()).ink;
    // Iteration block: local.get 75, i32.const 1, i32.sub 70, local.tee 75, br_if 765 + header.
    let iteration = HEADER + 75 + 1 + 70 + 75 + 765;
    assert_eq!(ink(5) - ink(4), iteration);
    // One iteration: block(i64.store, i32.const, local.set, loop) + iteration +
    // block(end of loop) + block(i32.const 8, call) + 8,400.
    let one = (HEADER + I64_STORE + CONST + 210 + 1)
        + iteration
        + (HEADER + 1)
        + (HEADER + CONST + CALL)
        + HOSTIO;
    assert_eq!(ink(1), one);
}

#[test]
fn br_table_and_call_indirect_prices() {
    let decls = r#"(type $t (func (param i32 i64) (result i32)))
      (table 1 funcref) (elem (i32.const 0) $callee)
      (func $callee (type $t) local.get 0)"#;
    // br_table with 3 targets (+ default): 2,400 + 325 × 3.
    let body = "(block $a (block $b (block $c (br_table $a $b $c $a (i32.const 1)))))";
    let probe = run_probe(decls, body, 0, &mut FakeApi::default());
    // br_table picks index 1 ($b): the ends of $c and $b are skipped, and every `end` that
    // runs is a block of its own.
    let precise = (HEADER + I64_STORE + 3 + CONST + 2_400 + 975)
        + (HEADER + 1) // end $a
        + (HEADER + CONST + CALL)
        + HOSTIO;
    assert_eq!(probe.ink, precise);

    // call_indirect with 2 params: 13,610 + 650 × 2; the callee runs one block
    // (local.get 75, end 1) + header.
    let body = "(drop (call_indirect (type $t) (i32.const 1) (i64.const 2) (i32.const 0)))";
    let probe = run_probe(decls, body, 0, &mut FakeApi::default());
    let precise = (HEADER + I64_STORE + 3 * CONST + 13_610 + 1_300)
        + (HEADER + 75 + 1)
        + (HEADER + 9 + CONST + CALL)
        + HOSTIO;
    assert_eq!(probe.ink, precise);
}

#[test]
fn memory_copy_and_fill_pay_per_byte() {
    let copy = |n: u32| {
        let body = format!("(memory.copy (i32.const 1000) (i32.const 2000) (i32.const {n}))");
        run_probe("", &body, 0, &mut FakeApi::default()).ink
    };
    let base = HEADER + I64_STORE + 3 * CONST + 950 + CONST + CALL + HOSTIO;
    assert_eq!(copy(0), base);
    assert_eq!(copy(50), base + 50 * 100);
    let fill = run_probe(
        "",
        "(memory.fill (i32.const 1000) (i32.const 7) (i32.const 300))",
        0,
        &mut FakeApi::default(),
    );
    assert_eq!(fill.ink, base + 300 * 100);
}

#[test]
fn running_out_of_ink_consumes_all_gas() {
    let spin = with_entry("(loop $l (br $l)) i32.const 0");
    let outcome = run_wat(&spin, &[], &mut FakeApi::default(), 1_000_000);
    assert_eq!(
        (outcome.status, outcome.gas_left),
        (ExitStatus::OutOfInk, 0)
    );
    assert!(outcome.output.is_empty());

    // A huge memory.copy cannot be paid for.
    let copy =
        with_entry("(memory.copy (i32.const 0) (i32.const 0) (i32.const 65536)) i32.const 0");
    let program = activate_wat(&copy);
    let gas = call_cost(&program) + 600; // 6,000,000 ink < 6,553,600 for the bytes
    let outcome = run_program(
        &program,
        &[],
        &EvmData::default(),
        &mut FakeApi::default(),
        gas,
    );
    assert_eq!(
        (outcome.status, outcome.gas_left),
        (ExitStatus::OutOfInk, 0)
    );
    let outcome = run_program(
        &program,
        &[],
        &EvmData::default(),
        &mut FakeApi::default(),
        gas + 100,
    );
    assert_eq!(outcome.status, ExitStatus::Success);

    // A hostio that cannot be paid for is out of ink too.
    let program = activate_wat(RETURN_INPUT);
    let gas = call_cost(&program) + 1;
    let outcome = run_program(
        &program,
        &[0; 10],
        &EvmData::default(),
        &mut FakeApi::default(),
        gas,
    );
    assert_eq!(
        (outcome.status, outcome.gas_left),
        (ExitStatus::OutOfInk, 0)
    );
}

#[test]
fn not_enough_gas_for_the_call_cost_is_out_of_ink() {
    let program = activate_wat(&with_entry("i32.const 0"));
    let cost = call_cost(&program);
    let outcome = run_program(
        &program,
        &[],
        &EvmData::default(),
        &mut FakeApi::default(),
        cost - 1,
    );
    assert_eq!(
        (outcome.status, outcome.gas_left),
        (ExitStatus::OutOfInk, 0)
    );
}

#[test]
fn call_costs_depend_on_caching_and_footprint() {
    let wat = r#"(module (memory (export "memory") 3 3)
      (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    let program = activate_wat(wat);
    let params = StylusParams::default();
    let mut api = FakeApi {
        page_cost: 1_000,
        ..Default::default()
    };
    // One block: i32.const + end + header = 2,452 ink -> 1 gas (rounded up by the floor).
    let uncached = run_program(&program, &[], &EvmData::default(), &mut api, GAS);
    let expected = GAS - 3_000 - program.cached_gas(&params) - program.init_gas(&params) - 1;
    assert_eq!(uncached.gas_left, expected);
    assert_eq!(
        api.pages,
        vec![3],
        "the footprint is opened through the chain"
    );
    let cached_data = EvmData {
        cached: true,
        ..Default::default()
    };
    let cached = run_program(&program, &[], &cached_data, &mut api, GAS);
    assert_eq!(
        cached.gas_left,
        GAS - 3_000 - program.cached_gas(&params) - 1
    );
    assert_eq!(
        program.init_gas(&params),
        8_832 + u64::from(program.init_cost)
    );
}

#[test]
fn returned_data_costs_at_least_its_evm_memory_expansion() {
    let wat = r#"(module
      (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
      (memory (export "memory") 2 2)
      (func (export "user_entrypoint") (param i32) (result i32)
        (call $write_result (i32.const 0) (i32.const 65536)) i32.const 0))"#;
    let program = activate_wat(wat);
    let outcome = run_program(
        &program,
        &[],
        &EvmData::default(),
        &mut FakeApi::default(),
        GAS,
    );
    assert_eq!(outcome.status, ExitStatus::Success);
    assert_eq!(outcome.output.len(), 65_536);
    // 2,048 words: 3 × 2,048 + 2,048² / 512 = 14,336 gas, more than the program used.
    assert_eq!(outcome.gas_left, GAS - call_cost(&program) - 14_336);
    let old = StylusParams {
        arbos_version: 30,
        ..Default::default()
    };
    let uncapped = execute(
        &program,
        &[],
        &EvmData::default(),
        &mut FakeApi::default(),
        GAS,
        &old,
    );
    assert!(uncapped.gas_left > outcome.gas_left);
}

const GROW: &str = r#"(module
  (import "vm_hooks" "pay_for_memory_grow" (func $pay (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (memory (export "memory") 1 200)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (i32.store (i32.const 0) (memory.grow (local.get $len)))
    (i32.store (i32.const 4) (memory.size))
    (call $write_result (i32.const 0) (i32.const 8))
    i32.const 0))"#;

#[test]
fn memory_grow_is_priced_through_pay_for_memory_grow() {
    let program = activate_wat(GROW);
    let run = |pages: u8, page_cost: u64| {
        let mut api = FakeApi {
            page_cost,
            ..Default::default()
        };
        let calldata = vec![0; pages as usize];
        let outcome = run_program(&program, &calldata, &EvmData::default(), &mut api, GAS);
        (outcome, api.pages)
    };
    let (grown, pages) = run(3, 0);
    assert_eq!(grown.status, ExitStatus::Success);
    assert_eq!(
        &grown.output[..],
        [1, 0, 0, 0, 4, 0, 0, 0],
        "old size 1, new size 4"
    );
    assert_eq!(pages, vec![1, 3], "footprint, then the grow");
    let (priced, _) = run(3, 5_000);
    // Entry pays 5,000 for the footprint page, the grow 15,000.
    assert_eq!(grown.gas_left - priced.gas_left, 20_000);
    // Growing past the page limit (capped maximum) fails the grow but costs its pages.
    let (beyond, _) = run(200, 0);
    assert_eq!(&beyond.output[..], [0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0]);
    // When the chain refuses the grow (u64::MAX), the program is out of ink. Footprint 0 keeps
    // the entry free so the refusal comes from the grow.
    let lazy = activate_wat(&GROW.replace(
        "(memory (export \"memory\") 1 200)",
        "(memory (export \"memory\") 0 200)",
    ));
    let mut api = FakeApi {
        page_cost: u64::MAX / 8,
        ..Default::default()
    };
    let refused = run_program(&lazy, &[0; 3], &EvmData::default(), &mut api, GAS);
    assert_eq!(
        (refused.status, refused.gas_left),
        (ExitStatus::OutOfInk, 0)
    );
    assert_eq!(api.pages, vec![0, 3]);
}

#[test]
fn pay_for_memory_grow_zero_costs_a_hostio() {
    let decls = r#"(import "vm_hooks" "pay_for_memory_grow" (func $pay (param i32)))"#;
    let probe = run_probe(
        decls,
        "(call $pay (i32.const 0))",
        0,
        &mut FakeApi::default(),
    );
    assert_eq!(probe.ink, PROBE_OVERHEAD + CONST + HOSTIO);
}

const RECURSE: &str = r#"(module
  (memory (export "memory") 1 1)
  (func $down (param $n i32) (result i32)
    (if (result i32) (local.get $n)
      (then (call $down (i32.sub (local.get $n) (i32.const 1))))
      (else (i32.const 0))))
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $down (local.get $len))))"#;

#[test]
fn depth_budget_gives_out_of_stack() {
    let program = activate_wat(RECURSE);
    // Frames (max operand stack + locals + 4 words): entrypoint 1 + 1 + 4 = 6;
    // $down 2 (n, 1 before the sub) + 1 + 4 = 7.
    let run = |depth: usize, words: u32| {
        let params = StylusParams {
            max_stack_depth: words,
            ..Default::default()
        };
        let calldata = vec![0; depth];
        execute(
            &program,
            &calldata,
            &EvmData::default(),
            &mut FakeApi::default(),
            GAS,
            &params,
        )
    };
    let fits = |depth, words| run(depth, words).status == ExitStatus::Success;
    let boundary = |depth| {
        (1..10_000)
            .find(|w| fits(depth, *w))
            .expect("fits eventually")
    };
    let (b0, b1, b10) = (boundary(0), boundary(1), boundary(10));
    assert_eq!((b0, b1 - b0), (6 + 7, 7));
    assert_eq!(b10, b0 + 10 * 7, "each level costs one fixed frame");
    let outcome = run(10, b10 - 1);
    assert_eq!(
        (outcome.status, outcome.gas_left),
        (ExitStatus::OutOfStack, 0)
    );

    let infinite = r#"(module (memory (export "memory") 1 1)
      (func $f (result i32) (call $f))
      (func (export "user_entrypoint") (param i32) (result i32) (call $f)))"#;
    let outcome = run_wat(infinite, &[], &mut FakeApi::default(), 100_000_000);
    assert_eq!(
        (outcome.status, outcome.gas_left),
        (ExitStatus::OutOfStack, 0)
    );
}

#[test]
fn programs_can_be_re_entered_from_a_sub_call() {
    let wat = r#"(module
      (import "vm_hooks" "read_args" (func $read_args (param i32)))
      (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
      (import "vm_hooks" "call_contract" (func $call (param i32 i32 i32 i32 i64 i32) (result i32)))
      (import "vm_hooks" "read_return_data" (func $rrd (param i32 i32 i32) (result i32)))
      (import "vm_hooks" "msg_reentrant" (func $reentrant (result i32)))
      (memory (export "memory") 1 1)
      (func (export "user_entrypoint") (param $len i32) (result i32)
        (call $read_args (i32.const 100))
        ;; depth byte: 0 -> answer with the reentrancy flag, else call self with depth-1
        (if (i32.eqz (i32.load8_u (i32.const 100)))
          (then
            (i32.store8 (i32.const 0) (call $reentrant))
            (call $write_result (i32.const 0) (i32.const 1))
            (return (i32.const 0))))
        (i32.store8 (i32.const 100) (i32.sub (i32.load8_u (i32.const 100)) (i32.const 1)))
        (drop (call $call (i32.const 200) (i32.const 100) (i32.const 1) (i32.const 300)
          (i64.const -1) (i32.const 400)))
        (drop (call $rrd (i32.const 0) (i32.const 0) (i32.const 1)))
        (call $write_result (i32.const 0) (i32.const 1))
        i32.const 0))"#;
    let program = Arc::new(activate_wat(wat));
    let mut api = FakeApi::default();
    let inner = Arc::clone(&program);
    api.on_call = Some(Box::new(move |input: &[u8], gas: u64| {
        let data = EvmData {
            reentrant: true,
            ..Default::default()
        };
        let mut nested = FakeApi::default();
        let outcome = run_program(&inner, input, &data, &mut nested, gas);
        SubcallResult {
            success: true,
            output: outcome.output,
            gas_cost: gas - outcome.gas_left,
        }
    }));
    let outcome = run_program(&program, &[1], &EvmData::default(), &mut api, GAS);
    assert_eq!(outcome.status, ExitStatus::Success);
    assert_eq!(
        outcome.output,
        Bytes::from_static(&[1]),
        "the nested frame saw msg_reentrant"
    );
    assert_eq!(api.calls.len(), 1);
}

#[test]
fn sdk_program_rejects_an_unknown_selector() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../target/wasm32-unknown-unknown/release/zamm.wasm"
    );
    let Ok(wasm) = std::fs::read(path) else {
        println!("note: {path} not built; skipping the SDK program test");
        return;
    };
    let code = package(&wasm);
    println!("zamm.wasm: {} bytes, {} compressed", wasm.len(), code.len());
    let program = match activate(&code, &StylusParams::default()) {
        Ok(program) => program,
        Err(err) => panic!("zamm.wasm does not activate: {err}"),
    };
    println!(
        "footprint {} pages, init {} cached {} asm {} compile gas {}",
        program.footprint,
        program.init_cost,
        program.cached_cost,
        program.asm_estimate,
        program.compile_gas
    );
    let mut api = FakeApi::default();
    let outcome = run_program(
        &program,
        &[0xde, 0xad, 0xbe, 0xef],
        &EvmData::default(),
        &mut api,
        GAS,
    );
    println!(
        "unknown selector: {outcome:?}, gas used {}",
        GAS - outcome.gas_left
    );
    assert_eq!(outcome.status, ExitStatus::Revert);
    assert!(outcome.output.is_empty());
}
