//! EVM chain behaviour through JSON-RPC: deployment, receipts, blocks, logs, reverts, gas
//! estimation, Cancun opcodes, EIP-3541, snapshots and time control.

mod support;

use alloy::network::TransactionBuilder;
use alloy::providers::Provider;
use alloy::rpc::types::{Filter, TransactionRequest};
use alloy_primitives::{Address, Bytes, B256, U256};
use serde_json::{json, Value};
use support::*;

fn word(n: u64) -> [u8; 32] {
    U256::from(n).to_be_bytes()
}

fn store_input(value: u64, fail: bool) -> Bytes {
    [word(value), word(u64::from(fail))].concat().into()
}

#[tokio::test]
async fn deploys_calls_and_reports_receipts_and_blocks() {
    let node = stylus_devnode::spawn_local().expect("devnode");
    let p = provider(&node.url());
    assert_eq!(p.get_chain_id().await.unwrap(), 412_346);
    let dev = stylus_devnode::DEV_ADDRESS;
    assert!(p.get_accounts().await.unwrap().contains(&dev));
    let store = deploy(&p, evm_initcode(&hex_code(STORE_RUNTIME))).await;
    assert_eq!(
        p.get_code_at(store).await.unwrap().to_vec(),
        hex_code(STORE_RUNTIME)
    );

    let tx = TransactionRequest::default()
        .to(store)
        .input(store_input(7, false).into());
    let receipt = send(&p, tx).await;
    assert!(receipt.status());
    // Base fee plus alloy's minimal tip.
    assert!((BASE_FEE..BASE_FEE + 1_000).contains(&receipt.effective_gas_price));
    assert_eq!(receipt.gas_used, receipt.inner.cumulative_gas_used());
    assert!(receipt.gas_used > 21_000 + 20_000);
    assert_eq!(
        p.get_storage_at(store, U256::ZERO).await.unwrap(),
        U256::from(7)
    );

    // A reverting transaction is mined with status 0 and changes nothing.
    let tx = TransactionRequest::default()
        .to(store)
        .input(store_input(9, true).into())
        .gas_limit(100_000);
    let failed = send(&p, tx).await;
    assert!(!failed.status());
    assert_eq!(
        p.get_storage_at(store, U256::ZERO).await.unwrap(),
        U256::from(7)
    );

    // Blocks chain by parent hash with non-decreasing timestamps, one tx per block.
    let latest = p.get_block_number().await.unwrap();
    assert_eq!(latest, 3);
    let mut parent = B256::ZERO;
    let mut time = 0;
    for n in 0..=latest {
        let block = rpc(
            &node.url(),
            "eth_getBlockByNumber",
            json!([format!("{n:#x}"), false]),
        );
        let block = &block["result"];
        assert_eq!(
            block["parentHash"]
                .as_str()
                .unwrap()
                .parse::<B256>()
                .unwrap(),
            parent
        );
        let ts = u64::from_str_radix(
            block["timestamp"]
                .as_str()
                .unwrap()
                .trim_start_matches("0x"),
            16,
        )
        .unwrap();
        assert!(ts >= time);
        time = ts;
        parent = block["hash"].as_str().unwrap().parse().unwrap();
        assert_eq!(
            block["transactions"].as_array().unwrap().len(),
            usize::from(n > 0)
        );
    }
    let by_hash = rpc(&node.url(), "eth_getBlockByHash", json!([parent, true]));
    assert_eq!(
        by_hash["result"]["transactions"][0]["hash"],
        json!(failed.transaction_hash)
    );
    let tx = p
        .get_transaction_by_hash(failed.transaction_hash)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(tx.block_number, Some(3));
}

