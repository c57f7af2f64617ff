//! Hooks: before/after calls, fee override, default fee 0, delta signs, bubbled custom errors,
//! reentrancy through a hook, unlocked calls from a hook (HK-01..03 + acceptance items).
//! HK-04 (MEV tax from the priority fee) is not ported: Nitro drops priority fees
//! (tx.gasprice == basefee), so the hook's input does not exist on Arbitrum.
mod common;

use alloy::primitives::{Address, Bytes, U256};
use alloy::primitives::{FixedBytes, I256};
use alloy::sol_types::{SolCall, SolError, SolValue};
use common::*;

fn hook_word(hook: Address, flags: U256) -> U256 {
    flags | U256::from_be_slice(hook.as_slice())
}

/// A pool of two fresh tokens using `hook` with `flags`; liquidity `a0`/`a1` from alice.
async fn hooked_pool(env: &Env, hook: Address, flags: U256, a0: U256, a1: U256) -> PoolKey {
    let (t0, t1) = env.token_pair().await;
    let key = sorted_key(t0, t1, hook_word(hook, flags));
    env.add(env.alice, &key, a0, a1, U256::ZERO)
        .await
        .expect("seed hooked pool");
    key
}

/// (sig, d0, d1, dLiq) of the last afterAction the RecordingHook saw.
async fn after_args(env: &Env, hook: Address) -> (FixedBytes<4>, I256, I256, I256) {
    (
        env.view(hook, RecordingHook::afterSigCall {}).await,
        env.view(hook, RecordingHook::afterD0Call {}).await,
        env.view(hook, RecordingHook::afterD1Call {}).await,
        env.view(hook, RecordingHook::afterDLiqCall {}).await,
    )
}

async fn recording_hook(env: &Env) -> Address {
    *RecordingHook::deploy(env.p.clone(), env.addr)
        .await
        .expect("deploy RecordingHook")
        .address()
}

#[tokio::test]
async fn hk01_before_only_hook_returning_zero_keeps_fee_zero_and_skips_after() {
    let env = Env::new().await;
    let hook = recording_hook(&env).await;
    let key = hooked_pool(&env, hook, FLAG_BEFORE, e18(10), e18(10)).await;
    let expected = amount_out(e18(2), e18(10), e18(10), U256::ZERO);
    let (out, _) = env
        .swap_in(env.bob, &key, e18(2), true, U256::ZERO)
        .await
        .unwrap();
    assert_eq!(out, expected, "fee 0");
    let (r0, r1) = env.reserves(&key).await;
    assert!(r0 + r1 >= e18(20));
    assert_eq!(
        env.view(hook, RecordingHook::beforeCallsCall {}).await,
        u(2),
        "add + swap"
    );
    assert_eq!(
        env.view(hook, RecordingHook::afterCallsCall {}).await,
        U256::ZERO,
        "FLAG_BEFORE only"
    );
    assert_eq!(
        env.view(hook, RecordingHook::beforeSigCall {}).await,
        ZAMM::swapExactInCall::SELECTOR
    );
    assert_eq!(
        env.view(hook, RecordingHook::beforePoolIdCall {}).await,
        pool_id(&key)
    );
    assert_eq!(
        env.view(hook, RecordingHook::beforeSenderCall {}).await,
        env.bob
    );
    assert_eq!(
        env.view(hook, RecordingHook::beforeDataCall {}).await,
        Bytes::new()
    );
}

#[tokio::test]
async fn hk02_imbalance_fee_hook_sets_the_swap_fee() {
    let env = Env::new().await;
    let hook = *ImbalanceFeeHook::deploy(env.p.clone(), env.addr)
        .await
        .unwrap()
        .address();
    let key = hooked_pool(&env, hook, FLAG_BEFORE, e18(10), e18(40)).await;
    // 30 + 70 * 30 / 50 = 72 bps.
    let expected = amount_out(e18(1), e18(10), e18(40), u(72));
    let (out, _) = env
        .swap_in(env.bob, &key, e18(1), true, U256::ZERO)
        .await
        .unwrap();
    assert_eq!(out, expected);
    assert_ne!(out, amount_out(e18(1), e18(10), e18(40), u(30)));
    assert_eq!(env.reserves(&key).await, (e18(11), e18(40) - expected));
}

