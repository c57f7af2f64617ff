//! Activation: prefixes, decompression limits, validation rules and the cost model.

#[path = "wasm/common.rs"]
mod common;

use alloy_primitives::keccak256;
use common::*;
use stylus_devnode::wasm::{activate, is_stylus_code, ActivationError, StylusParams};

const MINIMAL: &str = r#"(module
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;

fn activate_with(wat: &str, params: &StylusParams) -> Result<(), ActivationError> {
    activate(&package_wat(wat), params).map(|_| ())
}

fn rejection(wat: &str) -> String {
    match activate_with(wat, &StylusParams::default()) {
        Err(ActivationError::Invalid(msg)) => msg,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

/// A module with `extra` fields next to a valid memory and entrypoint.
fn with_fields(extra: &str) -> String {
    format!(
        r#"(module {extra}
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#
    )
}

/// A module whose entrypoint body is `body` (must leave an i32).
fn with_body(body: &str) -> String {
    format!(
        r#"(module
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param i32) (result i32) {body}))"#
    )
}

#[test]
fn minimal_program_activates_with_the_cost_model() {
    let wasm = wat::parse_str(MINIMAL).unwrap();
    let code = package(&wasm);
    assert!(is_stylus_code(&code));
    let program = activate(&code, &StylusParams::default()).unwrap();
    assert_eq!(program.codehash, keccak256(&code));
    assert_eq!((program.version, program.footprint), (2, 1));
    // funcs 1, type_len 2 (i32 -> i32), wasm_len n, no globals/data, footprint 1.
    let n = wasm.len() as u64;
    let cached = (13_420 + 2 * 89 + n * 122 + 500_000) / 100_000;
    let init = (82_520 + 2 * 10_590 + n * 1_286) / 10_000;
    assert_eq!(u64::from(program.cached_cost), cached);
    assert_eq!(u64::from(program.init_cost), init);
    let asm = 512_000 + (9_968_290 + 2 * 114_160 + n * 62_628) / 10_000;
    assert_eq!(u64::from(program.asm_estimate), asm);
    assert!(
        program.compile_gas > 1_659_168 + 62_076,
        "fixed cost plus one page"
    );
    let params = StylusParams::default();
    assert_eq!(program.init_gas(&params), 69 * 128 + init);
    assert_eq!(program.cached_gas(&params), 11 * 32 + cached);
    let again = activate(&code, &params).unwrap();
    assert_eq!(
        again.module_hash, program.module_hash,
        "instrumentation is deterministic"
    );
}

#[test]
fn activated_programs_can_be_shared_across_threads() {
    fn shareable<T: Send + Sync + Clone>() {}
    shareable::<stylus_devnode::wasm::ActivatedProgram>();
}

#[test]
fn prefix_and_dictionary_are_checked() {
    let wasm = wat::parse_str(MINIMAL).unwrap();
    let params = StylusParams::default();
    assert!(matches!(
        activate(&wasm, &params),
        Err(ActivationError::NotWasm)
    ));
    let mut fragment = package(&wasm);
    fragment[2] = 0x01;
    assert!(!is_stylus_code(&fragment));
    assert!(matches!(
        activate(&fragment, &params),
        Err(ActivationError::NotWasm)
    ));
    for dict in [1u8, 2] {
        let mut code = package(&wasm);
        code[3] = dict;
        match activate(&code, &params) {
            Err(ActivationError::Decompress(msg)) => assert!(msg.contains("dictionary"), "{msg}"),
            other => panic!("dictionary {dict}: {other:?}"),
        }
    }
    assert!(matches!(
        activate(&[0xEF, 0xF0, 0x00], &params),
        Err(ActivationError::Decompress(_))
    ));
}

#[test]
fn corrupt_brotli_is_a_decompression_error() {
    let mut code = package(&wat::parse_str(MINIMAL).unwrap());
    code.truncate(code.len() - 3);
    code.extend_from_slice(&[0xFF, 0xFF, 0xFF]);
    assert!(matches!(
        activate(&code, &StylusParams::default()),
        Err(ActivationError::Decompress(_)) | Err(ActivationError::Invalid(_))
    ));
    let garbage = [0xEF, 0xF0, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x12, 0x34];
    assert!(matches!(
        activate(&garbage, &StylusParams::default()),
        Err(ActivationError::Decompress(_))
    ));
}

#[test]
fn decompressed_size_is_capped() {
    let params = StylusParams::default();
    let too_big = package(&vec![0u8; params.max_wasm_size + 1]);
    assert!(matches!(
        activate(&too_big, &params),
        Err(ActivationError::TooLarge)
    ));
    let at_limit = package(&vec![0u8; params.max_wasm_size]);
    assert!(matches!(
        activate(&at_limit, &params),
        Err(ActivationError::Invalid(_))
    ));
}

