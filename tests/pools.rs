//! Pools: liquidity, swaps, TWAP, protocol fee, ETH handling, token quirks and revert matrices
//! (ZT-06..12, ZT-16, ZT-18..20 and the section-3 additional acceptance items).
mod common;

use alloy::primitives::{Address, Bytes, U256};
use alloy::sol_types::{SolCall, SolError, SolEvent};
use common::*;

const FEE: u64 = 30;

#[tokio::test]
async fn zt06_initial_liquidity_erc20() {
    let env = Env::new().await;
    let (t0, t1) = env.token_pair().await;
    let key = sorted_key(t0, t1, u(30));
    let id = pool_id(&key);
    let (ret, r) = env
        .add(env.alice, &key, e18(1), e18(4), U256::ZERO)
        .await
        .unwrap();
    let liq = e18(2) - u(1000); // sqrt(1e18 * 4e18) - MINIMUM_LIQUIDITY
    assert_eq!(
        (ret.amount0, ret.amount1, ret.liquidity),
        (e18(1), e18(4), liq)
    );
    let p = env.pool(&key).await;
    assert_eq!(
        (U256::from(p.reserve0), U256::from(p.reserve1)),
        (e18(1), e18(4))
    );
    assert_eq!(p.supply, e18(2), "supply includes the unminted 1000");
    assert_eq!(p.kLast, U256::ZERO, "fee off: kLast stays 0");
    assert_eq!(env.bal(env.alice, id).await, liq);
    assert_eq!(env.erc20(t0, env.addr).await, e18(1));
    assert_eq!(env.erc20(t1, env.addr).await, e18(4));
    // zAMM logs: LP mint Transfer, Sync, Mint.
    assert_eq!(
        topics0(&r, env.addr),
        vec![
            ZAMM::Transfer::SIGNATURE_HASH,
            ZAMM::Sync::SIGNATURE_HASH,
            ZAMM::Mint::SIGNATURE_HASH
        ]
    );
    let t = &events::<ZAMM::Transfer>(&r, env.addr)[0];
    assert_eq!(
        (t.caller, t.sender, t.receiver, t.id, t.amount),
        (env.alice, Address::ZERO, env.alice, id, liq)
    );
    let s = &events::<ZAMM::Sync>(&r, env.addr)[0];
    assert_eq!(
        (s.poolId, U256::from(s.reserve0), U256::from(s.reserve1)),
        (id, e18(1), e18(4))
    );
    let m = &events::<ZAMM::Mint>(&r, env.addr)[0];
    assert_eq!(
        (m.poolId, m.sender, m.amount0, m.amount1),
        (id, env.alice, e18(1), e18(4))
    );
}

#[tokio::test]
async fn zt07_add_more_liquidity_uses_optimal_amounts() {
    let env = Env::new().await;
    let key = env.erc20_pool(e18(1), e18(4), FEE).await;
    let id = pool_id(&key);
    // Same ratio: desired amounts used.
    let (ret, r) = env
        .add(env.bob, &key, e18(2), e18(8), U256::ZERO)
        .await
        .unwrap();
    assert_eq!(
        (ret.amount0, ret.amount1, ret.liquidity),
        (e18(2), e18(8), e18(4))
    );
    assert_eq!(env.reserves(&key).await, (e18(3), e18(12)));
    assert_eq!(env.pool(&key).await.supply, e18(6));
    assert_eq!(env.bal(env.bob, id).await, e18(4));
    let m = &events::<ZAMM::Mint>(&r, env.addr)[0];
    assert_eq!((m.sender, m.amount0, m.amount1), (env.bob, e18(2), e18(8)));
    // Too much token1: amount1Optimal = 1e18 * 12/3 = 4e18 is used.
    let (ret, _) = env
        .add(env.bob, &key, e18(1), e18(10), U256::ZERO)
        .await
        .unwrap();
    assert_eq!(
        (ret.amount0, ret.amount1, ret.liquidity),
        (e18(1), e18(4), e18(2))
    );
    // Too much token0: amount0Optimal = 4e18 * 4/16 = 1e18 is used.
    let (ret, _) = env
        .add(env.bob, &key, e18(5), e18(4), U256::ZERO)
        .await
        .unwrap();
    assert_eq!(
        (ret.amount0, ret.amount1, ret.liquidity),
        (e18(1), e18(4), e18(2))
    );
    // Mins enforced on the optimal side.
    let mut call = ZAMM::addLiquidityCall {
        poolKey: key.clone(),
        amount0Desired: e18(1),
        amount1Desired: e18(10),
        amount0Min: U256::ZERO,
        amount1Min: e18(5),
        to: env.bob,
        deadline: U256::from(DEADLINE),
    };
    assert_err::<ZAMM::InsufficientOutputAmount, _>(env.tx(env.bob, call.clone()).await);
    call.amount0Desired = e18(5);
    call.amount1Desired = e18(4);
    call.amount1Min = U256::ZERO;
    call.amount0Min = e18(2);
    assert_err::<ZAMM::InsufficientOutputAmount, _>(env.tx(env.bob, call).await);
    // A deposit too small to mint any liquidity.
    assert_err::<ZAMM::InsufficientLiquidityMinted, _>(
        env.add(env.bob, &key, u(0), u(0), U256::ZERO).await,
    );
}

