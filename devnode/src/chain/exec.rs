//! The chain's EVM: revm's mainnet EVM whose frame initialisation is intercepted so that
//! Stylus programs and native contracts (Arbitrum precompiles, genesis helpers) run in Rust,
//! sharing revm's journal (so every effect rolls back with its frame).
//!
//! Nested calls made by intercepted frames run a fresh frame loop on the same context; the
//! caller's EVM frames stay parked on the saved frame stack meanwhile.

use std::collections::HashMap;

use alloy_primitives::{Address, Bytes, B256, U256};
use revm::{
    context::{
        BlockEnv, Cfg, CfgEnv, Context, ContextTr, Evm, FrameStack, Journal, JournalTr, TxEnv,
    },
    context_interface::{
        result::{EVMError, ExecutionResult},
        ContextError, Database,
    },
    handler::{
        evm::FrameInitResult, instructions::EthInstructions, instructions::InstructionProvider,
        EthFrame, EvmTr, FrameData, FrameInitOrResult, FrameResult, FrameTr, Handler, ItemOrResult,
        MainnetHandler,
    },
    interpreter::{
        interpreter::EthInterpreter, interpreter_action::FrameInit, CallInput, CallInputs,
        CallOutcome, CallScheme, CallValue, CreateInputs, CreateScheme, FrameInput, Gas,
        InstructionResult, InterpreterAction, InterpreterResult, SharedMemory,
    },
    primitives::hardfork::SpecId,
    state::EvmState,
};

use super::precompiles::{self, ChainPrecompiles, NativeContract};
use super::rt::{self, ActivatedProgram, CallKind, CreateResult, StylusParams, SubcallResult};
use super::stylus;

/// revm context used by the chain.
pub type ChainCtx<DB> = Context<BlockEnv, TxEnv, CfgEnv, DB, Journal<DB>, ()>;
type Instructions<DB> = EthInstructions<EthInterpreter, ChainCtx<DB>>;
type InnerEvm<DB> = Evm<ChainCtx<DB>, (), Instructions<DB>, ChainPrecompiles, EthFrame>;
/// Error raised by the EVM's database layer while executing.
pub type DbError<DB> = ContextError<<DB as Database>::Error>;

/// The hardfork the chain runs EVM code under (TLOAD/TSTORE, PUSH0, MCOPY, ...).
pub const SPEC: SpecId = SpecId::PRAGUE;
/// EVM call depth limit.
const CALL_STACK_LIMIT: usize = 1024;

/// Compiled Stylus modules keyed by codehash. Not consensus state: the activation *records*
/// live in the journaled state (see `stylus`); this only saves recompiling.
pub type ProgramCache = HashMap<B256, std::sync::Arc<ActivatedProgram>>;

/// Chain-level settings an execution needs besides the revm environment.
pub struct ExecSettings<'a> {
    /// Stylus parameters (ink price, page costs, version, ...).
    pub params: &'a StylusParams,
    /// Compiled-module cache shared across executions.
    pub programs: &'a mut ProgramCache,
}

/// Per-transaction state of the Stylus side: open frames per address (for `msg_reentrant`)
/// and the transaction's WASM page counts (Nitro's `open` / `ever`).
pub struct TxExtras<'a> {
    pub(crate) params: &'a StylusParams,
    pub(crate) programs: &'a mut ProgramCache,
    open_frames: HashMap<Address, u32>,
    pub(crate) pages_open: u16,
    pub(crate) pages_ever: u16,
}

impl TxExtras<'_> {
    /// Records a newly opened frame for `address`; returns the open count including it.
    pub(crate) fn open_frame(&mut self, address: Address) -> u32 {
        let count = self.open_frames.entry(address).or_insert(0);
        *count += 1;
        *count
    }

    /// Open frames of `address`.
    pub(crate) fn open_count(&self, address: Address) -> u32 {
        self.open_frames.get(&address).copied().unwrap_or(0)
    }

    /// Forgets one open frame of `address`.
    pub(crate) fn close_frame(&mut self, address: Address) {
        if let Some(count) = self.open_frames.get_mut(&address) {
            *count = count.saturating_sub(1);
        }
    }
}

