//! Unit tests for pools (TestVM). Most pools trade zAMM's own coins (ids 1, 2, 3), whose
//! balances and Transfer events make every token movement observable; ETH pools cover the
//! `msg.value` rules; ERC-20 movement itself is covered in `transfer.rs`.

use super::*;
use crate::{
    math::{get_amount_in, get_amount_out, uq_price},
    testing::*,
    Erc6909,
};
use stylus_sdk::alloy_primitives::{address, B256};

const FAR: U256 = U256::MAX;
/// `type(uint112).max`.
const MAX_U112: U256 = U256::from_limbs([u64::MAX, (1 << 48) - 1, 0, 0]);
const HOOK: Address = address!("4444000000000000000000000000000000004444");

fn e18(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64.pow(18))
}

/// Fresh zAMM with coins 1, 2, 3 (each `10^30`) owned by ALICE, logs cleared.
fn with_coins() -> (TestVM, ZAMM) {
    let (vm, mut z) = setup();
    for _ in 0..3 {
        z.create_coin(ALICE, e18(1_000_000_000_000), b"");
    }
    tx(&vm, ALICE, U256::ZERO);
    (vm, z)
}

fn key_of(id0: u64, id1: u64, fee_or_hook: U256) -> PoolKey {
    PoolKey {
        id0: U256::from(id0),
        id1: U256::from(id1),
        token0: ZAMM_ADDR,
        token1: ZAMM_ADDR,
        feeOrHook: fee_or_hook,
    }
}

fn key(fee: u64) -> PoolKey {
    key_of(1, 2, U256::from(fee))
}

/// ETH (token0) against coin 1.
fn eth_key(fee: u64) -> PoolKey {
    PoolKey {
        id0: U256::ZERO,
        id1: U256::from(1),
        token0: Address::ZERO,
        token1: ZAMM_ADDR,
        feeOrHook: U256::from(fee),
    }
}

fn add(z: &mut ZAMM, k: &PoolKey, a0: U256, a1: U256) -> Result<(U256, U256, U256), ZammError> {
    z.add_liquidity(k.clone(), a0, a1, U256::ZERO, U256::ZERO, ALICE, FAR)
}

fn swap_in(
    z: &mut ZAMM,
    k: &PoolKey,
    amount: U256,
    zfo: bool,
    to: Address,
) -> Result<U256, ZammError> {
    z.swap_exact_in(k.clone(), amount, U256::ZERO, zfo, to, FAR)
}

fn swap_out(
    z: &mut ZAMM,
    k: &PoolKey,
    amount: U256,
    zfo: bool,
    to: Address,
) -> Result<U256, ZammError> {
    z.swap_exact_out(k.clone(), amount, U256::MAX, zfo, to, FAR)
}

fn reserves(z: &ZAMM, k: &PoolKey) -> (U256, U256) {
    let (r0, r1, ..) = z.pools(z.pool_id(k));
    (U256::from(r0), U256::from(r1))
}

fn coin_balance(z: &ZAMM, owner: Address, id: u64) -> U256 {
    z.balance_of(owner, U256::from(id))
}

/// Pool with 10e18 coin1 / 40e18 coin2 at fee 30, logs cleared.
fn seeded(fee: u64) -> (TestVM, ZAMM, PoolKey) {
    let (vm, mut z) = with_coins();
    let k = key(fee);
    add(&mut z, &k, e18(10), e18(40)).unwrap();
    tx(&vm, ALICE, U256::ZERO);
    (vm, z, k)
}

fn hook_key(flags: U256) -> PoolKey {
    key_of(1, 2, addr_word(HOOK) | flags)
}

fn flag_before() -> U256 {
    U256::from(1) << 255
}

fn sig_word(sig: [u8; 4]) -> B256 {
    let mut b = [0u8; 32];
    b[..4].copy_from_slice(&sig);
    B256::from(b)
}

/// Exact `beforeAction(sig, poolId, ALICE, "")` calldata.
fn before_call(sig: [u8; 4], pool_id: U256) -> Vec<u8> {
    let words = [
        sig_word(sig),
        w(pool_id),
        a(ALICE),
        w(U256::from(0x80)),
        B256::ZERO,
    ];
    abi_call(0x6e5f_7730, &words)
}

/// Exact `afterAction(sig, poolId, ALICE, d0, d1, dLiq, "")` calldata.
fn after_call(sig: [u8; 4], pool_id: U256, d0: U256, d1: U256, d_liq: U256) -> Vec<u8> {
    let words = [
        sig_word(sig),
        w(pool_id),
        a(ALICE),
        w(d0),
        w(d1),
        w(d_liq),
        w(U256::from(0xe0)),
        B256::ZERO,
    ];
    abi_call(0x6673_2472, &words)
}

#[test]
fn pool_id_is_keccak_of_abi_encoded_key_and_records_sit_at_reference_slots() {
    let (vm, z, k) = seeded(30);
    let mut pre = Vec::new();
    for x in [
        k.id0,
        k.id1,
        addr_word(k.token0),
        addr_word(k.token1),
        k.feeOrHook,
    ] {
        pre.extend_from_slice(&x.to_be_bytes::<32>());
    }
    let id = z.pool_id(&k);
    assert_eq!(B256::from(id), stylus_sdk::crypto::keccak(&pre));
    let mut slot_pre = id.to_be_bytes::<32>().to_vec();
    slot_pre.extend_from_slice(&[0u8; 32]);
    let base = U256::from_be_bytes(stylus_sdk::crypto::keccak(&slot_pre).0);
    let packed = vm.get_storage(base);
    assert_eq!(U256::from_be_bytes(packed.0) & MAX_U112, e18(10));
    assert_eq!(vm.get_storage(base + U256::from(4)), B256::from(e18(20)));
}

