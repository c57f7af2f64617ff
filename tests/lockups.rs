//! Timelock: lockup / unlock for ETH, ERC-20, zAMM coins and LP shares (TL-01..07, plus
//! permissionless unlock and unlock-to-zAMM crediting).
mod common;

use alloy::primitives::{keccak256, Address, B256, U256};
use alloy::sol_types::SolValue;
use common::*;

fn lock_hash(token: Address, to: Address, id: U256, amount: U256, unlock_time: u64) -> B256 {
    keccak256((token, to, id, amount, U256::from(unlock_time)).abi_encode_params())
}

fn lockup(
    token: Address,
    to: Address,
    id: U256,
    amount: U256,
    unlock_time: u64,
) -> ZAMM::lockupCall {
    ZAMM::lockupCall {
        token,
        to,
        id,
        amount,
        unlockTime: U256::from(unlock_time),
    }
}

fn unlock(
    token: Address,
    to: Address,
    id: U256,
    amount: U256,
    unlock_time: u64,
) -> ZAMM::unlockCall {
    ZAMM::unlockCall {
        token,
        to,
        id,
        amount,
        unlockTime: U256::from(unlock_time),
    }
}

async fn stored(env: &Env, h: B256) -> U256 {
    env.view(env.addr, ZAMM::lockupsCall { lockHash: h }).await
}

/// Locks `amount` of (token, id) from alice to bob, checks the record and early unlock, warps to
/// the unlock time and unlocks (from carol: unlock is permissionless).
async fn lock_cycle(env: &Env, token: Address, id: U256, amount: U256, value: U256) {
    let t = env.timestamp().await + 1000;
    let (h, r) = env
        .tx_value(env.alice, lockup(token, env.bob, id, amount, t), value)
        .await
        .unwrap();
    assert_eq!(h, lock_hash(token, env.bob, id, amount, t));
    assert_eq!(stored(env, h).await, U256::from(t));
    assert_eq!(
        events::<ZAMM::Lock>(&r, env.addr),
        vec![ZAMM::Lock {
            sender: env.alice,
            to: env.bob,
            lockHash: h
        }]
    );
    assert_err::<ZAMM::Pending, _>(
        env.tx(env.carol, unlock(token, env.bob, id, amount, t))
            .await,
    );
    env.set_next_timestamp(t).await;
    env.mine().await;
    env.tx(env.carol, unlock(token, env.bob, id, amount, t))
        .await
        .unwrap();
    assert_eq!(stored(env, h).await, U256::ZERO, "record cleared");
    assert_err::<ZAMM::Unauthorized, _>(
        env.tx(env.carol, unlock(token, env.bob, id, amount, t))
            .await,
    );
}

#[tokio::test]
async fn tl01_lockup_and_unlock_eth() {
    let env = Env::new().await;
    let (zb, bb) = (env.eth(env.addr).await, env.eth(env.bob).await);
    lock_cycle(&env, Address::ZERO, U256::ZERO, e18(1), e18(1)).await;
    assert_eq!(env.eth(env.bob).await, bb + e18(1));
    assert_eq!(env.eth(env.addr).await, zb);
}

#[tokio::test]
async fn tl02_lockup_and_unlock_erc20() {
    let env = Env::new().await;
    let t = env.token("LCK").await;
    let (ab, bb) = (env.erc20(t, env.alice).await, env.erc20(t, env.bob).await);
    let unlock_at = env.timestamp().await + 1000;
    env.tx(env.alice, lockup(t, env.bob, U256::ZERO, e18(3), unlock_at))
        .await
        .unwrap();
    assert_eq!(
        env.erc20(t, env.addr).await,
        e18(3),
        "zAMM holds the tokens while locked"
    );
    assert_eq!(env.erc20(t, env.alice).await, ab - e18(3));
    env.set_next_timestamp(unlock_at).await;
    env.mine().await;
    env.tx(env.carol, unlock(t, env.bob, U256::ZERO, e18(3), unlock_at))
        .await
        .unwrap();
    assert_eq!(env.erc20(t, env.bob).await, bb + e18(3));
    assert_eq!(env.erc20(t, env.addr).await, U256::ZERO);
    lock_cycle(&env, t, U256::ZERO, e18(1), U256::ZERO).await;
}