/// What an intercepted call frame runs.
#[derive(Clone, Copy)]
enum Intercept {
    Native(NativeContract),
    Stylus,
}

/// The caller-side view of a running intercepted frame, needed to issue sub-calls.
#[derive(Clone, Debug)]
pub struct FrameCtx {
    /// Storage context (ADDRESS).
    pub address: Address,
    /// msg.sender of the frame.
    pub caller: Address,
    /// msg.value of the frame.
    pub value: U256,
    /// Static context.
    pub is_static: bool,
    /// Call depth of the frame.
    pub depth: usize,
}

/// revm's EVM plus the chain's interception.
pub struct ChainEvm<'a, DB: Database> {
    pub(crate) inner: InnerEvm<DB>,
    pub(crate) extras: TxExtras<'a>,
}

/// Gas constants of EIP-150/2929 call pricing used for sub-calls from native frames.
mod gas {
    pub const COLD_ACCOUNT: u64 = 2_600;
    pub const WARM_ACCOUNT: u64 = 100;
    pub const CALL_VALUE: u64 = 9_000;
    pub const NEW_ACCOUNT: u64 = 25_000;
    pub const STIPEND: u64 = 2_300;
    pub const CREATE: u64 = 32_000;
    pub const INITCODE_WORD: u64 = 2;
    pub const KECCAK_WORD: u64 = 6;
}

/// All but one 64th (EIP-150).
fn all_but_one_64th(gas: u64) -> u64 {
    gas - gas / 64
}

impl<'a, DB: Database> ChainEvm<'a, DB> {
    /// Builds an EVM over `db` for one transaction or call.
    pub fn new(
        db: DB,
        block: BlockEnv,
        cfg: CfgEnv,
        tx: TxEnv,
        settings: ExecSettings<'a>,
    ) -> Self {
        let ctx = ChainCtx::<DB>::new(db, SPEC)
            .with_block(block)
            .with_cfg(cfg)
            .modify_tx_chained(|t| *t = tx);
        let inner = Evm::new(
            ctx,
            EthInstructions::new_mainnet_with_spec(SPEC),
            ChainPrecompiles::new(SPEC),
        );
        ChainEvm {
            inner,
            extras: TxExtras {
                params: settings.params,
                programs: settings.programs,
                open_frames: HashMap::new(),
                pages_open: 0,
                pages_ever: 0,
            },
        }
    }

    /// Executes the configured transaction; returns the result and the state changes (not
    /// committed anywhere: the caller decides).
    pub fn transact(mut self) -> Result<(ExecutionResult, EvmState), EVMError<DB::Error>> {
        let mut handler = MainnetHandler::<Self, EVMError<DB::Error>, EthFrame>::default();
        let result = handler.run(&mut self)?;
        let state = self.inner.ctx.journal_mut().finalize();
        Ok((result, state))
    }

    /// Chooses the interception for a call frame, if any.
    fn intercept(inputs: &CallInputs) -> Option<Intercept> {
        if let Some(native) = NativeContract::at(inputs.bytecode_address) {
            return Some(Intercept::Native(native));
        }
        rt::is_stylus_code(inputs.known_bytecode.1.original_byte_slice())
            .then_some(Intercept::Stylus)
    }

    /// Runs an intercepted call frame the way revm runs a precompile: depth check, checkpoint,
    /// value transfer, body, then commit on success or revert otherwise.
    fn run_intercepted(
        &mut self,
        kind: Intercept,
        inputs: Box<CallInputs>,
        depth: usize,
        memory: SharedMemory,
    ) -> Result<FrameResult, DbError<DB>> {
        let gas = Gas::new_with_regular_gas_and_reservoir(inputs.gas_limit, inputs.reservoir);
        let early = |result: InstructionResult| InterpreterResult::new(result, Bytes::new(), gas);
        let result = if depth > CALL_STACK_LIMIT {
            early(InstructionResult::CallTooDeep)
        } else {
            let checkpoint = self.inner.ctx.journal_mut().checkpoint();
            let transfer_error = match inputs.value {
                CallValue::Transfer(value) => self.inner.ctx.journal_mut().transfer_loaded(
                    inputs.caller,
                    inputs.target_address,
                    value,
                ),
                CallValue::Apparent(_) => None,
            };
            let result = match transfer_error {
                Some(error) => early(error.into()),
                None => match kind {
                    Intercept::Native(native) => {
                        precompiles::run(self, native, &inputs, depth, memory)?
                    }
                    Intercept::Stylus => stylus::run_frame(self, &inputs, depth, memory)?,
                },
            };
            if result.result.is_ok() {
                self.inner.ctx.journal_mut().checkpoint_commit();
            } else {
                self.inner.ctx.journal_mut().checkpoint_revert(checkpoint);
            }
            result
        };
        let mut outcome = CallOutcome::new(result, inputs.return_memory_offset.clone());
        outcome.charged_new_account_state_gas = inputs.charged_new_account_state_gas;
        Ok(FrameResult::Call(outcome))
    }

