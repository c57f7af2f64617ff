//! Stylus frames: activation records (journaled, so they roll back with their frame), the
//! `EvmApi` the WASM runtime talks to, and Nitro's transaction-level memory model.

use std::sync::Arc;

use alloy_primitives::{address, Address, Bytes, Log, LogData, B256, U256};
use revm::{
    context::{ContextTr, JournalTr},
    context_interface::{ContextError, Database, Transaction},
    interpreter::{
        CallInputs, CallScheme, Gas, InstructionResult, InterpreterResult, SharedMemory,
    },
};

use super::exec::{ChainEvm, DbError, FrameCtx};
use super::rt::{
    self, ActivatedProgram, CallKind, CreateResult, EvmApi, EvmData, ExitStatus, StylusParams,
    SubcallResult, WriteProtection,
};

/// ArbWasm precompile; its storage holds the activation records keyed by codehash.
pub const ARB_WASM: Address = address!("0000000000000000000000000000000000000071");
/// Programs expire this long after activation (Nitro's ExpiryDays = 365).
pub const EXPIRY_SECONDS: u64 = 365 * 24 * 60 * 60;
/// The fixed part of activation gas (spec §2.6).
pub const ACTIVATION_FIXED_GAS: u64 = 1_659_168;
/// Minimum data-fee price in wei per byte of `asm_estimate` (no demand).
pub const DATA_FEE_WEI_PER_BYTE: u64 = 82_928_201;
/// Memory price at the page limit (Nitro's exponent table ends at 31,873,999 for 128 pages).
const EXP_AT_PAGE_LIMIT: f64 = 31_873_999.0;
/// Pages covered by the exponent table.
const EXP_TABLE_PAGES: u16 = 128;

/// What activation stored for a codehash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ActivationRecord {
    pub version: u16,
    pub init_cost: u16,
    pub cached_cost: u16,
    pub footprint: u16,
    pub asm_estimate: u32,
    /// Unix time of activation (seconds).
    pub activated_at: u64,
    /// Cached through ArbWasmCache: calls then skip the init gas.
    pub cached: bool,
}

impl ActivationRecord {
    /// Packs the record into one storage word (version is never 0, so a set word is non-zero).
    pub fn pack(&self) -> U256 {
        let mut word = [0u8; 32];
        word[0..2].copy_from_slice(&self.version.to_be_bytes());
        word[2..4].copy_from_slice(&self.init_cost.to_be_bytes());
        word[4..6].copy_from_slice(&self.cached_cost.to_be_bytes());
        word[6..8].copy_from_slice(&self.footprint.to_be_bytes());
        word[8..12].copy_from_slice(&self.asm_estimate.to_be_bytes());
        word[12..20].copy_from_slice(&self.activated_at.to_be_bytes());
        word[20] = u8::from(self.cached);
        U256::from_be_bytes(word)
    }

    /// Inverse of [`Self::pack`]; `None` for an empty slot.
    pub fn unpack(word: U256) -> Option<Self> {
        if word.is_zero() {
            return None;
        }
        let b: [u8; 32] = word.to_be_bytes();
        Some(Self {
            version: u16::from_be_bytes([b[0], b[1]]),
            init_cost: u16::from_be_bytes([b[2], b[3]]),
            cached_cost: u16::from_be_bytes([b[4], b[5]]),
            footprint: u16::from_be_bytes([b[6], b[7]]),
            asm_estimate: u32::from_be_bytes([b[8], b[9], b[10], b[11]]),
            activated_at: u64::from_be_bytes([
                b[12], b[13], b[14], b[15], b[16], b[17], b[18], b[19],
            ]),
            cached: b[20] != 0,
        })
    }

    /// Builds the record of a fresh activation; `cached` carries over from an earlier
    /// (outdated or expired) record of the same codehash, as in Nitro.
    pub fn of(program: &ActivatedProgram, now: u64, cached: bool) -> Self {
        Self {
            version: program.version,
            init_cost: program.init_cost,
            cached_cost: program.cached_cost,
            footprint: program.footprint,
            asm_estimate: program.asm_estimate,
            activated_at: now,
            cached,
        }
    }
}