#[test]
fn first_deposit_mints_sqrt_minus_minimum_and_locks_the_minimum() {
    let (vm, mut z) = with_coins();
    vm.set_block_timestamp(777);
    let k = key(30);
    let liq = e18(2) - U256::from(1000);
    assert_eq!(add(&mut z, &k, e18(1), e18(4)), Ok((e18(1), e18(4), liq)));
    let id = z.pool_id(&k);
    let (r0, r1, ts, p0, p1, k_last, supply) = z.pools(id);
    assert_eq!((U256::from(r0), U256::from(r1), ts), (e18(1), e18(4), 777));
    assert_eq!(
        (p0, p1, k_last, supply),
        (U256::ZERO, U256::ZERO, U256::ZERO, e18(2))
    );
    assert_eq!(z.balance_of(ALICE, id), liq);
    // Inputs burned, LP minted, reserves synced, then Mint.
    let transfer = topic("Transfer(address,address,address,uint256,uint256)");
    let sync = topic("Sync(uint256,uint112,uint112)");
    let mint = topic("Mint(uint256,address,uint256,uint256)");
    assert_eq!(topic0s(&vm), vec![transfer, transfer, transfer, sync, mint]);
    let logs = vm.get_emitted_logs();
    assert_eq!(logs[2].0, vec![transfer, B256::ZERO, a(ALICE), w(id)]);
    assert_eq!(logs[2].1, data(&[a(ALICE), w(liq)]));
    assert_eq!(logs[3].1, data(&[w(e18(1)), w(e18(4))]));
    assert_eq!(logs[4].0, vec![mint, w(id), a(ALICE)]);
    assert_eq!(logs[4].1, data(&[w(e18(1)), w(e18(4))]));
}

#[test]
fn first_deposit_below_minimum_panics_and_exact_minimum_mints_nothing() {
    let (_vm, mut z) = with_coins();
    let k = key(30);
    assert_eq!(
        add(&mut z, &k, U256::from(1000), U256::from(999)),
        Err(ZammError::Panic(0x11))
    );
    assert_eq!(
        add(&mut z, &k, U256::from(1000), U256::from(1000)),
        Err(ZammError::InsufficientLiquidityMinted)
    );
}

#[test]
fn creation_rejects_non_canonical_tokens_and_invalid_fee_or_hook() {
    let (vm, mut z) = with_coins();
    let one = e18(1);
    // Same 6909 contract, ids reversed.
    assert_eq!(
        add(&mut z, &key_of(2, 1, U256::from(30)), one, one),
        Err(ZammError::InvalidPoolTokens)
    );
    // ETH with a non-zero id (msg.value covers the amount, coin 1 is pulled).
    tx(&vm, ALICE, one);
    let mut k = eth_key(30);
    k.id0 = U256::from(5);
    assert_eq!(add(&mut z, &k, one, one), Err(ZammError::InvalidPoolTokens));
    // Addresses out of order (two ERC-20s that accept the pulls).
    tx(&vm, ALICE, U256::ZERO);
    vm.set_code(TOKEN_A, vec![1]);
    vm.set_code(TOKEN_B, vec![1]);
    let k = PoolKey {
        id0: U256::ZERO,
        id1: U256::ZERO,
        token0: TOKEN_B,
        token1: TOKEN_A,
        feeOrHook: U256::ZERO,
    };
    assert_eq!(add(&mut z, &k, one, one), Err(ZammError::InvalidPoolTokens));
    // Bits 160..253 set in a hook value.
    let bad = addr_word(HOOK) | (U256::from(1) << 200);
    assert_eq!(
        add(&mut z, &key_of(1, 2, bad), one, one),
        Err(ZammError::InvalidFeeOrHook)
    );
}

#[test]
fn later_deposits_use_v2_optimal_amounts_and_respect_minimums() {
    let (_vm, mut z, k) = seeded(30);
    let id = z.pool_id(&k);
    let supply = e18(20);
    // amount1Optimal = 8e18 <= 10e18 desired.
    assert_eq!(
        add(&mut z, &k, e18(2), e18(10)),
        Ok((e18(2), e18(8), supply / U256::from(5)))
    );
    // amount1Optimal too large: amount0Optimal = 1e18 is used with all of amount1.
    assert_eq!(
        add(&mut z, &k, e18(3), e18(4)),
        Ok((e18(1), e18(4), e18(2)))
    );
    assert_eq!(
        z.sload(z.mapping_slot(id, POOLS_SLOT) + U256::from(SUPPLY)),
        e18(26)
    );
    let add_min =
        |z: &mut ZAMM, d0, d1, m0, m1| z.add_liquidity(k.clone(), d0, d1, m0, m1, ALICE, FAR);
    assert_eq!(
        add_min(&mut z, e18(1), e18(10), U256::ZERO, e18(5)),
        Err(ZammError::InsufficientOutputAmount)
    );
    assert_eq!(
        add_min(&mut z, e18(10), e18(4), e18(2), U256::ZERO),
        Err(ZammError::InsufficientOutputAmount)
    );
    // Rounds down to nothing.
    assert_eq!(
        add(&mut z, &k, U256::from(1), U256::ZERO),
        Err(ZammError::InsufficientLiquidityMinted)
    );
}

