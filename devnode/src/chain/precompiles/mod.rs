//! Native contracts: the Arbitrum precompiles the Stylus tooling uses (ArbSys, ArbWasm,
//! ArbWasmCache, ArbOwnerPublic, ArbGasInfo) and the genesis helper contracts (the CREATE2 factory and
//! StylusDeployer), implemented in Rust over the journaled state.

mod arbos;
mod arbwasm;
mod arbwasmcache;
mod deployers;

use alloy::sol_types::SolError;
use alloy_primitives::{address, map::AddressSet, Address, Bytes, B256, U256};
use revm::{
    context::{Cfg, ContextTr},
    context_interface::Database,
    handler::{EthPrecompiles, PrecompileProvider},
    interpreter::{
        CallInputs, CallScheme, Gas, InstructionResult, InterpreterResult, SharedMemory,
    },
    primitives::hardfork::SpecId,
};

use super::exec::{ChainEvm, DbError, FrameCtx};
use super::rt::{CallKind, CreateResult, SubcallResult};

pub use arbwasm::IArbWasm;
pub use arbwasmcache::IArbWasmCache;
pub use deployers::IStylusDeployer;

/// Every native contract of the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NativeContract {
    ArbSys,
    ArbWasm,
    ArbWasmCache,
    ArbOwnerPublic,
    ArbGasInfo,
    Create2Factory,
    StylusDeployer,
}

/// ArbSys precompile.
pub const ARB_SYS: Address = address!("0000000000000000000000000000000000000064");
/// ArbWasmCache precompile.
pub const ARB_WASM_CACHE: Address = address!("0000000000000000000000000000000000000072");
/// ArbOwnerPublic precompile.
pub const ARB_OWNER_PUBLIC: Address = address!("000000000000000000000000000000000000006b");
/// ArbGasInfo precompile.
pub const ARB_GAS_INFO: Address = address!("000000000000000000000000000000000000006c");
/// The deterministic-deployment CREATE2 factory.
pub const CREATE2_FACTORY: Address = address!("4e59b44847b379578588920ca78fbf26c0b4956c");
/// StylusDeployer, as `cargo stylus deploy` expects it.
pub const STYLUS_DEPLOYER: Address = address!("cEcba2F1DC234f70Dd89F2041029807F8D03A990");
pub use super::stylus::ARB_WASM;
/// The chain owner (Nitro's `--dev` chain makes the dev account its owner): it may cache and
/// evict programs through ArbWasmCache.
pub const CHAIN_OWNER: Address = crate::DEV_ADDRESS;

/// Code installed at native addresses so `extcodesize > 0` and the accounts are never "empty"
/// (0xFE: INVALID, never executed because calls are intercepted first).
pub const NATIVE_CODE_MARKER: [u8; 1] = [0xFE];

impl NativeContract {
    /// All native contracts with their addresses.
    pub const ALL: [(NativeContract, Address); 7] = [
        (NativeContract::ArbSys, ARB_SYS),
        (NativeContract::ArbWasm, ARB_WASM),
        (NativeContract::ArbWasmCache, ARB_WASM_CACHE),
        (NativeContract::ArbOwnerPublic, ARB_OWNER_PUBLIC),
        (NativeContract::ArbGasInfo, ARB_GAS_INFO),
        (NativeContract::Create2Factory, CREATE2_FACTORY),
        (NativeContract::StylusDeployer, STYLUS_DEPLOYER),
    ];

    /// The native contract at `address`, if any.
    pub fn at(address: Address) -> Option<Self> {
        Self::ALL
            .iter()
            .find(|(_, a)| *a == address)
            .map(|(n, _)| *n)
    }
}

/// The ArbOS precompiles, warm from the start of every transaction like Nitro's active
/// precompiles (the genesis helper contracts are ordinary, cold accounts).
pub const ARBOS_PRECOMPILES: [Address; 5] = [
    ARB_SYS,
    ARB_WASM,
    ARB_WASM_CACHE,
    ARB_OWNER_PUBLIC,
    ARB_GAS_INFO,
];

/// revm's precompile provider: Ethereum's precompiles run by revm, with the ArbOS precompile
/// addresses added to the EIP-2929 warm set (their calls are intercepted before revm runs
/// precompiles, see `exec`).
pub struct ChainPrecompiles {
    eth: EthPrecompiles,
    warm: AddressSet,
}

impl ChainPrecompiles {
    pub fn new(spec: SpecId) -> Self {
        let eth = EthPrecompiles::new(spec);
        let warm = Self::warm_set(&eth);
        ChainPrecompiles { eth, warm }
    }

    fn warm_set(eth: &EthPrecompiles) -> AddressSet {
        let mut warm = eth.warm_addresses().clone();
        warm.extend(ARBOS_PRECOMPILES);
        warm
    }
}

impl<CTX: ContextTr> PrecompileProvider<CTX> for ChainPrecompiles {
    type Output = InterpreterResult;

    fn set_spec(&mut self, spec: <CTX::Cfg as Cfg>::Spec) -> bool {
        let changed = <EthPrecompiles as PrecompileProvider<CTX>>::set_spec(&mut self.eth, spec);
        if changed {
            self.warm = Self::warm_set(&self.eth);
        }
        changed
    }