/// Whether a codehash may run, as `codehashVersion` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProgramStatus {
    Active(ActivationRecord),
    NotActivated,
    NeedsUpgrade { have: u16, want: u16 },
    Expired { age: u64 },
}

/// Classifies a record against the current Stylus version and time.
pub fn program_status(record: Option<ActivationRecord>, version: u16, now: u64) -> ProgramStatus {
    let Some(record) = record else {
        return ProgramStatus::NotActivated;
    };
    if record.version != version {
        return ProgramStatus::NeedsUpgrade {
            have: record.version,
            want: version,
        };
    }
    let age = now.saturating_sub(record.activated_at);
    if age > EXPIRY_SECONDS {
        return ProgramStatus::Expired { age };
    }
    ProgramStatus::Active(record)
}

/// Reads the activation record of `codehash` from the journaled state.
pub(crate) fn load_record<DB: Database>(
    evm: &mut ChainEvm<'_, DB>,
    codehash: B256,
) -> Result<Option<ActivationRecord>, DbError<DB>> {
    let journal = evm.inner.ctx.journal_mut();
    journal.load_account(ARB_WASM).map_err(ContextError::Db)?;
    let word = journal
        .sload(ARB_WASM, codehash.into())
        .map_err(ContextError::Db)?;
    Ok(ActivationRecord::unpack(word.data))
}

/// Writes the activation record of `codehash` (journaled).
pub(crate) fn store_record<DB: Database>(
    evm: &mut ChainEvm<'_, DB>,
    codehash: B256,
    record: ActivationRecord,
) -> Result<(), DbError<DB>> {
    let journal = evm.inner.ctx.journal_mut();
    journal.load_account(ARB_WASM).map_err(ContextError::Db)?;
    journal
        .sstore(ARB_WASM, codehash.into(), record.pack())
        .map_err(ContextError::Db)?;
    Ok(())
}

/// Current block timestamp of the execution.
pub(crate) fn now<DB: Database>(evm: &ChainEvm<'_, DB>) -> u64 {
    evm.inner.ctx.block.timestamp.saturating_to()
}

/// Status of the program whose code hash is `codehash`.
pub(crate) fn status_of<DB: Database>(
    evm: &mut ChainEvm<'_, DB>,
    codehash: B256,
) -> Result<ProgramStatus, DbError<DB>> {
    let record = load_record(evm, codehash)?;
    Ok(program_status(record, evm.extras.params.version, now(evm)))
}

/// The compiled module for activated code, compiling (deterministically) on a cache miss.
pub(crate) fn compiled<DB: Database>(
    evm: &mut ChainEvm<'_, DB>,
    codehash: B256,
    code: &[u8],
) -> Option<Arc<ActivatedProgram>> {
    if let Some(program) = evm.extras.programs.get(&codehash) {
        return Some(program.clone());
    }
    let program = Arc::new(rt::activate(code, evm.extras.params).ok()?);
    evm.extras.programs.insert(codehash, program.clone());
    Some(program)
}