#[test]
fn deadline_in_the_past_is_expired_everywhere() {
    let (vm, mut z, k) = seeded(30);
    vm.set_block_timestamp(1000);
    let past = U256::from(999);
    let one = e18(1);
    let zero = U256::ZERO;
    assert_eq!(
        z.add_liquidity(k.clone(), one, one, zero, zero, ALICE, past),
        Err(ZammError::Expired)
    );
    assert_eq!(
        z.remove_liquidity(k.clone(), one, zero, zero, ALICE, past),
        Err(ZammError::Expired)
    );
    assert_eq!(
        z.swap_exact_in(k.clone(), one, zero, true, ALICE, past),
        Err(ZammError::Expired)
    );
    assert_eq!(
        z.swap_exact_out(k.clone(), one, one, true, ALICE, past),
        Err(ZammError::Expired)
    );
    // deadline == now is still fine.
    assert!(z
        .swap_exact_in(k, one, zero, true, ALICE, U256::from(1000))
        .is_ok());
}

#[test]
fn remove_liquidity_pays_pro_rata_to_recipient_and_burns_from_caller() {
    let (vm, mut z, k) = seeded(30);
    let id = z.pool_id(&k);
    let bob_before = (coin_balance(&z, BOB, 1), coin_balance(&z, BOB, 2));
    let (a0, a1) = z
        .remove_liquidity(k.clone(), e18(10), U256::ZERO, U256::ZERO, BOB, FAR)
        .unwrap();
    assert_eq!((a0, a1), (e18(5), e18(20)));
    assert_eq!(coin_balance(&z, BOB, 1), bob_before.0 + a0);
    assert_eq!(coin_balance(&z, BOB, 2), bob_before.1 + a1);
    assert_eq!(z.balance_of(ALICE, id), e18(10) - U256::from(1000));
    assert_eq!(reserves(&z, &k), (e18(5), e18(20)));
    let burn = topic("Burn(uint256,address,uint256,uint256,address)");
    let logs = vm.get_emitted_logs();
    let last = logs.last().unwrap();
    assert_eq!(last.0, vec![burn, w(id), a(ALICE), a(BOB)]);
    assert_eq!(last.1, data(&[w(a0), w(a1)]));
    // LP burn, coin1 mint, coin2 mint, Sync, Burn.
    assert_eq!(logs.len(), 5);
}

#[test]
fn remove_liquidity_errors() {
    let (vm, mut z, k) = seeded(30);
    let zero = U256::ZERO;
    let r = |z: &mut ZAMM, liq, m0, m1| z.remove_liquidity(k.clone(), liq, m0, m1, ALICE, FAR);
    assert_eq!(
        r(&mut z, e18(10), e18(5) + U256::from(1), zero),
        Err(ZammError::InsufficientOutputAmount)
    );
    assert_eq!(
        r(&mut z, e18(10), zero, e18(21)),
        Err(ZammError::InsufficientOutputAmount)
    );
    // Only the caller's own LP can be burned (no allowance path).
    assert_eq!(
        r(&mut z, e18(20) - U256::from(999), zero, zero),
        Err(ZammError::InsufficientBalance)
    );
    tx(&vm, BOB, zero);
    assert_eq!(
        r(&mut z, U256::from(1), zero, zero),
        Err(ZammError::InsufficientBalance)
    );
    // A pool that was never created divides by supply 0.
    let never = key(31);
    let got = z.remove_liquidity(never, U256::from(1), zero, zero, ALICE, FAR);
    assert_eq!(got, Err(ZammError::MulDivFailed));
}

#[test]
fn swap_exact_in_zero_for_one_pays_v2_price_and_logs_in_order() {
    let (vm, mut z, k) = seeded(30);
    let id = z.pool_id(&k);
    let expected = get_amount_out(e18(1), e18(10), e18(40), U256::from(30)).unwrap();
    assert_eq!(swap_in(&mut z, &k, e18(1), true, BOB), Ok(expected));
    assert_eq!(reserves(&z, &k), (e18(11), e18(40) - expected));
    assert_eq!(coin_balance(&z, BOB, 2), expected);
    let transfer = topic("Transfer(address,address,address,uint256,uint256)");
    let swap = topic("Swap(uint256,address,uint256,uint256,uint256,uint256,address)");
    let sync = topic("Sync(uint256,uint112,uint112)");
    assert_eq!(topic0s(&vm), vec![transfer, transfer, sync, swap]);
    let logs = vm.get_emitted_logs();
    assert_eq!(
        logs[0].0,
        vec![transfer, a(ALICE), B256::ZERO, w(U256::from(1))]
    );
    assert_eq!(
        logs[1].0,
        vec![transfer, B256::ZERO, a(BOB), w(U256::from(2))]
    );
    assert_eq!(logs[3].0, vec![swap, w(id), a(ALICE), a(BOB)]);
    assert_eq!(
        logs[3].1,
        data(&[w(e18(1)), B256::ZERO, B256::ZERO, w(expected)])
    );
}

