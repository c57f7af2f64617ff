//! Orderbook: makeOrder / fillOrder / cancelOrder (OB-01..15, plus ETH-out fills, the WNS-1
//! transient-credit payment quirk, hash reuse and slice errors).
mod common;

use alloy::primitives::aliases::{U56, U96};
use alloy::primitives::{keccak256, Address, B256, U256};
use alloy::rpc::types::TransactionReceipt;
use alloy::sol_types::SolValue;
use common::*;

#[derive(Clone)]
struct Order {
    token_in: Address,
    id_in: U256,
    amt_in: U256,
    token_out: Address,
    id_out: U256,
    amt_out: U256,
    deadline: u64,
    partial: bool,
}

impl Order {
    fn hash(&self, maker: Address) -> B256 {
        let words = (
            maker,
            self.token_in,
            self.id_in,
            self.amt_in,
            self.token_out,
            self.id_out,
            self.amt_out,
            U256::from(self.deadline),
            self.partial,
        );
        keccak256(words.abi_encode_params())
    }
    fn make(&self) -> ZAMM::makeOrderCall {
        ZAMM::makeOrderCall {
            tokenIn: self.token_in,
            idIn: self.id_in,
            amtIn: U96::from(self.amt_in),
            tokenOut: self.token_out,
            idOut: self.id_out,
            amtOut: U96::from(self.amt_out),
            deadline: U56::from(self.deadline),
            partialFill: self.partial,
        }
    }
    fn fill(&self, maker: Address, fill_part: U256) -> ZAMM::fillOrderCall {
        ZAMM::fillOrderCall {
            maker,
            tokenIn: self.token_in,
            idIn: self.id_in,
            amtIn: U96::from(self.amt_in),
            tokenOut: self.token_out,
            idOut: self.id_out,
            amtOut: U96::from(self.amt_out),
            deadline: U56::from(self.deadline),
            partialFill: self.partial,
            fillPart: U96::from(fill_part),
        }
    }
    fn cancel(&self) -> ZAMM::cancelOrderCall {
        ZAMM::cancelOrderCall {
            tokenIn: self.token_in,
            idIn: self.id_in,
            amtIn: U96::from(self.amt_in),
            tokenOut: self.token_out,
            idOut: self.id_out,
            amtOut: U96::from(self.amt_out),
            deadline: U56::from(self.deadline),
            partialFill: self.partial,
        }
    }
}

/// (partialFill, deadline, inDone, outDone) as plain integers.
async fn order_state(env: &Env, h: B256) -> (bool, u64, U256, U256) {
    let o = env.view(env.addr, ZAMM::ordersCall { orderHash: h }).await;
    (
        o.partialFill,
        o.deadline.to::<u64>(),
        U256::from(o.inDone),
        U256::from(o.outDone),
    )
}

/// ERC-20 A -> ERC-20 B order by alice, deadline one day ahead.
async fn erc20_order(env: &Env, amt_in: U256, amt_out: U256, partial: bool) -> Order {
    let (a, b) = (env.token("A").await, env.token("B").await);
    Order {
        token_in: a,
        id_in: U256::ZERO,
        amt_in,
        token_out: b,
        id_out: U256::ZERO,
        amt_out,
        deadline: env.timestamp().await + 86_400,
        partial,
    }
}

async fn make(env: &Env, maker: Address, o: &Order, value: U256) -> (B256, TransactionReceipt) {
    env.tx_value(maker, o.make(), value)
        .await
        .expect("makeOrder")
}

