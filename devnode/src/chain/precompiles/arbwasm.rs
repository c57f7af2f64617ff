//! ArbWasm (0x71): Stylus activation and program queries.

use std::sync::Arc;

use alloy::sol_types::{Revert, SolError, SolEvent, SolInterface};
use alloy_primitives::{keccak256, Address, Bytes, Log, B256, U256};
use revm::{
    context::{ContextTr, JournalTr},
    context_interface::{ContextError, Database},
};

use super::{Exit, NativeCall, STORAGE_READ_GAS, STORAGE_WRITE_GAS};
use crate::chain::exec::{ChainEvm, DbError};
use crate::chain::rt::{self, ActivationError, StylusParams};
use crate::chain::stylus::{
    self, ActivationRecord, ProgramStatus, ACTIVATION_FIXED_GAS, ARB_WASM, DATA_FEE_WEI_PER_BYTE,
    EXPIRY_SECONDS,
};

alloy::sol! {
    /// The ArbWasm precompile interface (selectors and errors as Nitro defines them).
    interface IArbWasm {
        function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
        function codehashKeepalive(bytes32 codehash) external payable;
        function stylusVersion() external view returns (uint16 version);
        function codehashVersion(bytes32 codehash) external view returns (uint16 version);
        function codehashAsmSize(bytes32 codehash) external view returns (uint32 size);
        function programVersion(address program) external view returns (uint16 version);
        function programInitGas(address program) external view returns (uint64 gas, uint64 gasWhenCached);
        function programMemoryFootprint(address program) external view returns (uint16 footprint);
        function programTimeLeft(address program) external view returns (uint64 _secs);
        function inkPrice() external view returns (uint32 price);
        function maxStackDepth() external view returns (uint32 depth);
        function freePages() external view returns (uint16 pages);
        function pageGas() external view returns (uint16 gas);
        function pageRamp() external view returns (uint64 ramp);
        function pageLimit() external view returns (uint16 limit);
        function minInitGas() external view returns (uint64 gas, uint64 cached);
        function initCostScalar() external view returns (uint64 percent);
        function expiryDays() external view returns (uint16 _days);
        function keepaliveDays() external view returns (uint16 _days);
        function blockCacheSize() external view returns (uint16 count);
        function activationGas() external view returns (uint64 gas);

        event ProgramActivated(bytes32 indexed codehash, bytes32 moduleHash, address program, uint256 dataFee, uint16 version);
        event ProgramLifetimeExtended(bytes32 indexed codehash, uint256 dataFee);

        error ProgramNotWasm();
        error ProgramNotActivated();
        error ProgramNeedsUpgrade(uint16 version, uint16 stylusVersion);
        error ProgramExpired(uint64 ageInSeconds);
        error ProgramUpToDate();
        error ProgramKeepaliveTooSoon(uint64 ageInSeconds);
        error ProgramInsufficientValue(uint256 have, uint256 want);
    }
}

/// Nitro's PageRamp constant.
const PAGE_RAMP: u64 = 620_674_314;
/// Nitro's KeepaliveDays: a program may be kept alive once it is this old.
const KEEPALIVE_DAYS: u64 = 31;
const SECONDS_PER_DAY: u64 = 86_400;
/// Nitro's BlockCacheSize.
const BLOCK_CACHE_SIZE: u64 = 32;
/// Units of `min_init_gas` / `min_cached_init_gas` (Nitro: 128 and 32 gas).
const MIN_INIT_GAS_UNIT: u64 = 128;
const MIN_CACHED_GAS_UNIT: u64 = 32;
/// Cost scalars are stored in units of 2 percent.
const COST_SCALAR_PERCENT: u64 = 2;

/// ABI-encodes static return values (each one word).
pub(crate) fn words<const N: usize>(values: [U256; N]) -> Exit {
    let mut out = Vec::with_capacity(32 * N);
    for value in values {
        out.extend_from_slice(&value.to_be_bytes::<32>());
    }
    Exit::Return(out.into())
}

/// The revert an inactive status maps to.
pub(crate) fn status_error(status: ProgramStatus) -> Option<Exit> {
    use IArbWasm::*;
    match status {
        ProgramStatus::Active(_) => None,
        ProgramStatus::NotActivated => Some(Exit::error(ProgramNotActivated {})),
        ProgramStatus::NeedsUpgrade { have, want } => Some(Exit::error(ProgramNeedsUpgrade {
            version: have,
            stylusVersion: want,
        })),
        ProgramStatus::Expired { age } => Some(Exit::error(ProgramExpired { ageInSeconds: age })),
    }
}

