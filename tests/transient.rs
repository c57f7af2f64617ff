//! Transient credit (EIP-1153): deposit/receive/recover, credits paying swaps and liquidity,
//! outputs to zAMM, multihop through an EVM router, flash swaps via zammCall (ZT-14, ZT-15,
//! ZT-21, multihop and swap()-repayment acceptance items).
mod common;

use alloy::primitives::{Address, Bytes, B256, U256};
use alloy::sol_types::SolValue;
use common::*;

const FEE: u64 = 30;

async fn batcher(env: &Env) -> Address {
    *Batcher::deploy(env.p.clone())
        .await
        .expect("deploy Batcher")
        .address()
}

/// Runs `steps` from bob through the batcher with `value` wei; returns each step's return data.
async fn run(
    env: &Env,
    b: Address,
    steps: Vec<Batcher::Call>,
    value: U256,
) -> Result<Vec<Bytes>, Revert> {
    env.exec(env.bob, b, Batcher::runCall { calls: steps }, value)
        .await
        .map(|(ret, _)| ret)
}

fn word(b: &Bytes) -> U256 {
    U256::abi_decode(b).expect("uint256 return")
}

async fn fund_batcher(env: &Env, b: Address, token: Address, amount: U256) {
    env.exec(
        env.deployer,
        token,
        MockERC20::mintCall { to: b, amount },
        U256::ZERO,
    )
    .await
    .unwrap();
}

fn approve(token: Address, spender: Address) -> Batcher::Call {
    step(
        token,
        U256::ZERO,
        MockERC20::approveCall {
            spender,
            amount: U256::MAX,
        },
    )
}

fn swap_in_call(
    key: &PoolKey,
    amount_in: U256,
    zero_for_one: bool,
    to: Address,
) -> ZAMM::swapExactInCall {
    ZAMM::swapExactInCall {
        poolKey: key.clone(),
        amountIn: amount_in,
        amountOutMin: U256::ZERO,
        zeroForOne: zero_for_one,
        to,
        deadline: U256::from(DEADLINE),
    }
}

fn recover(token: Address, id: U256, to: Address) -> ZAMM::recoverTransientBalanceCall {
    ZAMM::recoverTransientBalanceCall { token, id, to }
}

#[tokio::test]
async fn zt14_deposit_then_recover_in_one_transaction() {
    let env = Env::new().await;
    let t = env.token("TKT").await;
    let b = batcher(&env).await;
    fund_batcher(&env, b, t, e18(5)).await;
    let z = env.addr;
    let steps = vec![
        approve(t, z),
        step(
            z,
            U256::ZERO,
            ZAMM::depositCall {
                token: t,
                id: U256::ZERO,
                amount: e18(1),
            },
        ),
        step(z, U256::ZERO, recover(t, U256::ZERO, b)),
        step(
            z,
            U256::ZERO,
            ZAMM::depositCall {
                token: t,
                id: U256::ZERO,
                amount: e18(2),
            },
        ),
        step(z, U256::ZERO, recover(t, U256::ZERO, env.carol)),
        step(z, U256::ZERO, recover(t, U256::ZERO, env.carol)),
    ];
    let c0 = env.erc20(t, env.carol).await;
    let out = run(&env, b, steps, U256::ZERO).await.unwrap();
    assert_eq!(
        (word(&out[2]), word(&out[4]), word(&out[5])),
        (e18(1), e18(2), U256::ZERO)
    );
    assert_eq!(env.erc20(t, b).await, e18(3));
    assert_eq!(env.erc20(t, env.carol).await, c0 + e18(2));
    assert_eq!(env.erc20(t, env.addr).await, U256::ZERO);
}

