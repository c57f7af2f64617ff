//! ERC-6909 surface, coin factory, admin (feeTo / feeToSetter), receive and dispatch edge cases
//! (ZT-01..05, ZT-13, ZT-17, supportsInterface, operator allowance == max, empty reverts).
mod common;

use alloy::primitives::{Address, Bytes, U256};
use alloy::sol_types::{SolCall, SolEvent};
use common::*;

/// coin(creator, supply, uri) from `from`; returns (coinId, receipt).
async fn coin(
    env: &Env,
    from: Address,
    creator: Address,
    supply: U256,
) -> (U256, alloy::rpc::types::TransactionReceipt) {
    env.tx(
        from,
        ZAMM::coinCall {
            creator,
            supply,
            uri: "ipfs://coin".into(),
        },
    )
    .await
    .expect("coin")
}

#[tokio::test]
async fn zt01_coin_ids_are_sequential_and_emit_transfer_then_uri() {
    let env = Env::new().await;
    let (id1, r) = coin(&env, env.alice, env.bob, e18(1000)).await;
    assert_eq!(id1, U256::from(1));
    assert_eq!(env.bal(env.bob, id1).await, e18(1000));
    assert_eq!(
        env.slot(U256::from(1)).await,
        U256::from(1),
        "coins counter lives in slot 1"
    );
    let transfers = events::<ZAMM::Transfer>(&r, env.addr);
    assert_eq!(transfers.len(), 1);
    let t = &transfers[0];
    assert_eq!(
        (t.caller, t.sender, t.receiver, t.id, t.amount),
        (env.alice, Address::ZERO, env.bob, id1, e18(1000))
    );
    let uris = events::<ZAMM::URI>(&r, env.addr);
    assert_eq!(uris.len(), 1);
    assert_eq!((uris[0].uri.as_str(), uris[0].coinId), ("ipfs://coin", id1));
    assert_eq!(
        topics0(&r, env.addr),
        vec![ZAMM::Transfer::SIGNATURE_HASH, ZAMM::URI::SIGNATURE_HASH]
    );
    let (id2, _) = coin(&env, env.bob, env.bob, U256::ZERO).await;
    assert_eq!(id2, U256::from(2));
}

#[tokio::test]
async fn zt02_approve_sets_allowance_and_emits_approval() {
    let env = Env::new().await;
    let (id, _) = coin(&env, env.alice, env.alice, e18(10)).await;
    let (ok, r) = env
        .tx(
            env.alice,
            ZAMM::approveCall {
                spender: env.bob,
                id,
                amount: e18(3),
            },
        )
        .await
        .unwrap();
    assert!(ok);
    assert_eq!(
        env.view(
            env.addr,
            ZAMM::allowanceCall {
                owner: env.alice,
                spender: env.bob,
                id
            }
        )
        .await,
        e18(3)
    );
    let a = events::<ZAMM::Approval>(&r, env.addr);
    assert_eq!(
        a,
        vec![ZAMM::Approval {
            owner: env.alice,
            spender: env.bob,
            id,
            amount: e18(3)
        }]
    );
}

#[tokio::test]
async fn zt03_set_operator_and_operator_allowance_is_max() {
    let env = Env::new().await;
    let (ok, r) = env
        .tx(
            env.alice,
            ZAMM::setOperatorCall {
                operator: env.bob,
                approved: true,
            },
        )
        .await
        .unwrap();
    assert!(ok);
    assert!(
        env.view(
            env.addr,
            ZAMM::isOperatorCall {
                owner: env.alice,
                spender: env.bob
            }
        )
        .await
    );
    assert_eq!(
        events::<ZAMM::OperatorSet>(&r, env.addr),
        vec![ZAMM::OperatorSet {
            owner: env.alice,
            spender: env.bob,
            approved: true
        }]
    );
    // allowance() reports type(uint256).max for an operator, for any id.
    let any = U256::from(12345);
    assert_eq!(
        env.view(
            env.addr,
            ZAMM::allowanceCall {
                owner: env.alice,
                spender: env.bob,
                id: any
            }
        )
        .await,
        U256::MAX
    );
    env.tx(
        env.alice,
        ZAMM::setOperatorCall {
            operator: env.bob,
            approved: false,
        },
    )
    .await
    .unwrap();
    assert!(
        !env.view(
            env.addr,
            ZAMM::isOperatorCall {
                owner: env.alice,
                spender: env.bob
            }
        )
        .await
    );
    assert_eq!(
        env.view(
            env.addr,
            ZAMM::allowanceCall {
                owner: env.alice,
                spender: env.bob,
                id: any
            }
        )
        .await,
        U256::ZERO
    );
}