#[test]
fn exports_and_entrypoint_type_are_required() {
    let no_memory_export = r#"(module (memory 1 1)
      (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    assert!(rejection(no_memory_export).contains("memory"));
    let no_entry = r#"(module (memory (export "memory") 1 1)
      (func (export "main") (param i32) (result i32) i32.const 0))"#;
    assert!(rejection(no_entry).contains("user_entrypoint"));
    let wrong_type = r#"(module (memory (export "memory") 1 1)
      (func (export "user_entrypoint") (param i64) (result i32) i32.const 0))"#;
    assert!(rejection(wrong_type).contains("wrong type"));
    let reserved = with_fields(r#"(global (export "stylus_x") i32 (i32.const 0))"#);
    assert!(rejection(&reserved).contains("reserved"));
}

#[test]
fn imports_must_match_the_hostio_table() {
    let unknown = with_fields(r#"(import "vm_hooks" "steal_funds" (func))"#);
    assert!(rejection(&unknown).contains("no such import"));
    let other_module = with_fields(r#"(import "env" "read_args" (func (param i32)))"#);
    assert!(rejection(&other_module).contains("no such import"));
    let wrong_sig = with_fields(r#"(import "vm_hooks" "read_args" (func (param i64)))"#);
    assert!(rejection(&wrong_sig).contains("wrong type"));
    let memory_import = r#"(module (import "vm_hooks" "memory" (memory 1))
      (export "memory" (memory 0))
      (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    assert!(rejection(memory_import).contains("not a function"));
    let console = with_fields(r#"(import "console" "log_i32" (func (param i32)))"#);
    assert!(rejection(&console).contains("debug"));
    let debug = StylusParams {
        debug_mode: true,
        ..Default::default()
    };
    activate_with(&console, &debug).expect("console allowed in debug mode");
}

#[test]
fn the_whole_hostio_table_links_and_runs() {
    let hostios = [
        ("read_args", "(param i32)"),
        ("write_result", "(param i32 i32)"),
        ("exit_early", "(param i32)"),
        ("storage_load_bytes32", "(param i32 i32)"),
        ("storage_cache_bytes32", "(param i32 i32)"),
        ("storage_flush_cache", "(param i32)"),
        ("transient_load_bytes32", "(param i32 i32)"),
        ("transient_store_bytes32", "(param i32 i32)"),
        (
            "call_contract",
            "(param i32 i32 i32 i32 i64 i32) (result i32)",
        ),
        (
            "delegate_call_contract",
            "(param i32 i32 i32 i64 i32) (result i32)",
        ),
        (
            "static_call_contract",
            "(param i32 i32 i32 i64 i32) (result i32)",
        ),
        ("create1", "(param i32 i32 i32 i32 i32)"),
        ("create2", "(param i32 i32 i32 i32 i32 i32)"),
        ("read_return_data", "(param i32 i32 i32) (result i32)"),
        ("return_data_size", "(result i32)"),
        ("emit_log", "(param i32 i32 i32)"),
        ("account_balance", "(param i32 i32)"),
        ("account_code", "(param i32 i32 i32 i32) (result i32)"),
        ("account_code_size", "(param i32) (result i32)"),
        ("account_codehash", "(param i32 i32)"),
        ("evm_gas_left", "(result i64)"),
        ("evm_ink_left", "(result i64)"),
        ("block_basefee", "(param i32)"),
        ("chainid", "(result i64)"),
        ("block_coinbase", "(param i32)"),
        ("block_gas_limit", "(result i64)"),
        ("block_number", "(result i64)"),
        ("block_timestamp", "(result i64)"),
        ("contract_address", "(param i32)"),
        ("math_div", "(param i32 i32)"),
        ("math_mod", "(param i32 i32)"),
        ("math_pow", "(param i32 i32)"),
        ("math_add_mod", "(param i32 i32 i32)"),
        ("math_mul_mod", "(param i32 i32 i32)"),
        ("msg_reentrant", "(result i32)"),
        ("msg_sender", "(param i32)"),
        ("msg_value", "(param i32)"),
        ("tx_gas_price", "(param i32)"),
        ("tx_ink_price", "(result i32)"),
        ("tx_origin", "(param i32)"),
        ("pay_for_memory_grow", "(param i32)"),
        ("native_keccak256", "(param i32 i32 i32)"),
    ];
    let mut imports: String = hostios
        .iter()
        .map(|(name, sig)| format!(r#"(import "vm_hooks" "{name}" (func {sig}))"#))
        .collect();
    imports.push_str(
        r#"(import "console" "log_txt" (func (param i32 i32)))
           (import "console" "log_i64" (func (param i64)))
           (import "console" "log_f32" (func (param f32)))
           (import "console" "tee_f64" (func (param f64) (result f64)))
           (import "debug" "null_host" (func))
           (import "debug" "start_benchmark" (func))
           (import "debug" "end_benchmark" (func))"#,
    );
    let debug = StylusParams {
        debug_mode: true,
        ..Default::default()
    };
    let program = activate(&package_wat(&with_fields(&imports)), &debug).expect("activates");
    let outcome = stylus_devnode::wasm::execute(
        &program,
        &[],
        &Default::default(),
        &mut FakeApi::default(),
        GAS,
        &debug,
    );
    assert_eq!(
        outcome.status,
        stylus_devnode::wasm::ExitStatus::Success,
        "all imports link"
    );
}

#[test]
fn floats_simd_and_other_features_are_rejected() {
    let float_op = with_body("f32.const 1 f32.const 2 f32.add drop i32.const 0");
    assert!(rejection(&float_op).contains("floating point"));
    let float_local = with_body("(local f64) i32.const 0");
    assert!(rejection(&float_local).contains("floating point"));
    let float_type = with_fields("(func (param f32))");
    assert!(rejection(&float_type).contains("floating point"));
    let simd = with_body("v128.const i64x2 0 0 drop i32.const 0");
    assert!(!rejection(&simd).is_empty());
    let tail_call = r#"(module (memory (export "memory") 1 1)
      (func $f (param i32) (result i32) i32.const 0)
      (func (export "user_entrypoint") (param i32) (result i32) (return_call $f (local.get 0))))"#;
    assert!(!rejection(tail_call).is_empty());
    let atomics = r#"(module (memory (export "memory") 1 1 shared)
      (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    assert!(!rejection(atomics).is_empty());
    let two_memories = r#"(module (memory (export "memory") 1 1) (memory 1 1)
      (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    assert!(!rejection(two_memories).is_empty());
}

#[test]
fn passive_segment_and_table_ops_are_rejected() {
    let memory_init = r#"(module (memory (export "memory") 1 1) (data $d "hi")
      (func (export "user_entrypoint") (param i32) (result i32)
        (memory.init $d (i32.const 0) (i32.const 0) (i32.const 2)) i32.const 0))"#;
    assert!(rejection(memory_init).contains("opcode not supported"));
    let data_drop = r#"(module (memory (export "memory") 1 1) (data $d "hi")
      (func (export "user_entrypoint") (param i32) (result i32) (data.drop $d) i32.const 0))"#;
    assert!(rejection(data_drop).contains("opcode not supported"));
    let table_size = r#"(module (memory (export "memory") 1 1) (table 1 funcref)
      (func (export "user_entrypoint") (param i32) (result i32) table.size 0))"#;
    assert!(!rejection(table_size).is_empty());
    let bulk_ok = with_body(
        "(memory.copy (i32.const 0) (i32.const 8) (i32.const 4))
         (memory.fill (i32.const 0) (i32.const 1) (i32.const 4)) i32.const 0",
    );
    activate_with(&bulk_ok, &StylusParams::default()).expect("copy and fill are allowed");
}

#[test]
fn start_functions_are_rejected() {
    let start = r#"(module (memory (export "memory") 1 1)
      (func $init) (start $init)
      (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    assert!(rejection(start).contains("start"));
}

#[test]
fn memory_rules() {
    let growable = r#"(module (memory (export "memory") 1 4)
      (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    assert!(rejection(growable).contains("pay_for_memory_grow"));
    let unbounded = r#"(module (memory (export "memory") 1)
      (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    assert!(rejection(unbounded).contains("pay_for_memory_grow"));
    let with_hook = r#"(module (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
      (memory (export "memory") 1 4)
      (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    activate_with(with_hook, &StylusParams::default()).expect("growable with the hook");
    let too_many_pages = r#"(module (memory (export "memory") 129 129)
      (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    assert!(rejection(too_many_pages).contains("pages"));
    let no_memory =
        r#"(module (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    assert!(rejection(no_memory).contains("memory"));
}

#[test]
fn multi_value_depends_on_the_arbos_version() {
    let multi = r#"(module (memory (export "memory") 1 1)
      (func $pair (result i32 i32) i32.const 1 i32.const 2)
      (func (export "user_entrypoint") (param i32) (result i32) (call $pair) i32.add))"#;
    let program = activate(&package_wat(multi), &StylusParams::default()).expect("before 60");
    let mut api = FakeApi::default();
    let outcome = stylus_devnode::wasm::execute(
        &program,
        &[],
        &Default::default(),
        &mut api,
        GAS,
        &StylusParams::default(),
    );
    assert_eq!(
        outcome.status,
        stylus_devnode::wasm::ExitStatus::Revert,
        "returns 1 + 2"
    );
    let arbos60 = StylusParams {
        arbos_version: 60,
        ..Default::default()
    };
    assert!(matches!(
        activate_with(multi, &arbos60),
        Err(ActivationError::Invalid(_))
    ));
}

#[test]
fn structural_limits_are_enforced() {
    let locals = with_body("(local i32 i32) (local i64) i32.const 0");
    activate_with(&locals, &StylusParams::default()).expect("few locals");
    let too_many_locals = with_body(&format!("(local {}) i32.const 0", "i32 ".repeat(349)));
    assert!(rejection(&too_many_locals).contains("locals"));
    let segments: String = (0..129)
        .map(|i| format!(r#"(data (i32.const {i}) "x")"#))
        .collect();
    assert!(rejection(&with_fields(&segments)).contains("data segments"));
    let long_name = with_fields(&format!(r#"(func (export "{}"))"#, "a".repeat(513)));
    assert!(rejection(&long_name).contains("name"));
}