/// Runs a call frame whose code is a Stylus program.
pub(crate) fn run_frame<DB: Database>(
    evm: &mut ChainEvm<'_, DB>,
    inputs: &CallInputs,
    depth: usize,
    memory: SharedMemory,
) -> Result<InterpreterResult, DbError<DB>> {
    let gas_limit = inputs.gas_limit;
    let (codehash, bytecode) = &inputs.known_bytecode;
    let active = match status_of(evm, *codehash)? {
        ProgramStatus::Active(record) => compiled(evm, *codehash, bytecode.original_byte_slice())
            .map(|program| (program, record.cached)),
        _ => None,
    };
    let Some((program, cached)) = active else {
        // Nitro fails the frame with a non-revert error: forwarded gas is consumed.
        let mut gas = Gas::new_with_regular_gas_and_reservoir(gas_limit, inputs.reservoir);
        gas.spend_all();
        return Ok(InterpreterResult::new(
            InstructionResult::NotActivated,
            Bytes::new(),
            gas,
        ));
    };
    let calldata = inputs.input.bytes(&evm.inner.ctx);
    let counted = matches!(inputs.scheme, CallScheme::Call | CallScheme::StaticCall);
    let open = if counted {
        evm.extras.open_frame(inputs.target_address)
    } else {
        evm.extras.open_count(inputs.target_address)
    };
    let data = evm_data(evm, inputs, &program, open > 1, cached);
    let params = evm.extras.params;
    let pages_open = evm.extras.pages_open;
    let mut host = HostApi {
        frame: FrameCtx {
            address: inputs.target_address,
            caller: inputs.caller,
            value: inputs.value.get(),
            is_static: inputs.is_static,
            depth,
        },
        evm,
        memory,
        refund: 0,
        db_error: None,
    };
    let outcome = rt::execute(&program, &calldata, &data, &mut host, gas_limit, params);
    let HostApi {
        evm,
        refund,
        db_error,
        ..
    } = host;
    evm.extras.pages_open = pages_open;
    if counted {
        evm.extras.close_frame(inputs.target_address);
    }
    if let Some(error) = db_error {
        return Err(error);
    }
    let mut gas = Gas::new_with_regular_gas_and_reservoir(gas_limit, inputs.reservoir);
    let _ = gas.record_regular_cost(gas_limit.saturating_sub(outcome.gas_left));
    let (result, output) = match outcome.status {
        ExitStatus::Success => {
            gas.record_refund(refund);
            (InstructionResult::Return, outcome.output)
        }
        ExitStatus::Revert => (InstructionResult::Revert, outcome.output),
        ExitStatus::Failure => (InstructionResult::Revert, Bytes::new()),
        ExitStatus::OutOfInk => (InstructionResult::OutOfGas, Bytes::new()),
        ExitStatus::OutOfStack => (InstructionResult::StackOverflow, Bytes::new()),
    };
    if result.is_halt() {
        gas.spend_all();
    }
    Ok(InterpreterResult::new(result, output, gas))
}

/// The read-only facts of a program frame.
fn evm_data<DB: Database>(
    evm: &ChainEvm<'_, DB>,
    inputs: &CallInputs,
    program: &ActivatedProgram,
    reentrant: bool,
    cached: bool,
) -> EvmData {
    let ctx = &evm.inner.ctx;
    let basefee = ctx.block.basefee;
    EvmData {
        block_basefee: U256::from(basefee),
        chain_id: ctx.cfg.chain_id,
        block_coinbase: ctx.block.beneficiary,
        block_gas_limit: ctx.block.gas_limit,
        block_number: ctx.block.number.saturating_to(),
        block_timestamp: ctx.block.timestamp.saturating_to(),
        contract_address: inputs.target_address,
        module_hash: program.module_hash,
        msg_sender: inputs.caller,
        msg_value: inputs.value.get(),
        tx_gas_price: U256::from(ctx.tx.effective_gas_price(u128::from(basefee))),
        tx_origin: ctx.tx.caller,
        reentrant,
        cached,
        is_static: inputs.is_static,
    }
}

/// Nitro's memory model: cost of opening `pages` more pages given the transaction's `open` and
/// `ever` counts. Returns the cost and the new counts; `None` beyond the page limit.
pub fn page_cost(
    params: &StylusParams,
    open: u16,
    ever: u16,
    pages: u16,
) -> Option<(u64, u16, u16)> {
    let new_open = open.checked_add(pages)?;
    if new_open > params.page_limit {
        return None;
    }
    let new_ever = ever.max(new_open);
    if new_ever <= params.free_pages {
        return Some((0, new_open, new_ever));
    }
    let beyond_free = |p: u16| p.saturating_sub(params.free_pages);
    let adding = beyond_free(new_open).saturating_sub(beyond_free(open));
    let linear = u64::from(adding) * u64::from(params.page_gas);
    let expand = exp_pages(new_ever).saturating_sub(exp_pages(ever));
    Some((linear.saturating_add(expand), new_open, new_ever))
}