/// Runs an ArbWasm call.
pub(crate) fn run<DB: Database>(
    evm: &mut ChainEvm<'_, DB>,
    call: &mut NativeCall,
) -> Result<Exit, DbError<DB>> {
    use IArbWasm::IArbWasmCalls as C;
    let Ok(decoded) = C::abi_decode(&call.input) else {
        return Ok(Exit::Revert(Bytes::new()));
    };
    let p: &StylusParams = evm.extras.params;
    let u = |v: u64| U256::from(v);
    Ok(match decoded {
        C::activateProgram(c) => return activate(evm, call, c.program),
        C::codehashKeepalive(c) => return keepalive(evm, call, c.codehash),
        C::stylusVersion(_) => words([U256::from(p.version)]),
        C::inkPrice(_) => words([U256::from(p.ink_price)]),
        C::maxStackDepth(_) => words([U256::from(p.max_stack_depth)]),
        C::freePages(_) => words([U256::from(p.free_pages)]),
        C::pageGas(_) => words([U256::from(p.page_gas)]),
        C::pageRamp(_) => words([u(PAGE_RAMP)]),
        C::pageLimit(_) => words([U256::from(p.page_limit)]),
        C::minInitGas(_) => words([
            U256::from(p.min_init_gas) * u(MIN_INIT_GAS_UNIT),
            U256::from(p.min_cached_init_gas) * u(MIN_CACHED_GAS_UNIT),
        ]),
        C::initCostScalar(_) => words([U256::from(p.init_cost_scalar) * u(COST_SCALAR_PERCENT)]),
        C::expiryDays(_) => words([u(EXPIRY_SECONDS / SECONDS_PER_DAY)]),
        C::keepaliveDays(_) => words([u(KEEPALIVE_DAYS)]),
        C::blockCacheSize(_) => words([u(BLOCK_CACHE_SIZE)]),
        C::activationGas(_) => words([U256::ZERO]),
        C::codehashVersion(c) => {
            with_active(evm, call, c.codehash, |r| words([u(r.version.into())]))?
        }
        C::codehashAsmSize(c) => {
            with_active(evm, call, c.codehash, |r| words([u(r.asm_estimate.into())]))?
        }
        C::programVersion(c) => {
            let codehash = codehash_of(evm, c.program)?;
            with_active(evm, call, codehash, |r| words([u(r.version.into())]))?
        }
        C::programMemoryFootprint(c) => {
            let codehash = codehash_of(evm, c.program)?;
            with_active(evm, call, codehash, |r| words([u(r.footprint.into())]))?
        }
        C::programTimeLeft(c) => {
            let codehash = codehash_of(evm, c.program)?;
            let now = stylus::now(evm);
            with_active(evm, call, codehash, |r| {
                let age = now.saturating_sub(r.activated_at);
                words([u(EXPIRY_SECONDS.saturating_sub(age))])
            })?
        }
        C::programInitGas(c) => {
            let codehash = codehash_of(evm, c.program)?;
            with_active(evm, call, codehash, |r| {
                let (init, cached) = init_gas(p, &r);
                words([u(init + cached), u(cached)])
            })?
        }
    })
}

/// Nitro's call costs of a program: (init gas when not cached, cached gas).
fn init_gas(p: &StylusParams, record: &ActivationRecord) -> (u64, u64) {
    let scaled =
        |cost: u16, scalar: u64| (u64::from(cost) * scalar * COST_SCALAR_PERCENT).div_ceil(100);
    let cached = u64::from(p.min_cached_init_gas) * MIN_CACHED_GAS_UNIT
        + scaled(record.cached_cost, u64::from(p.cached_cost_scalar));
    let init = u64::from(p.min_init_gas) * MIN_INIT_GAS_UNIT
        + scaled(record.init_cost, u64::from(p.init_cost_scalar));
    (init, cached)
}

/// EXTCODEHASH of `program` (zero for empty accounts).
pub(crate) fn codehash_of<DB: Database>(
    evm: &mut ChainEvm<'_, DB>,
    program: Address,
) -> Result<B256, DbError<DB>> {
    let journal = evm.inner.ctx.journal_mut();
    Ok(journal.code_hash(program).map_err(ContextError::Db)?.data)
}

