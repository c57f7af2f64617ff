//! The `vm_hooks` hostios (spec §1.2, §2.3): semantics and ink/gas charges, plus the debug-only
//! `console` and `debug` modules. Ink lives in the module's `stylus_ink_left` global so wasm code
//! and hostios draw from one meter.

use std::fmt;

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use wasmi::errors::HostError;
use wasmi::{Caller, Engine, Global, Linker, Memory, Val};

use super::api::{CallKind, EvmApi, EvmData};
use super::imports::{CONSOLE, DEBUG, PAY_FOR_MEMORY_GROW, VM_HOOKS};
use super::pricing::*;
use super::storage::StorageCache;

/// First ArbOS version that charges the SSTORE gas of a cache flush.
const ARBOS_CHARGE_FLUSH: u64 = 32;
/// Status `call_contract` & co. return for any unsuccessful call (Nitro uses 2).
const CALL_FAILED: u32 = 2;

/// Why a hostio stopped the program.
#[derive(Debug)]
pub enum Escape {
    /// `exit_early(status)`.
    Exit(u32),
    /// Not enough ink or gas.
    OutOfInk,
    /// Bad arguments, out-of-bounds memory or a write in a static context.
    Failure(String),
}

impl fmt::Display for Escape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Exit(status) => write!(f, "exit_early({status})"),
            Self::OutOfInk => write!(f, "out of ink"),
            Self::Failure(msg) => write!(f, "hostio failure: {msg}"),
        }
    }
}

impl HostError for Escape {}

type HostResult<T> = Result<T, wasmi::Error>;
type Ctx<'c, 'a> = Caller<'c, HostState<'a>>;

fn fail(message: impl Into<String>) -> wasmi::Error {
    wasmi::Error::host(Escape::Failure(message.into()))
}

/// Instance items the hostios use, known once the module is instantiated.
#[derive(Clone, Copy, Debug)]
pub struct Handles {
    /// The exported linear memory.
    pub memory: Memory,
    /// The `stylus_ink_left` global.
    pub ink_left: Global,
}

/// Per-invocation host state.
pub struct HostState<'a> {
    /// The chain.
    pub api: &'a mut dyn EvmApi,
    /// Call and block facts.
    pub data: &'a EvmData,
    /// Calldata for `read_args`.
    pub calldata: &'a [u8],
    /// Ink per gas (never 0).
    pub ink_price: u64,
    /// ArbOS version whose rules apply.
    pub arbos_version: u64,
    /// Last `write_result`.
    pub output: Vec<u8>,
    /// Data of the last call or failed create.
    pub return_data: Bytes,
    /// The storage cache.
    pub storage: StorageCache,
    /// Set right after instantiation.
    pub handles: Option<Handles>,
}

// ---------------------------------------------------------------------------------------------
// Ink, gas and memory helpers
// ---------------------------------------------------------------------------------------------

fn handles(c: &Ctx<'_, '_>) -> HostResult<Handles> {
    c.data()
        .handles
        .ok_or_else(|| fail("hostio called before instantiation"))
}

fn ink_left(c: &Ctx<'_, '_>) -> HostResult<u64> {
    match handles(c)?.ink_left.get(c) {
        Val::I64(ink) => Ok(ink as u64),
        _ => Err(fail("ink global has the wrong type")),
    }
}

fn set_ink(c: &mut Ctx<'_, '_>, ink: u64) -> HostResult<()> {
    let global = handles(c)?.ink_left;
    global
        .set(c, Val::I64(ink as i64))
        .map_err(|err| fail(err.to_string()))
}

fn out_of_ink(c: &mut Ctx<'_, '_>) -> HostResult<()> {
    set_ink(c, 0)?;
    Err(wasmi::Error::host(Escape::OutOfInk))
}

/// Deducts `ink`, or zeroes the meter and escapes with out-of-ink.
fn buy_ink(c: &mut Ctx<'_, '_>, ink: u64) -> HostResult<()> {
    let left = ink_left(c)?;
    match left.checked_sub(ink) {
        Some(rest) => set_ink(c, rest),
        None => out_of_ink(c),
    }
}