/// The exponential part of memory pricing: 1 at 0 pages rising to 31,873,999 at 128 pages
/// (an exponential interpolation of Nitro's table endpoints).
fn exp_pages(pages: u16) -> u64 {
    if pages > EXP_TABLE_PAGES {
        return u64::MAX;
    }
    let rate = EXP_AT_PAGE_LIMIT.ln() / f64::from(EXP_TABLE_PAGES);
    // The epsilon keeps the top entry exact despite rounding in `ln`/`exp`.
    ((f64::from(pages) * rate).exp() + 1e-6).floor() as u64
}

/// The `EvmApi` of one program frame, over the chain's journaled state.
struct HostApi<'h, 'a, DB: Database> {
    evm: &'h mut ChainEvm<'a, DB>,
    frame: FrameCtx,
    memory: SharedMemory,
    /// SSTORE refunds of this frame and of successful sub-calls.
    refund: i64,
    /// First database error (the frame's result is discarded when set).
    db_error: Option<DbError<DB>>,
}

impl<DB: Database> HostApi<'_, '_, DB> {
    fn keep<T: Default>(&mut self, result: Result<T, DbError<DB>>) -> T {
        result.unwrap_or_else(|error| {
            self.db_error.get_or_insert(error);
            T::default()
        })
    }

    fn access_cost(is_cold: bool) -> u64 {
        if is_cold {
            2_600
        } else {
            100
        }
    }
}

impl<DB: Database> EvmApi for HostApi<'_, '_, DB> {
    fn sload(&mut self, key: B256) -> (B256, u64) {
        let address = self.frame.address;
        let journal = self.evm.inner.ctx.journal_mut();
        let loaded = journal
            .sload(address, key.into())
            .map(|s| (B256::from(s.data), s.is_cold));
        let loaded = self.keep(loaded.map_err(ContextError::Db));
        (loaded.0, if loaded.1 { 2_100 } else { 100 })
    }

    fn sstore(&mut self, key: B256, value: B256, gas_left: u64) -> Result<u64, WriteProtection> {
        if self.frame.is_static {
            return Err(WriteProtection);
        }
        let params = self.evm.inner.ctx.cfg.gas_params.clone();
        if gas_left <= params.call_stipend() {
            return Ok(u64::MAX);
        }
        let address = self.frame.address;
        let stored = self
            .evm
            .inner
            .ctx
            .journal_mut()
            .sstore(address, key.into(), value.into());
        match stored {
            Ok(s) => {
                self.refund += params.sstore_refund(true, &s.data);
                Ok(
                    params.sstore_static_gas()
                        + params.sstore_dynamic_gas(true, &s.data, s.is_cold),
                )
            }
            Err(error) => {
                self.db_error.get_or_insert(ContextError::Db(error));
                Ok(u64::MAX)
            }
        }
    }

    fn tload(&mut self, key: B256) -> B256 {
        let address = self.frame.address;
        self.evm
            .inner
            .ctx
            .journal_mut()
            .tload(address, key.into())
            .into()
    }

    fn tstore(&mut self, key: B256, value: B256) -> Result<(), WriteProtection> {
        if self.frame.is_static {
            return Err(WriteProtection);
        }
        let address = self.frame.address;
        self.evm
            .inner
            .ctx
            .journal_mut()
            .tstore(address, key.into(), value.into());
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
        let result = self.evm.sub_call(
            &self.frame,
            &mut self.memory,
            kind,
            to,
            input,
            value,
            gas_left,
            gas_req,
        );
        match result {
            Ok((result, refund)) => {
                if result.success {
                    self.refund += refund;
                }
                result
            }
            Err(error) => {
                self.db_error.get_or_insert(error);
                SubcallResult {
                    success: false,
                    output: Bytes::new(),
                    gas_cost: gas_left,
                }
            }
        }
    }

    fn create(
        &mut self,
        code: &[u8],
        endowment: U256,
        salt: Option<B256>,
        gas_left: u64,
    ) -> CreateResult {
        let result = self.evm.sub_create(
            &self.frame,
            &mut self.memory,
            code,
            endowment,
            salt,
            gas_left,
        );
        match result {
            Ok((result, refund)) => {
                if result.address.is_some() {
                    self.refund += refund;
                }
                result
            }
            Err(error) => {
                self.db_error.get_or_insert(error);
                CreateResult {
                    address: None,
                    output: Bytes::new(),
                    gas_cost: gas_left,
                }
            }
        }
    }

