//! Genesis allocation: funded dev accounts and the native contracts' code markers.

use std::str::FromStr;

use alloy::signers::local::PrivateKeySigner;
use alloy_primitives::{Address, Bytes, U256};
use revm::{
    database::{CacheDB, EmptyDB},
    state::{AccountInfo, Bytecode},
};

use super::precompiles::{NativeContract, NATIVE_CODE_MARKER};

/// Private key of the Nitro dev account (`nitro --dev`).
pub const DEV_PRIVATE_KEY: &str =
    "0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659";

/// Extra funded accounts: the first five keys of the well-known Hardhat/Anvil test mnemonic
/// ("test test test ... junk"). Public test keys; never use them on a real network.
pub const EXTRA_PRIVATE_KEYS: [&str; 5] = [
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
];

/// Genesis balance of the dev account: 1,000,000 ETH.
pub fn dev_balance() -> U256 {
    U256::from(10u64).pow(U256::from(24))
}

/// Genesis balance of each extra account: 10,000 ETH.
pub fn extra_balance() -> U256 {
    U256::from(10u64).pow(U256::from(22))
}

/// The unlocked signers: the dev account first, then the extra accounts.
pub fn dev_signers() -> Vec<PrivateKeySigner> {
    std::iter::once(DEV_PRIVATE_KEY)
        .chain(EXTRA_PRIVATE_KEYS)
        .filter_map(|key| PrivateKeySigner::from_str(key).ok())
        .collect()
}

/// Builds the genesis state.
pub fn genesis_db(signers: &[PrivateKeySigner]) -> CacheDB<EmptyDB> {
    let mut db = CacheDB::new(EmptyDB::default());
    for (i, signer) in signers.iter().enumerate() {
        let balance = if i == 0 {
            dev_balance()
        } else {
            extra_balance()
        };
        db.insert_account_info(signer.address(), AccountInfo::from_balance(balance));
    }
    for (_, address) in NativeContract::ALL {
        install_code(&mut db, address, Bytes::from_static(&NATIVE_CODE_MARKER));
    }
    db
}

/// Sets the code of `address`, keeping balance and nonce.
pub fn install_code(db: &mut CacheDB<EmptyDB>, address: Address, code: Bytes) {
    let bytecode = Bytecode::new_legacy(code);
    let mut info = db
        .cache
        .accounts
        .get(&address)
        .map(|account| account.info.clone())
        .unwrap_or_default();
    info.code_hash = bytecode.hash_slow();
    info.code = Some(bytecode);
    db.insert_account_info(address, info);
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::address;

    #[test]
    fn dev_keys_derive_the_documented_addresses() {
        let signers = dev_signers();
        assert_eq!(signers.len(), 6);
        assert_eq!(
            signers[0].address(),
            address!("3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E")
        );
        assert_eq!(
            signers[1].address(),
            address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266")
        );
        assert_eq!(
            signers[2].address(),
            address!("70997970C51812dc3A010C7d01b50e0d17dc79C8")
        );
        assert_eq!(
            signers[3].address(),
            address!("3C44CdDdB6a900fa2b585dd299e03d12FA4293BC")
        );
        assert_eq!(
            signers[4].address(),
            address!("90F79bf6EB2c4f870365E785982E1f101E93b906")
        );
        assert_eq!(
            signers[5].address(),
            address!("15d34AAf54267DB7D7c367839AAf71A00a2C6A65")
        );
    }
}
