//! Genesis helper contracts, implemented natively: the deterministic-deployment CREATE2 factory
//! and StylusDeployer (deploy + activate + initialise in one transaction, as cargo-stylus uses
//! for contracts with constructors).

use alloy::sol_types::{SolCall, SolEvent, SolInterface};
use alloy_primitives::{keccak256, Address, Bytes, Log, B256, U256};
use revm::{
    context::{ContextTr, JournalTr},
    context_interface::Database,
};

use super::arbwasm::IArbWasm;
use super::{Exit, NativeCall, ARB_WASM, STYLUS_DEPLOYER};
use crate::chain::exec::{ChainEvm, DbError};
use crate::chain::stylus::{self, ProgramStatus};

alloy::sol! {
    /// The StylusDeployer interface (nitro-contracts `src/stylus/StylusDeployer.sol`).
    interface IStylusDeployer {
        function deploy(bytes calldata bytecode, bytes calldata initData, uint256 initValue, bytes32 salt) external payable returns (address);
        function requiresActivation(address addr) external view returns (bool);
        event ContractDeployed(address deployedContract);
        error ContractDeploymentError(bytes bytecode);
        error ContractInitializationError(address newContract, bytes data);
        error RefundExcessValueError(uint256 excessValue);
        error EmptyBytecode();
        error InitValueButNotInitData();
        error InsufficientValue(uint256 required, uint256 available);
    }
}

/// The CREATE2 factory: calldata = salt (32 bytes) ++ init code; returns the 20-byte address
/// and reverts when the creation fails.
pub(crate) fn create2_factory<DB: Database>(
    evm: &mut ChainEvm<'_, DB>,
    call: &mut NativeCall,
) -> Result<Exit, DbError<DB>> {
    if call.frame.is_static || call.input.len() < 32 {
        return Ok(Exit::Revert(Bytes::new()));
    }
    let salt = B256::from_slice(&call.input[..32]);
    let code = call.input.slice(32..);
    let value = call.frame.value;
    let created = call.create(evm, &code, value, Some(salt))?;
    Ok(match created.address {
        Some(address) => Exit::Return(Bytes::copy_from_slice(address.as_slice())),
        None if call.gas.remaining() == 0 => Exit::OutOfGas,
        None => Exit::Revert(Bytes::new()),
    })
}

/// StylusDeployer.
pub(crate) fn stylus_deployer<DB: Database>(
    evm: &mut ChainEvm<'_, DB>,
    call: &mut NativeCall,
) -> Result<Exit, DbError<DB>> {
    use IStylusDeployer::IStylusDeployerCalls as C;
    match C::abi_decode(&call.input) {
        Ok(C::deploy(c)) => deploy(evm, call, c),
        Ok(C::requiresActivation(c)) => {
            let codehash = evm
                .inner
                .ctx
                .journal_mut()
                .code_hash(c.addr)
                .map_err(revm::context_interface::ContextError::Db)?
                .data;
            let active = matches!(stylus::status_of(evm, codehash)?, ProgramStatus::Active(_));
            Ok(super::arbwasm::words([U256::from(!active)]))
        }
        Err(_) => Ok(Exit::Revert(Bytes::new())),
    }
}

/// The salt actually used for CREATE2: binds the address to the init call.
pub fn deployer_salt(salt: B256, init_data: &[u8], init_value: U256) -> B256 {
    let mut preimage = Vec::with_capacity(64 + init_data.len());
    preimage.extend_from_slice(salt.as_slice());
    preimage.extend_from_slice(init_data);
    preimage.extend_from_slice(&init_value.to_be_bytes::<32>());
    keccak256(preimage)
}

/// `deploy(bytecode, initData, initValue, salt)`: create, activate if needed (paying
/// `msg.value - initValue`), initialise, refund the rest to the caller, emit ContractDeployed.
fn deploy<DB: Database>(
    evm: &mut ChainEvm<'_, DB>,
    call: &mut NativeCall,
    args: IStylusDeployer::deployCall,
) -> Result<Exit, DbError<DB>> {
    use IStylusDeployer::*;
    if call.frame.is_static {
        return Ok(Exit::Revert(Bytes::new()));
    }
    if args.bytecode.is_empty() {
        return Ok(Exit::error(EmptyBytecode {}));
    }
    if args.initData.is_empty() && !args.initValue.is_zero() {
        return Ok(Exit::error(InitValueButNotInitData {}));
    }
    let available = call.frame.value;
    if args.initValue > available {
        return Ok(Exit::error(InsufficientValue {
            required: args.initValue,
            available,
        }));
    }
    let salt =
        (!args.salt.is_zero()).then(|| deployer_salt(args.salt, &args.initData, args.initValue));
    let created = call.create(evm, &args.bytecode, U256::ZERO, salt)?;
    let Some(program) = created.address else {
        return Ok(Exit::error(ContractDeploymentError {
            bytecode: args.bytecode,
        }));
    };
    let mut spent = args.initValue;
    if needs_activation(evm, program)? {
        let fee_budget = available - args.initValue;
        let activation = IArbWasm::activateProgramCall { program }.abi_encode();
        let activated = call.call(evm, ARB_WASM, &activation, fee_budget)?;
        if !activated.success {
            return Ok(Exit::Revert(activated.output));
        }
        let Ok(ret) = IArbWasm::activateProgramCall::abi_decode_returns(&activated.output) else {
            return Ok(Exit::Revert(Bytes::new()));
        };
        spent += ret.dataFee;
    }
    if !args.initData.is_empty() {
        let init = call.call(evm, program, &args.initData, args.initValue)?;
        if !init.success {
            return Ok(Exit::error(ContractInitializationError {
                newContract: program,
                data: init.output,
            }));
        }
    }
    let excess = available.saturating_sub(spent);
    if !excess.is_zero() {
        let caller = call.frame.caller;
        let refund = call.call(evm, caller, &[], excess)?;
        if !refund.success {
            return Ok(Exit::error(RefundExcessValueError {
                excessValue: excess,
            }));
        }
    }
    emit_deployed(evm, program);
    Ok(Exit::Return(Bytes::copy_from_slice(
        program.into_word().as_slice(),
    )))
}

/// Whether `program`'s code is not yet active at the current Stylus version.
fn needs_activation<DB: Database>(
    evm: &mut ChainEvm<'_, DB>,
    program: Address,
) -> Result<bool, DbError<DB>> {
    let codehash = evm
        .inner
        .ctx
        .journal_mut()
        .code_hash(program)
        .map_err(revm::context_interface::ContextError::Db)?
        .data;
    Ok(!matches!(
        stylus::status_of(evm, codehash)?,
        ProgramStatus::Active(_)
    ))
}

fn emit_deployed<DB: Database>(evm: &mut ChainEvm<'_, DB>, program: Address) {
    let event = IStylusDeployer::ContractDeployed {
        deployedContract: program,
    };
    evm.inner.ctx.journal_mut().log(Log {
        address: STYLUS_DEPLOYER,
        data: event.encode_log_data(),
    });
}

#[cfg(test)]
mod tests {
    use super::IStylusDeployer::*;
    use alloy::sol_types::{SolCall, SolEvent};

    #[test]
    fn deployer_abi_matches_cargo_stylus() {
        assert_eq!(deployCall::SELECTOR, [0xa9, 0xa8, 0xe4, 0xe9]);
        assert_eq!(
            ContractDeployed::SIGNATURE_HASH.to_string(),
            "0x8ffcdc15a283d706d38281f500270d8b5a656918f555de0913d7455e3e6bc1bf"
        );
    }
}