    /// Runs a call or create to completion on a fresh frame stack.
    pub(crate) fn run_nested(
        &mut self,
        frame_input: FrameInput,
        depth: usize,
        memory: SharedMemory,
    ) -> Result<FrameResult, DbError<DB>> {
        let saved = std::mem::replace(&mut self.inner.frame_stack, FrameStack::new_prealloc(4));
        let result = self.exec_loop(FrameInit {
            depth,
            memory,
            frame_input,
        });
        self.inner.frame_stack = saved;
        result
    }

    /// The frame loop (same shape as revm's handler loop, on `self`'s interception).
    fn exec_loop(&mut self, init: FrameInit) -> Result<FrameResult, DbError<DB>> {
        if let ItemOrResult::Result(result) = self.frame_init(init)? {
            return Ok(result);
        }
        loop {
            let result = match self.frame_run()? {
                ItemOrResult::Item(init) => match self.frame_init(init)? {
                    ItemOrResult::Item(_) => continue,
                    ItemOrResult::Result(result) => result,
                },
                ItemOrResult::Result(result) => result,
            };
            if let Some(result) = self.frame_return_result(result)? {
                return Ok(result);
            }
        }
    }

    /// CALL / DELEGATECALL / STATICCALL issued by an intercepted frame, priced like the EVM
    /// opcode (EIP-2929 access, value and new-account surcharges, 63/64 rule, stipend).
    /// The second value is the callee's gas refund (to be credited on success).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn sub_call(
        &mut self,
        frame: &FrameCtx,
        memory: &mut SharedMemory,
        kind: CallKind,
        to: Address,
        input: &[u8],
        value: U256,
        gas_left: u64,
        gas_req: u64,
    ) -> Result<(SubcallResult, i64), DbError<DB>> {
        let fail = |gas_cost| SubcallResult {
            success: false,
            output: Bytes::new(),
            gas_cost,
        };
        let transfers = kind == CallKind::Call && !value.is_zero();
        if transfers && frame.is_static {
            return Ok((fail(gas_left), 0));
        }
        let account = self.inner.ctx.journal_mut().load_account_with_code(to)?;
        let mut cost = if account.is_cold {
            gas::COLD_ACCOUNT
        } else {
            gas::WARM_ACCOUNT
        };
        if transfers {
            cost += gas::CALL_VALUE;
            if account.is_empty() {
                cost += gas::NEW_ACCOUNT;
            }
        }
        let known_bytecode = (
            account.info.code_hash(),
            account.info.code.clone().unwrap_or_default(),
        );
        let Some(available) = gas_left.checked_sub(cost) else {
            return Ok((fail(gas_left), 0));
        };
        let forwarded = gas_req.min(all_but_one_64th(available));
        let stipend = if transfers { gas::STIPEND } else { 0 };
        let (target, caller, call_value, scheme, is_static) = match kind {
            CallKind::Call => (
                to,
                frame.address,
                CallValue::Transfer(value),
                CallScheme::Call,
                frame.is_static,
            ),
            CallKind::Static => (
                to,
                frame.address,
                CallValue::Transfer(U256::ZERO),
                CallScheme::StaticCall,
                true,
            ),
            CallKind::Delegate => (
                frame.address,
                frame.caller,
                CallValue::Apparent(frame.value),
                CallScheme::DelegateCall,
                frame.is_static,
            ),
        };
        let inputs = CallInputs {
            input: CallInput::Bytes(Bytes::copy_from_slice(input)),
            return_memory_offset: 0..0,
            gas_limit: forwarded + stipend,
            reservoir: 0,
            bytecode_address: to,
            known_bytecode,
            target_address: target,
            caller,
            value: call_value,
            scheme,
            is_static,
            charged_new_account_state_gas: false,
        };
        let child_memory = memory.new_child_context();
        let result = self.run_nested(
            FrameInput::Call(Box::new(inputs)),
            frame.depth + 1,
            child_memory,
        );
        memory.free_child_context();
        let FrameResult::Call(outcome) = result? else {
            return Ok((fail(cost + forwarded), 0));
        };
        let (success, output, returned, refund) = settle(outcome.result);
        let gas_cost = (cost + forwarded).saturating_sub(returned);
        Ok((
            SubcallResult {
                success,
                output,
                gas_cost,
            },
            refund,
        ))
    }

    /// CREATE / CREATE2 issued by an intercepted frame, priced like the EVM opcodes.
    pub(crate) fn sub_create(
        &mut self,
        frame: &FrameCtx,
        memory: &mut SharedMemory,
        code: &[u8],
        endowment: U256,
        salt: Option<B256>,
        gas_left: u64,
    ) -> Result<(CreateResult, i64), DbError<DB>> {
        let fail = |gas_cost| CreateResult {
            address: None,
            output: Bytes::new(),
            gas_cost,
        };
        if frame.is_static || code.len() > self.inner.ctx.cfg.max_initcode_size() {
            return Ok((fail(gas_left), 0));
        }
        let words = (code.len() as u64).div_ceil(32);
        let hashing = if salt.is_some() {
            gas::KECCAK_WORD * words
        } else {
            0
        };
        let cost = gas::CREATE + gas::INITCODE_WORD * words + hashing;
        let Some(available) = gas_left.checked_sub(cost) else {
            return Ok((fail(gas_left), 0));
        };
        let forwarded = all_but_one_64th(available);
        let scheme = match salt {
            Some(salt) => CreateScheme::Create2 { salt: salt.into() },
            None => CreateScheme::Create,
        };
        let inputs = CreateInputs::new(
            frame.address,
            scheme,
            endowment,
            Bytes::copy_from_slice(code),
            forwarded,
            0,
        );
        let child_memory = memory.new_child_context();
        let result = self.run_nested(
            FrameInput::Create(Box::new(inputs)),
            frame.depth + 1,
            child_memory,
        );
        memory.free_child_context();
        let FrameResult::Create(outcome) = result? else {
            return Ok((fail(cost + forwarded), 0));
        };
        let address = outcome.address.filter(|_| outcome.result.result.is_ok());
        let (_, output, returned, refund) = settle(outcome.result);
        let output = if address.is_some() {
            Bytes::new()
        } else {
            output
        };
        Ok((
            CreateResult {
                address,
                output,
                gas_cost: (cost + forwarded).saturating_sub(returned),
            },
            refund,
        ))
    }
}

