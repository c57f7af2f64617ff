//! The cargo-stylus-compatible deployment itself: code format, the StylusDeployer (salted,
//! deterministic) path and the CREATE + activateProgram fallback.
mod common;

use alloy::network::TransactionBuilder;
use alloy::primitives::{Address, Bytes, B256, U256};
use alloy::providers::Provider;
use alloy::rpc::types::TransactionRequest;
use alloy::sol_types::SolCall;
use common::deploy::{
    deploy, initcode, initcode_with_constructor, Deployment, CONSTRUCTOR_EXECUTED,
    CONSTRUCTOR_EXECUTED_SLOT, STYLUS_CONSTRUCTOR, STYLUS_DEPLOYER, VIA_CREATE, VIA_DEPLOYER,
};
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

/// Removes the StylusDeployer from the chain so that `deploy` takes the CREATE fallback.
async fn without_stylus_deployer() -> Chain {
    let chain = Chain::connect().await;
    let _: serde_json::Value = chain
        .p
        .raw_request("anvil_setCode".into(), (STYLUS_DEPLOYER, Bytes::new()))
        .await
        .expect("anvil_setCode");
    chain
}

async fn storage(chain: &Chain, at: Address, slot: U256) -> U256 {
    chain.p.get_storage_at(at, slot).await.unwrap()
}

#[tokio::test]
async fn create_and_activate_fallback_without_stylus_deployer() {
    if !local_only() {
        return;
    }
    let chain = without_stylus_deployer().await;
    let err = deploy_on(&chain, Some(B256::repeat_byte(1)))
        .await
        .unwrap_err();
    assert!(err.contains("StylusDeployer"), "{err}");
    let nonce = chain.p.get_transaction_count(chain.deployer).await.unwrap();
    let d = deploy_on(&chain, None)
        .await
        .expect("CREATE + activateProgram");
    assert_eq!(d.method, VIA_CREATE);
    assert!(d.activation_value > U256::ZERO);
    let sent = chain.p.get_transaction_count(chain.deployer).await.unwrap() - nonce;
    assert_eq!(
        sent, 2,
        "CREATE and activateProgram only: no constructor call"
    );
    assert_live(&chain, d.address).await;
    // Same code again: already activated, so only the CREATE and no data fee.
    let again = deploy_on(&chain, None).await.unwrap();
    assert_eq!(again.activation_value, U256::ZERO);
    assert_ne!(again.address, d.address);
    assert_live(&chain, again.address).await;
}

#[tokio::test]
async fn fallback_create_sets_fee_to_setter_atomically_and_locks_the_constructor() {
    if !local_only() {
        return;
    }
    let chain = without_stylus_deployer().await;
    // Activate the code once, so a CREATE of it is a live program at once (the front-running
    // window the init code closes).
    deploy_on(&chain, None).await.expect("first deployment");
    let req = TransactionRequest::default()
        .with_from(chain.deployer)
        .with_deploy_code(initcode_with_constructor(program_code()));
    let receipt = chain
        .p
        .send_transaction(req)
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(receipt.status());
    let at = receipt.contract_address.expect("created");
    assert_eq!(
        chain.p.get_code_at(at).await.unwrap().as_ref(),
        program_code()
    );
    let setter = U256::from_be_slice(chain.deployer.as_slice());
    assert_eq!(storage(&chain, at, U256::ZERO).await, setter, "feeToSetter");
    let marker = U256::from_be_bytes(CONSTRUCTOR_EXECUTED_SLOT.0);
    assert_eq!(storage(&chain, at, marker).await, CONSTRUCTOR_EXECUTED);
    assert_live(&chain, at).await;

    // Someone else calls the constructor: the SDK guard reads the marker as set and reverts empty
    // (zAMM's own slot-0 check would revert Unauthorized instead).
    let attacker = chain.users[0];
    chain
        .p
        .send_transaction(
            TransactionRequest::default()
                .with_from(chain.deployer)
                .with_to(attacker)
                .with_value(U256::from(10u64).pow(U256::from(18u64))),
        )
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    let ctor = TransactionRequest::default()
        .with_from(attacker)
        .with_to(at)
        .with_input(STYLUS_CONSTRUCTOR.to_vec());
    let err = chain.p.call(ctor.clone()).await.unwrap_err();
    let data = err.as_error_resp().and_then(|p| p.as_revert_data());
    assert_eq!(
        data,
        Some(Bytes::new()),
        "SDK guard: empty revert, got {err}"
    );
    let receipt = chain
        .p
        .send_transaction(ctor.with_gas_limit(1_000_000))
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(!receipt.status(), "a later stylus_constructor() reverts");
    assert_eq!(storage(&chain, at, U256::ZERO).await, setter, "unchanged");
}

/// The fallback's init code: the constructor's two SSTOREs, then the prelude with offset 114.
#[test]
fn fallback_initcode_layout() {
    let init = initcode_with_constructor(&[0xAA, 0xBB]);
    assert_eq!(init.len(), 114 + 2);
    assert_eq!(&init[..5], &[0x32, 0x60, 0x00, 0x55, 0x7f]);
    let mut word = [0u8; 32];
    word[0] = 1; // StorageBool at offset 0 = the high byte of the big-endian word
    assert_eq!(&init[5..37], &word);
    assert_eq!(init[37], 0x7f);
    assert_eq!(&init[38..70], CONSTRUCTOR_EXECUTED_SLOT.as_slice());
    assert_eq!(init[70], 0x55);
    assert_eq!(&init[71..104], &initcode(&[0xAA, 0xBB])[..33]);
    assert_eq!(
        &init[104..],
        &[0x80, 0x60, 114, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3, 0x00, 0xAA, 0xBB]
    );
    assert_eq!(
        CONSTRUCTOR_EXECUTED_SLOT,
        alloy::primitives::keccak256("stylus_constructor")
    );
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
    assert_eq!(da.method, VIA_DEPLOYER);
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