#[tokio::test]
async fn zt08_swap_exact_in_erc20() {
    let env = Env::new().await;
    let key = env.erc20_pool(e18(10), e18(40), FEE).await;
    let id = pool_id(&key);
    let amt = U256::from(E18 / 10);
    let expected = amount_out(amt, e18(10), e18(40), u(30));
    let (b0, b1) = (
        env.erc20(key.token0, env.bob).await,
        env.erc20(key.token1, env.bob).await,
    );
    let (out, r) = env
        .swap_in(env.bob, &key, amt, true, U256::ZERO)
        .await
        .unwrap();
    assert_eq!(out, expected);
    assert_eq!(env.erc20(key.token0, env.bob).await, b0 - amt);
    assert_eq!(env.erc20(key.token1, env.bob).await, b1 + expected);
    assert_eq!(
        env.reserves(&key).await,
        (e18(10) + amt, e18(40) - expected)
    );
    assert_eq!(
        topics0(&r, env.addr),
        vec![ZAMM::Sync::SIGNATURE_HASH, ZAMM::Swap::SIGNATURE_HASH]
    );
    let s = &events::<ZAMM::Swap>(&r, env.addr)[0];
    assert_eq!(
        (
            s.poolId,
            s.sender,
            s.amount0In,
            s.amount1In,
            s.amount0Out,
            s.amount1Out,
            s.to
        ),
        (id, env.bob, amt, U256::ZERO, U256::ZERO, expected, env.bob)
    );
    // oneForZero
    let (r0, r1) = env.reserves(&key).await;
    let expected = amount_out(e18(1), r1, r0, u(30));
    let (out, r) = env
        .swap_in(env.bob, &key, e18(1), false, U256::ZERO)
        .await
        .unwrap();
    assert_eq!(out, expected);
    let s = &events::<ZAMM::Swap>(&r, env.addr)[0];
    assert_eq!(
        (s.amount0In, s.amount1In, s.amount0Out, s.amount1Out),
        (U256::ZERO, e18(1), expected, U256::ZERO)
    );
    assert_eq!(env.reserves(&key).await, (r0 - expected, r1 + e18(1)));
    // Slippage and deadline.
    let mut call = ZAMM::swapExactInCall {
        poolKey: key.clone(),
        amountIn: e18(1),
        amountOutMin: e18(4),
        zeroForOne: true,
        to: env.bob,
        deadline: U256::from(DEADLINE),
    };
    assert_err::<ZAMM::InsufficientOutputAmount, _>(env.tx(env.bob, call.clone()).await);
    call.amountOutMin = U256::ZERO;
    call.deadline = U256::from(1);
    assert_err::<ZAMM::Expired, _>(env.tx(env.bob, call.clone()).await);
    call.deadline = U256::from(DEADLINE);
    call.amountIn = U256::ZERO;
    assert_err::<ZAMM::InsufficientInputAmount, _>(env.tx(env.bob, call).await);
}

#[tokio::test]
async fn zt09_swap_exact_out_erc20() {
    let env = Env::new().await;
    let key = env.erc20_pool(e18(10), e18(40), FEE).await;
    let want = U256::from(2 * E18 / 10);
    let expected_in = amount_in(want, e18(10), e18(40), u(30));
    let (b0, b1) = (
        env.erc20(key.token0, env.bob).await,
        env.erc20(key.token1, env.bob).await,
    );
    let (paid, r) = env
        .swap_out(env.bob, &key, want, e18(1), true, U256::ZERO)
        .await
        .unwrap();
    assert_eq!(paid, expected_in);
    assert_eq!(env.erc20(key.token0, env.bob).await, b0 - expected_in);
    assert_eq!(env.erc20(key.token1, env.bob).await, b1 + want);
    assert_eq!(
        env.reserves(&key).await,
        (e18(10) + expected_in, e18(40) - want)
    );
    let s = &events::<ZAMM::Swap>(&r, env.addr)[0];
    assert_eq!(
        (s.amount0In, s.amount1In, s.amount0Out, s.amount1Out),
        (expected_in, U256::ZERO, U256::ZERO, want)
    );
    // amountInMax exceeded, zero out, out >= reserve.
    assert_err::<ZAMM::InsufficientInputAmount, _>(
        env.swap_out(env.bob, &key, want, expected_in - u(2), true, U256::ZERO)
            .await,
    );
    assert_err::<ZAMM::InsufficientOutputAmount, _>(
        env.swap_out(env.bob, &key, U256::ZERO, e18(1), true, U256::ZERO)
            .await,
    );
    let (_, r1) = env.reserves(&key).await;
    assert_err::<ZAMM::InsufficientLiquidity, _>(
        env.swap_out(env.bob, &key, r1, U256::MAX, true, U256::ZERO)
            .await,
    );
}