#[tokio::test]
async fn ob01_make_order_stores_packed_state_and_emits_make() {
    let env = Env::new().await;
    let o = erc20_order(&env, e18(10), e18(5), false).await;
    let (h, r) = make(&env, env.alice, &o, U256::ZERO).await;
    assert_eq!(h, o.hash(env.alice));
    assert_eq!(
        order_state(&env, h).await,
        (false, o.deadline, U256::ZERO, U256::ZERO)
    );
    assert_eq!(
        events::<ZAMM::Make>(&r, env.addr),
        vec![ZAMM::Make {
            maker: env.alice,
            orderHash: h
        }]
    );
    // Only ETH is escrowed: the maker keeps the ERC-20.
    assert_eq!(env.erc20(o.token_in, env.addr).await, U256::ZERO);
    // Past deadline and duplicate (OB-11).
    let mut past = o.clone();
    past.deadline = env.timestamp().await;
    assert_err::<ZAMM::Expired, _>(env.tx(env.alice, past.make()).await);
    assert_err::<ZAMM::Pending, _>(env.tx(env.alice, o.make()).await);
    assert_err::<ZAMM::InvalidMsgVal, _>(env.tx_value(env.bob, o.make(), u(1)).await);
}

#[tokio::test]
async fn ob02_full_fill_moves_both_legs_and_deletes() {
    let env = Env::new().await;
    let o = erc20_order(&env, e18(10), e18(5), false).await;
    let (h, _) = make(&env, env.alice, &o, U256::ZERO).await;
    let bal = |t, w| env.erc20(t, w);
    let (ai, ao, bi, bo) = (
        bal(o.token_in, env.alice).await,
        bal(o.token_out, env.alice).await,
        bal(o.token_in, env.bob).await,
        bal(o.token_out, env.bob).await,
    );
    let (_, r) = env
        .tx(env.bob, o.fill(env.alice, U256::ZERO))
        .await
        .unwrap();
    assert_eq!(bal(o.token_in, env.alice).await, ai - e18(10));
    assert_eq!(bal(o.token_out, env.alice).await, ao + e18(5));
    assert_eq!(bal(o.token_in, env.bob).await, bi + e18(10));
    assert_eq!(bal(o.token_out, env.bob).await, bo - e18(5));
    assert_eq!(
        order_state(&env, h).await,
        (false, 0, U256::ZERO, U256::ZERO),
        "deleted"
    );
    assert_eq!(
        events::<ZAMM::Fill>(&r, env.addr),
        vec![ZAMM::Fill {
            taker: env.bob,
            orderHash: h
        }]
    );
    // Filled orders are gone (Unauthorized) and the hash can be reused.
    assert_err::<ZAMM::Unauthorized, _>(env.tx(env.bob, o.fill(env.alice, U256::ZERO)).await);
    make(&env, env.alice, &o, U256::ZERO).await;
    // fillPart == amtOut is accepted for a non-partial order.
    env.tx(env.bob, o.fill(env.alice, e18(5))).await.unwrap();
}

#[tokio::test]
async fn ob03_partial_fills_then_take_remainder() {
    let env = Env::new().await;
    let o = erc20_order(&env, e18(10), e18(5), true).await;
    let (h, _) = make(&env, env.alice, &o, U256::ZERO).await;
    let b0 = env.erc20(o.token_in, env.bob).await;
    env.tx(env.bob, o.fill(env.alice, e18(2))).await.unwrap();
    assert_eq!(
        order_state(&env, h).await,
        (true, o.deadline, e18(4), e18(2))
    );
    assert_eq!(env.erc20(o.token_in, env.bob).await, b0 + e18(4));
    env.tx(env.carol, o.fill(env.alice, U256::ZERO))
        .await
        .unwrap();
    assert_eq!(
        order_state(&env, h).await,
        (false, 0, U256::ZERO, U256::ZERO)
    );
    assert_eq!(
        env.erc20(o.token_in, env.carol).await,
        e18(1_000_000_000_000) + e18(6)
    );
}