#[test]
fn swap_exact_in_one_for_zero_reports_amounts_the_other_way() {
    let (vm, mut z, k) = seeded(30);
    let expected = get_amount_out(e18(4), e18(40), e18(10), U256::from(30)).unwrap();
    assert_eq!(swap_in(&mut z, &k, e18(4), false, ALICE), Ok(expected));
    assert_eq!(reserves(&z, &k), (e18(10) - expected, e18(44)));
    let last = vm.get_emitted_logs().pop().unwrap();
    assert_eq!(
        last.1,
        data(&[B256::ZERO, w(e18(4)), w(expected), B256::ZERO])
    );
}

#[test]
fn swap_exact_in_errors() {
    let (_vm, mut z, k) = seeded(30);
    assert_eq!(
        swap_in(&mut z, &k, U256::ZERO, true, ALICE),
        Err(ZammError::InsufficientInputAmount)
    );
    // Dust prices to zero output.
    assert_eq!(
        swap_in(&mut z, &k, U256::from(1), false, ALICE),
        Err(ZammError::InsufficientOutputAmount)
    );
    let out = get_amount_out(e18(1), e18(10), e18(40), U256::from(30)).unwrap();
    let min_too_high = z.swap_exact_in(k.clone(), e18(1), out + U256::from(1), true, ALICE, FAR);
    assert_eq!(min_too_high, Err(ZammError::InsufficientOutputAmount));
    // A pool that was never created, and a 100% fee pool, both price to zero.
    assert_eq!(
        swap_in(&mut z, &key(29), e18(1), true, ALICE),
        Err(ZammError::InsufficientOutputAmount)
    );
    add(&mut z, &key(10_000), e18(1), e18(1)).unwrap();
    assert_eq!(
        swap_in(&mut z, &key(10_000), e18(1), true, ALICE),
        Err(ZammError::InsufficientOutputAmount)
    );
}

#[test]
fn swap_exact_out_charges_get_amount_in_and_checks_bounds() {
    let (_vm, mut z, k) = seeded(30);
    let need = get_amount_in(e18(2), e18(10), e18(40), U256::from(30)).unwrap();
    let before = coin_balance(&z, ALICE, 1);
    assert_eq!(swap_out(&mut z, &k, e18(2), true, BOB), Ok(need));
    assert_eq!(coin_balance(&z, ALICE, 1), before - need);
    assert_eq!(coin_balance(&z, BOB, 2), e18(2));
    assert_eq!(reserves(&z, &k), (e18(10) + need, e18(38)));
    let need1 = get_amount_in(e18(1), e18(38), e18(10) + need, U256::from(30)).unwrap();
    assert_eq!(swap_out(&mut z, &k, e18(1), false, ALICE), Ok(need1));
    // Errors.
    assert_eq!(
        swap_out(&mut z, &k, U256::ZERO, true, ALICE),
        Err(ZammError::InsufficientOutputAmount)
    );
    assert_eq!(
        swap_out(&mut z, &k, e18(100), true, ALICE),
        Err(ZammError::InsufficientLiquidity)
    );
    let capped = z.swap_exact_out(k.clone(), e18(1), U256::from(1), true, ALICE, FAR);
    assert_eq!(capped, Err(ZammError::InsufficientInputAmount));
    assert_eq!(
        swap_out(&mut z, &key(29), U256::from(1), true, ALICE),
        Err(ZammError::InsufficientLiquidity)
    );
    add(&mut z, &key(10_000), e18(1), e18(1)).unwrap();
    assert_eq!(
        swap_out(&mut z, &key(10_000), U256::from(1), true, ALICE),
        Err(ZammError::Panic(0x12))
    );
}

#[test]
fn eth_first_deposit_refunds_excess_and_rejects_short_value() {
    let (vm, mut z) = with_coins();
    let k = eth_key(30);
    tx(&vm, ALICE, e18(1) - U256::from(1));
    assert_eq!(
        add(&mut z, &k, e18(1), e18(4)),
        Err(ZammError::InvalidMsgVal)
    );
    // The excess is sent back to the caller: a refusing caller makes it fail.
    tx(&vm, ALICE, e18(3));
    vm.mock_call(ALICE, vec![], e18(2), Err(vec![]));
    assert_eq!(
        add(&mut z, &k, e18(1), e18(4)),
        Err(ZammError::ETHTransferFailed)
    );
    tx(&vm, ALICE, e18(3));
    assert!(add(&mut z, &k, e18(1), e18(4)).is_ok());
    assert_eq!(reserves(&z, &k), (e18(1), e18(4)));
}