#[tokio::test]
async fn zt04_transfer_moves_balance_and_checks_balance() {
    let env = Env::new().await;
    let (id, _) = coin(&env, env.alice, env.alice, e18(10)).await;
    let (ok, r) = env
        .tx(
            env.alice,
            ZAMM::transferCall {
                to: env.bob,
                id,
                amount: e18(4),
            },
        )
        .await
        .unwrap();
    assert!(ok);
    assert_eq!(env.bal(env.alice, id).await, e18(6));
    assert_eq!(env.bal(env.bob, id).await, e18(4));
    let t = events::<ZAMM::Transfer>(&r, env.addr);
    assert_eq!(
        (t[0].caller, t[0].sender, t[0].receiver, t[0].amount),
        (env.alice, env.alice, env.bob, e18(4))
    );
    assert_err::<ZAMM::InsufficientBalance, _>(
        env.tx(
            env.alice,
            ZAMM::transferCall {
                to: env.bob,
                id,
                amount: e18(7),
            },
        )
        .await,
    );
}

#[tokio::test]
async fn zt05_transfer_from_needs_allowance_or_operator_even_for_self() {
    let env = Env::new().await;
    let (id, _) = coin(&env, env.alice, env.alice, e18(10)).await;
    let self_tf = ZAMM::transferFromCall {
        from: env.alice,
        to: env.bob,
        id,
        amount: e18(1),
    };
    // No self-exemption.
    assert_err::<ZAMM::InsufficientPermission, _>(env.tx(env.alice, self_tf.clone()).await);
    env.tx(
        env.alice,
        ZAMM::setOperatorCall {
            operator: env.alice,
            approved: true,
        },
    )
    .await
    .unwrap();
    let (ok, r) = env.tx(env.alice, self_tf).await.unwrap();
    assert!(ok);
    assert_eq!(env.bal(env.bob, id).await, e18(1));
    let t = events::<ZAMM::Transfer>(&r, env.addr);
    assert_eq!(
        (t[0].caller, t[0].sender, t[0].receiver),
        (env.alice, env.alice, env.bob)
    );
}

#[tokio::test]
async fn transfer_from_decrements_finite_allowance_but_not_max() {
    let env = Env::new().await;
    let (id, _) = coin(&env, env.alice, env.alice, e18(10)).await;
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
    let tf = |amount| ZAMM::transferFromCall {
        from: env.alice,
        to: env.carol,
        id,
        amount,
    };
    env.tx(env.bob, tf(e18(2))).await.unwrap();
    assert_eq!(
        env.view(
            env.addr,
            ZAMM::allowanceCall {
                owner: env.alice,
                spender: env.bob,
                id
            }
        )
        .await,
        e18(1)
    );
    assert_err::<ZAMM::InsufficientPermission, _>(env.tx(env.bob, tf(e18(2))).await);
    env.tx(
        env.alice,
        ZAMM::approveCall {
            spender: env.bob,
            id,
            amount: U256::MAX,
        },
    )
    .await
    .unwrap();
    env.tx(env.bob, tf(e18(5))).await.unwrap();
    assert_eq!(
        env.view(
            env.addr,
            ZAMM::allowanceCall {
                owner: env.alice,
                spender: env.bob,
                id
            }
        )
        .await,
        U256::MAX
    );
    assert_eq!(env.bal(env.carol, id).await, e18(7));
    // Enough allowance but not enough balance.
    assert_err::<ZAMM::InsufficientBalance, _>(env.tx(env.bob, tf(e18(4))).await);
}