#[tokio::test]
async fn zt15_deposit_rejects_bad_msg_value() {
    let env = Env::new().await;
    let t = env.token("TKT").await;
    let eth = |amount| ZAMM::depositCall {
        token: Address::ZERO,
        id: U256::ZERO,
        amount,
    };
    assert_err::<ZAMM::InvalidMsgVal, _>(env.tx_value(env.bob, eth(e18(1)), e18(1) - u(1)).await);
    assert_err::<ZAMM::InvalidMsgVal, _>(env.tx_value(env.bob, eth(e18(1)), e18(2)).await);
    let erc = ZAMM::depositCall {
        token: t,
        id: U256::ZERO,
        amount: e18(1),
    };
    assert_err::<ZAMM::InvalidMsgVal, _>(env.tx_value(env.bob, erc.clone(), u(1)).await);
    // Valid deposits succeed; the credit dies with the transaction and the tokens stay stranded.
    env.tx_value(env.bob, eth(e18(1)), e18(1)).await.unwrap();
    env.tx(env.bob, erc).await.unwrap();
    assert_eq!(env.erc20(t, env.addr).await, e18(1));
    let (amt, _) = env
        .tx(env.bob, recover(t, U256::ZERO, env.bob))
        .await
        .unwrap();
    assert_eq!(amt, U256::ZERO);
}

#[tokio::test]
async fn eth_credit_from_deposit_or_receive_pays_swap_input() {
    let env = Env::new().await;
    let key = env.eth_pool(e18(10), e18(40), FEE).await;
    let b = batcher(&env).await;
    let z = env.addr;
    let expected = amount_out(e18(1), e18(10), e18(40), u(30));
    let steps = vec![
        step(
            z,
            e18(1),
            ZAMM::depositCall {
                token: Address::ZERO,
                id: U256::ZERO,
                amount: e18(1),
            },
        ),
        step(z, U256::ZERO, swap_in_call(&key, e18(1), true, b)),
    ];
    let out = run(&env, b, steps, e18(1)).await.unwrap();
    assert_eq!(word(&out[1]), expected);
    assert_eq!(env.erc20(key.token1, b).await, expected);
    // receive() credits the sender too.
    let (r0, r1) = env.reserves(&key).await;
    let expected = amount_out(e18(1), r0, r1, u(30));
    let steps = vec![
        Batcher::Call {
            target: z,
            value: e18(1),
            data: Bytes::new(),
        },
        step(z, U256::ZERO, swap_in_call(&key, e18(1), true, b)),
    ];
    let out = run(&env, b, steps, e18(1)).await.unwrap();
    assert_eq!(word(&out[1]), expected);
    // With credit on the zeroForOne side, msg.value must be 0.
    let steps = vec![
        step(
            z,
            e18(1),
            ZAMM::depositCall {
                token: Address::ZERO,
                id: U256::ZERO,
                amount: e18(1),
            },
        ),
        step(z, u(1), swap_in_call(&key, e18(1), true, b)),
    ];
    assert_err::<ZAMM::InvalidMsgVal, _>(run(&env, b, steps, e18(1) + u(1)).await);
}

#[tokio::test]
async fn one_for_zero_credit_path_keeps_stray_eth() {
    let env = Env::new().await;
    let key = env.eth_pool(e18(10), e18(40), FEE).await;
    let b = batcher(&env).await;
    fund_batcher(&env, b, key.token1, e18(5)).await;
    let z = env.addr;
    let steps = vec![
        approve(key.token1, z),
        step(
            z,
            U256::ZERO,
            ZAMM::depositCall {
                token: key.token1,
                id: U256::ZERO,
                amount: e18(1),
            },
        ),
        step(z, u(5), swap_in_call(&key, e18(1), false, b)),
    ];
    run(&env, b, steps, u(5)).await.unwrap();
    let (r0, _) = env.reserves(&key).await;
    assert_eq!(
        env.eth(env.addr).await,
        r0 + u(5),
        "the 5 wei are kept, not credited or refunded"
    );
    assert_eq!(env.erc20(key.token1, b).await, e18(4));
}

#[tokio::test]
async fn credit_use_is_all_or_nothing() {
    let env = Env::new().await;
    let key = env.erc20_pool(e18(10), e18(40), FEE).await;
    let b = batcher(&env).await;
    fund_batcher(&env, b, key.token0, e18(5)).await;
    let z = env.addr;
    let half = U256::from(E18 / 2);
    let steps = vec![
        approve(key.token0, z),
        step(
            z,
            U256::ZERO,
            ZAMM::depositCall {
                token: key.token0,
                id: U256::ZERO,
                amount: half,
            },
        ),
        step(z, U256::ZERO, swap_in_call(&key, e18(1), true, b)),
        step(z, U256::ZERO, recover(key.token0, U256::ZERO, b)),
    ];
    let out = run(&env, b, steps, U256::ZERO).await.unwrap();
    assert_eq!(
        word(&out[3]),
        half,
        "insufficient credit untouched; input pulled instead"
    );
    assert_eq!(env.erc20(key.token0, b).await, e18(4));
}

