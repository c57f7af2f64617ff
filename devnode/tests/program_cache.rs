//! ArbWasmCache (0x72) over JSON-RPC: the chain owner caches and evicts an activated program,
//! and a call's gas drops by exactly the uncached init gas (`programInitGas` reports both);
//! other callers lose their gas, unactivated programs cannot be cached, and
//! `codehashIsCached` follows the flag. Also ArbWasm's `codehashKeepalive`, which restarts a
//! program's expiry clock.

mod support;

use std::str::FromStr;

use alloy::network::EthereumWallet;
use alloy::providers::{Provider, ProviderBuilder};
use alloy::rpc::types::{TransactionReceipt, TransactionRequest};
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::{SolCall, SolError, SolEvent};
use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use serde_json::{json, Value};
use stylus_devnode::chain::genesis::EXTRA_PRIVATE_KEYS;
use stylus_devnode::chain::precompiles::{IArbWasm, IArbWasmCache, ARB_WASM, ARB_WASM_CACHE};
use stylus_devnode::DEV_ADDRESS;
use support::stylus::*;
use support::*;

/// Echoes its calldata; `$tag` only makes the code (and codehash) distinct.
fn echo_program(tag: i32) -> String {
    format!(
        r#"(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (memory (export "memory") 1 1)
  (global $tag i32 (i32.const {tag}))
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 0))
    (call $write_result (i32.const 0) (local.get $len))
    (i32.const 0)))"#
    )
}

/// Calldata of every measured call: short, so the EIP-7623 calldata floor never applies and
/// `gasUsed` moves one for one with the entry cost.
const CALLDATA: &[u8] = b"gas?";

async fn deploy_activated(p: &impl Provider, tag: i32) -> (Address, B256) {
    let code = stylus_code(&echo_program(tag));
    let program = deploy_program(p, &code).await;
    activate(p, program).await;
    (program, keccak256(&code))
}

async fn is_cached(p: &impl Provider, codehash: B256) -> bool {
    let input = IArbWasmCache::codehashIsCachedCall { codehash }.abi_encode();
    let out = call_bytes(p, ARB_WASM_CACHE, input.into()).await;
    IArbWasmCache::codehashIsCachedCall::abi_decode_returns(&out).expect("bool")
}

/// `programInitGas`: (gas of an uncached call, gas of a cached call).
async fn init_gas(p: &impl Provider, program: Address) -> (u64, u64) {
    let input = IArbWasm::programInitGasCall { program }.abi_encode();
    let out = call_bytes(p, ARB_WASM, input.into()).await;
    let gas = IArbWasm::programInitGasCall::abi_decode_returns(&out).expect("two words");
    (gas.gas, gas.gasWhenCached)
}

/// Gas used by a transaction calling the program with [`CALLDATA`].
async fn call_gas(p: &impl Provider, program: Address) -> u64 {
    let receipt = transact(p, program, Bytes::from_static(CALLDATA), U256::ZERO).await;
    assert!(receipt.status(), "program call failed");
    receipt.gas_used
}

async fn cache_program(p: &impl Provider, addr: Address) -> TransactionReceipt {
    let input = IArbWasmCache::cacheProgramCall { addr }.abi_encode();
    transact(p, ARB_WASM_CACHE, input.into(), U256::ZERO).await
}

async fn evict(p: &impl Provider, codehash: B256) -> TransactionReceipt {
    let input = IArbWasmCache::evictCodehashCall { codehash }.abi_encode();
    transact(p, ARB_WASM_CACHE, input.into(), U256::ZERO).await
}

/// Checks the single `UpdateProgramCache(manager, codehash, cached)` log of `receipt`.
fn assert_cache_event(receipt: &TransactionReceipt, codehash: B256, cached: bool) {
    let logs = receipt.inner.logs();
    assert_eq!(logs.len(), 1);
    let log = &logs[0];
    assert_eq!(log.address(), ARB_WASM_CACHE);
    let topics = log.topics();
    assert_eq!(topics[0], IArbWasmCache::UpdateProgramCache::SIGNATURE_HASH);
    assert_eq!(topics[1], DEV_ADDRESS.into_word());
    assert_eq!(topics[2], codehash);
    assert_eq!(
        log.data().data.as_ref(),
        U256::from(cached).to_be_bytes::<32>()
    );
}

