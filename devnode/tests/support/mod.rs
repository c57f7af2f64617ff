//! Helpers shared by the devnode integration tests: raw HTTP JSON-RPC, an alloy provider with
//! the dev wallet, transaction helpers and hand-assembled EVM fixtures.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::str::FromStr;
use std::time::Duration;

use alloy::consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy::eips::eip2718::Encodable2718;
use alloy::network::{EthereumWallet, TransactionBuilder, TxSignerSync};
use alloy::providers::{Provider, ProviderBuilder};
use alloy::rpc::types::{TransactionReceipt, TransactionRequest};
use alloy::signers::local::PrivateKeySigner;
use alloy_primitives::{Address, Bytes, TxKind, U256};
use serde_json::Value;

pub mod stylus;

/// Base fee of the devnode (0.1 gwei).
pub const BASE_FEE: u128 = 100_000_000;

/// Store contract runtime: `sstore(0, calldata[0..32])`, then reverts if `calldata[32..64] != 0`.
pub const STORE_RUNTIME: &str = "60003560005560203515601157600080fd5b00";
/// Forwarder runtime: calls `calldata[0..20]` with `calldata[20..]` and all gas; returns or
/// reverts with the callee's return data.
pub const FORWARDER_RUNTIME: &str =
    "36601490038060146000376000600082600060006000356060 1c5af13d600060003e3d600091602b5790fd5b90f3";

/// Like the forwarder, with STATICCALL.
pub const STATIC_FORWARDER_RUNTIME: &str =
    "36601490038060146000376000600082600060003560601c5afa3d600060003e3d60009160295790fd5b90f3";

/// Decodes one of the hex constants above.
pub fn hex_code(code: &str) -> Vec<u8> {
    hex::decode(code.replace(' ', "")).expect("valid hex fixture")
}

/// EVM init code returning `runtime` (which must be shorter than 256 bytes).
pub fn evm_initcode(runtime: &[u8]) -> Vec<u8> {
    let len = u8::try_from(runtime.len()).expect("short runtime");
    let mut code = vec![
        0x60, len, 0x80, 0x60, 0x0b, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3,
    ];
    code.extend_from_slice(runtime);
    code
}

/// The dev signer.
pub fn dev_signer() -> PrivateKeySigner {
    PrivateKeySigner::from_str(stylus_devnode::DEV_PRIVATE_KEY).expect("dev key")
}

/// An alloy provider signing with the dev key.
pub fn provider(url: &str) -> impl Provider + Clone {
    ProviderBuilder::new()
        .wallet(EthereumWallet::from(dev_signer()))
        .connect_http(url.parse().expect("url"))
}

/// Sends `tx` (filled and signed by the provider) and returns its receipt (mined instantly).
pub async fn send(provider: &impl Provider, tx: TransactionRequest) -> TransactionReceipt {
    let pending = provider
        .send_transaction(tx)
        .await
        .expect("send transaction");
    let hash = *pending.tx_hash();
    provider
        .get_transaction_receipt(hash)
        .await
        .expect("receipt request")
        .expect("receipt present")
}

/// Deploys EVM init code; returns the new contract's address.
pub async fn deploy(provider: &impl Provider, initcode: Vec<u8>) -> Address {
    let receipt = send(
        provider,
        TransactionRequest::default().with_deploy_code(initcode),
    )
    .await;
    assert!(receipt.status(), "deployment failed");
    receipt.contract_address.expect("contract address")
}

/// A signed EIP-1559 transaction, encoded for `eth_sendRawTransaction`.
pub fn signed_raw(
    signer: &PrivateKeySigner,
    chain_id: u64,
    nonce: u64,
    to: TxKind,
    value: U256,
    input: Bytes,
    gas_limit: u64,
) -> Vec<u8> {
    let mut tx = TxEip1559 {
        chain_id,
        nonce,
        gas_limit,
        max_fee_per_gas: BASE_FEE * 2,
        max_priority_fee_per_gas: 0,
        to,
        value,
        access_list: Default::default(),
        input,
    };
    let signature = signer.sign_transaction_sync(&mut tx).expect("sign");
    TxEnvelope::from(tx.into_signed(signature)).encoded_2718()
}

/// Posts `body` to the node over a fresh HTTP/1.1 connection; returns (status, body).
pub fn http_post(url: &str, body: &[u8]) -> (u16, String) {
    let authority = url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(authority).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("write head");
    // The server may answer (413) before reading everything; ignore write errors after that.
    let _ = stream.write_all(body);
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response).to_string();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// One JSON-RPC call over raw HTTP; returns the whole response object.
pub fn rpc(url: &str, method: &str, params: Value) -> Value {
    let request =
        serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let (_, body) = http_post(url, request.to_string().as_bytes());
    serde_json::from_str(&body).expect("JSON response")
}
