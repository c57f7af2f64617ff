//! The small ArbOS precompiles: ArbSys (0x64), ArbOwnerPublic (0x6b), ArbGasInfo (0x6c).

use alloy::sol_types::SolInterface;
use alloy_primitives::{Bytes, U256};
use revm::context::{ContextTr, JournalTr};
use revm::context_interface::Database;

use super::arbwasm::words;
use super::{Exit, NativeCall, CHAIN_OWNER};
use crate::chain::exec::ChainEvm;

alloy::sol! {
    interface IArbSys {
        function arbBlockNumber() external view returns (uint256);
        function arbBlockHash(uint256 arbBlockNum) external view returns (bytes32);
        function arbChainID() external view returns (uint256);
        function arbOSVersion() external view returns (uint256);
        function getStorageGasAvailable() external view returns (uint256);
        function isTopLevelCall() external view returns (bool);
        function wasMyCallersAddressAliased() external view returns (bool);
        function myCallersAddressWithoutAliasing() external view returns (address);
    }

    interface IArbOwnerPublic {
        function getMaxStylusContractFragments() external view returns (uint8);
        function isChainOwner(address addr) external view returns (bool);
        function getNetworkFeeAccount() external view returns (address);
        function getInfraFeeAccount() external view returns (address);
    }

    interface IArbGasInfo {
        function getMinimumGasPrice() external view returns (uint256);
        function getL1BaseFeeEstimate() external view returns (uint256);
        function getL1GasPriceEstimate() external view returns (uint256);
        function getCurrentTxL1GasFees() external view returns (uint256);
        function getGasBacklog() external view returns (uint64);
        function getPricesInWei() external view returns (uint256, uint256, uint256, uint256, uint256, uint256);
        function getPricesInArbGas() external view returns (uint256, uint256, uint256);
    }
}

/// Nitro reports `arbOSVersion()` as 55 + the ArbOS version.
const ARBOS_VERSION_OFFSET: u64 = 55;

/// ArbSys: block number, chain id and ArbOS version of the devnode.
pub(crate) fn arb_sys<DB: Database>(evm: &mut ChainEvm<'_, DB>, call: &NativeCall) -> Exit {
    use IArbSys::IArbSysCalls as C;
    let number = evm.inner.ctx.block.number;
    let chain_id = evm.inner.ctx.cfg.chain_id;
    let Ok(decoded) = C::abi_decode(&call.input) else {
        return Exit::Revert(Bytes::new());
    };
    match decoded {
        C::arbBlockNumber(_) => words([number]),
        C::arbBlockHash(c) => {
            // Only the 256 most recent blocks are available, like BLOCKHASH.
            if c.arbBlockNum >= number || number - c.arbBlockNum > U256::from(256) {
                return Exit::Revert(Bytes::new());
            }
            let wanted = c.arbBlockNum.saturating_to();
            match evm.inner.ctx.journal_mut().db_mut().block_hash(wanted) {
                Ok(hash) => words([hash.into()]),
                Err(_) => Exit::Revert(Bytes::new()),
            }
        }
        C::arbChainID(_) => words([U256::from(chain_id)]),
        C::arbOSVersion(_) => words([U256::from(
            ARBOS_VERSION_OFFSET + evm.extras.params.arbos_version,
        )]),
        C::getStorageGasAvailable(_) => words([U256::ZERO]),
        C::isTopLevelCall(_) => words([U256::from(call.frame.depth <= 1)]),
        C::wasMyCallersAddressAliased(_) => words([U256::ZERO]),
        C::myCallersAddressWithoutAliasing(_) => words([call.frame.caller.into_word().into()]),
    }
}

/// ArbOwnerPublic: no fragments (classic single-contract programs only); the dev account owns
/// the chain.
pub(crate) fn arb_owner_public(call: &NativeCall) -> Exit {
    use IArbOwnerPublic::IArbOwnerPublicCalls as C;
    match C::abi_decode(&call.input) {
        Ok(C::getMaxStylusContractFragments(_)) => words([U256::ZERO]),
        Ok(C::isChainOwner(c)) => words([U256::from(c.addr == CHAIN_OWNER)]),
        Ok(C::getNetworkFeeAccount(_)) | Ok(C::getInfraFeeAccount(_)) => words([U256::ZERO]),
        Err(_) => Exit::Revert(Bytes::new()),
    }
}

/// ArbGasInfo: L2 price = base fee, no L1 component.
pub(crate) fn arb_gas_info<DB: Database>(evm: &ChainEvm<'_, DB>, call: &NativeCall) -> Exit {
    use IArbGasInfo::IArbGasInfoCalls as C;
    let basefee = U256::from(evm.inner.ctx.block.basefee);
    let zero = U256::ZERO;
    match C::abi_decode(&call.input) {
        Ok(C::getMinimumGasPrice(_)) => words([basefee]),
        Ok(C::getL1BaseFeeEstimate(_))
        | Ok(C::getL1GasPriceEstimate(_))
        | Ok(C::getCurrentTxL1GasFees(_))
        | Ok(C::getGasBacklog(_)) => words([zero]),
        Ok(C::getPricesInWei(_)) => words([zero, zero, zero, basefee, zero, basefee]),
        Ok(C::getPricesInArbGas(_)) => words([zero, zero, zero]),
        Err(_) => Exit::Revert(Bytes::new()),
    }
}