/// `eth_call` to the cache precompile from `from`; returns the JSON-RPC response.
fn raw_call(url: &str, from: Address, input: Vec<u8>) -> Value {
    rpc(
        url,
        "eth_call",
        json!([{"from": from, "to": ARB_WASM_CACHE, "data": Bytes::from(input)}]),
    )
}

#[tokio::test]
async fn caching_removes_exactly_the_init_gas_and_eviction_restores_it() {
    let node = stylus_devnode::spawn_local().expect("devnode");
    let p = provider(&node.url());
    let (program, codehash) = deploy_activated(&p, 1).await;
    let (uncached_init, cached_init) = init_gas(&p, program).await;
    // Spec §2.5: a cached call still pays at least the 352-gas minimum; an uncached one also
    // pays at least the 8,832-gas minimum init gas.
    assert!(cached_init >= 352, "cached init gas {cached_init}");
    assert!(
        uncached_init >= cached_init + 8_832,
        "init gas {uncached_init}"
    );
    assert!(!is_cached(&p, codehash).await);

    let uncached = call_gas(&p, program).await;
    assert_eq!(
        call_gas(&p, program).await,
        uncached,
        "calls are repeatable"
    );

    let receipt = cache_program(&p, program).await;
    assert!(receipt.status());
    assert_cache_event(&receipt, codehash, true);
    assert!(is_cached(&p, codehash).await);
    let cached = call_gas(&p, program).await;
    assert_eq!(uncached - cached, uncached_init - cached_init);
    // programInitGas reports both figures whatever the cache state.
    assert_eq!(init_gas(&p, program).await, (uncached_init, cached_init));

    // Caching again changes nothing and emits nothing.
    let again = cache_program(&p, program).await;
    assert!(again.status());
    assert!(again.inner.logs().is_empty());

    let receipt = evict(&p, codehash).await;
    assert!(receipt.status());
    assert_cache_event(&receipt, codehash, false);
    assert!(!is_cached(&p, codehash).await);
    assert_eq!(call_gas(&p, program).await, uncached);
}

#[tokio::test]
async fn the_cache_flag_belongs_to_the_codehash() {
    let node = stylus_devnode::spawn_local().expect("devnode");
    let p = provider(&node.url());
    let code = stylus_code(&echo_program(2));
    let first = deploy_program(&p, &code).await;
    let twin = deploy_program(&p, &code).await;
    activate(&p, first).await;
    let uncached = call_gas(&p, twin).await;
    assert!(cache_program(&p, first).await.status());
    // The twin shares the codehash (and so the activation record): it is cached too.
    let (init, cached_init) = init_gas(&p, twin).await;
    assert_eq!(uncached - call_gas(&p, twin).await, init - cached_init);
}

