//! The import table a Stylus module may link against (spec §1.2), with exact WASM signatures.
//! Activation checks imports against it; the runtime links every entry.

use wasmparser::{FuncType, ValType};

/// Module name of the production hostios.
pub const VM_HOOKS: &str = "vm_hooks";
/// Debug-only module with logging hostios.
pub const CONSOLE: &str = "console";
/// Debug-only module with benchmarking hooks.
pub const DEBUG: &str = "debug";
/// The hostio instrumentation calls before every `memory.grow`.
pub const PAY_FOR_MEMORY_GROW: &str = "pay_for_memory_grow";

use ValType::{F32, F64, I32, I64};

type Signature = (&'static str, &'static [ValType], &'static [ValType]);

/// `vm_hooks` entries: name, params, results.
const VM_HOOKS_TABLE: &[Signature] = &[
    ("read_args", &[I32], &[]),
    ("write_result", &[I32, I32], &[]),
    ("exit_early", &[I32], &[]),
    ("storage_load_bytes32", &[I32, I32], &[]),
    ("storage_cache_bytes32", &[I32, I32], &[]),
    ("storage_flush_cache", &[I32], &[]),
    ("transient_load_bytes32", &[I32, I32], &[]),
    ("transient_store_bytes32", &[I32, I32], &[]),
    ("call_contract", &[I32, I32, I32, I32, I64, I32], &[I32]),
    ("delegate_call_contract", &[I32, I32, I32, I64, I32], &[I32]),
    ("static_call_contract", &[I32, I32, I32, I64, I32], &[I32]),
    ("create1", &[I32, I32, I32, I32, I32], &[]),
    ("create2", &[I32, I32, I32, I32, I32, I32], &[]),
    ("read_return_data", &[I32, I32, I32], &[I32]),
    ("return_data_size", &[], &[I32]),
    ("emit_log", &[I32, I32, I32], &[]),
    ("account_balance", &[I32, I32], &[]),
    ("account_code", &[I32, I32, I32, I32], &[I32]),
    ("account_code_size", &[I32], &[I32]),
    ("account_codehash", &[I32, I32], &[]),
    ("evm_gas_left", &[], &[I64]),
    ("evm_ink_left", &[], &[I64]),
    ("block_basefee", &[I32], &[]),
    ("chainid", &[], &[I64]),
    ("block_coinbase", &[I32], &[]),
    ("block_gas_limit", &[], &[I64]),
    ("block_number", &[], &[I64]),
    ("block_timestamp", &[], &[I64]),
    ("contract_address", &[I32], &[]),
    ("math_div", &[I32, I32], &[]),
    ("math_mod", &[I32, I32], &[]),
    ("math_pow", &[I32, I32], &[]),
    ("math_add_mod", &[I32, I32, I32], &[]),
    ("math_mul_mod", &[I32, I32, I32], &[]),
    ("msg_reentrant", &[], &[I32]),
    ("msg_sender", &[I32], &[]),
    ("msg_value", &[I32], &[]),
    ("tx_gas_price", &[I32], &[]),
    ("tx_ink_price", &[], &[I32]),
    ("tx_origin", &[I32], &[]),
    (PAY_FOR_MEMORY_GROW, &[I32], &[]),
    ("native_keccak256", &[I32, I32, I32], &[]),
];

/// `console` entries (debug mode only).
const CONSOLE_TABLE: &[Signature] = &[
    ("log_txt", &[I32, I32], &[]),
    ("log_i32", &[I32], &[]),
    ("log_i64", &[I64], &[]),
    ("log_f32", &[F32], &[]),
    ("log_f64", &[F64], &[]),
    ("tee_i32", &[I32], &[I32]),
    ("tee_i64", &[I64], &[I64]),
    ("tee_f32", &[F32], &[F32]),
    ("tee_f64", &[F64], &[F64]),
];

/// `debug` entries (debug mode only).
const DEBUG_TABLE: &[Signature] = &[
    ("null_host", &[], &[]),
    ("start_benchmark", &[], &[]),
    ("end_benchmark", &[], &[]),
];

/// Checks one function import; `Err` carries the activation message.
pub fn check_import(module: &str, name: &str, ty: &FuncType, debug: bool) -> Result<(), String> {
    let table = match module {
        VM_HOOKS => VM_HOOKS_TABLE,
        CONSOLE | DEBUG if !debug => {
            return Err(format!(
                "host func {module}.{name} needs debug mode (debug_funcs disabled)"
            ))
        }
        CONSOLE => CONSOLE_TABLE,
        DEBUG => DEBUG_TABLE,
        _ => return Err(format!("no such import: {module}.{name}")),
    };
    let Some((_, params, results)) = table.iter().find(|(n, _, _)| *n == name) else {
        return Err(format!("no such import: {module}.{name}"));
    };
    if ty.params() != *params || ty.results() != *results {
        return Err(format!("import {module}.{name} has the wrong type {ty}"));
    }
    Ok(())
}