#[tokio::test]
async fn add_liquidity_paid_from_credit() {
    let env = Env::new().await;
    let (t0, t1) = env.token_pair().await;
    let key = sorted_key(t0, t1, u(FEE as u128));
    let b = batcher(&env).await;
    fund_batcher(&env, b, t0, e18(10)).await;
    fund_batcher(&env, b, t1, e18(40)).await;
    let z = env.addr;
    let add = ZAMM::addLiquidityCall {
        poolKey: key.clone(),
        amount0Desired: e18(10),
        amount1Desired: e18(40),
        amount0Min: U256::ZERO,
        amount1Min: U256::ZERO,
        to: b,
        deadline: U256::from(DEADLINE),
    };
    let steps = vec![
        approve(t0, z),
        approve(t1, z),
        step(
            z,
            U256::ZERO,
            ZAMM::depositCall {
                token: t0,
                id: U256::ZERO,
                amount: e18(10),
            },
        ),
        step(
            z,
            U256::ZERO,
            ZAMM::depositCall {
                token: t1,
                id: U256::ZERO,
                amount: e18(40),
            },
        ),
        step(z, U256::ZERO, add),
        step(z, U256::ZERO, recover(t0, U256::ZERO, b)),
        step(z, U256::ZERO, recover(t1, U256::ZERO, b)),
    ];
    let out = run(&env, b, steps, U256::ZERO).await.unwrap();
    assert_eq!(
        (word(&out[5]), word(&out[6])),
        (U256::ZERO, U256::ZERO),
        "credits consumed"
    );
    assert_eq!(env.bal(b, pool_id(&key)).await, e18(20) - u(1000));
    assert_eq!(
        (env.erc20(t0, b).await, env.erc20(t1, b).await),
        (U256::ZERO, U256::ZERO)
    );
    assert_eq!(env.reserves(&key).await, (e18(10), e18(40)));
}

#[tokio::test]
async fn outputs_sent_to_zamm_become_caller_credit() {
    let env = Env::new().await;
    let key = env.erc20_pool(e18(10), e18(40), FEE).await;
    let id = pool_id(&key);
    let b = batcher(&env).await;
    fund_batcher(&env, b, key.token0, e18(1)).await;
    env.tx(
        env.alice,
        ZAMM::transferCall {
            to: b,
            id,
            amount: e18(2),
        },
    )
    .await
    .unwrap();
    let z = env.addr;
    let expected = amount_out(e18(1), e18(10), e18(40), u(30));
    let rm = ZAMM::removeLiquidityCall {
        poolKey: key.clone(),
        liquidity: e18(2),
        amount0Min: U256::ZERO,
        amount1Min: U256::ZERO,
        to: z,
        deadline: U256::from(DEADLINE),
    };
    let steps = vec![
        approve(key.token0, z),
        step(z, U256::ZERO, swap_in_call(&key, e18(1), true, z)),
        step(z, U256::ZERO, recover(key.token1, U256::ZERO, b)),
        step(z, U256::ZERO, rm),
        step(z, U256::ZERO, recover(key.token0, U256::ZERO, z)), // re-credits
        step(z, U256::ZERO, recover(key.token0, U256::ZERO, b)),
        step(z, U256::ZERO, recover(key.token1, U256::ZERO, b)),
    ];
    let out = run(&env, b, steps, U256::ZERO).await.unwrap();
    assert_eq!(word(&out[2]), expected);
    let (a0, a1) = <(U256, U256)>::abi_decode_params(&out[3]).unwrap();
    assert_eq!((word(&out[4]), word(&out[5]), word(&out[6])), (a0, a0, a1));
    assert_eq!(env.erc20(key.token0, b).await, a0);
    assert_eq!(env.erc20(key.token1, b).await, expected + a1);
}