#[tokio::test]
async fn eth_call_reverts_like_geth_and_estimates_suffice() {
    let node = stylus_devnode::spawn_local().expect("devnode");
    let p = provider(&node.url());
    let store = deploy(&p, evm_initcode(&hex_code(STORE_RUNTIME))).await;
    let reverting = json!([{"to": store, "data": store_input(1, true)}]);
    let response = rpc(&node.url(), "eth_call", reverting);
    assert_eq!(response["error"]["code"], json!(3));
    assert_eq!(response["error"]["message"], json!("execution reverted"));
    assert_eq!(response["error"]["data"], json!("0x"));

    let request = TransactionRequest::default()
        .from(stylus_devnode::DEV_ADDRESS)
        .to(store)
        .input(store_input(5, false).into());
    let estimate = p.estimate_gas(request.clone()).await.unwrap();
    let receipt = send(&p, request.gas_limit(estimate)).await;
    assert!(receipt.status(), "estimate {estimate} was not enough");
    assert!(estimate < receipt.gas_used * 11 / 10 + 5_000);

    // eth_call with a state override: code and storage of an arbitrary account.
    let fake = Address::repeat_byte(0x42);
    let echo = "5f355f5d5f5c5f5260205ff3"; // TSTORE/TLOAD/PUSH0: returns calldata word 0
    let call = json!([{"to": fake, "data": format!("0x{}", hex::encode(word(0xabc)))}, "latest",
        {format!("{fake}"): {"code": format!("0x{echo}"), "balance": "0x1"}}]);
    let response = rpc(&node.url(), "eth_call", call);
    assert_eq!(
        response["result"],
        json!(format!("0x{}", hex::encode(word(0xabc))))
    );
    assert_eq!(
        p.get_code_at(fake).await.unwrap().len(),
        0,
        "override must not persist"
    );
}

#[tokio::test]
async fn logs_are_filtered_by_address_topic_and_range() {
    let node = stylus_devnode::spawn_local().expect("devnode");
    let p = provider(&node.url());
    let logger = deploy(&p, evm_initcode(&hex_code("600035600080a100"))).await;
    let other = deploy(&p, evm_initcode(&hex_code("600035600080a100"))).await;
    let topic = |n: u64| B256::from(word(n));
    for (target, n) in [(logger, 1), (logger, 2), (other, 1)] {
        let tx = TransactionRequest::default()
            .to(target)
            .input(Bytes::from(word(n)).into());
        let receipt = send(&p, tx).await;
        assert_eq!(receipt.inner.logs().len(), 1);
        assert!(receipt
            .inner
            .logs_bloom()
            .contains_input(alloy_primitives::BloomInput::Raw(topic(n).as_slice())));
    }
    let all = p.get_logs(&Filter::new().from_block(0)).await.unwrap();
    assert_eq!(all.len(), 3);
    let by_address = p
        .get_logs(&Filter::new().from_block(0).address(logger))
        .await
        .unwrap();
    assert_eq!(by_address.len(), 2);
    let by_topic = p
        .get_logs(&Filter::new().from_block(0).event_signature(topic(1)))
        .await
        .unwrap();
    assert_eq!(by_topic.len(), 2);
    let latest_only = p
        .get_logs(&Filter::new().from_block(5).to_block(5))
        .await
        .unwrap();
    assert_eq!(latest_only.len(), 1);
    assert_eq!(latest_only[0].address(), other);
}

#[tokio::test]
async fn eip3541_allows_only_stylus_prefixes() {
    let node = stylus_devnode::spawn_local().expect("devnode");
    let p = provider(&node.url());
    let returning = |code: &[u8]| {
        // MSTORE the code (<= 32 bytes) left-aligned, RETURN it.
        let mut init = vec![0x7f];
        let mut padded = code.to_vec();
        padded.resize(32, 0);
        init.extend_from_slice(&padded);
        init.extend_from_slice(&[0x5f, 0x52, 0x60, code.len() as u8, 0x5f, 0xf3]);
        init
    };
    let tx = |code: &[u8]| {
        TransactionRequest::default()
            .with_deploy_code(returning(code))
            .gas_limit(200_000)
    };
    let rejected = send(&p, tx(&[0xef, 0x00, 0x01])).await;
    assert!(!rejected.status());
    assert!(p
        .get_code_at(rejected.contract_address.unwrap())
        .await
        .unwrap()
        .is_empty());
    let accepted = send(&p, tx(&[0xef, 0xf0, 0x00, 0x00, 0x01])).await;
    assert!(accepted.status());
    let code = p
        .get_code_at(accepted.contract_address.unwrap())
        .await
        .unwrap();
    assert_eq!(code.to_vec(), vec![0xef, 0xf0, 0x00, 0x00, 0x01]);
}

