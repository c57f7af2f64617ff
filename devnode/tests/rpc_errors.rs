//! Bad input is answered with JSON-RPC errors, never crashes the node or changes state.

mod support;

use alloy::signers::local::PrivateKeySigner;
use alloy_primitives::{Address, Bytes, TxKind, U256};
use serde_json::{json, Value};
use support::*;

const CHAIN_ID: u64 = 412_346;

fn error_code(response: &Value) -> i64 {
    response["error"]["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("expected an error: {response}"))
}

fn send_raw(url: &str, raw: &[u8]) -> Value {
    rpc(
        url,
        "eth_sendRawTransaction",
        json!([format!("0x{}", hex::encode(raw))]),
    )
}

#[test]
fn malformed_requests_get_protocol_errors() {
    let node = stylus_devnode::spawn_local().expect("devnode");
    let url = node.url();
    let (status, body) = http_post(&url, b"{\"jsonrpc\":\"2.0\",\"id\":1,");
    assert_eq!(status, 200);
    assert_eq!(error_code(&serde_json::from_str(&body).unwrap()), -32700);
    assert_eq!(
        error_code(&rpc(&url, "eth_noSuchMethod", json!([]))),
        -32601
    );
    assert_eq!(
        error_code(&rpc(&url, "eth_getBalance", json!(["not-an-address"]))),
        -32602
    );
    assert_eq!(error_code(&rpc(&url, "eth_getBalance", json!([]))), -32602);
    assert_eq!(
        error_code(&rpc(&url, "eth_blockNumber", json!({"a": 1}))),
        -32602
    );
    let (_, body) = http_post(&url, b"[]");
    assert_eq!(error_code(&serde_json::from_str(&body).unwrap()), -32600);
    let (_, body) = http_post(&url, b"42");
    assert_eq!(error_code(&serde_json::from_str(&body).unwrap()), -32600);

    // A batch answers each element in order, errors included.
    let batch = json!([
        {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"},
        {"jsonrpc": "2.0", "id": 2, "method": "nope"},
        {"jsonrpc": "2.0", "id": 3, "method": "net_version"}
    ]);
    let (_, body) = http_post(&url, batch.to_string().as_bytes());
    let answers: Vec<Value> = serde_json::from_str(&body).unwrap();
    assert_eq!(answers[0]["result"], json!("0x64aba"));
    assert_eq!(answers[1]["error"]["code"], json!(-32601));
    assert_eq!(answers[2]["result"], json!("412346"));

    // Oversized bodies are refused before parsing.
    let huge = vec![b' '; 6 * 1024 * 1024];
    let (status, body) = http_post(&url, &huge);
    assert_eq!(status, 413);
    assert_eq!(error_code(&serde_json::from_str(&body).unwrap()), -32600);
    assert_eq!(
        rpc(&url, "eth_chainId", json!([]))["result"],
        json!("0x64aba")
    );
}

#[test]
fn invalid_transactions_are_rejected_without_state_change() {
    let node = stylus_devnode::spawn_local().expect("devnode");
    let url = node.url();
    let dev = dev_signer();
    let to = TxKind::Call(Address::repeat_byte(0x11));
    let one = U256::from(1);
    let raw = |nonce, chain_id, value, input: Bytes, gas| {
        signed_raw(&dev, chain_id, nonce, to, value, input, gas)
    };

    // Invalid signature: s above the curve order cannot be recovered.
    let mut bad_sig = raw(0, CHAIN_ID, one, Bytes::new(), 21_000);
    let len = bad_sig.len();
    bad_sig[len - 32..].fill(0xff);
    let response = send_raw(&url, &bad_sig);
    assert_eq!(error_code(&response), -32000, "{response}");

    let response = send_raw(&url, &[0x02, 0xc0, 0x01]);
    assert_eq!(error_code(&response), -32000);
    let response = send_raw(&url, &raw(0, 1, one, Bytes::new(), 21_000));
    assert!(response["error"]["message"]
        .as_str()
        .unwrap()
        .contains("chain id"));
    let response = send_raw(&url, &raw(5, CHAIN_ID, one, Bytes::new(), 21_000));
    assert!(response["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("nonce too high"));
    let response = send_raw(&url, &raw(0, CHAIN_ID, one, Bytes::new(), 20_000));
    assert!(response["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("intrinsic gas too low"));
    let response = send_raw(
        &url,
        &raw(0, CHAIN_ID, one, vec![0u8; 130 * 1024].into(), 30_000_000),
    );
    assert!(response["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("oversized data"));

    let poor = PrivateKeySigner::random();
    let response = send_raw(
        &url,
        &signed_raw(&poor, CHAIN_ID, 0, to, one, Bytes::new(), 21_000),
    );
    assert_eq!(error_code(&response), -32003);
    assert!(response["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("insufficient funds"));

    // Nothing was mined, nothing moved; a valid transaction still goes through.
    assert_eq!(
        rpc(&url, "eth_blockNumber", json!([]))["result"],
        json!("0x0")
    );
    assert_eq!(
        rpc(
            &url,
            "eth_getTransactionCount",
            json!([dev.address(), "pending"])
        )["result"],
        json!("0x0")
    );
    let ok = send_raw(&url, &raw(0, CHAIN_ID, one, Bytes::new(), 21_000));
    assert!(ok["result"].is_string(), "{ok}");
    let response = send_raw(&url, &raw(0, CHAIN_ID, one, Bytes::new(), 21_000));
    assert!(response["error"].is_object());
    let response = send_raw(&url, &raw(0, CHAIN_ID, U256::from(2), Bytes::new(), 21_000));
    assert!(response["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("nonce too low"));
    assert_eq!(
        rpc(&url, "eth_blockNumber", json!([]))["result"],
        json!("0x1")
    );
    let balance = rpc(
        &url,
        "eth_getBalance",
        json!([Address::repeat_byte(0x11), "latest"]),
    );
    assert_eq!(balance["result"], json!("0x1"));
}