#[tokio::test]
async fn supports_interface_only_erc165_and_erc6909() {
    let env = Env::new().await;
    for (id, expected) in [
        ([0x01, 0xff, 0xc9, 0xa7], true),
        ([0x0f, 0x63, 0x2f, 0xb3], true),
        ([0xff; 4], false),
        ([0xd9, 0xb6, 0x7a, 0x26], false),
    ] {
        let got = env
            .view(
                env.addr,
                ZAMM::supportsInterfaceCall {
                    interfaceId: id.into(),
                },
            )
            .await;
        assert_eq!(
            got,
            expected,
            "supportsInterface(0x{})",
            alloy::hex::encode(id)
        );
    }
}

#[tokio::test]
async fn zt13_zt17_fee_to_access_control_and_raw_slots() {
    let env = Env::new().await;
    // The constructor stores tx.origin (the deployer EOA) as feeToSetter in slot 0.
    assert_eq!(
        env.slot(U256::ZERO).await,
        U256::from_be_slice(env.deployer.as_slice())
    );
    assert_err::<ZAMM::Unauthorized, _>(
        env.tx(env.alice, ZAMM::setFeeToCall { feeTo: env.alice })
            .await,
    );
    assert_err::<ZAMM::Unauthorized, _>(
        env.tx(
            env.alice,
            ZAMM::setFeeToSetterCall {
                feeToSetter: env.alice,
            },
        )
        .await,
    );
    env.tx(env.deployer, ZAMM::setFeeToCall { feeTo: env.bob })
        .await
        .unwrap();
    assert_eq!(
        env.slot(U256::from(0x20)).await,
        U256::from_be_slice(env.bob.as_slice())
    );
    // Rotate the setter to carol; the old setter loses access.
    env.tx(
        env.deployer,
        ZAMM::setFeeToSetterCall {
            feeToSetter: env.carol,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        env.slot(U256::ZERO).await,
        U256::from_be_slice(env.carol.as_slice())
    );
    assert_err::<ZAMM::Unauthorized, _>(
        env.tx(
            env.deployer,
            ZAMM::setFeeToCall {
                feeTo: env.deployer,
            },
        )
        .await,
    );
    // Both setters are payable and keep the ETH.
    let before = env.eth(env.addr).await;
    env.tx_value(
        env.carol,
        ZAMM::setFeeToCall { feeTo: env.carol },
        U256::from(7),
    )
    .await
    .unwrap();
    assert_eq!(
        env.slot(U256::from(0x20)).await,
        U256::from_be_slice(env.carol.as_slice())
    );
    assert_eq!(env.eth(env.addr).await, before + U256::from(7));
}

#[tokio::test]
async fn unknown_selector_reverts_empty() {
    let env = Env::new().await;
    let r = env
        .call_raw(
            env.alice,
            env.addr,
            Bytes::from(vec![0xde, 0xad, 0xbe, 0xef, 0, 0]),
            U256::ZERO,
        )
        .await;
    assert_empty_revert(r);
    // A known-looking selector with a wrong signature (feeTo() getter does not exist).
    let r = env
        .call_raw(
            env.alice,
            env.addr,
            Bytes::from(alloy::primitives::keccak256("feeTo()")[..4].to_vec()),
            U256::ZERO,
        )
        .await;
    assert_empty_revert(r);
}

#[tokio::test]
async fn plain_eth_send_is_accepted_and_credited_to_sender() {
    let env = Env::new().await;
    let before = env.eth(env.addr).await;
    env.send_eth(env.alice, env.addr, U256::from(5000))
        .await
        .expect("receive() accepts ETH");
    assert_eq!(env.eth(env.addr).await, before + U256::from(5000));
    // The credit only lives for the transaction: a later recover finds nothing.
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
async fn non_payable_erc6909_functions_reject_value_with_empty_revert() {
    let env = Env::new().await;
    let data = ZAMM::setOperatorCall {
        operator: env.bob,
        approved: true,
    }
    .abi_encode();
    assert_empty_revert(
        env.call_raw(env.alice, env.addr, data.into(), U256::from(1))
            .await,
    );
}