#[tokio::test]
async fn snapshots_and_time_control() {
    let node = stylus_devnode::spawn_local().expect("devnode");
    let url = node.url();
    let p = provider(&url);
    let snapshot = rpc(&url, "evm_snapshot", json!([]))["result"].clone();
    let before = p.get_balance(stylus_devnode::DEV_ADDRESS).await.unwrap();
    let store = deploy(&p, evm_initcode(&hex_code(STORE_RUNTIME))).await;
    assert_eq!(p.get_block_number().await.unwrap(), 1);
    assert_eq!(
        rpc(&url, "evm_revert", json!([snapshot]))["result"],
        json!(true)
    );
    assert_eq!(p.get_block_number().await.unwrap(), 0);
    assert!(p.get_code_at(store).await.unwrap().is_empty());
    assert_eq!(
        p.get_balance(stylus_devnode::DEV_ADDRESS).await.unwrap(),
        before
    );
    assert_eq!(
        rpc(&url, "evm_revert", json!([snapshot]))["result"],
        json!(false)
    );

    let ts = |url: &str| -> u64 {
        let block = rpc(url, "eth_getBlockByNumber", json!(["latest", false]));
        u64::from_str_radix(
            block["result"]["timestamp"]
                .as_str()
                .unwrap()
                .trim_start_matches("0x"),
            16,
        )
        .unwrap()
    };
    let t0 = ts(&url);
    rpc(&url, "evm_increaseTime", json!([3600]));
    rpc(&url, "evm_mine", json!([]));
    assert!(ts(&url) >= t0 + 3600);
    let target = t0 + 100_000;
    assert_eq!(
        rpc(&url, "evm_setNextBlockTimestamp", json!([target]))["result"],
        Value::Null
    );
    rpc(&url, "evm_mine", json!([]));
    assert_eq!(ts(&url), target);
    let lower = rpc(&url, "evm_setNextBlockTimestamp", json!([t0]));
    assert_eq!(lower["error"]["code"], json!(-32602));

    let who = Address::repeat_byte(7);
    assert_eq!(
        rpc(&url, "anvil_setBalance", json!([who, "0x1234"]))["result"],
        json!(true)
    );
    assert_eq!(p.get_balance(who).await.unwrap(), U256::from(0x1234));
    rpc(&url, "hardhat_setBalance", json!([who, "0x10"]));
    assert_eq!(p.get_balance(who).await.unwrap(), U256::from(0x10));
    rpc(&url, "anvil_setCode", json!([who, "0x6001"]));
    assert_eq!(p.get_code_at(who).await.unwrap().to_vec(), vec![0x60, 0x01]);
}