#[tokio::test]
async fn hk03_kyc_hook_error_bubbles_unchanged() {
    let env = Env::new().await;
    let hook = *KycHook::deploy(env.p.clone()).await.unwrap().address();
    env.exec(
        env.deployer,
        hook,
        KycHook::setApprovedCall {
            who: env.alice,
            ok: true,
        },
        U256::ZERO,
    )
    .await
    .unwrap();
    let key = hooked_pool(&env, hook, FLAG_BEFORE, e18(10), e18(40)).await;
    let err = env
        .swap_in(env.bob, &key, e18(1), true, U256::ZERO)
        .await
        .unwrap_err();
    let expected = KycHook::NotKyc { who: env.bob }.abi_encode();
    assert_eq!(
        err.0.as_ref(),
        expected.as_slice(),
        "custom error with argument bubbled verbatim"
    );
    let exp = amount_out(e18(1), e18(10), e18(40), U256::ZERO);
    let (out, _) = env
        .swap_in(env.alice, &key, e18(1), true, U256::ZERO)
        .await
        .unwrap();
    assert_eq!(out, exp);
    assert_eq!(env.reserves(&key).await, (e18(11), e18(40) - exp));
}

#[tokio::test]
async fn hook_reentering_a_locked_function_gets_reentrancy() {
    let env = Env::new().await;
    let hook = *ReentrantHook::deploy(env.p.clone(), env.addr)
        .await
        .unwrap()
        .address();
    let (t0, t1) = env.token_pair().await;
    let key = sorted_key(t0, t1, hook_word(hook, FLAG_BEFORE));
    assert_err::<ZAMM::Reentrancy, _>(env.add(env.alice, &key, e18(1), e18(1), U256::ZERO).await);
    // The lock is released after a normal call: the same function works outside a hook.
    let (amt, _) = env
        .tx(
            env.alice,
            ZAMM::recoverTransientBalanceCall {
                token: Address::ZERO,
                id: U256::ZERO,
                to: env.alice,
            },
        )
        .await
        .unwrap();
    assert_eq!(amt, U256::ZERO);
}

#[tokio::test]
async fn after_only_default_hook_pool_is_fee_free() {
    let env = Env::new().await;
    let hook = recording_hook(&env).await;
    env.exec(
        env.deployer,
        hook,
        RecordingHook::setFeeCall { fee_: u(500) },
        U256::ZERO,
    )
    .await
    .unwrap();
    // No flags: after-only; beforeAction (which would return 500) is never called.
    let key = hooked_pool(&env, hook, U256::ZERO, e18(10), e18(40)).await;
    let (out, _) = env
        .swap_in(env.bob, &key, e18(1), true, U256::ZERO)
        .await
        .unwrap();
    assert_eq!(out, amount_out(e18(1), e18(10), e18(40), U256::ZERO));
    assert_eq!(
        env.view(hook, RecordingHook::beforeCallsCall {}).await,
        U256::ZERO
    );
    assert_eq!(env.view(hook, RecordingHook::afterCallsCall {}).await, u(2));
}

#[tokio::test]
async fn before_hook_fee_override_and_unbounded_fee_panics() {
    let env = Env::new().await;
    let hook = recording_hook(&env).await;
    let key = hooked_pool(&env, hook, FLAG_BEFORE | FLAG_AFTER, e18(10), e18(40)).await;
    env.exec(
        env.deployer,
        hook,
        RecordingHook::setFeeCall { fee_: u(100) },
        U256::ZERO,
    )
    .await
    .unwrap();
    let (out, _) = env
        .swap_in(env.bob, &key, e18(1), true, U256::ZERO)
        .await
        .unwrap();
    assert_eq!(out, amount_out(e18(1), e18(10), e18(40), u(100)));
    let (r0, r1) = env.reserves(&key).await;
    let want = e18(1);
    let (paid, _) = env
        .swap_out(env.bob, &key, want, U256::MAX, true, U256::ZERO)
        .await
        .unwrap();
    assert_eq!(paid, amount_in(want, r0, r1, u(100)));
    env.exec(
        env.deployer,
        hook,
        RecordingHook::setFeeCall { fee_: u(10001) },
        U256::ZERO,
    )
    .await
    .unwrap();
    assert_panic(
        env.swap_in(env.bob, &key, e18(1), true, U256::ZERO).await,
        0x11,
    );
    // Liquidity calls ignore the before-hook's return value, so the same fee does no harm there.
    let (ret, _) = env
        .add(env.bob, &key, e18(1), e18(100), U256::ZERO)
        .await
        .unwrap();
    env.remove(env.bob, &key, ret.liquidity, env.bob)
        .await
        .unwrap();
}