#[tokio::test]
async fn ob04_ob05_ob07_missing_expired_and_foreign_orders() {
    let env = Env::new().await;
    let o = erc20_order(&env, e18(10), e18(5), false).await;
    assert_err::<ZAMM::Unauthorized, _>(env.tx(env.bob, o.fill(env.alice, U256::ZERO)).await);
    let mut short = o.clone();
    short.deadline = env.timestamp().await + 100;
    make(&env, env.alice, &short, U256::ZERO).await;
    assert_err::<ZAMM::Unauthorized, _>(env.tx(env.bob, short.cancel()).await);
    env.warp(101).await;
    assert_err::<ZAMM::Expired, _>(env.tx(env.bob, short.fill(env.alice, U256::ZERO)).await);
    // OB-15: an expired order can still be cancelled.
    let (_, r) = env.tx(env.alice, short.cancel()).await.unwrap();
    assert_eq!(
        events::<ZAMM::Cancel>(&r, env.addr),
        vec![ZAMM::Cancel {
            maker: env.alice,
            orderHash: short.hash(env.alice)
        }]
    );
}

#[tokio::test]
async fn ob06_cancel_deletes() {
    let env = Env::new().await;
    let o = erc20_order(&env, e18(10), e18(5), false).await;
    let (h, _) = make(&env, env.alice, &o, U256::ZERO).await;
    env.tx(env.alice, o.cancel()).await.unwrap();
    assert_eq!(order_state(&env, h).await.1, 0);
    assert_err::<ZAMM::Unauthorized, _>(env.tx(env.alice, o.cancel()).await);
}

#[tokio::test]
async fn ob08_ob14_eth_escrow_refunds_on_cancel() {
    let env = Env::new().await;
    let a = env.token("A").await;
    let o = Order {
        token_in: Address::ZERO,
        id_in: U256::ZERO,
        amt_in: e18(4),
        token_out: a,
        id_out: U256::ZERO,
        amt_out: e18(2),
        deadline: env.timestamp().await + 86_400,
        partial: true,
    };
    assert_err::<ZAMM::InvalidMsgVal, _>(env.tx_value(env.alice, o.make(), e18(4) - u(1)).await);
    let zb = env.eth(env.addr).await;
    let (h, _) = make(&env, env.alice, &o, e18(4)).await;
    assert_eq!(env.eth(env.addr).await, zb + e18(4), "ETH escrowed");
    // Fill 1 A: bob gets 2 ETH from escrow.
    let eb = env.eth(env.bob).await;
    let (_, r) = env.tx(env.bob, o.fill(env.alice, e18(1))).await.unwrap();
    assert_eq!(env.eth(env.bob).await, eb + e18(2) - gas_cost(&r));
    assert_eq!(
        order_state(&env, h).await,
        (true, o.deadline, e18(2), e18(1))
    );
    // Cancel refunds the remaining 2 ETH.
    let ea = env.eth(env.alice).await;
    let (_, r) = env.tx(env.alice, o.cancel()).await.unwrap();
    assert_eq!(env.eth(env.alice).await, ea + e18(2) - gas_cost(&r));
    assert_eq!(env.eth(env.addr).await, zb);
    // OB-08: an unfilled ETH order is refunded in full.
    let (_, _) = make(&env, env.alice, &o, e18(4)).await;
    let ea = env.eth(env.alice).await;
    let (_, r) = env.tx(env.alice, o.cancel()).await.unwrap();
    assert_eq!(env.eth(env.alice).await, ea + e18(4) - gas_cost(&r));
}

#[tokio::test]
async fn ob09_sell_lp_shares() {
    let env = Env::new().await;
    let key = env.erc20_pool(e18(1), e18(4), 30).await;
    let id = pool_id(&key);
    let lp = env.bal(env.alice, id).await;
    let a = env.token("A").await;
    let o = Order {
        token_in: env.addr,
        id_in: id,
        amt_in: lp,
        token_out: a,
        id_out: U256::ZERO,
        amt_out: e18(3),
        deadline: env.timestamp().await + 1000,
        partial: false,
    };
    make(&env, env.alice, &o, U256::ZERO).await;
    assert_eq!(env.bal(env.alice, id).await, lp, "not escrowed");
    let aa = env.erc20(a, env.alice).await;
    let (_, r) = env
        .tx(env.bob, o.fill(env.alice, U256::ZERO))
        .await
        .unwrap();
    assert_eq!(env.bal(env.alice, id).await, U256::ZERO);
    assert_eq!(env.bal(env.bob, id).await, lp);
    assert_eq!(env.erc20(a, env.alice).await, aa + e18(3));
    let ts = events::<ZAMM::Transfer>(&r, env.addr);
    assert_eq!(
        (ts[0].sender, ts[0].receiver, ts[1].sender, ts[1].receiver),
        (env.alice, Address::ZERO, Address::ZERO, env.bob)
    );
}