#[tokio::test]
async fn zt10_remove_liquidity_erc20() {
    let env = Env::new().await;
    let key = env.erc20_pool(e18(10), e18(40), FEE).await;
    let id = pool_id(&key);
    let lp = env.bal(env.alice, id).await;
    let half = lp / u(2);
    let p = env.pool(&key).await;
    let (r0, r1, supply) = (U256::from(p.reserve0), U256::from(p.reserve1), p.supply);
    let (e0, e1) = (half * r0 / supply, half * r1 / supply);
    let (c0, c1) = (
        env.erc20(key.token0, env.carol).await,
        env.erc20(key.token1, env.carol).await,
    );
    let (ret, r) = env.remove(env.alice, &key, half, env.carol).await.unwrap();
    assert_eq!((ret.amount0, ret.amount1), (e0, e1));
    assert_eq!(env.bal(env.alice, id).await, lp - half);
    assert_eq!(env.reserves(&key).await, (r0 - e0, r1 - e1));
    assert_eq!(env.pool(&key).await.supply, supply - half);
    assert_eq!(env.erc20(key.token0, env.carol).await, c0 + e0);
    assert_eq!(env.erc20(key.token1, env.carol).await, c1 + e1);
    assert_eq!(
        topics0(&r, env.addr),
        vec![
            ZAMM::Transfer::SIGNATURE_HASH,
            ZAMM::Sync::SIGNATURE_HASH,
            ZAMM::Burn::SIGNATURE_HASH
        ]
    );
    let b = &events::<ZAMM::Burn>(&r, env.addr)[0];
    assert_eq!(
        (b.poolId, b.sender, b.amount0, b.amount1, b.to),
        (id, env.alice, e0, e1, env.carol)
    );
    let t = &events::<ZAMM::Transfer>(&r, env.addr)[0];
    assert_eq!(
        (t.sender, t.receiver, t.amount),
        (env.alice, Address::ZERO, half)
    );
    // Burn is from msg.sender only: more than the balance fails even with an approval.
    assert_err::<ZAMM::InsufficientBalance, _>(env.remove(env.alice, &key, lp, env.alice).await);
    assert_err::<ZAMM::InsufficientBalance, _>(env.remove(env.bob, &key, u(1), env.bob).await);
    let mut call = ZAMM::removeLiquidityCall {
        poolKey: key.clone(),
        liquidity: u(1000),
        amount0Min: e18(1),
        amount1Min: U256::ZERO,
        to: env.alice,
        deadline: U256::from(DEADLINE),
    };
    assert_err::<ZAMM::InsufficientOutputAmount, _>(env.tx(env.alice, call.clone()).await);
    call.amount0Min = U256::ZERO;
    call.deadline = U256::from(1);
    assert_err::<ZAMM::Expired, _>(env.tx(env.alice, call).await);
}

#[tokio::test]
async fn zt12_eth_pool_and_swaps_both_ways() {
    let env = Env::new().await;
    let t = env.token("TKE").await;
    let key = eth_key(t, u(30));
    let zamm_eth = env.eth(env.addr).await;
    let (ret, _) = env
        .add(env.alice, &key, e18(10), e18(40), e18(10))
        .await
        .unwrap();
    assert_eq!(ret.liquidity, e18(20) - u(1000));
    assert_eq!(env.eth(env.addr).await, zamm_eth + e18(10));
    // ETH -> token, msg.value == amountIn exactly.
    let expected = amount_out(e18(1), e18(10), e18(40), u(30));
    let tb = env.erc20(t, env.bob).await;
    let (out, _) = env
        .swap_in(env.bob, &key, e18(1), true, e18(1))
        .await
        .unwrap();
    assert_eq!(out, expected);
    assert_eq!(env.erc20(t, env.bob).await, tb + expected);
    // token -> ETH pays ETH out to the recipient.
    let (r0, r1) = env.reserves(&key).await;
    let expected = amount_out(e18(2), r1, r0, u(30));
    let eb = env.eth(env.bob).await;
    let (out, r) = env
        .swap_in(env.bob, &key, e18(2), false, U256::ZERO)
        .await
        .unwrap();
    assert_eq!(out, expected);
    assert_eq!(env.eth(env.bob).await, eb + expected - gas_cost(&r));
    assert_eq!(env.reserves(&key).await, (r0 - expected, r1 + e18(2)));
}

#[tokio::test]
async fn zt16_swap_exact_out_eth_refunds_excess() {
    let env = Env::new().await;
    let key = env.eth_pool(e18(10), e18(40), FEE).await;
    let want = e18(1);
    let expected_in = amount_in(want, e18(10), e18(40), u(30));
    let (eb, tb) = (env.eth(env.bob).await, env.erc20(key.token1, env.bob).await);
    let zb = env.eth(env.addr).await;
    let (paid, r) = env
        .swap_out(env.bob, &key, want, e18(5), true, e18(5))
        .await
        .unwrap();
    assert_eq!(paid, expected_in);
    assert_eq!(
        env.eth(env.bob).await,
        eb - expected_in - gas_cost(&r),
        "excess ETH refunded"
    );
    assert_eq!(env.eth(env.addr).await, zb + expected_in);
    assert_eq!(env.erc20(key.token1, env.bob).await, tb + want);
    // Underpaying ETH is rejected.
    assert_err::<ZAMM::InvalidMsgVal, _>(
        env.swap_out(env.bob, &key, want, e18(5), true, expected_in - u(1))
            .await,
    );
}