fn gas_to_ink(c: &Ctx<'_, '_>, gas: u64) -> u64 {
    gas.saturating_mul(c.data().ink_price)
}

fn buy_gas(c: &mut Ctx<'_, '_>, gas: u64) -> HostResult<()> {
    let ink = gas_to_ink(c, gas);
    buy_ink(c, ink)
}

/// Escapes with out-of-ink unless `gas` is available (nothing is charged).
fn require_gas(c: &mut Ctx<'_, '_>, gas: u64) -> HostResult<()> {
    if ink_left(c)? < gas_to_ink(c, gas) {
        return out_of_ink(c);
    }
    Ok(())
}

fn gas_left(c: &Ctx<'_, '_>) -> HostResult<u64> {
    Ok(ink_left(c)? / c.data().ink_price)
}

/// The EVM gas equivalent of [`EVM_API_INK`] (5 at the default price).
fn evm_api_gas(c: &Ctx<'_, '_>) -> u64 {
    EVM_API_INK / c.data().ink_price
}

fn read_bytes(c: &Ctx<'_, '_>, ptr: u32, len: u32) -> HostResult<Vec<u8>> {
    let mut buf = vec![0; len as usize];
    handles(c)?
        .memory
        .read(c, ptr as usize, &mut buf)
        .map_err(|_| fail("memory read out of bounds"))?;
    Ok(buf)
}

fn read_fixed<const N: usize>(c: &Ctx<'_, '_>, ptr: u32) -> HostResult<[u8; N]> {
    let mut buf = [0; N];
    handles(c)?
        .memory
        .read(c, ptr as usize, &mut buf)
        .map_err(|_| fail("memory read out of bounds"))?;
    Ok(buf)
}

fn read_word(c: &Ctx<'_, '_>, ptr: u32) -> HostResult<B256> {
    read_fixed::<32>(c, ptr).map(B256::from)
}

fn read_u256(c: &Ctx<'_, '_>, ptr: u32) -> HostResult<U256> {
    read_fixed::<32>(c, ptr).map(U256::from_be_bytes)
}

fn read_address(c: &Ctx<'_, '_>, ptr: u32) -> HostResult<Address> {
    read_fixed::<20>(c, ptr).map(Address::from)
}

fn write_bytes(c: &mut Ctx<'_, '_>, ptr: u32, data: &[u8]) -> HostResult<()> {
    let memory = handles(c)?.memory;
    memory
        .write(c, ptr as usize, data)
        .map_err(|_| fail("memory write out of bounds"))
}

fn write_u32(c: &mut Ctx<'_, '_>, ptr: u32, value: u32) -> HostResult<()> {
    write_bytes(c, ptr, &value.to_le_bytes())
}