#[tokio::test]
async fn accepts_legacy_pre_eip155_and_access_list_transactions() {
    use alloy::consensus::{SignableTransaction, TxEip2930, TxEnvelope, TxLegacy};
    use alloy::eips::eip2718::Encodable2718;
    use alloy::network::TxSignerSync;
    use alloy_primitives::TxKind;

    let node = stylus_devnode::spawn_local().expect("devnode");
    let url = node.url();
    let signer = dev_signer();
    let to = TxKind::Call(Address::repeat_byte(0x33));
    let mut pre155 = TxLegacy {
        chain_id: None,
        nonce: 0,
        gas_price: BASE_FEE,
        gas_limit: 21_000,
        to,
        value: U256::from(5),
        input: Bytes::new(),
    };
    let sig = signer.sign_transaction_sync(&mut pre155).unwrap();
    let raw = TxEnvelope::from(pre155.into_signed(sig)).encoded_2718();
    let sent = rpc(&url, "eth_sendRawTransaction", json!([Bytes::from(raw)]));
    assert!(sent["result"].is_string(), "{sent}");
    let mut eip155 = TxLegacy {
        chain_id: Some(412_346),
        nonce: 1,
        gas_price: BASE_FEE,
        gas_limit: 21_000,
        to,
        value: U256::from(6),
        input: Bytes::new(),
    };
    let sig = signer.sign_transaction_sync(&mut eip155).unwrap();
    let raw = TxEnvelope::from(eip155.into_signed(sig)).encoded_2718();
    assert!(rpc(&url, "eth_sendRawTransaction", json!([Bytes::from(raw)]))["result"].is_string());
    let mut access_list = TxEip2930 {
        chain_id: 412_346,
        nonce: 2,
        gas_price: BASE_FEE,
        gas_limit: 30_000,
        to,
        value: U256::from(7),
        access_list: Default::default(),
        input: Bytes::new(),
    };
    let sig = signer.sign_transaction_sync(&mut access_list).unwrap();
    let raw = TxEnvelope::from(access_list.into_signed(sig)).encoded_2718();
    let hash = rpc(&url, "eth_sendRawTransaction", json!([Bytes::from(raw)]))["result"].clone();
    let receipt = rpc(&url, "eth_getTransactionReceipt", json!([hash]));
    assert_eq!(receipt["result"]["type"], json!("0x1"));
    assert_eq!(receipt["result"]["status"], json!("0x1"));
    let balance = rpc(
        &url,
        "eth_getBalance",
        json!([Address::repeat_byte(0x33), "latest"]),
    );
    assert_eq!(balance["result"], json!("0x12"));
}

#[tokio::test]
async fn arbos_precompiles_answer_evm_callers_and_start_warm() {
    let node = stylus_devnode::spawn_local().expect("devnode");
    let p = provider(&node.url());
    let forwarder = deploy(&p, evm_initcode(&hex_code(STATIC_FORWARDER_RUNTIME))).await;
    let arb_sys = Address::with_last_byte(0x64);
    let chain_id_call = |target: Address| -> Bytes {
        [target.as_slice(), &[0xd1, 0x27, 0xf5, 0x4a]]
            .concat()
            .into() // arbChainID()
    };
    let out = p
        .call(
            TransactionRequest::default()
                .to(forwarder)
                .input(chain_id_call(arb_sys).into()),
        )
        .await
        .unwrap();
    assert_eq!(U256::from_be_slice(&out), U256::from(412_346));
    let gas_of = |target: Address| {
        let tx = TransactionRequest::default()
            .to(forwarder)
            .input(chain_id_call(target).into());
        let p = p.clone();
        async move { send(&p, tx).await.gas_used }
    };
    // Same call shape: a warm precompile versus a cold empty account (2,600 - 100 gas apart,
    // minus the precompile's own small cost).
    let warm = gas_of(arb_sys).await;
    let cold = gas_of(Address::repeat_byte(0xde)).await;
    assert!(cold > warm + 2_000, "warm {warm}, cold {cold}");
}

#[tokio::test]
async fn unlocked_accounts_create_contracts_with_eth_send_transaction() {
    let node = stylus_devnode::spawn_local().expect("devnode");
    let url = node.url();
    let initcode = evm_initcode(&hex_code(STORE_RUNTIME));
    // A wallet-style creation: no `to`, no gas, no fees; the node fills them in.
    let sent = rpc(
        &url,
        "eth_sendTransaction",
        json!([{ "from": stylus_devnode::DEV_ADDRESS, "data": Bytes::from(initcode) }]),
    );
    let hash = sent["result"].as_str().expect("tx hash").to_owned();
    let receipt = rpc(&url, "eth_getTransactionReceipt", json!([hash]));
    assert_eq!(receipt["result"]["status"], json!("0x1"));
    let address = receipt["result"]["contractAddress"]
        .as_str()
        .expect("created");
    let code = rpc(&url, "eth_getCode", json!([address, "latest"]));
    assert_eq!(code["result"], json!(format!("0x{STORE_RUNTIME}")));
}