#[tokio::test]
async fn tl03_lockup_and_unlock_coin() {
    let env = Env::new().await;
    let (coin, _) = env
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
    lock_cycle(&env, env.addr, coin, e18(4), U256::ZERO).await;
    assert_eq!(env.bal(env.alice, coin).await, e18(6), "burned on lock");
    assert_eq!(env.bal(env.bob, coin).await, e18(4), "minted on unlock");
    assert_eq!(env.bal(env.addr, coin).await, U256::ZERO);
}

#[tokio::test]
async fn tl04_lockup_and_unlock_lp_shares() {
    let env = Env::new().await;
    let key = env.erc20_pool(e18(1), e18(4), 30).await;
    let id = pool_id(&key);
    let lp = env.bal(env.alice, id).await;
    lock_cycle(&env, env.addr, id, lp, U256::ZERO).await;
    assert_eq!(env.bal(env.alice, id).await, U256::ZERO);
    assert_eq!(env.bal(env.bob, id).await, lp);
}

#[tokio::test]
async fn tl05_tl06_tl07_lockup_errors() {
    let env = Env::new().await;
    let t = env.token("LCK").await;
    let at = env.timestamp().await + 1000;
    env.tx(env.alice, lockup(t, env.bob, U256::ZERO, e18(1), at))
        .await
        .unwrap();
    // The sender is not part of the hash: bob's identical lockup collides too.
    assert_err::<ZAMM::Pending, _>(
        env.tx(env.alice, lockup(t, env.bob, U256::ZERO, e18(1), at))
            .await,
    );
    assert_err::<ZAMM::Pending, _>(
        env.tx(env.bob, lockup(t, env.bob, U256::ZERO, e18(1), at))
            .await,
    );
    assert_err::<ZAMM::Unauthorized, _>(
        env.tx(env.alice, unlock(t, env.bob, U256::ZERO, e18(2), at))
            .await,
    );
    assert_err::<ZAMM::InvalidMsgVal, _>(
        env.tx_value(
            env.alice,
            lockup(t, env.bob, U256::ZERO, e18(1), at + 1),
            u(1),
        )
        .await,
    );
    assert_err::<ZAMM::InvalidMsgVal, _>(
        env.tx_value(
            env.alice,
            lockup(Address::ZERO, env.bob, U256::ZERO, e18(1), at),
            e18(2),
        )
        .await,
    );
    let now = env.timestamp().await;
    assert_err::<ZAMM::Expired, _>(
        env.tx(env.alice, lockup(t, env.bob, U256::ZERO, e18(1), now))
            .await,
    );
}

#[tokio::test]
async fn unlock_to_zamm_credits_the_caller() {
    let env = Env::new().await;
    let t = env.token("LCK").await;
    let at = env.timestamp().await + 100;
    env.tx(env.alice, lockup(t, env.addr, U256::ZERO, e18(2), at))
        .await
        .unwrap();
    env.set_next_timestamp(at).await;
    env.mine().await;
    let b = *Batcher::deploy(env.p.clone()).await.unwrap().address();
    let z = env.addr;
    let steps = vec![
        step(z, U256::ZERO, unlock(t, z, U256::ZERO, e18(2), at)),
        step(
            z,
            U256::ZERO,
            ZAMM::recoverTransientBalanceCall {
                token: t,
                id: U256::ZERO,
                to: b,
            },
        ),
    ];
    let (ret, _) = env
        .exec(env.bob, b, Batcher::runCall { calls: steps }, U256::ZERO)
        .await
        .unwrap();
    assert_eq!(U256::abi_decode(&ret[1]).unwrap(), e18(2));
    assert_eq!(env.erc20(t, b).await, e18(2));
}