/// Splits a finished child frame into (success, output, gas returned to the caller, refund).
fn settle(result: InterpreterResult) -> (bool, Bytes, u64, i64) {
    let success = result.result.is_ok();
    if result.result.is_ok_or_revert() {
        let refund = if success { result.gas.refunded() } else { 0 };
        (success, result.output, result.gas.remaining(), refund)
    } else {
        (false, Bytes::new(), 0, 0)
    }
}

/// The address whose open-frame count a frame contributes to (none for DELEGATECALL/CALLCODE).
fn counted_address(frame: &EthFrame) -> Option<Address> {
    match (&frame.data, &frame.input) {
        (FrameData::Create(create), _) => Some(create.created_address),
        (_, FrameInput::Call(inputs)) => match inputs.scheme {
            CallScheme::Call | CallScheme::StaticCall => Some(inputs.target_address),
            CallScheme::DelegateCall | CallScheme::CallCode => None,
        },
        _ => None,
    }
}

/// Whether deployed code may start with 0xEF: only the Stylus prefixes EF F0 00/01/02.
fn deployable_code(code: &[u8]) -> bool {
    match code {
        [0xEF, rest @ ..] => matches!(rest, [0xF0, 0x00..=0x02, ..]),
        _ => true,
    }
}

impl<DB: Database> EvmTr for ChainEvm<'_, DB> {
    type Context = ChainCtx<DB>;
    type Instructions = Instructions<DB>;
    type Precompiles = ChainPrecompiles;
    type Frame = EthFrame;

    fn all(
        &self,
    ) -> (
        &Self::Context,
        &Self::Instructions,
        &Self::Precompiles,
        &FrameStack<Self::Frame>,
    ) {
        self.inner.all()
    }

    fn all_mut(
        &mut self,
    ) -> (
        &mut Self::Context,
        &mut Self::Instructions,
        &mut Self::Precompiles,
        &mut FrameStack<Self::Frame>,
    ) {
        self.inner.all_mut()
    }

    fn frame_init(
        &mut self,
        frame_input: <Self::Frame as FrameTr>::FrameInit,
    ) -> Result<FrameInitResult<'_, Self::Frame>, DbError<DB>> {
        let FrameInit {
            depth,
            memory,
            frame_input,
        } = frame_input;
        let frame_input = match frame_input {
            FrameInput::Call(inputs) => match Self::intercept(&inputs) {
                Some(kind) => {
                    let result = self.run_intercepted(kind, inputs, depth, memory)?;
                    return Ok(ItemOrResult::Result(result));
                }
                None => FrameInput::Call(inputs),
            },
            other => other,
        };
        let extras = &mut self.extras;
        let init = FrameInit {
            depth,
            memory,
            frame_input,
        };
        match self.inner.frame_init(init)? {
            ItemOrResult::Item(frame) => {
                if let Some(address) = counted_address(frame) {
                    extras.open_frame(address);
                }
                Ok(ItemOrResult::Item(frame))
            }
            ItemOrResult::Result(result) => Ok(ItemOrResult::Result(result)),
        }
    }

    fn frame_run(&mut self) -> Result<FrameInitOrResult<Self::Frame>, DbError<DB>> {
        let frame = self.inner.frame_stack.get();
        let context = &mut self.inner.ctx;
        let instructions = &mut self.inner.instruction;
        let mut action = frame.interpreter.run_plain(
            instructions.instruction_table(),
            instructions.gas_table(),
            context,
        );
        // revm's EIP-3541 check is disabled (optional_eip3541) so Stylus code can be deployed;
        // re-impose it for every other 0xEF-prefixed code.
        if let (FrameData::Create(_), InterpreterAction::Return(result)) =
            (&frame.data, &mut action)
        {
            if result.result.is_ok() && !deployable_code(&result.output) {
                result.result = InstructionResult::CreateContractStartingWithEF;
                result.gas.spend_all();
            }
        }
        frame.process_next_action(context, action).inspect(|i| {
            if i.is_result() {
                frame.set_finished(true);
            }
        })
    }

    fn frame_return_result(
        &mut self,
        result: <Self::Frame as FrameTr>::FrameResult,
    ) -> Result<Option<<Self::Frame as FrameTr>::FrameResult>, DbError<DB>> {
        if self.inner.frame_stack.index().is_some() {
            let frame = self.inner.frame_stack.get();
            if frame.is_finished() {
                if let Some(address) = counted_address(frame) {
                    self.extras.close_frame(address);
                }
            }
        }
        self.inner.frame_return_result(result)
    }
}

#[cfg(test)]
mod tests {
    use super::deployable_code;

    #[test]
    fn only_stylus_prefixes_may_start_with_ef() {
        assert!(deployable_code(&[]));
        assert!(deployable_code(&[0x60, 0x00]));
        assert!(deployable_code(&[0xEF, 0xF0, 0x00, 0x00]));
        assert!(deployable_code(&[0xEF, 0xF0, 0x01]));
        assert!(deployable_code(&[0xEF, 0xF0, 0x02, 0x00]));
        assert!(!deployable_code(&[0xEF]));
        assert!(!deployable_code(&[0xEF, 0xF0, 0x03]));
        assert!(!deployable_code(&[0xEF, 0x00, 0x01]));
    }
}
