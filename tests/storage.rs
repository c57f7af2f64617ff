//! Raw storage parity with the Solidity reference (spec 1.4): eth_getStorageAt on the pool
//! struct, ERC-6909 slots (Solady seed scheme), lockups and packed orders.
mod common;

use alloy::primitives::aliases::{U56, U96};
use alloy::primitives::{keccak256, Address, B256, U256};
use alloy::sol_types::SolValue;
use common::*;

const SEED: [u8; 8] = [0xed, 0xca, 0xa8, 0x9a, 0x82, 0x29, 0x39, 0x40];

fn slot_of(bytes: &[u8]) -> U256 {
    U256::from_be_bytes(keccak256(bytes).0)
}

/// Solidity `mapping(key => ...)` at `base`: keccak(key ‖ base).
fn mapping(key: B256, base: u64) -> U256 {
    slot_of(&(key, U256::from(base)).abi_encode())
}

fn balance_slot(owner: Address, id: U256) -> U256 {
    slot_of(
        &[
            &id.to_be_bytes::<32>()[..],
            owner.as_slice(),
            &[0; 4],
            &SEED,
        ]
        .concat(),
    )
}

fn operator_slot(owner: Address, spender: Address) -> U256 {
    slot_of(&[spender.as_slice(), owner.as_slice(), &[0; 4], &SEED].concat())
}

fn allowance_slot(owner: Address, spender: Address, id: U256) -> U256 {
    slot_of(
        &[
            &id.to_be_bytes::<32>()[..],
            spender.as_slice(),
            owner.as_slice(),
            &[0; 4],
            &SEED,
        ]
        .concat(),
    )
}

#[tokio::test]
async fn pool_struct_slots_match_reference() {
    let env = Env::new().await;
    let key = env.erc20_pool(e18(10), e18(40), 30).await;
    env.warp(12).await; // so the swap accumulates the TWAP
    env.swap_in(env.bob, &key, e18(1), true, U256::ZERO)
        .await
        .unwrap();
    let p = env.pool(&key).await;
    let base = mapping(B256::from(pool_id(&key)), 0);
    let packed = U256::from(p.reserve0)
        | (U256::from(p.reserve1) << 112)
        | (U256::from(p.blockTimestampLast) << 224);
    assert_eq!(env.slot(base).await, packed);
    assert_eq!(env.slot(base + u(1)).await, p.price0CumulativeLast);
    assert_eq!(env.slot(base + u(2)).await, p.price1CumulativeLast);
    assert_eq!(env.slot(base + u(3)).await, p.kLast);
    assert_eq!(env.slot(base + u(4)).await, p.supply);
    assert_ne!(p.price0CumulativeLast, U256::ZERO);
}

#[tokio::test]
async fn erc6909_slots_use_the_solady_seed_scheme() {
    let env = Env::new().await;
    let (id, _) = env
        .tx(
            env.alice,
            ZAMM::coinCall {
                creator: env.alice,
                supply: e18(7),
                uri: "".into(),
            },
        )
        .await
        .unwrap();
    env.tx(
        env.alice,
        ZAMM::approveCall {
            spender: env.bob,
            id,
            amount: e18(3),
        },
    )
    .await
    .unwrap();
    env.tx(
        env.alice,
        ZAMM::setOperatorCall {
            operator: env.carol,
            approved: true,
        },
    )
    .await
    .unwrap();
    assert_eq!(env.slot(balance_slot(env.alice, id)).await, e18(7));
    assert_eq!(
        env.slot(allowance_slot(env.alice, env.bob, id)).await,
        e18(3)
    );
    assert_eq!(env.slot(operator_slot(env.alice, env.carol)).await, u(1));
    assert_eq!(
        env.slot(operator_slot(env.carol, env.alice)).await,
        U256::ZERO
    );
}

#[tokio::test]
async fn lockup_and_order_slots_match_reference() {
    let env = Env::new().await;
    let t = env.token("T").await;
    let at = env.timestamp().await + 1000;
    let lock = ZAMM::lockupCall {
        token: t,
        to: env.bob,
        id: U256::ZERO,
        amount: e18(1),
        unlockTime: U256::from(at),
    };
    let (h, _) = env.tx(env.alice, lock).await.unwrap();
    assert_eq!(env.slot(mapping(h, 2)).await, U256::from(at));

    let deadline = at + 5;
    let make = ZAMM::makeOrderCall {
        tokenIn: t,
        idIn: U256::ZERO,
        amtIn: U96::from(e18(10)),
        tokenOut: Address::ZERO,
        idOut: U256::ZERO,
        amtOut: U96::from(e18(4)),
        deadline: U56::from(deadline),
        partialFill: true,
    };
    let (oh, _) = env.tx(env.alice, make.clone()).await.unwrap();
    let fill = ZAMM::fillOrderCall {
        maker: env.alice,
        tokenIn: make.tokenIn,
        idIn: make.idIn,
        amtIn: make.amtIn,
        tokenOut: make.tokenOut,
        idOut: make.idOut,
        amtOut: make.amtOut,
        deadline: make.deadline,
        partialFill: true,
        fillPart: U96::from(e18(1)),
    };
    env.tx_value(env.bob, fill, e18(1)).await.unwrap();
    // partialFill at byte 0, deadline at byte 1, inDone at byte 8, outDone at byte 20.
    let packed = u(1) | (U256::from(deadline) << 8) | ((e18(10) / u(4)) << 64) | (e18(1) << 160);
    assert_eq!(env.slot(mapping(oh, 3)).await, packed);
}
