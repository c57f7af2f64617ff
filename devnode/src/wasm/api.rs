//! The boundary between the Stylus WASM runtime (`crate::wasm`) and the chain (`crate::chain`).
//!
//! The runtime knows WASM, ink and hostio semantics; the chain knows accounts, the EVM (revm),
//! warm/cold access lists, journaling and sub-call execution. Each side is implemented and
//! tested on its own against this file. Changing it needs both sides updated together.
//!
//! Gas amounts here are EVM gas (not ink). The runtime converts with the ink price.

use alloy_primitives::{Address, Bytes, B256, U256};

/// Call flavour requested by `call_contract`, `delegate_call_contract`, `static_call_contract`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallKind {
    /// CALL (may carry value).
    Call,
    /// DELEGATECALL (runs callee code in the caller's storage context; value and sender inherited).
    Delegate,
    /// STATICCALL (no state changes allowed in the callee).
    Static,
}

/// Result of a sub-call or create made through the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubcallResult {
    /// `true` when the callee succeeded (returned); `false` for revert, failure or out of gas.
    pub success: bool,
    /// The callee's return data or revert data (empty on failure without data).
    pub output: Bytes,
    /// Total EVM gas the operation cost the caller: access cost (warm/cold), value-transfer and
    /// new-account surcharges, plus the gas the callee actually used (forwarded minus returned).
    pub gas_cost: u64,
}

/// Result of `create1` / `create2`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateResult {
    /// The new contract, or `None` when creation failed (then `output` holds any revert data).
    pub address: Option<Address>,
    /// Revert data on failure; empty on success.
    pub output: Bytes,
    /// Total EVM gas the create cost the caller (CREATE base cost, hashing for CREATE2, init-code
    /// word cost, plus what the init code consumed).
    pub gas_cost: u64,
}

/// Write attempted in a static context (TSTORE, SSTORE flush, LOG, value call, CREATE).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriteProtection;

/// Everything a running program may ask of the chain. One instance serves one program frame.
///
/// The chain implements this over its journaled state so that a revert of the frame (or of any
/// ancestor) rolls back every effect made through it.
pub trait EvmApi {
    /// SLOAD for the current contract: returns the value and the gas charged by EIP-2929
    /// (2,100 cold / 100 warm); the slot becomes warm.
    fn sload(&mut self, key: B256) -> (B256, u64);

    /// SSTORE for the current contract, as issued by a cache flush. Returns the EIP-2200/2929
    /// gas cost (refunds are tracked by the chain), or `WriteProtection` in a static context.
    /// `gas_left` lets the chain apply the 2,300-gas sentry rule.
    fn sstore(&mut self, key: B256, value: B256, gas_left: u64) -> Result<u64, WriteProtection>;

    /// TLOAD for the current contract.
    fn tload(&mut self, key: B256) -> B256;

    /// TSTORE for the current contract; `WriteProtection` in a static context.
    fn tstore(&mut self, key: B256, value: B256) -> Result<(), WriteProtection>;

    /// Executes a sub-call. `gas_left` is the caller's remaining gas (the chain applies the
    /// 63/64 rule and adds the 2,300 stipend for value calls); `gas_req` is the gas requested by
    /// the program (`u64::MAX` for "all"). Both EVM and Stylus callees must work, including
    /// re-entering the calling program.
    fn call(
        &mut self,
        kind: CallKind,
        to: Address,
        input: &[u8],
        value: U256,
        gas_left: u64,
        gas_req: u64,
    ) -> SubcallResult;

    /// CREATE (`salt == None`) or CREATE2 with EVM init code.
    fn create(
        &mut self,
        code: &[u8],
        endowment: U256,
        salt: Option<B256>,
        gas_left: u64,
    ) -> CreateResult;

    /// Appends a log from the current contract; `WriteProtection` in a static context.
    fn emit_log(&mut self, topics: Vec<B256>, data: Bytes) -> Result<(), WriteProtection>;

    /// BALANCE: value and gas (2,600 cold / 100 warm); the account becomes warm.
    fn balance(&mut self, address: Address) -> (U256, u64);

    /// Full code of an account and the access gas (2,600 cold / 100 warm).
    fn code(&mut self, address: Address) -> (Bytes, u64);

    /// EXTCODEHASH and the access gas (2,600 cold / 100 warm).
    fn codehash(&mut self, address: Address) -> (B256, u64);

    /// Opens `pages` more WASM pages in this transaction and returns their gas cost under
    /// Nitro's memory model (free pages, page gas, exponential ramp; tracked per transaction as
    /// `open`/`ever` counts by the chain). `u64::MAX` when over the page limit.
    fn add_pages(&mut self, pages: u16) -> u64;
}

/// Read-only facts about the call and block, fixed for one program frame.
#[derive(Clone, Debug, Default)]
pub struct EvmData {
    /// BASEFEE.
    pub block_basefee: U256,
    /// CHAINID.
    pub chain_id: u64,
    /// COINBASE.
    pub block_coinbase: Address,
    /// GASLIMIT.
    pub block_gas_limit: u64,
    /// NUMBER as Stylus sees it (Arbitrum: the L1 block number; the devnode uses its own).
    pub block_number: u64,
    /// TIMESTAMP.
    pub block_timestamp: u64,
    /// ADDRESS of the running program.
    pub contract_address: Address,
    /// Module hash of the running program (as stored at activation).
    pub module_hash: B256,
    /// CALLER.
    pub msg_sender: Address,
    /// CALLVALUE.
    pub msg_value: U256,
    /// GASPRICE.
    pub tx_gas_price: U256,
    /// ORIGIN.
    pub tx_origin: Address,
    /// `msg_reentrant`: true when `contract_address` already has another open (non-delegate)
    /// frame on the call stack.
    pub reentrant: bool,
    /// Whether the program is cached (then only the cached init cost is charged).
    pub cached: bool,
    /// Static context (STATICCALL somewhere up the stack).
    pub is_static: bool,
}

/// How a program frame ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// `user_entrypoint` returned 0.
    Success,
    /// `user_entrypoint` returned non-zero: revert with the `write_result` data.
    Revert,
    /// Trap or host error: revert with empty data; remaining gas is returned.
    Failure,
    /// Out of ink: all gas is consumed.
    OutOfInk,
    /// Out of stack (depth checker): all gas is consumed.
    OutOfStack,
}

/// Outcome of running a program frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecOutcome {
    /// How execution ended.
    pub status: ExitStatus,
    /// Return data (Success) or revert data (Revert); empty otherwise.
    pub output: Bytes,
    /// EVM gas left for the caller (0 for OutOfInk / OutOfStack).
    pub gas_left: u64,
}