#[tokio::test]
async fn ob10_sell_erc721_for_erc20() {
    let env = Env::new().await;
    let nft = *MockERC721::deploy(env.p.clone()).await.unwrap().address();
    env.exec(
        env.alice,
        nft,
        MockERC721::mintCall {
            to: env.alice,
            tokenId: u(7),
        },
        U256::ZERO,
    )
    .await
    .unwrap();
    env.exec(
        env.alice,
        nft,
        MockERC721::setApprovalForAllCall {
            operator: env.addr,
            approved: true,
        },
        U256::ZERO,
    )
    .await
    .unwrap();
    let a = env.token("A").await;
    let o = Order {
        token_in: nft,
        id_in: U256::ZERO,
        amt_in: u(7),
        token_out: a,
        id_out: U256::ZERO,
        amt_out: e18(5),
        deadline: env.timestamp().await + 1000,
        partial: false,
    };
    make(&env, env.alice, &o, U256::ZERO).await;
    let aa = env.erc20(a, env.alice).await;
    env.tx(env.bob, o.fill(env.alice, U256::ZERO))
        .await
        .unwrap();
    assert_eq!(env.view(nft, MockERC721::ownerOfCall(u(7))).await, env.bob);
    assert_eq!(env.erc20(a, env.alice).await, aa + e18(5));
}

#[tokio::test]
async fn ob12_ob13_slice_errors() {
    let env = Env::new().await;
    let o = erc20_order(&env, e18(10), e18(5), false).await;
    make(&env, env.alice, &o, U256::ZERO).await;
    assert_err::<ZAMM::BadSize, _>(env.tx(env.bob, o.fill(env.alice, e18(1))).await);
    let mut p = o.clone();
    p.partial = true;
    make(&env, env.alice, &p, U256::ZERO).await;
    assert_err::<ZAMM::Overflow, _>(env.tx(env.bob, p.fill(env.alice, e18(5) + u(1))).await);
    // A slice whose input rounds to zero.
    let mut tiny = p.clone();
    tiny.amt_in = u(1);
    tiny.amt_out = u(10);
    make(&env, env.alice, &tiny, U256::ZERO).await;
    assert_err::<ZAMM::BadSize, _>(env.tx(env.bob, tiny.fill(env.alice, u(1))).await);
    // Value sent for a non-ETH payment.
    assert_err::<ZAMM::InvalidMsgVal, _>(
        env.tx_value(env.bob, p.fill(env.alice, e18(1)), u(1)).await,
    );
}

#[tokio::test]
async fn eth_out_fill_forwards_exact_value_to_maker() {
    let env = Env::new().await;
    let a = env.token("A").await;
    let o = Order {
        token_in: a,
        id_in: U256::ZERO,
        amt_in: e18(10),
        token_out: Address::ZERO,
        id_out: U256::ZERO,
        amt_out: e18(1),
        deadline: env.timestamp().await + 1000,
        partial: true,
    };
    make(&env, env.alice, &o, U256::ZERO).await;
    let half = U256::from(E18 / 2);
    assert_err::<ZAMM::InvalidMsgVal, _>(
        env.tx_value(env.bob, o.fill(env.alice, half), half + u(1))
            .await,
    );
    let ea = env.eth(env.alice).await;
    env.tx_value(env.bob, o.fill(env.alice, half), half)
        .await
        .unwrap();
    assert_eq!(env.eth(env.alice).await, ea + half);
    assert_eq!(env.erc20(a, env.bob).await, e18(1_000_000_000_000) + e18(5));
}

