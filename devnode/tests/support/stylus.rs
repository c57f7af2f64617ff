//! Stylus program helpers for the integration tests: cargo-stylus's code format and
//! deployment prelude, and the deploy / activate flow over JSON-RPC.

use alloy::network::TransactionBuilder;
use alloy::providers::Provider;
use alloy::rpc::types::{TransactionReceipt, TransactionRequest};
use alloy::sol_types::SolCall;
use alloy_primitives::{Address, Bytes, U256};
use stylus_devnode::chain::precompiles::{IArbWasm, ARB_WASM};

use super::send;

/// Account code for a WAT program (see [`stylus_wasm_code`]).
pub fn stylus_code(wat_source: &str) -> Vec<u8> {
    stylus_wasm_code(&wat::parse_str(wat_source).expect("valid WAT"))
}

/// Account code as cargo-stylus writes it: EF F0 00, dictionary 0, brotli(wasm).
pub fn stylus_wasm_code(wasm: &[u8]) -> Vec<u8> {
    let mut compressed = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &wasm[..], &mut compressed, &params).expect("brotli");
    [&[0xEF, 0xF0, 0x00, 0x00][..], &compressed].concat()
}

/// cargo-stylus's 43-byte deployment prelude followed by the code.
pub fn stylus_initcode(code: &[u8]) -> Vec<u8> {
    let mut init = vec![0x7f];
    init.extend_from_slice(&U256::from(code.len()).to_be_bytes::<32>());
    init.extend_from_slice(&[0x80, 0x60, 43, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3, 0x00]);
    assert_eq!(init.len(), 43);
    init.extend_from_slice(code);
    init
}

pub async fn call_bytes(p: &impl Provider, to: Address, input: Bytes) -> Bytes {
    p.call(TransactionRequest::default().to(to).input(input.into()))
        .await
        .expect("eth_call")
}

pub async fn transact(
    p: &impl Provider,
    to: Address,
    input: Bytes,
    value: U256,
) -> TransactionReceipt {
    let tx = TransactionRequest::default()
        .to(to)
        .input(input.into())
        .value(value);
    send(p, tx).await
}

/// The data fee `activateProgram` would charge, from a simulated call with 1 ETH.
pub async fn data_fee(p: &impl Provider, program: Address) -> U256 {
    let input = IArbWasm::activateProgramCall { program }.abi_encode();
    let tx = TransactionRequest::default()
        .to(ARB_WASM)
        .input(Bytes::from(input).into())
        .value(U256::from(10u64).pow(U256::from(18)));
    let out = p.call(tx).await.expect("simulated activation");
    IArbWasm::activateProgramCall::abi_decode_returns(&out)
        .expect("returns")
        .dataFee
}

/// Deploys a program with a plain CREATE (as cargo-stylus does without a constructor).
pub async fn deploy_program(p: &impl Provider, code: &[u8]) -> Address {
    let tx = TransactionRequest::default().with_deploy_code(stylus_initcode(code));
    let receipt = send(p, tx).await;
    assert!(receipt.status(), "program deployment failed");
    let address = receipt.contract_address.expect("contract address");
    assert_eq!(p.get_code_at(address).await.unwrap().to_vec(), code);
    address
}

pub async fn activate(p: &impl Provider, program: Address) -> TransactionReceipt {
    let fee = data_fee(p, program).await;
    let input = IArbWasm::activateProgramCall { program }.abi_encode();
    let receipt = transact(p, ARB_WASM, input.into(), fee).await;
    assert!(receipt.status(), "activation failed");
    receipt
}