/// Answers from the record of an active codehash, or reverts with its status error.
fn with_active<DB: Database>(
    evm: &mut ChainEvm<'_, DB>,
    call: &mut NativeCall,
    codehash: B256,
    answer: impl FnOnce(ActivationRecord) -> Exit,
) -> Result<Exit, DbError<DB>> {
    if !call.charge(STORAGE_READ_GAS) {
        return Ok(Exit::OutOfGas);
    }
    let status = stylus::status_of(evm, codehash)?;
    Ok(match (status, status_error(status)) {
        (ProgramStatus::Active(record), _) => answer(record),
        (_, Some(error)) => error,
        (_, None) => Exit::Revert(Bytes::new()),
    })
}

/// `activateProgram(address)`: validates and compiles the code, charges gas and the data fee
/// (`msg.value`, excess refunded), stores the record and emits `ProgramActivated`.
fn activate<DB: Database>(
    evm: &mut ChainEvm<'_, DB>,
    call: &mut NativeCall,
    program: Address,
) -> Result<Exit, DbError<DB>> {
    use IArbWasm::*;
    if call.frame.is_static {
        return Ok(Exit::Revert(Bytes::new()));
    }
    let code = evm
        .inner
        .ctx
        .journal_mut()
        .code(program)
        .map_err(ContextError::Db)?
        .data;
    if !rt::is_stylus_code(&code) {
        return Ok(Exit::error(ProgramNotWasm {}));
    }
    let codehash = keccak256(&code);
    let previous = stylus::load_record(evm, codehash)?;
    let now = stylus::now(evm);
    if let ProgramStatus::Active(_) =
        stylus::program_status(previous, evm.extras.params.version, now)
    {
        return Ok(Exit::error(ProgramUpToDate {}));
    }
    if !call.charge(ACTIVATION_FIXED_GAS) {
        return Ok(Exit::OutOfGas);
    }
    // Compilation is deterministic per codehash: reuse earlier work (e.g. from the
    // simulations of `eth_estimateGas`).
    let activated = match evm.extras.programs.get(&codehash) {
        Some(compiled) => compiled.clone(),
        None => match rt::activate(&code, evm.extras.params) {
            Ok(activated) => Arc::new(activated),
            Err(error) => return Ok(Exit::Revert(activation_failure(&error))),
        },
    };
    // The runtime's compile gas includes the fixed part charged above.
    if !call.charge(activated.compile_gas.saturating_sub(ACTIVATION_FIXED_GAS)) {
        return Ok(Exit::OutOfGas);
    }
    let fee = data_fee(activated.asm_estimate);
    if let Some(short) = insufficient_value(call, fee) {
        return Ok(short);
    }
    let was_cached = previous.is_some_and(|r| r.cached);
    let record = ActivationRecord::of(&activated, now, was_cached);
    stylus::store_record(evm, codehash, record)?;
    if !refund_excess(evm, call, fee)? {
        return Ok(Exit::Revert(Bytes::new()));
    }
    let event = ProgramActivated {
        codehash,
        moduleHash: activated.module_hash,
        program,
        dataFee: fee,
        version: activated.version,
    };
    evm.inner.ctx.journal_mut().log(Log {
        address: ARB_WASM,
        data: event.encode_log_data(),
    });
    let version = activated.version;
    evm.extras.programs.insert(codehash, activated);
    Ok(words([U256::from(version), fee]))
}

/// `codehashKeepalive(bytes32)`: restarts the expiry clock of an active program that is at
/// least `keepaliveDays` old, for the data fee of its size (excess refunded), and emits
/// `ProgramLifetimeExtended`.
fn keepalive<DB: Database>(
    evm: &mut ChainEvm<'_, DB>,
    call: &mut NativeCall,
    codehash: B256,
) -> Result<Exit, DbError<DB>> {
    use IArbWasm::*;
    if call.frame.is_static {
        return Ok(Exit::Revert(Bytes::new()));
    }
    if !call.charge(STORAGE_READ_GAS + STORAGE_WRITE_GAS) {
        return Ok(Exit::OutOfGas);
    }
    let record = match stylus::status_of(evm, codehash)? {
        ProgramStatus::Active(record) => record,
        status => return Ok(status_error(status).unwrap_or(Exit::Revert(Bytes::new()))),
    };
    let now = stylus::now(evm);
    let age = now.saturating_sub(record.activated_at);
    if age < KEEPALIVE_DAYS * SECONDS_PER_DAY {
        return Ok(Exit::error(ProgramKeepaliveTooSoon { ageInSeconds: age }));
    }
    let fee = data_fee(record.asm_estimate);
    if let Some(short) = insufficient_value(call, fee) {
        return Ok(short);
    }
    let renewed = ActivationRecord {
        activated_at: now,
        ..record
    };
    stylus::store_record(evm, codehash, renewed)?;
    if !refund_excess(evm, call, fee)? {
        return Ok(Exit::Revert(Bytes::new()));
    }
    let event = ProgramLifetimeExtended {
        codehash,
        dataFee: fee,
    };
    evm.inner.ctx.journal_mut().log(Log {
        address: ARB_WASM,
        data: event.encode_log_data(),
    });
    Ok(Exit::Return(Bytes::new()))
}

