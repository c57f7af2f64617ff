//! The cargo-stylus-compatible deployment itself: code format, the StylusDeployer (salted,
//! deterministic) path and the CREATE + activateProgram fallback.
mod common;

use alloy::primitives::{Address, Bytes, B256, U256};
use alloy::providers::Provider;
use alloy::sol_types::SolCall;
use common::deploy::{deploy, initcode, Deployment, STYLUS_DEPLOYER};
use common::*;

/// These tests need fresh chains and anvil_setCode, i.e. the in-process devnode.
fn local_only() -> bool {
    std::env::var("RPC_URL").is_err()
}

async fn deploy_on(chain: &Chain, salt: Option<B256>) -> Result<Deployment, String> {
    deploy(&chain.p, chain.deployer, program_code(), salt, &mut |_| {}).await
}

/// The deployed program answers and its constructor stored tx.origin as feeToSetter.
async fn assert_live(chain: &Chain, at: Address) {
    let call = ZAMM::supportsInterfaceCall {
        interfaceId: [0x0f, 0x63, 0x2f, 0xb3].into(),
    };
    let req = alloy::rpc::types::TransactionRequest::default()
        .to(at)
        .input(call.abi_encode().into());
    let out = chain.p.call(req).await.expect("call the deployed program");
    assert!(ZAMM::supportsInterfaceCall::abi_decode_returns(&out).unwrap());
    let setter = chain.p.get_storage_at(at, U256::ZERO).await.unwrap();
    assert_eq!(
        setter,
        U256::from_be_slice(chain.deployer.as_slice()),
        "feeToSetter = tx.origin"
    );
}

#[tokio::test]
async fn deployed_code_is_prefixed_brotli_of_the_wasm() {
    let env = Env::new().await;
    let code: Bytes = env.p.get_code_at(env.addr).await.unwrap();
    assert_eq!(code.as_ref(), program_code());
    assert_eq!(&code[..4], &[0xEF, 0xF0, 0x00, 0x00]);
    assert!(
        code.len() <= 24_576,
        "fits one contract (EIP-170): {} bytes",
        code.len()
    );
    let mut wasm = Vec::new();
    brotli::BrotliDecompress(&mut &code[4..], &mut wasm).expect("valid brotli stream");
    assert_eq!(&wasm[..4], b"\0asm");
    // The 43-byte prelude copies and returns exactly the code that follows it.
    let init = initcode(&[0xAA, 0xBB]);
    assert_eq!(init.len(), 45);
    assert_eq!(
        (init[0], &init[33..43], &init[43..]),
        (
            0x7f,
            &[0x80, 0x60, 0x2b, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3, 0x00][..],
            &[0xAA, 0xBB][..]
        )
    );
}

#[tokio::test]
async fn create_and_activate_fallback_without_stylus_deployer() {
    if !local_only() {
        return;
    }
    let chain = Chain::connect().await;
    let _: serde_json::Value = chain
        .p
        .raw_request("anvil_setCode".into(), (STYLUS_DEPLOYER, Bytes::new()))
        .await
        .expect("anvil_setCode");
    let err = deploy_on(&chain, Some(B256::repeat_byte(1)))
        .await
        .unwrap_err();
    assert!(err.contains("StylusDeployer"), "{err}");
    let d = deploy_on(&chain, None)
        .await
        .expect("CREATE + activateProgram");
    assert_eq!(d.method, "CREATE + activateProgram");
    assert!(d.activation_value > U256::ZERO);
    assert_live(&chain, d.address).await;
    // Same code again: already activated, so no data fee is paid.
    let again = deploy_on(&chain, None).await.unwrap();
    assert_eq!(again.activation_value, U256::ZERO);
    assert_ne!(again.address, d.address);
    assert_live(&chain, again.address).await;
}

#[tokio::test]
async fn salted_deploy_is_deterministic_and_rejects_reuse() {
    if !local_only() {
        return;
    }
    let (a, b) = (Chain::connect().await, Chain::connect().await);
    let salt = B256::repeat_byte(0x5a);
    let da = deploy_on(&a, Some(salt)).await.expect("salted deploy");
    let db = deploy_on(&b, Some(salt)).await.expect("salted deploy");
    assert_eq!(da.method, "StylusDeployer");
    assert_eq!(
        da.address, db.address,
        "same salt and code: same address on any chain"
    );
    assert_live(&a, da.address).await;
    let err = deploy_on(&a, Some(salt)).await.unwrap_err();
    assert!(err.contains("already taken"), "{err}");
    let other = deploy_on(&a, Some(B256::repeat_byte(0x5b))).await.unwrap();
    assert_ne!(other.address, da.address);
    assert_eq!(
        other.activation_value,
        U256::ZERO,
        "codehash already active"
    );
}