#[tokio::test]
async fn zt18_twap_cumulative_exact_values() {
    let env = Env::new().await;
    let (t0, t1) = env.token_pair().await;
    let key = sorted_key(t0, t1, u(30));
    let t_start = env.timestamp().await + 1000;
    env.set_next_timestamp(t_start).await;
    env.add(env.alice, &key, e18(10), e18(40), U256::ZERO)
        .await
        .unwrap();
    let p = env.pool(&key).await;
    assert_eq!(p.blockTimestampLast as u64, t_start % (1 << 32));
    assert_eq!(
        (p.price0CumulativeLast, p.price1CumulativeLast),
        (U256::ZERO, U256::ZERO),
        "no accumulation on creation"
    );
    env.set_next_timestamp(t_start + 100).await;
    env.swap_in(env.bob, &key, e18(1), true, U256::ZERO)
        .await
        .unwrap();
    let p = env.pool(&key).await;
    // Accumulates the OLD reserves' UQ112x112 price times elapsed seconds.
    assert_eq!(p.price0CumulativeLast, uq_price(e18(40), e18(10)) * u(100));
    assert_eq!(p.price1CumulativeLast, uq_price(e18(10), e18(40)) * u(100));
    assert_eq!(p.blockTimestampLast as u64, (t_start + 100) % (1 << 32));
    let (r0, r1) = (U256::from(p.reserve0), U256::from(p.reserve1));
    let (c0, c1) = (p.price0CumulativeLast, p.price1CumulativeLast);
    env.set_next_timestamp(t_start + 137).await;
    env.swap_in(env.bob, &key, e18(1), false, U256::ZERO)
        .await
        .unwrap();
    let p = env.pool(&key).await;
    assert_eq!(p.price0CumulativeLast, c0 + uq_price(r1, r0) * u(37));
    assert_eq!(p.price1CumulativeLast, c1 + uq_price(r0, r1) * u(37));
}

#[tokio::test]
async fn zt19_external_erc6909_pool_add_swap_remove() {
    let env = Env::new().await;
    let m = MockERC6909::deploy(env.p.clone()).await.unwrap();
    let ma = *m.address();
    for who in [env.alice, env.bob] {
        for id in [1u64, 2] {
            env.exec(
                who,
                ma,
                MockERC6909::mintCall {
                    to: who,
                    id: U256::from(id),
                    amount: e18(100),
                },
                U256::ZERO,
            )
            .await
            .unwrap();
        }
        env.exec(
            who,
            ma,
            MockERC6909::setOperatorCall {
                spender: env.addr,
                approved: true,
            },
            U256::ZERO,
        )
        .await
        .unwrap();
    }
    let key = PoolKey {
        id0: u(1),
        id1: u(2),
        token0: ma,
        token1: ma,
        feeOrHook: u(30),
    };
    let id = pool_id(&key);
    assert_ne!(id, U256::ZERO);
    let (ret, _) = env
        .add(env.alice, &key, e18(10), e18(40), U256::ZERO)
        .await
        .unwrap();
    assert_eq!(ret.liquidity, e18(20) - u(1000));
    let bal = |owner, tid: u64| {
        env.view(
            ma,
            MockERC6909::balanceOfCall {
                _0: owner,
                _1: U256::from(tid),
            },
        )
    };
    assert_eq!(bal(env.addr, 1).await, e18(10));
    assert_eq!(bal(env.addr, 2).await, e18(40));
    let expected = amount_out(e18(1), e18(10), e18(40), u(30));
    let (out, _) = env
        .swap_in(env.bob, &key, e18(1), true, U256::ZERO)
        .await
        .unwrap();
    assert_eq!(out, expected);
    assert_eq!(bal(env.bob, 1).await, e18(99));
    assert_eq!(bal(env.bob, 2).await, e18(100) + expected);
    let lp = env.bal(env.alice, id).await;
    let (ret, _) = env.remove(env.alice, &key, lp, env.alice).await.unwrap();
    assert!(ret.amount0 > U256::ZERO && ret.amount1 > U256::ZERO);
    assert_eq!(bal(env.alice, 1).await, e18(90) + ret.amount0);
    assert_eq!(bal(env.alice, 2).await, e18(60) + ret.amount1);
    assert_eq!(
        env.pool(&key).await.supply,
        u(1000),
        "MINIMUM_LIQUIDITY stays locked"
    );
}