#[tokio::test]
async fn taker_credit_pays_nobody_wns1_quirk() {
    let env = Env::new().await;
    let o = erc20_order(&env, e18(10), e18(5), false).await;
    make(&env, env.alice, &o, U256::ZERO).await;
    let b = *Batcher::deploy(env.p.clone()).await.unwrap().address();
    env.exec(
        env.deployer,
        o.token_out,
        MockERC20::mintCall {
            to: b,
            amount: e18(5),
        },
        U256::ZERO,
    )
    .await
    .unwrap();
    let z = env.addr;
    let steps = vec![
        step(
            o.token_out,
            U256::ZERO,
            MockERC20::approveCall {
                spender: z,
                amount: U256::MAX,
            },
        ),
        step(
            z,
            U256::ZERO,
            ZAMM::depositCall {
                token: o.token_out,
                id: U256::ZERO,
                amount: e18(5),
            },
        ),
        step(z, U256::ZERO, o.fill(env.alice, U256::ZERO)),
        step(
            z,
            U256::ZERO,
            ZAMM::recoverTransientBalanceCall {
                token: o.token_out,
                id: U256::ZERO,
                to: b,
            },
        ),
    ];
    let ao = env.erc20(o.token_out, env.alice).await;
    let (ret, _) = env
        .exec(env.bob, b, Batcher::runCall { calls: steps }, U256::ZERO)
        .await
        .unwrap();
    assert_eq!(
        U256::abi_decode(&ret[3]).unwrap(),
        U256::ZERO,
        "credit consumed"
    );
    assert_eq!(
        env.erc20(o.token_out, env.alice).await,
        ao,
        "maker unpaid (by design upstream)"
    );
    assert_eq!(
        env.erc20(o.token_in, b).await,
        e18(10),
        "taker still receives the maker's asset"
    );
    assert_eq!(
        env.erc20(o.token_out, env.addr).await,
        e18(5),
        "payment stranded in zAMM"
    );
}

#[tokio::test]
async fn maker_without_funds_cannot_be_filled() {
    let env = Env::new().await;
    let o = erc20_order(&env, e18(10), e18(5), false).await;
    // Nothing is escrowed: the maker can move the asset away after making the order.
    make(&env, env.bob, &o, U256::ZERO).await;
    let all = env.erc20(o.token_in, env.bob).await;
    let give_away = MockERC20::transferCall {
        to: env.alice,
        amount: all,
    };
    env.exec(env.bob, o.token_in, give_away, U256::ZERO)
        .await
        .unwrap();
    let big = o;
    assert_err::<ZAMM::TransferFromFailed, _>(
        env.tx(env.carol, big.fill(env.bob, U256::ZERO)).await,
    );
}

#[tokio::test]
async fn zamm_coin_as_payment_is_burned_from_taker_and_minted_to_maker() {
    let env = Env::new().await;
    let a = env.token("A").await;
    let (coin, _) = env
        .tx(
            env.bob,
            ZAMM::coinCall {
                creator: env.bob,
                supply: e18(10),
                uri: "".into(),
            },
        )
        .await
        .unwrap();
    let o = Order {
        token_in: a,
        id_in: U256::ZERO,
        amt_in: e18(2),
        token_out: env.addr,
        id_out: coin,
        amt_out: e18(4),
        deadline: env.timestamp().await + 1000,
        partial: false,
    };
    make(&env, env.alice, &o, U256::ZERO).await;
    let (_, r) = env
        .tx(env.bob, o.fill(env.alice, U256::ZERO))
        .await
        .unwrap();
    assert_eq!(env.bal(env.bob, coin).await, e18(6));
    assert_eq!(env.bal(env.alice, coin).await, e18(4));
    assert_eq!(env.erc20(a, env.bob).await, e18(1_000_000_000_000) + e18(2));
    let ts = events::<ZAMM::Transfer>(&r, env.addr);
    assert_eq!(
        (ts[0].sender, ts[0].receiver, ts[1].sender, ts[1].receiver),
        (env.bob, Address::ZERO, Address::ZERO, env.alice)
    );
}