#[test]
fn eth_swaps_follow_the_msg_value_rules() {
    let (vm, mut z) = with_coins();
    let k = eth_key(30);
    tx(&vm, ALICE, e18(10));
    add(&mut z, &k, e18(10), e18(40)).unwrap();
    // Exact-in ETH: msg.value must equal amountIn.
    tx(&vm, ALICE, e18(1) + U256::from(1));
    assert_eq!(
        swap_in(&mut z, &k, e18(1), true, ALICE),
        Err(ZammError::InvalidMsgVal)
    );
    tx(&vm, ALICE, e18(1));
    let out = get_amount_out(e18(1), e18(10), e18(40), U256::from(30)).unwrap();
    assert_eq!(swap_in(&mut z, &k, e18(1), true, ALICE), Ok(out));
    // Exact-out ETH: short value fails, excess is refunded.
    let need = get_amount_in(e18(1), e18(11), e18(40) - out, U256::from(30)).unwrap();
    tx(&vm, ALICE, need - U256::from(1));
    assert_eq!(
        swap_out(&mut z, &k, e18(1), true, ALICE),
        Err(ZammError::InvalidMsgVal)
    );
    tx(&vm, ALICE, need + U256::from(5));
    vm.mock_call(ALICE, vec![], U256::from(5), Err(vec![]));
    assert_eq!(
        swap_out(&mut z, &k, e18(1), true, ALICE),
        Err(ZammError::ETHTransferFailed)
    );
    tx(&vm, ALICE, need + U256::from(5));
    assert_eq!(swap_out(&mut z, &k, e18(1), true, ALICE), Ok(need));
    // Token in, ETH out: no value allowed when pulling; the ETH payout must succeed.
    tx(&vm, ALICE, U256::from(1));
    assert_eq!(
        swap_in(&mut z, &k, e18(1), false, BOB),
        Err(ZammError::InvalidMsgVal)
    );
    tx(&vm, ALICE, U256::ZERO);
    let (r0, r1) = reserves(&z, &k);
    let eth_out = get_amount_out(e18(1), r1, r0, U256::from(30)).unwrap();
    vm.mock_call(BOB, vec![], eth_out, Err(vec![]));
    assert_eq!(
        swap_in(&mut z, &k, e18(1), false, BOB),
        Err(ZammError::ETHTransferFailed)
    );
}

#[test]
fn token_pools_reject_eth() {
    let (vm, mut z, k) = seeded(30);
    tx(&vm, ALICE, U256::from(1));
    assert_eq!(
        swap_in(&mut z, &k, e18(1), true, ALICE),
        Err(ZammError::InvalidMsgVal)
    );
    assert_eq!(
        swap_out(&mut z, &k, e18(1), true, ALICE),
        Err(ZammError::InvalidMsgVal)
    );
    assert_eq!(
        add(&mut z, &k, e18(1), e18(4)),
        Err(ZammError::InvalidMsgVal)
    );
}

#[test]
fn multihop_via_transient_credit_skips_the_second_pull() {
    let (vm, mut z, k) = seeded(30);
    let k2 = key_of(2, 3, U256::from(30));
    add(&mut z, &k2, e18(40), e18(40)).unwrap();
    tx(&vm, ALICE, U256::ZERO);
    let mid = swap_in(&mut z, &k, e18(1), true, ZAMM_ADDR).unwrap();
    let coin2 = coin_balance(&z, ALICE, 2);
    let out = swap_in(&mut z, &k2, mid, true, ALICE).unwrap();
    assert_eq!(
        coin_balance(&z, ALICE, 2),
        coin2,
        "the hop was paid from credit"
    );
    assert_eq!(
        coin_balance(&z, ALICE, 3),
        e18(1_000_000_000_000) - e18(40) + out
    );
    assert_eq!(z.take_all_credit(ZAMM_ADDR, U256::from(2)), U256::ZERO);
    // Credit plus ETH on the token0 side is rejected.
    swap_in(&mut z, &k, e18(1), true, ZAMM_ADDR).unwrap();
    vm.set_value(U256::from(1));
    assert_eq!(
        swap_in(&mut z, &k2, U256::from(1000), true, ALICE),
        Err(ZammError::InvalidMsgVal)
    );
}

#[test]
fn one_for_zero_credit_path_ignores_msg_value_like_the_reference() {
    let (vm, mut z, k) = seeded(30);
    z.add_credit(ZAMM_ADDR, U256::from(2), e18(1));
    vm.set_value(U256::from(7));
    assert!(swap_in(&mut z, &k, e18(1), false, ALICE).is_ok());
    // Without enough credit the pull path rejects the value.
    assert_eq!(
        swap_in(&mut z, &k, e18(1), false, ALICE),
        Err(ZammError::InvalidMsgVal)
    );
}

#[test]
fn low_level_swap_is_paid_from_credit() {
    let (vm, mut z, k) = seeded(30);
    let id = z.pool_id(&k);
    z.deposit(ZAMM_ADDR, U256::from(1), e18(1)).unwrap();
    let out = get_amount_out(e18(1), e18(10), e18(40), U256::from(30)).unwrap();
    z.swap(k.clone(), U256::ZERO, out, BOB, Bytes::new())
        .unwrap();
    assert_eq!(reserves(&z, &k), (e18(11), e18(40) - out));
    assert_eq!(coin_balance(&z, BOB, 2), out);
    assert_eq!(
        z.take_all_credit(ZAMM_ADDR, U256::from(1)),
        U256::ZERO,
        "credit consumed"
    );
    let last = vm.get_emitted_logs().pop().unwrap();
    assert_eq!(last.0[1], w(id));
    assert_eq!(last.1, data(&[w(e18(1)), B256::ZERO, B256::ZERO, w(out)]));
}