fn len_u32(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

// ---------------------------------------------------------------------------------------------
// Arguments, results and exit
// ---------------------------------------------------------------------------------------------

fn read_args(mut c: Ctx<'_, '_>, dest: u32) -> HostResult<()> {
    let args = c.data().calldata;
    buy_ink(&mut c, HOSTIO_INK + write_price(len_u32(args.len())))?;
    write_bytes(&mut c, dest, args)
}

fn write_result(mut c: Ctx<'_, '_>, data: u32, len: u32) -> HostResult<()> {
    buy_ink(&mut c, HOSTIO_INK + 2 * read_price(len))?;
    c.data_mut().output = read_bytes(&c, data, len)?;
    Ok(())
}

fn exit_early(_: Ctx<'_, '_>, status: u32) -> HostResult<()> {
    Err(wasmi::Error::host(Escape::Exit(status)))
}

// ---------------------------------------------------------------------------------------------
// Storage
// ---------------------------------------------------------------------------------------------

fn storage_load_bytes32(mut c: Ctx<'_, '_>, key: u32, dest: u32) -> HostResult<()> {
    buy_ink(&mut c, HOSTIO_INK + 2 * PTR_INK)?;
    let api_gas = evm_api_gas(&c);
    require_gas(
        &mut c,
        COLD_SLOAD_GAS + STORAGE_CACHE_REQUIRED_ACCESS_GAS + api_gas,
    )?;
    let key = read_word(&c, key)?;
    let state = c.data_mut();
    let mut gas = state.storage.read_gas();
    let value = match state.storage.get(&key) {
        Some(value) => value,
        None => {
            let (value, sload_gas) = state.api.sload(key);
            state.storage.insert_loaded(key, value);
            gas = gas.saturating_add(sload_gas).saturating_add(api_gas);
            value
        }
    };
    buy_gas(&mut c, gas)?;
    write_bytes(&mut c, dest, value.as_slice())
}

fn storage_cache_bytes32(mut c: Ctx<'_, '_>, key: u32, value: u32) -> HostResult<()> {
    buy_ink(&mut c, HOSTIO_INK + 2 * PTR_INK)?;
    require_gas(
        &mut c,
        SSTORE_SENTRY_GAS + STORAGE_CACHE_REQUIRED_ACCESS_GAS,
    )?;
    let key = read_word(&c, key)?;
    let value = read_word(&c, value)?;
    let gas = c.data_mut().storage.write(key, value);
    buy_gas(&mut c, gas)
}

fn storage_flush_cache(mut c: Ctx<'_, '_>, clear: u32) -> HostResult<()> {
    buy_ink(&mut c, HOSTIO_INK + EVM_API_INK)?;
    require_gas(&mut c, SSTORE_SENTRY_GAS)?;
    let gas_left = gas_left(&c)?;
    let state = c.data_mut();
    let dirty = state.storage.take_dirty();
    if clear != 0 {
        state.storage.clear();
    }
    let mut remaining = gas_left;
    for (key, value) in dirty {
        if remaining <= SSTORE_SENTRY_GAS {
            return out_of_ink(&mut c);
        }
        match state.api.sstore(key, value, remaining) {
            Err(_) => return Err(fail("write protection: storage flush in a static context")),
            Ok(cost) if cost > remaining => return out_of_ink(&mut c),
            Ok(cost) => remaining -= cost,
        }
    }
    if state.arbos_version >= ARBOS_CHARGE_FLUSH {
        buy_gas(&mut c, gas_left - remaining)?;
    }
    Ok(())
}

fn transient_load_bytes32(mut c: Ctx<'_, '_>, key: u32, dest: u32) -> HostResult<()> {
    buy_ink(&mut c, HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
    buy_gas(&mut c, TRANSIENT_GAS)?;
    let key = read_word(&c, key)?;
    let value = c.data_mut().api.tload(key);
    write_bytes(&mut c, dest, value.as_slice())
}

fn transient_store_bytes32(mut c: Ctx<'_, '_>, key: u32, value: u32) -> HostResult<()> {
    buy_ink(&mut c, HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
    buy_gas(&mut c, TRANSIENT_GAS)?;
    let key = read_word(&c, key)?;
    let value = read_word(&c, value)?;
    c.data_mut()
        .api
        .tstore(key, value)
        .map_err(|_| fail("write protection: transient store in a static context"))
}

// ---------------------------------------------------------------------------------------------
// Calls and creates
// ---------------------------------------------------------------------------------------------

/// Shared body of the three call hostios; `value` is a pointer for `call_contract` only.
#[allow(clippy::too_many_arguments)]
fn do_call(
    c: &mut Ctx<'_, '_>,
    kind: CallKind,
    contract: u32,
    data: u32,
    len: u32,
    value: Option<u32>,
    gas: u64,
    return_len: u32,
) -> HostResult<u32> {
    buy_ink(
        c,
        HOSTIO_INK + 3 * PTR_INK + EVM_API_INK + 2 * read_price(len),
    )?;
    let to = read_address(c, contract)?;
    let input = read_bytes(c, data, len)?;
    let value = match value {
        Some(ptr) => read_u256(c, ptr)?,
        None => U256::ZERO,
    };
    let gas_left = gas_left(c)?;
    let gas_req = gas.min(gas_left);
    let result = c
        .data_mut()
        .api
        .call(kind, to, &input, value, gas_left, gas_req);
    buy_gas(c, result.gas_cost)?;
    let output_len = len_u32(result.output.len());
    c.data_mut().return_data = result.output;
    write_u32(c, return_len, output_len)?;
    Ok(if result.success { 0 } else { CALL_FAILED })
}

fn call_contract(
    mut c: Ctx<'_, '_>,
    contract: u32,
    data: u32,
    len: u32,
    value: u32,
    gas: u64,
    return_len: u32,
) -> HostResult<u32> {
    do_call(
        &mut c,
        CallKind::Call,
        contract,
        data,
        len,
        Some(value),
        gas,
        return_len,
    )
}

fn delegate_call_contract(
    mut c: Ctx<'_, '_>,
    contract: u32,
    data: u32,
    len: u32,
    gas: u64,
    return_len: u32,
) -> HostResult<u32> {
    do_call(
        &mut c,
        CallKind::Delegate,
        contract,
        data,
        len,
        None,
        gas,
        return_len,
    )
}

fn static_call_contract(
    mut c: Ctx<'_, '_>,
    contract: u32,
    data: u32,
    len: u32,
    gas: u64,
    return_len: u32,
) -> HostResult<u32> {
    do_call(
        &mut c,
        CallKind::Static,
        contract,
        data,
        len,
        None,
        gas,
        return_len,
    )
}

/// Shared body of `create1` / `create2`.
fn do_create(
    c: &mut Ctx<'_, '_>,
    code: u32,
    code_len: u32,
    endowment: u32,
    salt: Option<u32>,
    contract: u32,
    revert_len: u32,
) -> HostResult<()> {
    let salt_ink = if salt.is_some() { PTR_INK } else { 0 };
    buy_ink(
        c,
        HOSTIO_INK + 3 * PTR_INK + EVM_API_INK + salt_ink + 2 * read_price(code_len),
    )?;
    let code = read_bytes(c, code, code_len)?;
    let endowment = read_u256(c, endowment)?;
    let salt = salt.map(|ptr| read_word(c, ptr)).transpose()?;
    let gas_left = gas_left(c)?;
    let result = c.data_mut().api.create(&code, endowment, salt, gas_left);
    buy_gas(c, result.gas_cost)?;
    let output_len = len_u32(result.output.len());
    c.data_mut().return_data = result.output;
    write_bytes(c, contract, result.address.unwrap_or_default().as_slice())?;
    write_u32(c, revert_len, output_len)
}

fn create1(
    mut c: Ctx<'_, '_>,
    code: u32,
    code_len: u32,
    endowment: u32,
    contract: u32,
    revert_len: u32,
) -> HostResult<()> {
    do_create(
        &mut c, code, code_len, endowment, None, contract, revert_len,
    )
}

fn create2(
    mut c: Ctx<'_, '_>,
    code: u32,
    code_len: u32,
    endowment: u32,
    salt: u32,
    contract: u32,
    revert_len: u32,
) -> HostResult<()> {
    do_create(
        &mut c,
        code,
        code_len,
        endowment,
        Some(salt),
        contract,
        revert_len,
    )
}

fn read_return_data(mut c: Ctx<'_, '_>, dest: u32, offset: u32, size: u32) -> HostResult<u32> {
    buy_ink(&mut c, HOSTIO_INK + EVM_API_INK)?;
    let data = c.data().return_data.clone();
    let available = len_u32(data.len()).saturating_sub(offset);
    let copied = size.min(available);
    buy_ink(&mut c, write_price(copied))?;
    let start = offset as usize;
    match data.get(start..start + copied as usize) {
        Some(slice) if !slice.is_empty() => write_bytes(&mut c, dest, slice)?,
        _ => {}
    }
    Ok(copied)
}

fn return_data_size(mut c: Ctx<'_, '_>) -> HostResult<u32> {
    buy_ink(&mut c, HOSTIO_INK)?;
    Ok(len_u32(c.data().return_data.len()))
}

// ---------------------------------------------------------------------------------------------
// Logs and accounts
// ---------------------------------------------------------------------------------------------

fn emit_log(mut c: Ctx<'_, '_>, data: u32, len: u32, topics: u32) -> HostResult<()> {
    buy_ink(&mut c, HOSTIO_INK + EVM_API_INK)?;
    if topics > 4 || u64::from(len) < u64::from(topics) * 32 {
        return Err(fail("bad topic data"));
    }
    buy_ink(&mut c, read_price(len))?;
    let bytes = read_bytes(&c, data, len)?;
    let topic_bytes = topics as usize * 32;
    let payload_len = u64::from(len) - topic_bytes as u64;
    buy_gas(
        &mut c,
        (1 + u64::from(topics)) * LOG_TOPIC_GAS + payload_len * LOG_DATA_GAS,
    )?;
    let (topic_data, payload) = bytes
        .split_at_checked(topic_bytes)
        .ok_or_else(|| fail("log"))?;
    let topics = topic_data.chunks_exact(32).map(B256::from_slice).collect();
    c.data_mut()
        .api
        .emit_log(topics, Bytes::copy_from_slice(payload))
        .map_err(|_| fail("write protection: log in a static context"))
}

fn account_balance(mut c: Ctx<'_, '_>, address: u32, dest: u32) -> HostResult<()> {
    buy_ink(&mut c, HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
    let address = read_address(&c, address)?;
    let (balance, gas) = c.data_mut().api.balance(address);
    buy_gas(&mut c, gas)?;
    write_bytes(&mut c, dest, &balance.to_be_bytes::<32>())
}

fn account_codehash(mut c: Ctx<'_, '_>, address: u32, dest: u32) -> HostResult<()> {
    buy_ink(&mut c, HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
    let address = read_address(&c, address)?;
    let (hash, gas) = c.data_mut().api.codehash(address);
    buy_gas(&mut c, gas)?;
    write_bytes(&mut c, dest, hash.as_slice())
}

/// Loads an account's code, charging the access gas.
fn load_code(c: &mut Ctx<'_, '_>, address: u32) -> HostResult<Bytes> {
    buy_ink(c, HOSTIO_INK + EVM_API_INK)?;
    let address = read_address(c, address)?;
    let (code, gas) = c.data_mut().api.code(address);
    buy_gas(c, gas)?;
    Ok(code)
}

fn account_code(
    mut c: Ctx<'_, '_>,
    address: u32,
    offset: u32,
    size: u32,
    dest: u32,
) -> HostResult<u32> {
    let code = load_code(&mut c, address)?;
    buy_ink(&mut c, write_price(len_u32(code.len())))?;
    let start = (offset as usize).min(code.len());
    let end = start.saturating_add(size as usize).min(code.len());
    let slice = code.get(start..end).unwrap_or_default();
    if !slice.is_empty() {
        write_bytes(&mut c, dest, slice)?;
    }
    Ok(len_u32(slice.len()))
}

fn account_code_size(mut c: Ctx<'_, '_>, address: u32) -> HostResult<u32> {
    load_code(&mut c, address).map(|code| len_u32(code.len()))
}

// ---------------------------------------------------------------------------------------------
// Block, message and transaction facts
// ---------------------------------------------------------------------------------------------

/// Charges a pointer-writing getter and writes `bytes`.
fn put_env(c: &mut Ctx<'_, '_>, dest: u32, bytes: &[u8]) -> HostResult<()> {
    buy_ink(c, HOSTIO_INK + PTR_INK)?;
    write_bytes(c, dest, bytes)
}

/// Charges a value-returning getter.
fn env_value<T>(c: &mut Ctx<'_, '_>, value: T) -> HostResult<T> {
    buy_ink(c, HOSTIO_INK)?;
    Ok(value)
}

fn block_basefee(mut c: Ctx<'_, '_>, dest: u32) -> HostResult<()> {
    let value = c.data().data.block_basefee.to_be_bytes::<32>();
    put_env(&mut c, dest, &value)
}

fn block_coinbase(mut c: Ctx<'_, '_>, dest: u32) -> HostResult<()> {
    let value = c.data().data.block_coinbase;
    put_env(&mut c, dest, value.as_slice())
}

fn contract_address(mut c: Ctx<'_, '_>, dest: u32) -> HostResult<()> {
    let value = c.data().data.contract_address;
    put_env(&mut c, dest, value.as_slice())
}

fn msg_sender(mut c: Ctx<'_, '_>, dest: u32) -> HostResult<()> {
    let value = c.data().data.msg_sender;
    put_env(&mut c, dest, value.as_slice())
}

fn msg_value(mut c: Ctx<'_, '_>, dest: u32) -> HostResult<()> {
    let value = c.data().data.msg_value.to_be_bytes::<32>();
    put_env(&mut c, dest, &value)
}

fn tx_gas_price(mut c: Ctx<'_, '_>, dest: u32) -> HostResult<()> {
    let value = c.data().data.tx_gas_price.to_be_bytes::<32>();
    put_env(&mut c, dest, &value)
}

fn tx_origin(mut c: Ctx<'_, '_>, dest: u32) -> HostResult<()> {
    let value = c.data().data.tx_origin;
    put_env(&mut c, dest, value.as_slice())
}

fn chainid(mut c: Ctx<'_, '_>) -> HostResult<u64> {
    let value = c.data().data.chain_id;
    env_value(&mut c, value)
}

fn block_gas_limit(mut c: Ctx<'_, '_>) -> HostResult<u64> {
    let value = c.data().data.block_gas_limit;
    env_value(&mut c, value)
}

fn block_number(mut c: Ctx<'_, '_>) -> HostResult<u64> {
    let value = c.data().data.block_number;
    env_value(&mut c, value)
}

fn block_timestamp(mut c: Ctx<'_, '_>) -> HostResult<u64> {
    let value = c.data().data.block_timestamp;
    env_value(&mut c, value)
}

fn msg_reentrant(mut c: Ctx<'_, '_>) -> HostResult<u32> {
    let value = u32::from(c.data().data.reentrant);
    env_value(&mut c, value)
}

fn tx_ink_price(mut c: Ctx<'_, '_>) -> HostResult<u32> {
    let value = u32::try_from(c.data().ink_price).unwrap_or(u32::MAX);
    env_value(&mut c, value)
}

fn evm_gas_left(mut c: Ctx<'_, '_>) -> HostResult<u64> {
    buy_ink(&mut c, HOSTIO_INK)?;
    gas_left(&c)
}

fn evm_ink_left(mut c: Ctx<'_, '_>) -> HostResult<u64> {
    buy_ink(&mut c, HOSTIO_INK)?;
    ink_left(&c)
}

// ---------------------------------------------------------------------------------------------
// 256-bit math, hashing, memory
// ---------------------------------------------------------------------------------------------

/// Applies a binary 256-bit op in place on the first operand.
fn math_binary(
    c: &mut Ctx<'_, '_>,
    value: u32,
    other: u32,
    ink: u64,
    op: fn(U256, U256) -> U256,
) -> HostResult<()> {
    buy_ink(c, HOSTIO_INK + 3 * PTR_INK + ink)?;
    let a = read_u256(c, value)?;
    let b = read_u256(c, other)?;
    write_bytes(c, value, &op(a, b).to_be_bytes::<32>())
}

/// Applies a modular 256-bit op in place on the first operand.
fn math_modular(
    c: &mut Ctx<'_, '_>,
    value: u32,
    other: u32,
    modulus: u32,
    ink: u64,
    op: fn(U256, U256, U256) -> U256,
) -> HostResult<()> {
    buy_ink(c, HOSTIO_INK + 4 * PTR_INK + ink)?;
    let a = read_u256(c, value)?;
    let b = read_u256(c, other)?;
    let m = read_u256(c, modulus)?;
    write_bytes(c, value, &op(a, b, m).to_be_bytes::<32>())
}

fn math_div(mut c: Ctx<'_, '_>, value: u32, divisor: u32) -> HostResult<()> {
    math_binary(&mut c, value, divisor, DIV_INK, |a, b| {
        a.checked_div(b).unwrap_or_default()
    })
}

fn math_mod(mut c: Ctx<'_, '_>, value: u32, modulus: u32) -> HostResult<()> {
    math_binary(&mut c, value, modulus, DIV_INK, |a, b| {
        a.checked_rem(b).unwrap_or_default()
    })
}

fn math_pow(mut c: Ctx<'_, '_>, base: u32, exponent: u32) -> HostResult<()> {
    buy_ink(&mut c, HOSTIO_INK + 3 * PTR_INK)?;
    let a = read_u256(&c, base)?;
    let exp = read_fixed::<32>(&c, exponent)?;
    buy_ink(&mut c, pow_price(&exp))?;
    let result = a.wrapping_pow(U256::from_be_bytes(exp));
    write_bytes(&mut c, base, &result.to_be_bytes::<32>())
}

fn math_add_mod(mut c: Ctx<'_, '_>, value: u32, addend: u32, modulus: u32) -> HostResult<()> {
    math_modular(&mut c, value, addend, modulus, ADD_MOD_INK, U256::add_mod)
}

fn math_mul_mod(mut c: Ctx<'_, '_>, value: u32, multiplier: u32, modulus: u32) -> HostResult<()> {
    math_modular(
        &mut c,
        value,
        multiplier,
        modulus,
        MUL_MOD_INK,
        U256::mul_mod,
    )
}

fn native_keccak256(mut c: Ctx<'_, '_>, bytes: u32, len: u32, output: u32) -> HostResult<()> {
    buy_ink(&mut c, keccak_price(len))?;
    let data = read_bytes(&c, bytes, len)?;
    write_bytes(&mut c, output, keccak256(data).as_slice())
}

/// Pays for `pages` new pages before a `memory.grow` (the argument is a `u16` in Nitro, so the
/// i32 is truncated like the native ABI does).
fn pay_for_memory_grow(mut c: Ctx<'_, '_>, pages: u32) -> HostResult<()> {
    let pages = pages as u16;
    if pages == 0 {
        return buy_ink(&mut c, HOSTIO_INK);
    }
    let gas = c.data_mut().api.add_pages(pages);
    buy_gas(&mut c, gas)
}

// ---------------------------------------------------------------------------------------------
// Debug modules (linked always; activation only admits them in debug mode)
// ---------------------------------------------------------------------------------------------

fn log_txt(c: Ctx<'_, '_>, text: u32, len: u32) -> HostResult<()> {
    let text = read_bytes(&c, text, len)?;
    eprintln!("[stylus console] {}", String::from_utf8_lossy(&text));
    Ok(())
}

fn log_value<T: fmt::Display>(_: Ctx<'_, '_>, value: T) -> HostResult<()> {
    eprintln!("[stylus console] {value}");
    Ok(())
}

fn tee_value<T: fmt::Display + Copy>(_: Ctx<'_, '_>, value: T) -> HostResult<T> {
    eprintln!("[stylus console] {value}");
    Ok(value)
}

fn no_op(_: Ctx<'_, '_>) -> HostResult<()> {
    Ok(())
}

/// Builds the linker with every hostio of the import table.
pub fn linker<'a>(engine: &Engine) -> Result<Linker<HostState<'a>>, wasmi::errors::LinkerError> {
    let mut l = Linker::new(engine);
    l.func_wrap(VM_HOOKS, "read_args", read_args)?
        .func_wrap(VM_HOOKS, "write_result", write_result)?
        .func_wrap(VM_HOOKS, "exit_early", exit_early)?
        .func_wrap(VM_HOOKS, "storage_load_bytes32", storage_load_bytes32)?
        .func_wrap(VM_HOOKS, "storage_cache_bytes32", storage_cache_bytes32)?
        .func_wrap(VM_HOOKS, "storage_flush_cache", storage_flush_cache)?
        .func_wrap(VM_HOOKS, "transient_load_bytes32", transient_load_bytes32)?
        .func_wrap(VM_HOOKS, "transient_store_bytes32", transient_store_bytes32)?
        .func_wrap(VM_HOOKS, "call_contract", call_contract)?
        .func_wrap(VM_HOOKS, "delegate_call_contract", delegate_call_contract)?
        .func_wrap(VM_HOOKS, "static_call_contract", static_call_contract)?
        .func_wrap(VM_HOOKS, "create1", create1)?
        .func_wrap(VM_HOOKS, "create2", create2)?
        .func_wrap(VM_HOOKS, "read_return_data", read_return_data)?
        .func_wrap(VM_HOOKS, "return_data_size", return_data_size)?
        .func_wrap(VM_HOOKS, "emit_log", emit_log)?
        .func_wrap(VM_HOOKS, "account_balance", account_balance)?
        .func_wrap(VM_HOOKS, "account_code", account_code)?
        .func_wrap(VM_HOOKS, "account_code_size", account_code_size)?
        .func_wrap(VM_HOOKS, "account_codehash", account_codehash)?
        .func_wrap(VM_HOOKS, "evm_gas_left", evm_gas_left)?
        .func_wrap(VM_HOOKS, "evm_ink_left", evm_ink_left)?
        .func_wrap(VM_HOOKS, "block_basefee", block_basefee)?
        .func_wrap(VM_HOOKS, "chainid", chainid)?
        .func_wrap(VM_HOOKS, "block_coinbase", block_coinbase)?
        .func_wrap(VM_HOOKS, "block_gas_limit", block_gas_limit)?
        .func_wrap(VM_HOOKS, "block_number", block_number)?
        .func_wrap(VM_HOOKS, "block_timestamp", block_timestamp)?
        .func_wrap(VM_HOOKS, "contract_address", contract_address)?
        .func_wrap(VM_HOOKS, "math_div", math_div)?
        .func_wrap(VM_HOOKS, "math_mod", math_mod)?
        .func_wrap(VM_HOOKS, "math_pow", math_pow)?
        .func_wrap(VM_HOOKS, "math_add_mod", math_add_mod)?
        .func_wrap(VM_HOOKS, "math_mul_mod", math_mul_mod)?
        .func_wrap(VM_HOOKS, "msg_reentrant", msg_reentrant)?
        .func_wrap(VM_HOOKS, "msg_sender", msg_sender)?
        .func_wrap(VM_HOOKS, "msg_value", msg_value)?
        .func_wrap(VM_HOOKS, "tx_gas_price", tx_gas_price)?
        .func_wrap(VM_HOOKS, "tx_ink_price", tx_ink_price)?
        .func_wrap(VM_HOOKS, "tx_origin", tx_origin)?
        .func_wrap(VM_HOOKS, PAY_FOR_MEMORY_GROW, pay_for_memory_grow)?
        .func_wrap(VM_HOOKS, "native_keccak256", native_keccak256)?
        .func_wrap(CONSOLE, "log_txt", log_txt)?
        .func_wrap(CONSOLE, "log_i32", log_value::<i32>)?
        .func_wrap(CONSOLE, "log_i64", log_value::<i64>)?
        .func_wrap(CONSOLE, "log_f32", log_value::<f32>)?
        .func_wrap(CONSOLE, "log_f64", log_value::<f64>)?
        .func_wrap(CONSOLE, "tee_i32", tee_value::<i32>)?
        .func_wrap(CONSOLE, "tee_i64", tee_value::<i64>)?
        .func_wrap(CONSOLE, "tee_f32", tee_value::<f32>)?
        .func_wrap(CONSOLE, "tee_f64", tee_value::<f64>)?
        .func_wrap(DEBUG, "null_host", no_op)?
        .func_wrap(DEBUG, "start_benchmark", no_op)?
        .func_wrap(DEBUG, "end_benchmark", no_op)?;
    Ok(l)
}