    fn emit_log(&mut self, topics: Vec<B256>, data: Bytes) -> Result<(), WriteProtection> {
        if self.frame.is_static {
            return Err(WriteProtection);
        }
        let log = Log {
            address: self.frame.address,
            data: LogData::new_unchecked(topics, data),
        };
        self.evm.inner.ctx.journal_mut().log(log);
        Ok(())
    }

    fn balance(&mut self, address: Address) -> (U256, u64) {
        let journal = self.evm.inner.ctx.journal_mut();
        let loaded = journal
            .load_account(address)
            .map(|a| (a.info.balance, a.is_cold));
        let (balance, cold) = self.keep(loaded.map_err(ContextError::Db));
        (balance, Self::access_cost(cold))
    }

    fn code(&mut self, address: Address) -> (Bytes, u64) {
        let journal = self.evm.inner.ctx.journal_mut();
        let loaded = journal.code(address).map(|c| (c.data, c.is_cold));
        let (code, cold) = self.keep(loaded.map_err(ContextError::Db));
        (code, Self::access_cost(cold))
    }

    fn codehash(&mut self, address: Address) -> (B256, u64) {
        let journal = self.evm.inner.ctx.journal_mut();
        let loaded = journal.code_hash(address).map(|h| (h.data, h.is_cold));
        let (hash, cold) = self.keep(loaded.map_err(ContextError::Db));
        (hash, Self::access_cost(cold))
    }

    fn add_pages(&mut self, pages: u16) -> u64 {
        let extras = &mut self.evm.extras;
        match page_cost(extras.params, extras.pages_open, extras.pages_ever, pages) {
            Some((cost, open, ever)) => {
                extras.pages_open = open;
                extras.pages_ever = ever;
                cost
            }
            None => u64::MAX,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_round_trips_through_a_storage_word() {
        let record = ActivationRecord {
            version: 2,
            init_cost: 1234,
            cached_cost: 56,
            footprint: 3,
            asm_estimate: 600_000,
            activated_at: 1_700_000_000,
            cached: false,
        };
        assert_eq!(ActivationRecord::unpack(record.pack()), Some(record));
        let cached = ActivationRecord {
            cached: true,
            ..record
        };
        assert_eq!(ActivationRecord::unpack(cached.pack()), Some(cached));
        assert_ne!(cached.pack(), record.pack());
        assert_eq!(ActivationRecord::unpack(U256::ZERO), None);
    }

    #[test]
    fn status_reports_upgrade_and_expiry() {
        let record = ActivationRecord {
            version: 1,
            init_cost: 0,
            cached_cost: 0,
            footprint: 1,
            asm_estimate: 1,
            activated_at: 100,
            cached: false,
        };
        assert_eq!(program_status(None, 2, 0), ProgramStatus::NotActivated);
        assert_eq!(
            program_status(Some(record), 2, 100),
            ProgramStatus::NeedsUpgrade { have: 1, want: 2 }
        );
        let current = ActivationRecord {
            version: 2,
            ..record
        };
        assert_eq!(
            program_status(Some(current), 2, 200),
            ProgramStatus::Active(current)
        );
        assert_eq!(
            program_status(Some(current), 2, 100 + EXPIRY_SECONDS + 1),
            ProgramStatus::Expired {
                age: EXPIRY_SECONDS + 1
            }
        );
    }

    #[test]
    fn memory_model_is_free_then_linear_plus_exponential() {
        let params = StylusParams::default();
        assert_eq!(page_cost(&params, 0, 0, 2), Some((0, 2, 2)));
        let (cost, open, ever) = page_cost(&params, 2, 2, 1).unwrap_or_default();
        assert_eq!((open, ever), (3, 3));
        assert_eq!(cost, 1_000 + exp_pages(3) - exp_pages(2));
        // Re-opening pages below the high-water mark only pays the linear part.
        let (again, _, _) = page_cost(&params, 2, 3, 1).unwrap_or_default();
        assert_eq!(again, 1_000);
        assert_eq!(exp_pages(128), 31_873_999);
        assert_eq!(page_cost(&params, 100, 100, 29), None);
    }
}
