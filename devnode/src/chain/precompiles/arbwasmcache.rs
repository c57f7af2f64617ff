//! ArbWasmCache (0x72): marks activated programs as cached, so their calls skip the init gas
//! (spec §2.5). The flag lives in the activation record, so it is journaled with it.

use alloy::sol_types::{SolCall, SolEvent, SolInterface};
use alloy_primitives::{Address, Bytes, Log, B256, U256};
use revm::{context::ContextTr, context::JournalTr, context_interface::Database};

use super::arbwasm::{codehash_of, words, IArbWasm};
use super::{Exit, NativeCall, ARB_WASM_CACHE, CHAIN_OWNER, STORAGE_READ_GAS, STORAGE_WRITE_GAS};
use crate::chain::exec::{ChainEvm, DbError};
use crate::chain::stylus::{self, ProgramStatus};

alloy::sol! {
    /// The ArbWasmCache precompile interface (selectors and event as Nitro defines them).
    interface IArbWasmCache {
        function isCacheManager(address manager) external view returns (bool);
        function allCacheManagers() external view returns (address[] memory managers);
        function cacheCodehash(bytes32 codehash) external;
        function cacheProgram(address addr) external;
        function evictCodehash(bytes32 codehash) external;
        function codehashIsCached(bytes32 codehash) external view returns (bool);

        event UpdateProgramCache(address indexed manager, bytes32 indexed codehash, bool cached);
    }
}

/// Cost of the `UpdateProgramCache` log: LOG3 with one data word.
const EVENT_GAS: u64 = 375 + 3 * 375 + 8 * 32;

/// Runs an ArbWasmCache call.
pub(crate) fn run<DB: Database>(
    evm: &mut ChainEvm<'_, DB>,
    call: &mut NativeCall,
) -> Result<Exit, DbError<DB>> {
    use IArbWasmCache::IArbWasmCacheCalls as C;
    let Ok(decoded) = C::abi_decode(&call.input) else {
        return Ok(Exit::Revert(Bytes::new()));
    };
    Ok(match decoded {
        // The devnode has no cache managers: the chain owner manages the cache.
        C::isCacheManager(_) => words([U256::ZERO]),
        C::allCacheManagers(_) => Exit::Return(
            IArbWasmCache::allCacheManagersCall::abi_encode_returns(&Vec::<Address>::new()).into(),
        ),
        // Nitro only serves `cacheCodehash` up to ArbOS 30 (replaced by `cacheProgram`).
        C::cacheCodehash(_) => Exit::Revert(Bytes::new()),
        C::cacheProgram(c) => {
            let codehash = codehash_of(evm, c.addr)?;
            set_cached(evm, call, codehash, true)?
        }
        C::evictCodehash(c) => set_cached(evm, call, c.codehash, false)?,
        C::codehashIsCached(c) => {
            if !call.charge(STORAGE_READ_GAS) {
                return Ok(Exit::OutOfGas);
            }
            let cached = stylus::load_record(evm, c.codehash)?.is_some_and(|r| r.cached);
            words([U256::from(cached)])
        }
    })
}

/// Whether `caller` may cache and evict: a cache manager (none on the devnode) or the chain
/// owner.
fn may_manage_cache(caller: Address) -> bool {
    caller == CHAIN_OWNER
}

/// Caches or evicts `codehash` with Nitro's rules: unauthorised callers lose all their gas;
/// caching needs a current, unexpired activation; a no-op change succeeds silently; otherwise
/// the event is emitted, the program's init cost is burned and the record updated.
fn set_cached<DB: Database>(
    evm: &mut ChainEvm<'_, DB>,
    call: &mut NativeCall,
    codehash: B256,
    cache: bool,
) -> Result<Exit, DbError<DB>> {
    use IArbWasm::{ProgramExpired, ProgramNeedsUpgrade};
    if call.frame.is_static {
        return Ok(Exit::Revert(Bytes::new()));
    }
    if !may_manage_cache(call.frame.caller) {
        return Ok(Exit::OutOfGas);
    }
    if !call.charge(STORAGE_READ_GAS) {
        return Ok(Exit::OutOfGas);
    }
    let version = evm.extras.params.version;
    let record = stylus::load_record(evm, codehash)?;
    if cache {
        match stylus::program_status(record, version, stylus::now(evm)) {
            ProgramStatus::Active(_) => {}
            // Nitro reports a missing activation as an upgrade from version 0.
            ProgramStatus::NotActivated => {
                return Ok(Exit::error(ProgramNeedsUpgrade {
                    version: 0,
                    stylusVersion: version,
                }))
            }
            ProgramStatus::NeedsUpgrade { have, want } => {
                return Ok(Exit::error(ProgramNeedsUpgrade {
                    version: have,
                    stylusVersion: want,
                }))
            }
            ProgramStatus::Expired { age } => {
                return Ok(Exit::error(ProgramExpired { ageInSeconds: age }))
            }
        }
    }
    let Some(record) = record.filter(|r| r.cached != cache) else {
        return Ok(Exit::Return(Bytes::new()));
    };
    let cost = EVENT_GAS + u64::from(record.init_cost) + STORAGE_WRITE_GAS;
    if !call.charge(cost) {
        return Ok(Exit::OutOfGas);
    }
    let event = IArbWasmCache::UpdateProgramCache {
        manager: call.frame.caller,
        codehash,
        cached: cache,
    };
    evm.inner.ctx.journal_mut().log(Log {
        address: ARB_WASM_CACHE,
        data: event.encode_log_data(),
    });
    let updated = stylus::ActivationRecord {
        cached: cache,
        ..record
    };
    stylus::store_record(evm, codehash, updated)?;
    Ok(Exit::Return(Bytes::new()))
}

#[cfg(test)]
mod tests {
    use super::IArbWasmCache::*;
    use alloy::sol_types::{SolCall, SolEvent};
    use alloy_primitives::{b256, hex};

    #[test]
    fn selectors_match_nitro() {
        assert_eq!(isCacheManagerCall::SELECTOR, hex!("85e2de85"));
        assert_eq!(allCacheManagersCall::SELECTOR, hex!("0ec1d773"));
        assert_eq!(cacheCodehashCall::SELECTOR, hex!("4ceac817"));
        assert_eq!(cacheProgramCall::SELECTOR, hex!("e73ac9f2"));
        assert_eq!(evictCodehashCall::SELECTOR, hex!("ce972013"));
        assert_eq!(codehashIsCachedCall::SELECTOR, hex!("a72f179b"));
        assert_eq!(
            UpdateProgramCache::SIGNATURE_HASH,
            b256!("1bfaa29b4618e78f5b398027d530826dbb266dc976a5067f67fdad15434ecfab")
        );
    }
}