#[test]
fn low_level_swap_errors() {
    let (vm, mut z, k) = seeded(30);
    let s = |z: &mut ZAMM, o0, o1, to, d: &[u8]| {
        z.swap(k.clone(), o0, o1, to, Bytes::copy_from_slice(d))
    };
    let zero = U256::ZERO;
    assert_eq!(
        s(&mut z, zero, zero, BOB, b""),
        Err(ZammError::InsufficientOutputAmount)
    );
    assert_eq!(
        s(&mut z, e18(10), zero, BOB, b""),
        Err(ZammError::InsufficientLiquidity)
    );
    assert_eq!(
        s(&mut z, zero, e18(40), BOB, b""),
        Err(ZammError::InsufficientLiquidity)
    );
    // A plain transfer does not count: only credit pays.
    assert_eq!(
        s(&mut z, zero, e18(1), BOB, b""),
        Err(ZammError::InsufficientInputAmount)
    );
    // Underpaying by one wei breaks K.
    tx(&vm, ALICE, zero);
    z.deposit(ZAMM_ADDR, U256::from(1), e18(1)).unwrap();
    let out = get_amount_out(e18(1), e18(10), e18(40), U256::from(30)).unwrap();
    assert_eq!(
        s(&mut z, zero, out + U256::from(1), BOB, b""),
        Err(ZammError::K)
    );
    // Output to zAMM is credited and read straight back as input: K fails with a fee.
    tx(&vm, ALICE, zero);
    assert_eq!(s(&mut z, zero, e18(1), ZAMM_ADDR, b""), Err(ZammError::K));
}

#[test]
fn low_level_swap_calls_zamm_call_with_exact_arguments() {
    let (vm, mut z, k) = seeded(30);
    let id = z.pool_id(&k);
    let payload = b"FLASH";
    // Codeless recipient: the callback reverts empty.
    let got = z.swap(
        k.clone(),
        U256::ZERO,
        e18(1),
        BOB,
        Bytes::copy_from_slice(payload),
    );
    assert_eq!(got, Err(ZammError::Revert));
    // With code: the callee's revert (matched on exact calldata) bubbles up.
    tx(&vm, ALICE, U256::ZERO);
    vm.set_code(BOB, vec![1]);
    let mut tail = [0u8; 32];
    tail[..5].copy_from_slice(payload);
    let words = [
        w(id),
        a(ALICE),
        B256::ZERO,
        w(e18(1)),
        w(U256::from(0xa0)),
        w(U256::from(5)),
        B256::from(tail),
    ];
    vm.mock_call(
        BOB,
        abi_call(0xfe2c_bab7, &words),
        U256::ZERO,
        Err(b"callee".to_vec()),
    );
    let got = z.swap(
        k.clone(),
        U256::ZERO,
        e18(1),
        BOB,
        Bytes::copy_from_slice(payload),
    );
    assert_eq!(got, Err(ZammError::Bubble));
}

#[test]
fn before_hook_sets_the_fee_and_zero_keeps_hook_pools_fee_free() {
    let (vm, mut z) = with_coins();
    vm.set_code(HOOK, vec![1]);
    let k = hook_key(flag_before());
    let id = z.pool_id(&k);
    let fee_word = |fee: u64| U256::from(fee).to_be_bytes::<32>().to_vec();
    vm.mock_call(
        HOOK,
        before_call(SIG_ADD_LIQUIDITY, id),
        U256::ZERO,
        Ok(fee_word(50)),
    );
    vm.mock_call(
        HOOK,
        before_call(SIG_SWAP_EXACT_IN, id),
        U256::ZERO,
        Ok(fee_word(50)),
    );
    add(&mut z, &k, e18(10), e18(10)).unwrap();
    let expected = get_amount_out(e18(1), e18(10), e18(10), U256::from(50)).unwrap();
    assert_eq!(swap_in(&mut z, &k, e18(1), true, ALICE), Ok(expected));
    // A zero answer keeps the hooked pool at fee 0 (not 30).
    tx(&vm, ALICE, U256::ZERO);
    vm.mock_call(
        HOOK,
        before_call(SIG_SWAP_EXACT_IN, id),
        U256::ZERO,
        Ok(fee_word(0)),
    );
    let (r0, r1) = reserves(&z, &k);
    let expected = get_amount_out(e18(1), r0, r1, U256::ZERO).unwrap();
    assert_eq!(swap_in(&mut z, &k, e18(1), true, ALICE), Ok(expected));
    // An unbounded fee above 100% panics in the pricing.
    tx(&vm, ALICE, U256::ZERO);
    vm.mock_call(
        HOOK,
        before_call(SIG_SWAP_EXACT_IN, id),
        U256::ZERO,
        Ok(fee_word(10_001)),
    );
    assert_eq!(
        swap_in(&mut z, &k, e18(1), true, ALICE),
        Err(ZammError::Panic(0x11))
    );
}