#[tokio::test]
async fn only_the_chain_owner_may_cache_and_only_activated_programs() {
    let node = stylus_devnode::spawn_local().expect("devnode");
    let url = node.url();
    let p = provider(&url);
    let (program, codehash) = deploy_activated(&p, 3).await;

    // Nitro burns all the gas of callers that are neither cache managers nor the chain owner.
    let stranger = PrivateKeySigner::from_str(EXTRA_PRIVATE_KEYS[0]).expect("key");
    let stranger_address = stranger.address();
    let other = ProviderBuilder::new()
        .wallet(EthereumWallet::from(stranger))
        .connect_http(url.parse().expect("url"));
    let input = IArbWasmCache::cacheProgramCall { addr: program }.abi_encode();
    let tx = TransactionRequest::default()
        .to(ARB_WASM_CACHE)
        .input(Bytes::from(input.clone()).into())
        .gas_limit(100_000);
    let refused = send(&other, tx).await;
    assert!(!refused.status());
    assert_eq!(refused.gas_used, 100_000);
    assert!(!is_cached(&p, codehash).await);
    let evict_input = IArbWasmCache::evictCodehashCall { codehash }.abi_encode();
    assert!(cache_program(&p, program).await.status());
    let response = raw_call(&url, stranger_address, evict_input);
    assert!(response["error"].is_object(), "{response}");
    assert!(is_cached(&p, codehash).await);

    // The devnode has no cache managers; the dev account owns the chain.
    let managers = IArbWasmCache::allCacheManagersCall {}.abi_encode();
    let out = call_bytes(&p, ARB_WASM_CACHE, managers.into()).await;
    let managers = IArbWasmCache::allCacheManagersCall::abi_decode_returns(&out).expect("list");
    assert!(managers.is_empty());
    let manager = IArbWasmCache::isCacheManagerCall {
        manager: DEV_ADDRESS,
    };
    let out = call_bytes(&p, ARB_WASM_CACHE, manager.abi_encode().into()).await;
    assert_eq!(U256::from_be_slice(&out), U256::ZERO);
    let owner_selector = &keccak256("isChainOwner(address)")[..4];
    let is_owner = |who: Address| [owner_selector, &who.into_word()[..]].concat();
    let arb_owner_public = Address::with_last_byte(0x6b);
    let out = call_bytes(&p, arb_owner_public, is_owner(DEV_ADDRESS).into()).await;
    assert_eq!(U256::from_be_slice(&out), U256::from(1));
    let out = call_bytes(&p, arb_owner_public, is_owner(stranger_address).into()).await;
    assert_eq!(U256::from_be_slice(&out), U256::ZERO);

    // Caching an unactivated program fails like Nitro: ProgramNeedsUpgrade(0, 2).
    let inactive = deploy_program(&p, &stylus_code(&echo_program(4))).await;
    let input = IArbWasmCache::cacheProgramCall { addr: inactive }.abi_encode();
    let response = raw_call(&url, DEV_ADDRESS, input);
    let want = IArbWasm::ProgramNeedsUpgrade {
        version: 0,
        stylusVersion: 2,
    };
    assert_eq!(response["error"]["code"], json!(3));
    assert_eq!(
        response["error"]["data"],
        json!(Bytes::from(want.abi_encode()))
    );
    // Evicting what is not cached is a no-op, and the deprecated `cacheCodehash` (ArbOS 30
    // only) reverts.
    let inactive_hash = keccak256(p.get_code_at(inactive).await.expect("code"));
    let receipt = evict(&p, inactive_hash).await;
    assert!(receipt.status());
    assert!(receipt.inner.logs().is_empty());
    let deprecated = IArbWasmCache::cacheCodehashCall { codehash }.abi_encode();
    let response = raw_call(&url, DEV_ADDRESS, deprecated);
    assert_eq!(response["error"]["code"], json!(3));
}