#[tokio::test]
async fn after_hook_delta_signs_and_arguments() {
    let env = Env::new().await;
    let hook = recording_hook(&env).await;
    let (t0, t1) = env.token_pair().await;
    let key = sorted_key(t0, t1, hook_word(hook, FLAG_BEFORE | FLAG_AFTER));
    let id = pool_id(&key);
    let after = |env| after_args(env, hook);
    let i = I256::from_raw;
    let neg = |v: U256| -i(v);

    let (ret, _) = env
        .add(env.alice, &key, e18(10), e18(40), U256::ZERO)
        .await
        .unwrap();
    assert_eq!(
        after(&env).await,
        (
            ZAMM::addLiquidityCall::SELECTOR.into(),
            i(e18(10)),
            i(e18(40)),
            i(ret.liquidity)
        )
    );
    assert_eq!(env.view(hook, RecordingHook::afterPoolIdCall {}).await, id);
    assert_eq!(
        env.view(hook, RecordingHook::afterSenderCall {}).await,
        env.alice
    );

    let (out, _) = env
        .swap_in(env.bob, &key, e18(1), true, U256::ZERO)
        .await
        .unwrap();
    assert_eq!(
        after(&env).await,
        (
            ZAMM::swapExactInCall::SELECTOR.into(),
            i(e18(1)),
            neg(out),
            i(U256::ZERO)
        )
    );
    let (out, _) = env
        .swap_in(env.bob, &key, e18(2), false, U256::ZERO)
        .await
        .unwrap();
    assert_eq!(after(&env).await.1, neg(out));
    assert_eq!(after(&env).await.2, i(e18(2)));

    let (paid, _) = env
        .swap_out(env.bob, &key, e18(1), U256::MAX, false, U256::ZERO)
        .await
        .unwrap();
    assert_eq!(
        after(&env).await,
        (
            ZAMM::swapExactOutCall::SELECTOR.into(),
            neg(e18(1)),
            i(paid),
            i(U256::ZERO)
        )
    );

    // swap(): deltas are in - out per side, and both hooks receive the swap data.
    let fb = *FlashBorrower::deploy(env.p.clone(), env.addr)
        .await
        .unwrap()
        .address();
    env.exec(
        env.deployer,
        key.token0,
        MockERC20::mintCall {
            to: fb,
            amount: e18(1),
        },
        U256::ZERO,
    )
    .await
    .unwrap();
    let borrow = U256::from(E18 / 10);
    let repay = borrow + u(12345);
    let data: Bytes = (
        alloy::primitives::B256::right_padding_from(b"DEPOSIT"),
        key.token0,
        repay,
    )
        .abi_encode_params()
        .into();
    let call = FlashBorrower::flashCall {
        key: key_as!(FlashBorrower, key),
        amount0Out: borrow,
        amount1Out: U256::ZERO,
        data: data.clone(),
    };
    env.exec(env.bob, fb, call, U256::ZERO).await.unwrap();
    assert_eq!(
        after(&env).await,
        (
            ZAMM::swapCall::SELECTOR.into(),
            i(u(12345)),
            i(U256::ZERO),
            i(U256::ZERO)
        )
    );
    assert_eq!(env.view(hook, RecordingHook::afterDataCall {}).await, data);
    assert_eq!(env.view(hook, RecordingHook::beforeDataCall {}).await, data);
    assert_eq!(env.view(hook, RecordingHook::afterSenderCall {}).await, fb);

    let lp = env.bal(env.alice, id).await / u(2);
    let (ret, _) = env.remove(env.alice, &key, lp, env.alice).await.unwrap();
    assert_eq!(
        after(&env).await,
        (
            ZAMM::removeLiquidityCall::SELECTOR.into(),
            neg(ret.amount0),
            neg(ret.amount1),
            neg(lp)
        )
    );
}

#[tokio::test]
async fn hook_may_call_unlocked_functions_and_event_order() {
    let env = Env::new().await;
    let hook = recording_hook(&env).await;
    env.exec(
        env.deployer,
        hook,
        RecordingHook::setCoinInAfterCall { on: true },
        U256::ZERO,
    )
    .await
    .unwrap();
    let key = hooked_pool(&env, hook, FLAG_AFTER, e18(10), e18(40)).await;
    assert_eq!(
        env.bal(hook, u(1)).await,
        u(1),
        "coin() from afterAction during addLiquidity"
    );
    let (_, r) = env
        .swap_in(env.bob, &key, e18(1), true, U256::ZERO)
        .await
        .unwrap();
    assert_eq!(env.bal(hook, u(2)).await, u(1));
    // The hook's side effects (coin Transfer + URI) sit between Sync and Swap.
    use alloy::sol_types::SolEvent;
    assert_eq!(
        topics0(&r, env.addr),
        vec![
            ZAMM::Sync::SIGNATURE_HASH,
            ZAMM::Transfer::SIGNATURE_HASH,
            ZAMM::URI::SIGNATURE_HASH,
            ZAMM::Swap::SIGNATURE_HASH
        ]
    );
}

#[tokio::test]
async fn codeless_before_hook_reverts_empty() {
    let env = Env::new().await;
    let (t0, t1) = env.token_pair().await;
    let key = sorted_key(t0, t1, hook_word(Address::repeat_byte(0x42), FLAG_BEFORE));
    assert_empty_revert(env.add(env.alice, &key, e18(1), e18(1), U256::ZERO).await);
}