#[tokio::test]
async fn zamm_coin_pool_burns_on_pull_and_mints_on_push() {
    let env = Env::new().await;
    let (c1, _) = env
        .tx(
            env.alice,
            ZAMM::coinCall {
                creator: env.alice,
                supply: e18(100),
                uri: "a".into(),
            },
        )
        .await
        .unwrap();
    let (c2, _) = env
        .tx(
            env.alice,
            ZAMM::coinCall {
                creator: env.alice,
                supply: e18(100),
                uri: "b".into(),
            },
        )
        .await
        .unwrap();
    let key = PoolKey {
        id0: c1,
        id1: c2,
        token0: env.addr,
        token1: env.addr,
        feeOrHook: u(30),
    };
    env.add(env.alice, &key, e18(10), e18(40), U256::ZERO)
        .await
        .unwrap();
    assert_eq!(
        env.bal(env.alice, c1).await,
        e18(90),
        "pulled coins are burned"
    );
    assert_eq!(
        env.bal(env.addr, c1).await,
        U256::ZERO,
        "zAMM never holds its own tokens"
    );
    let expected = amount_out(e18(1), e18(10), e18(40), u(30));
    let (out, r) = env
        .swap_in(env.alice, &key, e18(1), true, U256::ZERO)
        .await
        .unwrap();
    assert_eq!(out, expected);
    assert_eq!(env.bal(env.alice, c2).await, e18(60) + expected);
    let ts = events::<ZAMM::Transfer>(&r, env.addr);
    assert_eq!(ts.len(), 2);
    assert_eq!(
        (ts[0].sender, ts[0].receiver, ts[0].id, ts[0].amount),
        (env.alice, Address::ZERO, c1, e18(1))
    );
    assert_eq!(
        (ts[1].sender, ts[1].receiver, ts[1].id, ts[1].amount),
        (Address::ZERO, env.alice, c2, expected)
    );
    // ETH / coin pool as in the launchpads.
    let ekey = PoolKey {
        id0: U256::ZERO,
        id1: c1,
        token0: Address::ZERO,
        token1: env.addr,
        feeOrHook: u(30),
    };
    env.add(env.alice, &ekey, e18(1), e18(50), e18(1))
        .await
        .unwrap();
    let expected = amount_out(U256::from(E18 / 10), e18(1), e18(50), u(30));
    let (out, _) = env
        .swap_in(
            env.bob,
            &ekey,
            U256::from(E18 / 10),
            true,
            U256::from(E18 / 10),
        )
        .await
        .unwrap();
    assert_eq!(out, expected);
    assert_eq!(env.bal(env.bob, c1).await, expected);
}

#[tokio::test]
async fn zt20_reentrant_remove_liquidity_hits_lock() {
    let env = Env::new().await;
    let key = env.eth_pool(e18(10), e18(40), FEE).await;
    let id = pool_id(&key);
    let attacker = ReentrantRemover::deploy(env.p.clone(), env.addr)
        .await
        .unwrap();
    let at = *attacker.address();
    env.tx(
        env.alice,
        ZAMM::transferCall {
            to: at,
            id,
            amount: e18(2),
        },
    )
    .await
    .unwrap();
    let k = key_as!(ReentrantRemover, key);
    // receive() re-enters and bubbles the inner revert: the ETH push fails.
    let call = ReentrantRemover::attackCall {
        key_: k.clone(),
        liquidity_: e18(1),
        swallow_: false,
    };
    assert_err::<ZAMM::ETHTransferFailed, _>(env.exec(env.bob, at, call, U256::ZERO).await);
    // receive() catches the inner revert: it is exactly Reentrancy(), and only one removal happened.
    let call = ReentrantRemover::attackCall {
        key_: k,
        liquidity_: e18(1),
        swallow_: true,
    };
    env.exec(env.bob, at, call, U256::ZERO).await.unwrap();
    let inner = env.view(at, ReentrantRemover::innerRevertCall {}).await;
    assert_eq!(inner.as_ref(), ZAMM::Reentrancy::SELECTOR.as_slice());
    assert_eq!(env.view(at, ReentrantRemover::attemptsCall {}).await, u(1));
    assert_eq!(env.bal(at, id).await, e18(1));
    assert_eq!(env.eth(at).await, e18(1) * e18(10) / e18(20));
}

#[tokio::test]
async fn first_deposit_tiny_liquidity_errors() {
    let env = Env::new().await;
    let (t0, t1) = env.token_pair().await;
    let key = sorted_key(t0, t1, u(30));
    // sqrt(1000 * 999) = 999 < 1000: checked subtraction underflows.
    assert_panic(
        env.add(env.alice, &key, u(1000), u(999), U256::ZERO).await,
        0x11,
    );
    // sqrt == 1000: zero liquidity.
    assert_err::<ZAMM::InsufficientLiquidityMinted, _>(
        env.add(env.alice, &key, u(1000), u(1000), U256::ZERO).await,
    );
    let (ret, _) = env
        .add(env.alice, &key, u(1001), u(1001), U256::ZERO)
        .await
        .unwrap();
    assert_eq!(ret.liquidity, u(1));
    assert_eq!(env.pool(&key).await.supply, u(1001));
}