#[tokio::test]
async fn keepalive_restarts_the_expiry_clock_after_keepalive_days() {
    const DAY: u64 = 86_400;
    let node = stylus_devnode::spawn_local().expect("devnode");
    let url = node.url();
    let p = provider(&url);
    let (program, codehash) = deploy_activated(&p, 5).await;
    let fee = data_fee_of(&p, program).await;
    let keepalive = IArbWasm::codehashKeepaliveCall { codehash }.abi_encode();
    let attempt = |value: U256| {
        rpc(
            &url,
            "eth_call",
            json!([{"from": DEV_ADDRESS, "to": ARB_WASM, "data": Bytes::from(keepalive.clone()), "value": value}]),
        )
    };
    let too_soon = attempt(fee);
    let data = too_soon["error"]["data"].as_str().expect("revert data");
    let selector = Bytes::from(IArbWasm::ProgramKeepaliveTooSoon::SELECTOR).to_string();
    assert!(data.starts_with(&selector), "{too_soon}");

    rpc(&url, "evm_increaseTime", json!([32 * DAY]));
    rpc(&url, "evm_mine", json!([]));
    let left = time_left(&p, program).await;
    assert!(left <= 333 * DAY, "time left {left}");
    let short = attempt(fee - U256::from(1));
    let want = IArbWasm::ProgramInsufficientValue {
        have: fee - U256::from(1),
        want: fee,
    };
    assert_eq!(
        short["error"]["data"],
        json!(Bytes::from(want.abi_encode()))
    );

    let before = p.get_balance(DEV_ADDRESS).await.expect("balance");
    let overpay = U256::from(12_345);
    let receipt = transact(&p, ARB_WASM, keepalive.clone().into(), fee + overpay).await;
    assert!(receipt.status());
    let after = p.get_balance(DEV_ADDRESS).await.expect("balance");
    let gas_cost = U256::from(receipt.gas_used) * U256::from(receipt.effective_gas_price);
    assert_eq!(
        before - after,
        fee + gas_cost,
        "excess value must be refunded"
    );
    let log = &receipt.inner.logs()[0];
    assert_eq!(
        log.topics()[0],
        IArbWasm::ProgramLifetimeExtended::SIGNATURE_HASH
    );
    assert_eq!(log.topics()[1], codehash);
    assert_eq!(log.data().data.as_ref(), fee.to_be_bytes::<32>());
    assert!(time_left(&p, program).await >= 364 * DAY);
}

/// The data fee activation charged for `program` (its `asm` size at the minimum price).
async fn data_fee_of(p: &impl Provider, program: Address) -> U256 {
    let codehash = keccak256(p.get_code_at(program).await.expect("code"));
    let input = IArbWasm::codehashAsmSizeCall { codehash }.abi_encode();
    let out = call_bytes(p, ARB_WASM, input.into()).await;
    U256::from_be_slice(&out) * U256::from(82_928_201u64)
}

async fn time_left(p: &impl Provider, program: Address) -> u64 {
    let input = IArbWasm::programTimeLeftCall { program }.abi_encode();
    let out = call_bytes(p, ARB_WASM, input.into()).await;
    U256::from_be_slice(&out).saturating_to()
}

/// The deployable zAMM build (`scripts/build-wasm.sh`), measured when present: caching saves
/// exactly its uncached init gas on a real call.
#[tokio::test]
async fn zamm_calls_save_the_init_gas_when_cached() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/zamm.wasm");
    let Ok(wasm) = std::fs::read(path) else {
        println!("note: {path} not built; skipping the zAMM cache measurement");
        return;
    };
    // The size limit plays no part in call costs; raise it so any build can be measured.
    let config = stylus_devnode::NodeConfig {
        port: 0,
        chain: stylus_devnode::chain::ChainConfig {
            max_code_size: 128 * 1024,
            ..stylus_devnode::NodeConfig::default().chain
        },
        ..Default::default()
    };
    let node = stylus_devnode::spawn(config).expect("devnode");
    let p = provider(&node.url());
    let code = stylus_wasm_code(&wasm);
    let zamm = deploy_program(&p, &code).await;
    activate(&p, zamm).await;
    let (uncached_init, cached_init) = init_gas(&p, zamm).await;
    let balance_of = [&keccak256("balanceOf(address,uint256)")[..4], &[0; 64]].concat();
    let gas_of_call = || transact(&p, zamm, balance_of.clone().into(), U256::ZERO);
    let uncached = gas_of_call().await;
    assert!(uncached.status());
    assert!(cache_program(&p, zamm).await.status());
    let cached = gas_of_call().await;
    assert!(cached.status());
    println!(
        "zAMM ({} bytes compressed): programInitGas = ({uncached_init}, {cached_init}); \
         balanceOf gasUsed uncached {} cached {}",
        code.len(),
        uncached.gas_used,
        cached.gas_used
    );
    assert_eq!(
        uncached.gas_used - cached.gas_used,
        uncached_init - cached_init
    );
}