    fn run(
        &mut self,
        context: &mut CTX,
        inputs: &CallInputs,
    ) -> Result<Option<InterpreterResult>, String> {
        self.eth.run(context, inputs)
    }

    fn warm_addresses(&self) -> &AddressSet {
        &self.warm
    }

    fn contains(&self, address: &Address) -> bool {
        self.eth.contains(address)
    }
}

/// How a native call ended.
pub(crate) enum Exit {
    Return(Bytes),
    Revert(Bytes),
    OutOfGas,
}

impl Exit {
    /// Reverts with an ABI-encoded Solidity error.
    pub(crate) fn error(error: impl SolError) -> Self {
        Exit::Revert(error.abi_encode().into())
    }
}

/// A running native call: its frame, gas meter and memory for sub-calls.
pub(crate) struct NativeCall {
    pub frame: FrameCtx,
    pub input: Bytes,
    pub gas: Gas,
    memory: SharedMemory,
    refund: i64,
}

/// Base cost of a native call (like Nitro's per-call precompile overhead, kept small).
const CALL_BASE_GAS: u64 = 100;
/// Cost per input word copied.
const INPUT_WORD_GAS: u64 = 3;
/// Cost of reading a record from storage.
pub(crate) const STORAGE_READ_GAS: u64 = 800;
/// Cost of writing a record (an ArbOS storage write of a non-zero word).
pub(crate) const STORAGE_WRITE_GAS: u64 = 20_000;

impl NativeCall {
    /// Charges `cost`; `false` when out of gas.
    pub(crate) fn charge(&mut self, cost: u64) -> bool {
        self.gas.record_regular_cost(cost)
    }

    /// Sub-call from the native contract, charged to its gas.
    pub(crate) fn call<DB: Database>(
        &mut self,
        evm: &mut ChainEvm<'_, DB>,
        to: Address,
        input: &[u8],
        value: U256,
    ) -> Result<SubcallResult, DbError<DB>> {
        let gas_left = self.gas.remaining();
        let (result, refund) = evm.sub_call(
            &self.frame,
            &mut self.memory,
            CallKind::Call,
            to,
            input,
            value,
            gas_left,
            u64::MAX,
        )?;
        if result.success {
            self.refund += refund;
        }
        if !self.gas.record_regular_cost(result.gas_cost) {
            self.gas.spend_all();
        }
        Ok(result)
    }

    /// CREATE/CREATE2 from the native contract, charged to its gas.
    pub(crate) fn create<DB: Database>(
        &mut self,
        evm: &mut ChainEvm<'_, DB>,
        code: &[u8],
        value: U256,
        salt: Option<B256>,
    ) -> Result<CreateResult, DbError<DB>> {
        let gas_left = self.gas.remaining();
        let (result, refund) =
            evm.sub_create(&self.frame, &mut self.memory, code, value, salt, gas_left)?;
        if result.address.is_some() {
            self.refund += refund;
        }
        if !self.gas.record_regular_cost(result.gas_cost) {
            self.gas.spend_all();
        }
        Ok(result)
    }
}

/// Runs the native contract `native` for a call frame.
pub(crate) fn run<DB: Database>(
    evm: &mut ChainEvm<'_, DB>,
    native: NativeContract,
    inputs: &CallInputs,
    depth: usize,
    memory: SharedMemory,
) -> Result<InterpreterResult, DbError<DB>> {
    let input = inputs.input.bytes(&evm.inner.ctx);
    let mut call = NativeCall {
        frame: FrameCtx {
            address: inputs.target_address,
            caller: inputs.caller,
            value: inputs.value.get(),
            is_static: inputs.is_static,
            depth,
        },
        gas: Gas::new_with_regular_gas_and_reservoir(inputs.gas_limit, inputs.reservoir),
        memory,
        refund: 0,
        input,
    };
    let base = CALL_BASE_GAS + INPUT_WORD_GAS * (call.input.len() as u64).div_ceil(32);
    let exit = if !matches!(inputs.scheme, CallScheme::Call | CallScheme::StaticCall) {
        // Native code has no storage context of its own to lend to a delegate call.
        Exit::Revert(Bytes::new())
    } else if !call.charge(base) {
        Exit::OutOfGas
    } else {
        match native {
            NativeContract::ArbWasm => arbwasm::run(evm, &mut call)?,
            NativeContract::ArbWasmCache => arbwasmcache::run(evm, &mut call)?,
            NativeContract::ArbSys => arbos::arb_sys(evm, &call),
            NativeContract::ArbOwnerPublic => arbos::arb_owner_public(&call),
            NativeContract::ArbGasInfo => arbos::arb_gas_info(evm, &call),
            NativeContract::Create2Factory => deployers::create2_factory(evm, &mut call)?,
            NativeContract::StylusDeployer => deployers::stylus_deployer(evm, &mut call)?,
        }
    };
    let mut gas = call.gas;
    Ok(match exit {
        Exit::Return(output) => {
            gas.record_refund(call.refund);
            InterpreterResult::new(InstructionResult::Return, output, gas)
        }
        Exit::Revert(output) => InterpreterResult::new(InstructionResult::Revert, output, gas),
        Exit::OutOfGas => {
            gas.spend_all();
            InterpreterResult::new(InstructionResult::PrecompileOOG, Bytes::new(), gas)
        }
    })
}