#[tokio::test]
async fn invalid_pool_tokens_matrix() {
    let env = Env::new().await;
    let (t0, t1) = env.token_pair().await;
    let bad = |id0: u64, id1: u64, a: Address, b: Address| PoolKey {
        id0: U256::from(id0),
        id1: U256::from(id1),
        token0: a,
        token1: b,
        feeOrHook: u(30),
    };
    // Reversed addresses.
    assert_err::<ZAMM::InvalidPoolTokens, _>(
        env.add(env.alice, &bad(0, 0, t1, t0), e18(1), e18(1), U256::ZERO)
            .await,
    );
    // Same address, ids 0 / equal / descending.
    let (c1, _) = env
        .tx(
            env.alice,
            ZAMM::coinCall {
                creator: env.alice,
                supply: e18(10),
                uri: "".into(),
            },
        )
        .await
        .unwrap();
    let (c2, _) = env
        .tx(
            env.alice,
            ZAMM::coinCall {
                creator: env.alice,
                supply: e18(10),
                uri: "".into(),
            },
        )
        .await
        .unwrap();
    for (i0, i1) in [(c1, c1), (c2, c1)] {
        let k = PoolKey {
            id0: i0,
            id1: i1,
            token0: env.addr,
            token1: env.addr,
            feeOrHook: u(30),
        };
        assert_err::<ZAMM::InvalidPoolTokens, _>(
            env.add(env.alice, &k, e18(1), e18(1), U256::ZERO).await,
        );
    }
    let k = PoolKey {
        id0: U256::ZERO,
        id1: c1,
        token0: env.addr,
        token1: env.addr,
        feeOrHook: u(30),
    };
    // Pulls run before the check and nobody can hold zAMM id 0, so pull 0 of it.
    assert_err::<ZAMM::InvalidPoolTokens, _>(
        env.add(env.alice, &k, U256::ZERO, e18(1), U256::ZERO).await,
    );
    // ETH with a non-zero id0.
    let k = PoolKey {
        id0: u(1),
        id1: U256::ZERO,
        token0: Address::ZERO,
        token1: t0,
        feeOrHook: u(30),
    };
    assert_err::<ZAMM::InvalidPoolTokens, _>(env.add(env.alice, &k, e18(1), e18(1), e18(1)).await);
    // Valid counterparts succeed.
    let k = PoolKey {
        id0: c1,
        id1: c2,
        token0: env.addr,
        token1: env.addr,
        feeOrHook: u(30),
    };
    env.add(env.alice, &k, e18(1), e18(1), U256::ZERO)
        .await
        .unwrap();
    env.add(env.alice, &bad(0, 0, t0, t1), e18(1), e18(1), U256::ZERO)
        .await
        .unwrap();
}

#[tokio::test]
async fn invalid_fee_or_hook_matrix_and_full_fee_pool() {
    let env = Env::new().await;
    let (t0, t1) = env.token_pair().await;
    for bit in [160usize, 200, 253] {
        let v = (U256::from(1) << bit) | u(30);
        assert_err::<ZAMM::InvalidFeeOrHook, _>(
            env.add(
                env.alice,
                &sorted_key(t0, t1, v),
                e18(1),
                e18(1),
                U256::ZERO,
            )
            .await,
        );
    }
    // 10000 (100%) is a valid fee: exactIn yields 0 out, exactOut divides by zero.
    let key = sorted_key(t0, t1, u(10000));
    env.add(env.alice, &key, e18(10), e18(10), U256::ZERO)
        .await
        .unwrap();
    assert_err::<ZAMM::InsufficientOutputAmount, _>(
        env.swap_in(env.bob, &key, e18(1), true, U256::ZERO).await,
    );
    assert_panic(
        env.swap_out(env.bob, &key, e18(1), U256::MAX, true, U256::ZERO)
            .await,
        0x12,
    );
    // 10001 without flags is an after-only hook at address 0x2711, which has no code: empty revert.
    assert_empty_revert(
        env.add(
            env.alice,
            &sorted_key(t0, t1, u(10001)),
            e18(1),
            e18(1),
            U256::ZERO,
        )
        .await,
    );
    // Several pools per pair (one per feeOrHook).
    env.add(
        env.alice,
        &sorted_key(t0, t1, u(5)),
        e18(1),
        e18(1),
        U256::ZERO,
    )
    .await
    .unwrap();
    assert_eq!(
        env.reserves(&sorted_key(t0, t1, u(5))).await,
        (e18(1), e18(1))
    );
    assert_eq!(env.reserves(&key).await, (e18(10), e18(10)));
}

#[tokio::test]
async fn uncreated_pool_errors() {
    let env = Env::new().await;
    let (t0, t1) = env.token_pair().await;
    let key = sorted_key(t0, t1, u(30));
    assert_err::<ZAMM::InsufficientOutputAmount, _>(
        env.swap_in(env.bob, &key, e18(1), true, U256::ZERO).await,
    );
    assert_err::<ZAMM::InsufficientLiquidity, _>(
        env.swap_out(env.bob, &key, e18(1), U256::MAX, true, U256::ZERO)
            .await,
    );
    let call = ZAMM::swapCall {
        poolKey: key.clone(),
        amount0Out: u(1),
        amount1Out: U256::ZERO,
        to: env.bob,
        data: Bytes::new(),
    };
    assert_err::<ZAMM::InsufficientLiquidity, _>(env.tx(env.bob, call).await);
    assert_err::<ZAMM::MulDivFailed, _>(env.remove(env.bob, &key, U256::ZERO, env.bob).await);
}