#[tokio::test]
async fn zamm_token_deposit_burns_and_recover_mints() {
    let env = Env::new().await;
    let b = batcher(&env).await;
    let (coin, _) = env
        .tx(
            env.alice,
            ZAMM::coinCall {
                creator: b,
                supply: e18(10),
                uri: "c".into(),
            },
        )
        .await
        .unwrap();
    let z = env.addr;
    let steps = vec![
        step(
            z,
            U256::ZERO,
            ZAMM::depositCall {
                token: z,
                id: coin,
                amount: e18(4),
            },
        ),
        step(z, U256::ZERO, recover(z, coin, env.carol)),
    ];
    let (_, r) = env
        .exec(env.bob, b, Batcher::runCall { calls: steps }, U256::ZERO)
        .await
        .unwrap();
    assert_eq!(env.bal(b, coin).await, e18(6));
    assert_eq!(env.bal(env.carol, coin).await, e18(4));
    let ts = events::<ZAMM::Transfer>(&r, env.addr);
    assert_eq!(ts.len(), 2);
    assert_eq!(
        (ts[0].caller, ts[0].sender, ts[0].receiver, ts[0].amount),
        (b, b, Address::ZERO, e18(4))
    );
    assert_eq!(
        (ts[1].caller, ts[1].sender, ts[1].receiver, ts[1].amount),
        (b, Address::ZERO, env.carol, e18(4))
    );
}

#[tokio::test]
async fn router_multihop_through_transient_credit() {
    let env = Env::new().await;
    let t1 = env.token("MID").await;
    let t2 = env.token("END").await;
    let pool_a = eth_key(t1, u(30));
    env.add(env.alice, &pool_a, e18(10), e18(40), e18(10))
        .await
        .unwrap();
    let pool_b = sorted_key(t1, t2, u(30));
    env.add(env.alice, &pool_b, e18(50), e18(50), U256::ZERO)
        .await
        .unwrap();
    let router = *Router::deploy(env.p.clone(), env.addr)
        .await
        .unwrap()
        .address();
    let mid = amount_out(e18(1), e18(10), e18(40), u(30));
    let t1_is_0 = pool_b.token0 == t1;
    let fin = amount_out(mid, e18(50), e18(50), u(30));
    let call = Router::swap2Call {
        key1: key_as!(Router, pool_a),
        key2: key_as!(Router, pool_b),
        amountIn: e18(1),
        amountOutMin: fin,
        zeroForOne1: true,
        zeroForOne2: t1_is_0,
        to: env.carol,
    };
    let c0 = env.erc20(t2, env.carol).await;
    let (out, r) = env.exec(env.bob, router, call, e18(1)).await.unwrap();
    assert_eq!(out, fin);
    assert_eq!(env.erc20(t2, env.carol).await, c0 + fin);
    let swaps = events::<ZAMM::Swap>(&r, env.addr);
    assert_eq!(swaps.len(), 2);
    assert_eq!(
        (swaps[0].sender, swaps[0].to),
        (router, env.addr),
        "hop 1 pays out to zAMM as credit"
    );
    assert_eq!((swaps[1].sender, swaps[1].to), (router, env.carol));
    // Nothing stranded: zAMM's MID balance equals the sum of MID reserves.
    let (_, a1) = env.reserves(&pool_a).await;
    let (b0, b1) = env.reserves(&pool_b).await;
    assert_eq!(
        env.erc20(t1, env.addr).await,
        a1 + if t1_is_0 { b0 } else { b1 }
    );
    assert_eq!(env.erc20(t1, router).await, U256::ZERO);
    // Single hop through the router, ERC-20 input pulled from the user.
    env.approve20(t2, env.bob, router).await;
    let (r0, r1) = env.reserves(&pool_b).await;
    let exp = if t1_is_0 {
        amount_out(e18(1), r1, r0, u(30))
    } else {
        amount_out(e18(1), r0, r1, u(30))
    };
    let call = Router::swapSingleCall {
        key: key_as!(Router, pool_b),
        amountIn: e18(1),
        amountOutMin: exp,
        zeroForOne: !t1_is_0,
        to: env.bob,
    };
    let (out, _) = env.exec(env.bob, router, call, U256::ZERO).await.unwrap();
    assert_eq!(out, exp);
}

/// swap data for the FlashBorrower: (mode, token, repay).
fn flash_data(mode: &[u8], token: Address, repay: U256) -> Bytes {
    (B256::right_padding_from(mode), token, repay)
        .abi_encode_params()
        .into()
}