/// The data fee for a program of `asm_estimate` bytes (minimum price: no demand).
fn data_fee(asm_estimate: u32) -> U256 {
    U256::from(DATA_FEE_WEI_PER_BYTE) * U256::from(asm_estimate)
}

/// `ProgramInsufficientValue` when `msg.value` does not cover `fee`.
fn insufficient_value(call: &NativeCall, fee: U256) -> Option<Exit> {
    let value = call.frame.value;
    (value < fee).then(|| {
        Exit::error(IArbWasm::ProgramInsufficientValue {
            have: value,
            want: fee,
        })
    })
}

/// Returns `msg.value - fee` to the caller (the fee stays in ArbWasm); `false` if refused.
fn refund_excess<DB: Database>(
    evm: &mut ChainEvm<'_, DB>,
    call: &NativeCall,
    fee: U256,
) -> Result<bool, DbError<DB>> {
    let excess = call.frame.value.saturating_sub(fee);
    if excess.is_zero() {
        return Ok(true);
    }
    let refused = evm
        .inner
        .ctx
        .journal_mut()
        .transfer(ARB_WASM, call.frame.caller, excess)
        .map_err(ContextError::Db)?;
    Ok(refused.is_none())
}

/// Revert data for a failed activation: `Error(string)` naming the reason.
fn activation_failure(error: &ActivationError) -> Bytes {
    Revert::from(format!("activation failed: {error}"))
        .abi_encode()
        .into()
}

#[cfg(test)]
mod tests {
    use super::IArbWasm::*;
    use alloy::sol_types::{SolCall, SolError, SolEvent};

    #[test]
    fn selectors_match_nitro() {
        assert_eq!(activateProgramCall::SELECTOR, [0x58, 0xc7, 0x80, 0xc2]);
        assert_eq!(codehashVersionCall::SELECTOR, [0xd7, 0x0c, 0x0c, 0xa7]);
        assert_eq!(stylusVersionCall::SELECTOR, [0xa9, 0x96, 0xe0, 0xc2]);
        assert_eq!(programVersionCall::SELECTOR, [0xcc, 0x8f, 0x4e, 0x88]);
        assert_eq!(inkPriceCall::SELECTOR, [0xd1, 0xc1, 0x7a, 0xbc]);
        assert_eq!(activationGasCall::SELECTOR, [0x22, 0x78, 0xc2, 0x78]);
        assert_eq!(codehashKeepaliveCall::SELECTOR, [0xc6, 0x89, 0xba, 0xd5]);
        assert_eq!(programInitGasCall::SELECTOR, [0x62, 0xb6, 0x88, 0xaa]);
        assert_eq!(ProgramKeepaliveTooSoon::SELECTOR, [0x16, 0xbd, 0x0c, 0xf8]);
        assert_eq!(ProgramNotWasm::SELECTOR, [0x27, 0xf3, 0x82, 0x12]);
        assert_eq!(ProgramNotActivated::SELECTOR, [0x6f, 0x80, 0x9c, 0x4e]);
        assert_eq!(ProgramNeedsUpgrade::SELECTOR, [0x63, 0x7d, 0x96, 0x8f]);
        assert_eq!(ProgramExpired::SELECTOR, [0xc9, 0xb1, 0x2e, 0x52]);
        assert_eq!(ProgramUpToDate::SELECTOR, [0xcc, 0x94, 0x4b, 0xf2]);
        assert_eq!(ProgramInsufficientValue::SELECTOR, [0x09, 0x78, 0x1a, 0xb7]);
        assert_eq!(
            ProgramActivated::SIGNATURE_HASH.to_string(),
            "0xc0e812780707128d9a180db8ee4d1c1f1300b6dd0626d577b5d9ac759b76253c"
        );
        assert_eq!(
            ProgramLifetimeExtended::SIGNATURE_HASH.to_string(),
            "0x03802ba32e3bd489d2ab04abb93d10687e0b6883bcb091206ca75172d248f2ec"
        );
    }
}