#[tokio::test]
async fn msg_value_rules_per_path() {
    let env = Env::new().await;
    let ekey = env.eth_pool(e18(10), e18(40), FEE).await;
    let key = env.erc20_pool(e18(10), e18(40), FEE).await;
    // swapExactIn ETH in: value must equal amountIn.
    for v in [U256::ZERO, e18(1) - u(1), e18(1) + u(1)] {
        assert_err::<ZAMM::InvalidMsgVal, _>(env.swap_in(env.bob, &ekey, e18(1), true, v).await);
    }
    // Token in (either direction, no credit): value must be 0.
    assert_err::<ZAMM::InvalidMsgVal, _>(env.swap_in(env.bob, &ekey, e18(1), false, u(1)).await);
    assert_err::<ZAMM::InvalidMsgVal, _>(env.swap_in(env.bob, &key, e18(1), true, u(1)).await);
    assert_err::<ZAMM::InvalidMsgVal, _>(
        env.swap_out(env.bob, &key, e18(1), e18(2), true, u(1))
            .await,
    );
    // addLiquidity: ETH short -> error; ERC-20 pool with value -> error.
    assert_err::<ZAMM::InvalidMsgVal, _>(
        env.add(env.bob, &ekey, e18(1), e18(4), e18(1) - u(1)).await,
    );
    assert_err::<ZAMM::InvalidMsgVal, _>(env.add(env.bob, &key, e18(1), e18(4), u(1)).await);
    // addLiquidity refunds excess ETH.
    let eb = env.eth(env.bob).await;
    let (ret, r) = env
        .add(env.bob, &ekey, e18(1), e18(4), e18(3))
        .await
        .unwrap();
    assert_eq!((ret.amount0, ret.amount1), (e18(1), e18(4)));
    assert_eq!(env.eth(env.bob).await, eb - e18(1) - gas_cost(&r));
    // Non-payable swap() and removeLiquidity() reject value with an empty revert.
    let swap = ZAMM::swapCall {
        poolKey: key.clone(),
        amount0Out: u(1),
        amount1Out: U256::ZERO,
        to: env.bob,
        data: Bytes::new(),
    };
    assert_empty_revert(
        env.call_raw(env.bob, env.addr, swap.abi_encode().into(), u(1))
            .await,
    );
    let rm = ZAMM::removeLiquidityCall {
        poolKey: key.clone(),
        liquidity: u(1),
        amount0Min: U256::ZERO,
        amount1Min: U256::ZERO,
        to: env.alice,
        deadline: U256::from(DEADLINE),
    };
    assert_empty_revert(
        env.call_raw(env.alice, env.addr, rm.abi_encode().into(), u(1))
            .await,
    );
    assert_eq!(
        env.remove(env.alice, &key, u(1), env.alice)
            .await
            .unwrap()
            .0
            .amount0,
        U256::ZERO
    );
}

#[tokio::test]
async fn protocol_fee_matches_uniswap_v2_formula() {
    let env = Env::new().await;
    env.tx(env.deployer, ZAMM::setFeeToCall { feeTo: env.carol })
        .await
        .unwrap();
    let (t0, t1) = env.token_pair().await;
    let key = sorted_key(t0, t1, u(30));
    let id = pool_id(&key);
    env.add(env.alice, &key, e18(10), e18(40), U256::ZERO)
        .await
        .unwrap();
    let p = env.pool(&key).await;
    assert_eq!(
        p.kLast,
        e18(10) * e18(40),
        "feeOn: kLast = r0 * r1 after the first deposit"
    );
    for (amt, z) in [(e18(3), true), (e18(5), false), (e18(2), true)] {
        env.swap_in(env.bob, &key, amt, z, U256::ZERO)
            .await
            .unwrap();
    }
    let p = env.pool(&key).await;
    let (r0, r1) = (U256::from(p.reserve0), U256::from(p.reserve1));
    let (root_k, root_k_last) = (isqrt(r0 * r1), isqrt(p.kLast));
    assert!(root_k > root_k_last);
    let fee_liq = p.supply * (root_k - root_k_last) / (u(5) * root_k + root_k_last);
    assert!(fee_liq > U256::ZERO);
    // removeLiquidity mints the fee first, then prices the removal with the new supply.
    let lp = env.bal(env.alice, id).await;
    let burn = lp / u(4);
    let supply_after_fee = p.supply + fee_liq;
    let (ret, r) = env.remove(env.alice, &key, burn, env.alice).await.unwrap();
    assert_eq!(env.bal(env.carol, id).await, fee_liq);
    assert_eq!(
        (ret.amount0, ret.amount1),
        (burn * r0 / supply_after_fee, burn * r1 / supply_after_fee)
    );
    let p2 = env.pool(&key).await;
    assert_eq!(p2.supply, supply_after_fee - burn);
    assert_eq!(p2.kLast, U256::from(p2.reserve0) * U256::from(p2.reserve1));
    let fee_mint = &events::<ZAMM::Transfer>(&r, env.addr)[0];
    assert_eq!(
        (
            fee_mint.sender,
            fee_mint.receiver,
            fee_mint.id,
            fee_mint.amount
        ),
        (Address::ZERO, env.carol, id, fee_liq)
    );
    // Turning the fee off clears kLast on the next liquidity event; no more fee mints.
    env.tx(
        env.carol,
        ZAMM::setFeeToCall {
            feeTo: Address::ZERO,
        },
    )
    .await
    .unwrap_err();
    env.tx(
        env.deployer,
        ZAMM::setFeeToCall {
            feeTo: Address::ZERO,
        },
    )
    .await
    .unwrap();
    env.swap_in(env.bob, &key, e18(1), true, U256::ZERO)
        .await
        .unwrap();
    env.add(env.bob, &key, e18(1), e18(4), U256::ZERO)
        .await
        .unwrap();
    assert_eq!(env.pool(&key).await.kLast, U256::ZERO);
    assert_eq!(env.bal(env.carol, id).await, fee_liq);
}