#[test]
fn before_hook_reverts_bubble_and_codeless_hooks_revert_empty() {
    let (vm, mut z) = with_coins();
    let k = hook_key(flag_before());
    let id = z.pool_id(&k);
    assert_eq!(add(&mut z, &k, e18(1), e18(1)), Err(ZammError::Revert));
    vm.set_code(HOOK, vec![1]);
    vm.mock_call(
        HOOK,
        before_call(SIG_ADD_LIQUIDITY, id),
        U256::ZERO,
        Err(b"NotKyc".to_vec()),
    );
    assert_eq!(add(&mut z, &k, e18(1), e18(1)), Err(ZammError::Bubble));
    // A short answer fails the uint256 decode.
    tx(&vm, ALICE, U256::ZERO);
    vm.mock_call(
        HOOK,
        before_call(SIG_ADD_LIQUIDITY, id),
        U256::ZERO,
        Ok(vec![1]),
    );
    assert_eq!(add(&mut z, &k, e18(1), e18(1)), Err(ZammError::Revert));
}

#[test]
fn after_only_default_hook_gets_signed_deltas_and_zero_fee() {
    let (vm, mut z) = with_coins();
    let k = hook_key(U256::ZERO);
    let id = z.pool_id(&k);
    vm.set_code(HOOK, vec![1]);
    let liq = e18(10) - U256::from(1000);
    let add_call = after_call(SIG_ADD_LIQUIDITY, id, e18(10), e18(10), liq);
    vm.mock_call(HOOK, add_call, U256::ZERO, Err(b"add".to_vec()));
    assert_eq!(add(&mut z, &k, e18(10), e18(10)), Err(ZammError::Bubble));
    tx(&vm, ALICE, U256::ZERO);
    add(&mut z, &k, e18(10), e18(10)).unwrap();
    // Fee 0: the output is the fee-free price; deltas are +in / -out from the pool's view.
    // (TestVM has no revert rollback, so the reverted add above left its reserves behind.)
    let (r0, r1) = reserves(&z, &k);
    let out = get_amount_out(e18(1), r0, r1, U256::ZERO).unwrap();
    tx(&vm, ALICE, U256::ZERO);
    let swap_call = after_call(
        SIG_SWAP_EXACT_IN,
        id,
        e18(1),
        out.wrapping_neg(),
        U256::ZERO,
    );
    vm.mock_call(HOOK, swap_call, U256::ZERO, Err(b"swap".to_vec()));
    assert_eq!(
        swap_in(&mut z, &k, e18(1), true, ALICE),
        Err(ZammError::Bubble)
    );
    tx(&vm, ALICE, U256::ZERO);
    let (r0, r1) = reserves(&z, &k);
    let supply = z.pools(id).6;
    let (a0, a1) = (e18(1) * r0 / supply, e18(1) * r1 / supply);
    let neg = |x: U256| x.wrapping_neg();
    let remove_call = after_call(SIG_REMOVE_LIQUIDITY, id, neg(a0), neg(a1), neg(e18(1)));
    vm.mock_call(HOOK, remove_call, U256::ZERO, Err(b"remove".to_vec()));
    let got = z.remove_liquidity(k.clone(), e18(1), U256::ZERO, U256::ZERO, ALICE, FAR);
    assert_eq!(got, Err(ZammError::Bubble));
    tx(&vm, ALICE, U256::ZERO);
    let (r0, r1) = reserves(&z, &k);
    let out = get_amount_out(e18(1), r0, r1, U256::ZERO).unwrap();
    assert_eq!(swap_in(&mut z, &k, e18(1), true, ALICE), Ok(out));
}

#[test]
fn codeless_after_hook_reverts_empty() {
    let (_vm, mut z) = with_coins();
    assert_eq!(
        add(&mut z, &hook_key(U256::ZERO), e18(1), e18(1)),
        Err(ZammError::Revert)
    );
}

#[test]
fn protocol_fee_matches_uniswap_v2_fee_to_on() {
    let (vm, mut z) = with_coins();
    z.set_fee_to(BOB).unwrap();
    let k = key(30);
    let id = z.pool_id(&k);
    add(&mut z, &k, e18(1000), e18(1000)).unwrap();
    let base = z.mapping_slot(id, POOLS_SLOT);
    let slot = |f: u8| base + U256::from(f);
    assert_eq!(z.sload(slot(K_LAST)), e18(1000) * e18(1000));
    let out = swap_in(&mut z, &k, e18(1), false, ALICE).unwrap();
    assert_eq!(out, U256::from(996_006_981_039_903_216u64));
    let all = z.balance_of(ALICE, id);
    tx(&vm, ALICE, U256::ZERO);
    z.remove_liquidity(k.clone(), all, U256::ZERO, U256::ZERO, ALICE, FAR)
        .unwrap();
    let fee_lp = U256::from(249_750_499_251_388u64);
    assert_eq!(z.balance_of(BOB, id), fee_lp);
    assert_eq!(z.sload(slot(SUPPLY)), U256::from(1000) + fee_lp);
    let (r0, r1) = reserves(&z, &k);
    assert_eq!(r0, U256::from(1000 + 249_501_683_697_445u64));
    assert_eq!(r1, U256::from(1000 + 250_000_187_312_969u64));
    assert_eq!(z.sload(slot(K_LAST)), r0 * r1);
    // The fee mint (to BOB) is logged before the caller's LP burn.
    let transfer = topic("Transfer(address,address,address,uint256,uint256)");
    let logs = vm.get_emitted_logs();
    assert_eq!(logs[0].0, vec![transfer, B256::ZERO, a(BOB), w(id)]);
    // Turning the fee off clears kLast on the next liquidity action.
    z.set_fee_to(Address::ZERO).unwrap();
    add(&mut z, &k, e18(1), e18(1)).unwrap();
    assert_eq!(z.sload(slot(K_LAST)), U256::ZERO);
}