#[tokio::test]
async fn zt21_flash_swap_repaid_by_deposit_in_callback() {
    let env = Env::new().await;
    let key = env.erc20_pool(e18(100), e18(100), FEE).await;
    let fb = *FlashBorrower::deploy(env.p.clone(), env.addr)
        .await
        .unwrap()
        .address();
    let borrow = e18(1);
    let repay = (borrow * u(10000)).div_ceil(u(9970)); // ceil: smallest input passing K at 30 bps
    env.exec(
        env.deployer,
        key.token0,
        MockERC20::mintCall {
            to: fb,
            amount: repay - borrow,
        },
        U256::ZERO,
    )
    .await
    .unwrap();
    let call = FlashBorrower::flashCall {
        key: key_as!(FlashBorrower, key),
        amount0Out: borrow,
        amount1Out: U256::ZERO,
        data: flash_data(b"DEPOSIT", key.token0, repay),
    };
    let (_, r) = env.exec(env.bob, fb, call, U256::ZERO).await.unwrap();
    assert_eq!(
        env.reserves(&key).await,
        (e18(100) + repay - borrow, e18(100))
    );
    assert_eq!(
        env.erc20(key.token0, fb).await,
        U256::ZERO,
        "borrower drained"
    );
    assert_eq!(env.view(fb, FlashBorrower::callsCall {}).await, u(1));
    assert_eq!(
        env.view(fb, FlashBorrower::seenPoolIdCall {}).await,
        pool_id(&key)
    );
    assert_eq!(env.view(fb, FlashBorrower::seenSenderCall {}).await, fb);
    assert_eq!(
        env.view(fb, FlashBorrower::seenAmount0OutCall {}).await,
        borrow
    );
    let s = &events::<ZAMM::Swap>(&r, env.addr)[0];
    assert_eq!(
        (s.amount0In, s.amount1In, s.amount0Out, s.amount1Out),
        (repay, U256::ZERO, borrow, U256::ZERO)
    );
}

#[tokio::test]
async fn flash_swap_repayment_rules() {
    let env = Env::new().await;
    let key = env.erc20_pool(e18(100), e18(100), FEE).await;
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
    let borrow = e18(1);
    let repay = (borrow * u(10000)).div_ceil(u(9970));
    let flash = |data| FlashBorrower::flashCall {
        key: key_as!(FlashBorrower, key),
        amount0Out: borrow,
        amount1Out: U256::ZERO,
        data,
    };
    // A plain ERC-20 transfer to zAMM does not count: only transient credit does.
    assert_err::<ZAMM::InsufficientInputAmount, _>(
        env.exec(
            env.bob,
            fb,
            flash(flash_data(b"TRANSFER", key.token0, repay)),
            U256::ZERO,
        )
        .await,
    );
    // One wei short fails the K check.
    assert_err::<ZAMM::K, _>(
        env.exec(
            env.bob,
            fb,
            flash(flash_data(b"DEPOSIT", key.token0, repay - u(1))),
            U256::ZERO,
        )
        .await,
    );
    // The credit belongs to whoever deposits: bob calling swap() directly with to = borrower fails.
    let direct = ZAMM::swapCall {
        poolKey: key.clone(),
        amount0Out: borrow,
        amount1Out: U256::ZERO,
        to: fb,
        data: flash_data(b"DEPOSIT", key.token0, repay),
    };
    assert_err::<ZAMM::InsufficientInputAmount, _>(env.tx(env.bob, direct).await);
    // No callback and no credit.
    let bare = ZAMM::swapCall {
        poolKey: key.clone(),
        amount0Out: u(1),
        amount1Out: U256::ZERO,
        to: env.bob,
        data: Bytes::new(),
    };
    assert_err::<ZAMM::InsufficientInputAmount, _>(env.tx(env.bob, bare).await);
    let none = ZAMM::swapCall {
        poolKey: key.clone(),
        amount0Out: U256::ZERO,
        amount1Out: U256::ZERO,
        to: env.bob,
        data: Bytes::new(),
    };
    assert_err::<ZAMM::InsufficientOutputAmount, _>(env.tx(env.bob, none).await);
    // State untouched by the failures.
    assert_eq!(env.reserves(&key).await, (e18(100), e18(100)));
}