#[tokio::test]
async fn reserves_above_uint112_overflow() {
    let env = Env::new().await;
    let (t0, t1) = env.token_pair().await;
    let big = U256::from(1) << 112;
    env.exec(
        env.alice,
        t0,
        MockERC20::mintCall {
            to: env.alice,
            amount: big,
        },
        U256::ZERO,
    )
    .await
    .unwrap();
    let key = sorted_key(t0, t1, u(30));
    assert_err::<ZAMM::Overflow, _>(env.add(env.alice, &key, big, e18(1), U256::ZERO).await);
    env.add(env.alice, &key, big - u(1), e18(1), U256::ZERO)
        .await
        .unwrap();
    assert_eq!(env.reserves(&key).await, (big - u(1), e18(1)));
}

#[tokio::test]
async fn erc20_return_value_quirks() {
    let env = Env::new().await;
    let t = env.token("STD").await;
    // No-return-data token works (solady optional return).
    let nr = NoReturnERC20::deploy(env.p.clone()).await.unwrap();
    let nra = *nr.address();
    env.exec(
        env.alice,
        nra,
        NoReturnERC20::mintCall {
            to: env.alice,
            amount: e18(100),
        },
        U256::ZERO,
    )
    .await
    .unwrap();
    env.exec(
        env.alice,
        nra,
        NoReturnERC20::approveCall {
            spender: env.addr,
            amount: U256::MAX,
        },
        U256::ZERO,
    )
    .await
    .unwrap();
    let key = sorted_key(t, nra, u(30));
    env.add(env.alice, &key, e18(10), e18(10), U256::ZERO)
        .await
        .unwrap();
    let nr_in_zamm = env.view(nra, NoReturnERC20::balanceOfCall(env.addr)).await;
    assert_eq!(nr_in_zamm, e18(10));
    let z = key.token0 == nra;
    let (out, _) = env
        .swap_in(env.alice, &key, e18(1), !z, U256::ZERO)
        .await
        .unwrap();
    assert_eq!(
        env.view(nra, NoReturnERC20::balanceOfCall(env.addr)).await,
        e18(10) - out,
        "push of a no-return token works"
    );
    // A token returning false fails the pull.
    let fr = FalseReturnERC20::deploy(env.p.clone()).await.unwrap();
    let key = sorted_key(t, *fr.address(), u(30));
    assert_err::<ZAMM::TransferFromFailed, _>(
        env.add(env.alice, &key, e18(1), e18(1), U256::ZERO).await,
    );
    // A "token" with no code fails the pull too.
    let ghost = Address::repeat_byte(0x77);
    let key = sorted_key(t, ghost, u(30));
    assert_err::<ZAMM::TransferFromFailed, _>(
        env.add(env.alice, &key, e18(1), e18(1), U256::ZERO).await,
    );
}

#[tokio::test]
async fn dirty_address_words_in_the_pool_key_revert_empty() {
    let env = Env::new().await;
    let key = env.erc20_pool(e18(10), e18(40), FEE).await;
    let call = ZAMM::swapExactInCall {
        poolKey: key.clone(),
        amountIn: e18(1),
        amountOutMin: U256::ZERO,
        zeroForOne: true,
        to: env.bob,
        deadline: U256::from(DEADLINE),
    };
    let clean = call.abi_encode();
    assert!(env
        .call_raw(env.bob, env.addr, clean.clone().into(), U256::ZERO)
        .await
        .is_ok());
    // token0 is the 3rd word of the key (bytes 4 + 64 .. 4 + 96); set a bit in its upper 12 bytes.
    for word in [2usize, 3] {
        let mut dirty = clean.clone();
        dirty[4 + 32 * word] = 0x01;
        assert_empty_revert(
            env.call_raw(env.bob, env.addr, dirty.into(), U256::ZERO)
                .await,
        );
    }
}

#[tokio::test]
async fn swap_paying_out_to_zamm_reads_its_own_output_back() {
    let env = Env::new().await;
    // Fee 30: the output is credited, read back as input, and the fee makes K fail.
    let key = env.erc20_pool(e18(10), e18(40), FEE).await;
    let call = |key: &PoolKey| ZAMM::swapCall {
        poolKey: key.clone(),
        amount0Out: e18(1),
        amount1Out: U256::ZERO,
        to: env.addr,
        data: Bytes::new(),
    };
    assert_err::<ZAMM::K, _>(env.tx(env.bob, call(&key)).await);
    // Fee 0: a no-op swap (in == out) that leaves the reserves unchanged.
    let key0 = env.erc20_pool(e18(10), e18(40), 0).await;
    let (_, r) = env.tx(env.bob, call(&key0)).await.unwrap();
    assert_eq!(env.reserves(&key0).await, (e18(10), e18(40)));
    let s = &events::<ZAMM::Swap>(&r, env.addr)[0];
    assert_eq!(
        (s.amount0In, s.amount1In, s.amount0Out, s.amount1Out, s.to),
        (e18(1), U256::ZERO, e18(1), U256::ZERO, env.addr)
    );
}