#[test]
fn add_liquidity_mints_the_protocol_fee_before_taking_payment() {
    let (vm, mut z) = with_coins();
    z.set_fee_to(BOB).unwrap();
    let k = key(30);
    let id = z.pool_id(&k);
    add(&mut z, &k, e18(1000), e18(1000)).unwrap();
    swap_in(&mut z, &k, e18(10), true, ALICE).unwrap();
    tx(&vm, ALICE, U256::ZERO);
    add(&mut z, &k, e18(1), e18(1)).unwrap();
    // Reference order: fee mint to feeTo, token0 and token1 payments, LP mint, Sync, Mint.
    let transfer = topic("Transfer(address,address,address,uint256,uint256)");
    let got: Vec<Vec<B256>> = vm.get_emitted_logs().into_iter().map(|(t, _)| t).collect();
    let moved = |from: Address, to: Address, id: U256| vec![transfer, a(from), a(to), w(id)];
    assert_eq!(
        got,
        vec![
            moved(Address::ZERO, BOB, id),
            moved(ALICE, Address::ZERO, U256::from(1)),
            moved(ALICE, Address::ZERO, U256::from(2)),
            moved(Address::ZERO, ALICE, id),
            vec![topic("Sync(uint256,uint112,uint112)"), w(id)],
            vec![
                topic("Mint(uint256,address,uint256,uint256)"),
                w(id),
                a(ALICE)
            ],
        ]
    );
    assert!(!z.balance_of(BOB, id).is_zero());
}

#[test]
fn twap_accumulates_old_reserves_over_wrapping_uint32_time() {
    let (vm, mut z) = with_coins();
    let k = key(30);
    let id = z.pool_id(&k);
    let start = (1u64 << 32) - 10;
    vm.set_block_timestamp(start);
    add(&mut z, &k, e18(10), e18(40)).unwrap();
    // Same block: nothing accrues.
    swap_in(&mut z, &k, e18(1), true, ALICE).unwrap();
    let (_, _, ts, p0, p1, ..) = z.pools(id);
    assert_eq!((ts, p0, p1), (start as u32, U256::ZERO, U256::ZERO));
    let (r0, r1) = reserves(&z, &k);
    vm.set_block_timestamp(start + 30);
    swap_in(&mut z, &k, e18(1), true, ALICE).unwrap();
    let (_, _, ts, p0, p1, ..) = z.pools(id);
    assert_eq!(ts, 20, "uint32 timestamp wraps");
    assert_eq!(p0, uq_price(r1, r0) * U256::from(30));
    assert_eq!(p1, uq_price(r0, r1) * U256::from(30));
}

#[test]
fn reserves_above_uint112_overflow() {
    let (_vm, mut z) = setup();
    let big = U256::from(1) << 113;
    z.create_coin(ALICE, big, b"");
    z.create_coin(ALICE, big, b"");
    let max = U256::from(1) << 112;
    assert_eq!(add(&mut z, &key(30), max, max), Err(ZammError::Overflow));
    assert!(add(&mut z, &key(31), max - U256::from(1), max - U256::from(1)).is_ok());
}

#[test]
fn locked_entry_points_revert_with_reentrancy() {
    let (_vm, mut z, k) = seeded(30);
    z.lock().unwrap();
    let (one, zero) = (e18(1), U256::ZERO);
    assert_eq!(add(&mut z, &k, one, one), Err(ZammError::Reentrancy));
    assert_eq!(
        z.remove_liquidity(k.clone(), one, zero, zero, ALICE, FAR),
        Err(ZammError::Reentrancy)
    );
    assert_eq!(
        swap_in(&mut z, &k, one, true, ALICE),
        Err(ZammError::Reentrancy)
    );
    assert_eq!(
        swap_out(&mut z, &k, one, true, ALICE),
        Err(ZammError::Reentrancy)
    );
    assert_eq!(
        z.swap(k.clone(), one, zero, ALICE, Bytes::new()),
        Err(ZammError::Reentrancy)
    );
    // The unlocked paths still work.
    assert!(z.deposit(ZAMM_ADDR, U256::from(1), one).is_ok());
}

#[test]
fn pools_getter_of_unknown_pool_is_zero() {
    let (_vm, z) = setup();
    let got = z.pools(U256::from(123));
    assert_eq!(
        got,
        (
            Uint::ZERO,
            Uint::ZERO,
            0,
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
            U256::ZERO
        )
    );
}

#[test]
fn slot0_packs_ts_reserve1_reserve0_like_solidity() {
    let r0 = MAX_U112 - U256::from(7);
    let r1 = U256::from(0x1234_5678_9abc_def0_1122_3344_5566u128);
    let ts = 0xdead_beef_u32;
    let word = pack(r0, r1, ts);
    assert_eq!(word, (U256::from(ts) << 224) | (r1 << 112) | r0);
    assert_eq!(unpack(word), (r0, r1, ts));
    // Bits above 112 are dropped, as the uint112 casts do.
    assert_eq!(pack(U256::MAX, U256::MAX, 0), (MAX_U112 << 112) | MAX_U112);
}
