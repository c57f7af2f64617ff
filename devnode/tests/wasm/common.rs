//! Shared helpers of the `wasm_*` tests: program packaging, a recording fake `EvmApi`, and an
//! ink probe that measures what a snippet costs between two `evm_ink_left` readings.
#![allow(dead_code)]

use std::collections::{BTreeSet, HashMap};
use std::io::Write;

use alloy_primitives::{Address, Bytes, B256, U256};
use stylus_devnode::wasm::{
    activate, execute, ActivatedProgram, CallKind, CreateResult, EvmApi, EvmData, ExecOutcome,
    StylusParams, SubcallResult, WriteProtection,
};

/// Ink per gas at the default price.
pub const INK_PRICE: u64 = 10_000;
/// Block header ink.
pub const HEADER: u64 = 2_450;
/// `call` op ink.
pub const CALL: u64 = 3_800;
/// `i32.const` / `i64.const` ink.
pub const CONST: u64 = 1;
/// `i64.store` ink.
pub const I64_STORE: u64 = 950;
/// Base hostio ink.
pub const HOSTIO: u64 = 8_400;
/// Pointer ink.
pub const PTR: u64 = 5_040;
/// EVM API ink.
pub const EVM_API: u64 = 59_673;
/// Plenty of gas for small programs.
pub const GAS: u64 = 10_000_000;

/// `read_price` from the spec.
pub fn read_price(n: u64) -> u64 {
    16_381 + 55 * n.saturating_sub(32)
}

/// `write_price` from the spec.
pub fn write_price(n: u64) -> u64 {
    5_040 + 30 * n.saturating_sub(32)
}

/// Brotli-compresses `wasm` behind the classic `EF F0 00 00` prefix, like cargo-stylus.
pub fn package(wasm: &[u8]) -> Vec<u8> {
    let mut code = vec![0xEF, 0xF0, 0x00, 0x00];
    {
        let mut writer = brotli::CompressorWriter::new(&mut code, 4096, 11, 22);
        writer.write_all(wasm).expect("compress");
    }
    code
}

/// Parses WAT and packages it.
pub fn package_wat(wat: &str) -> Vec<u8> {
    package(&wat::parse_str(wat).expect("valid wat"))
}

/// Activates WAT with default params, panicking on failure.
pub fn activate_wat(wat: &str) -> ActivatedProgram {
    activate(&package_wat(wat), &StylusParams::default()).expect("activation")
}

/// Activates and executes WAT against `api` with default params.
pub fn run_wat(wat: &str, calldata: &[u8], api: &mut FakeApi, gas: u64) -> ExecOutcome {
    run_program(&activate_wat(wat), calldata, &EvmData::default(), api, gas)
}

/// Executes an activated program with default params.
pub fn run_program(
    program: &ActivatedProgram,
    calldata: &[u8],
    data: &EvmData,
    api: &mut FakeApi,
    gas: u64,
) -> ExecOutcome {
    execute(program, calldata, data, api, gas, &StylusParams::default())
}

/// One recorded sub-call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedCall {
    pub kind: CallKind,
    pub to: Address,
    pub input: Vec<u8>,
    pub value: U256,
    pub gas_left: u64,
    pub gas_req: u64,
}

/// One recorded create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedCreate {
    pub code: Vec<u8>,
    pub endowment: U256,
    pub salt: Option<B256>,
    pub gas_left: u64,
}

/// Replacement for `call` results: receives the input and the requested gas.
pub type CallHook = Box<dyn FnMut(&[u8], u64) -> SubcallResult>;

/// A deterministic in-memory chain that records every request.
#[derive(Default)]
pub struct FakeApi {
    pub storage: HashMap<B256, B256>,
    pub warm_slots: BTreeSet<B256>,
    pub sloads: Vec<B256>,
    pub sstores: Vec<(B256, B256, u64)>,
    pub sstore_cost: u64,
    pub transient: HashMap<B256, B256>,
    pub is_static: bool,
    pub calls: Vec<RecordedCall>,
    pub call_result: Option<SubcallResult>,
    pub creates: Vec<RecordedCreate>,
    pub create_result: Option<CreateResult>,
    pub logs: Vec<(Vec<B256>, Bytes)>,
    pub balances: HashMap<Address, U256>,
    pub codes: HashMap<Address, Bytes>,
    pub warm_accounts: BTreeSet<Address>,
    pub pages: Vec<u16>,
    pub page_cost: u64,
    /// Runs instead of returning `call_result` (e.g. to re-enter a program).
    pub on_call: Option<CallHook>,
}

impl FakeApi {
    fn access(&mut self, address: Address) -> u64 {
        if self.warm_accounts.insert(address) {
            2_600
        } else {
            100
        }
    }
}

impl EvmApi for FakeApi {
    fn sload(&mut self, key: B256) -> (B256, u64) {
        self.sloads.push(key);
        let gas = if self.warm_slots.insert(key) {
            2_100
        } else {
            100
        };
        (self.storage.get(&key).copied().unwrap_or_default(), gas)
    }

    fn sstore(&mut self, key: B256, value: B256, gas_left: u64) -> Result<u64, WriteProtection> {
        if self.is_static {
            return Err(WriteProtection);
        }
        self.sstores.push((key, value, gas_left));
        self.storage.insert(key, value);
        Ok(self.sstore_cost)
    }

    fn tload(&mut self, key: B256) -> B256 {
        self.transient.get(&key).copied().unwrap_or_default()
    }

    fn tstore(&mut self, key: B256, value: B256) -> Result<(), WriteProtection> {
        if self.is_static {
            return Err(WriteProtection);
        }
        self.transient.insert(key, value);
        Ok(())
    }

    fn call(
        &mut self,
        kind: CallKind,
        to: Address,
        input: &[u8],
        value: U256,
        gas_left: u64,
        gas_req: u64,
    ) -> SubcallResult {
        self.calls.push(RecordedCall {
            kind,
            to,
            input: input.to_vec(),
            value,
            gas_left,
            gas_req,
        });
        if let Some(hook) = self.on_call.as_mut() {
            return hook(input, gas_req);
        }
        self.call_result.clone().unwrap_or(SubcallResult {
            success: true,
            output: Bytes::new(),
            gas_cost: 0,
        })
    }

    fn create(
        &mut self,
        code: &[u8],
        endowment: U256,
        salt: Option<B256>,
        gas_left: u64,
    ) -> CreateResult {
        self.creates.push(RecordedCreate {
            code: code.to_vec(),
            endowment,
            salt,
            gas_left,
        });
        self.create_result.clone().unwrap_or(CreateResult {
            address: None,
            output: Bytes::new(),
            gas_cost: 0,
        })
    }

    fn emit_log(&mut self, topics: Vec<B256>, data: Bytes) -> Result<(), WriteProtection> {
        if self.is_static {
            return Err(WriteProtection);
        }
        self.logs.push((topics, data));
        Ok(())
    }

    fn balance(&mut self, address: Address) -> (U256, u64) {
        let gas = self.access(address);
        (
            self.balances.get(&address).copied().unwrap_or_default(),
            gas,
        )
    }

    fn code(&mut self, address: Address) -> (Bytes, u64) {
        let gas = self.access(address);
        (self.codes.get(&address).cloned().unwrap_or_default(), gas)
    }

    fn codehash(&mut self, address: Address) -> (B256, u64) {
        let gas = self.access(address);
        let code = self.codes.get(&address).cloned().unwrap_or_default();
        (alloy_primitives::keccak256(&code), gas)
    }

    fn add_pages(&mut self, pages: u16) -> u64 {
        self.pages.push(pages);
        u64::from(pages) * self.page_cost
    }
}

/// Ink of the probe scaffolding around a snippet whose only block-ending op is its final call:
/// the snippet's block (header, `i64.store`, the call) and the closing block (header,
/// `i32.const`, call) plus the second `evm_ink_left` (8,400). Add the snippet's own ops.
pub const PROBE_OVERHEAD: u64 = HEADER + I64_STORE + CALL + HEADER + CONST + CALL + HOSTIO;

/// A module that reads `evm_ink_left` before and after `body` and returns both readings
/// (mem[0..8] and mem[8..16], little endian) followed by mem[64..64+out_len].
/// `decls` holds extra module fields (imports, data segments) and must not import the two
/// probe hostios again.
pub fn probe_wat(decls: &str, body: &str, out_len: u32) -> String {
    format!(
        r#"(module
  (import "vm_hooks" "evm_ink_left" (func $ink (result i64)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  {decls}
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    i32.const 0
    call $ink
    i64.store
    {body}
    i32.const 8
    call $ink
    i64.store
    (memory.copy (i32.const 16) (i32.const 64) (i32.const {out_len}))
    (call $write_result (i32.const 0) (i32.const {total}))
    i32.const 0))"#,
        total = 16 + out_len
    )
}

/// Result of running a probe.
pub struct Probe {
    /// Ink the snippet and the scaffolding consumed between the two readings.
    pub ink: u64,
    /// Bytes the probe copied out of mem[64..].
    pub out: Vec<u8>,
    pub outcome: ExecOutcome,
}

/// Runs a probe and decodes its readings.
pub fn run_probe(decls: &str, body: &str, out_len: u32, api: &mut FakeApi) -> Probe {
    run_probe_with(decls, body, out_len, api, &EvmData::default(), &[])
}

/// Runs a probe with explicit call data.
pub fn run_probe_with(
    decls: &str,
    body: &str,
    out_len: u32,
    api: &mut FakeApi,
    data: &EvmData,
    calldata: &[u8],
) -> Probe {
    let program = activate_wat(&probe_wat(decls, body, out_len));
    let outcome = run_program(&program, calldata, data, api, GAS);
    assert_eq!(
        outcome.status,
        stylus_devnode::wasm::ExitStatus::Success,
        "{outcome:?}"
    );
    let word = |i: usize| u64::from_le_bytes(outcome.output[i..i + 8].try_into().unwrap());
    Probe {
        ink: word(0) - word(8),
        out: outcome.output[16..].to_vec(),
        outcome,
    }
}

/// A 32-byte word as a WAT data string.
pub fn wat_bytes(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("\\{b:02x}")).collect()
}
