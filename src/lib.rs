//! zAMM singleton exchange for Arbitrum Stylus, ABI- and storage-compatible with the Solidity
//! original (`zammdefi/ZAMM` V1).
//!
//! Module map (each module ports one section of `ZAMM.sol` / `ZERC6909.sol`):
//! - [`erc6909`]: the multi-token ledger (LP shares and `coin()` tokens), solady slot layout;
//! - [`pools`]: pool keys, liquidity, the three swap entry points, `_update` and `_mintFee`;
//! - [`hooks`]: `feeOrHook` decoding and the hook / flash-callback calls;
//! - [`math`]: pure pricing and fixed-point helpers;
//! - [`transfer`]: ETH / ERC-20 / ERC-6909 / own-token movement;
//! - [`transient`]: EIP-1153 storage (reentrancy lock, per-caller credits);
//! - [`storage`]: raw slot access mirroring the reference's slots;
//! - [`dispatch`]: the calldata dispatcher (entrypoint) over the `#[public]` methods;
//! - `orders` / `lockups`: the on-chain orderbook and timelock.
//!
//! The `#[storage]` struct is empty: every value lives at the reference's raw slot so that
//! `eth_getStorageAt` reads the same as on the Solidity deployment.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

mod dispatch;
mod erc6909;
mod hooks;
mod lockups;
mod math;
mod orders;
mod pools;
mod storage;
mod transfer;
mod transient;

pub use erc6909::Erc6909;
pub use lockups::Lockups;
pub use orders::Orders;
pub use pools::{PoolKey, Pools};

// `export-abi` expects each implemented trait's ABI struct in scope of the `#[public]` impl.
#[cfg(feature = "export-abi")]
use {
    erc6909::Erc6909StylusAbiStruct, lockups::LockupsStylusAbiStruct,
    orders::OrdersStylusAbiStruct, pools::PoolsStylusAbiStruct,
};

use alloc::{string::String, vec::Vec};
use stylus_sdk::{
    alloy_primitives::{Address, FixedBytes, U256},
    function_selector,
    prelude::*,
};

use storage::{addr_word, FEE_TO_SETTER_SLOT, FEE_TO_SLOT};

/// The zAMM singleton.
#[storage]
pub struct ZAMM {}

/// Contract entrypoint: a compact hand-written dispatcher over the `#[public]` methods (see
/// [`dispatch`] for why the SDK router is not used). Only the generated wasm `user_entrypoint`
/// calls it, which the SDK omits under `stylus-test`.
#[entrypoint]
#[allow(dead_code)]
fn zamm_entrypoint(input: Vec<u8>, host: stylus_sdk::host::VM) -> stylus_sdk::ArbResult {
    dispatch::entry(input, host)
}

/// Declares [`ZammError`] from the reference's no-argument custom errors, with their selectors
/// and (for `export-abi`) their Solidity declarations, from one list.
macro_rules! zamm_errors {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {
        /// Every revert zAMM can produce. Unit variants encode as their 4-byte selector (no
        /// arguments, exactly like the reference's custom errors); `Panic` reproduces
        /// Solidity's `Panic(uint256)`, `Revert` is an empty revert and `Bubble` re-raises a
        /// callee's revert data. Kept `Copy` and data-free (the bubbled bytes stay in the
        /// host's return-data buffer until the dispatcher encodes the error) so that every
        /// `Result` stays small: returned in registers and cheap to propagate.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum ZammError {
            $($(#[$doc])* $name,)*
            /// `Panic(uint256)` with the given code (0x01 assert, 0x11 arithmetic, 0x12 div 0).
            Panic(u8),
            /// Empty revert data (like a failed extcodesize or abi-decode check).
            Revert,
            /// The revert data of the external call that just failed, passed on verbatim.
            Bubble,
        }

        impl ZammError {
            /// The 4-byte selector of a custom error (`None` for `Panic` / `Revert` / `Bubble`).
            /// A match, not a lookup table: constant data costs every call ~0.75 gas per byte
            /// (Stylus cached init cost), code only ~0.13 gas per byte when uncached.
            fn selector(&self) -> Option<[u8; 4]> {
                match self {
                    $(Self::$name => Some(function_selector!(stringify!($name))),)*
                    Self::Panic(_) | Self::Revert | Self::Bubble => None,
                }
            }
        }

        /// Marker types giving each error its own `TypeId` in the exported ABI.
        #[cfg(feature = "export-abi")]
        mod error_markers {
            $(pub struct $name;)*
        }

        #[cfg(feature = "export-abi")]
        impl stylus_sdk::abi::export::internal::InnerTypes for ZammError {
            fn inner_types() -> Vec<stylus_sdk::abi::export::internal::InnerType> {
                alloc::vec![$(stylus_sdk::abi::export::internal::InnerType {
                    name: alloc::format!("error {}();", stringify!($name)),
                    id: core::any::TypeId::of::<error_markers::$name>(),
                }),*]
            }
        }
    };
}

zamm_errors! {
    /// Non-partial order filled with a `fillPart` other than 0 / `amtOut`, or a zero slice.
    BadSize,
    /// Deadline / unlock time passed (or not in the future when creating).
    Expired,
    /// No input (zero amount, or nothing credited to `swap`), or above `amountInMax`.
    InsufficientInputAmount,
    /// Output not below the reserve.
    InsufficientLiquidity,
    /// Deposit mints no LP.
    InsufficientLiquidityMinted,
    /// Zero output, or below the caller's minimum.
    InsufficientOutputAmount,
    /// `feeOrHook` with bits 160..253 set at pool creation.
    InvalidFeeOrHook,
    /// `msg.value` does not match the path.
    InvalidMsgVal,
    /// Non-canonical token order, or ETH with a non-zero id, at pool creation.
    InvalidPoolTokens,
    /// Constant-product invariant violated in `swap`.
    K,
    /// Reserve above uint112, or an order overfilled.
    Overflow,
    /// Order / lock already exists, or the lock has not matured.
    Pending,
    /// A locked function was re-entered.
    Reentrancy,
    /// Caller is not `feeToSetter`, or the order / lock does not exist.
    Unauthorized,
    /// ERC-6909 balance too small.
    InsufficientBalance,
    /// ERC-6909 balance would exceed `uint256`.
    BalanceOverflow,
    /// Neither operator nor enough allowance.
    InsufficientPermission,
    /// `mulDiv` overflowed or divided by zero.
    MulDivFailed,
    /// Sending ETH failed.
    ETHTransferFailed,
    /// ERC-20 `transfer` failed or returned something other than `true`.
    TransferFailed,
    /// ERC-20 `transferFrom` failed or returned something other than `true`.
    TransferFromFailed,
}

/// Solidity panic code for a failed `assert`.
pub(crate) const PANIC_ASSERT: u8 = 0x01;
/// Solidity panic code for checked-arithmetic over/underflow.
pub(crate) const PANIC_OVERFLOW: u8 = 0x11;
/// Solidity panic code for division or modulo by zero.
pub(crate) const PANIC_DIV_ZERO: u8 = 0x12;

/// Revert data of an error, except that `Bubble` yields nothing here: only the dispatcher
/// (`ZAMM::revert_data`) can read the callee's data from the host.
impl From<ZammError> for Vec<u8> {
    fn from(err: ZammError) -> Vec<u8> {
        if let Some(selector) = err.selector() {
            return selector.to_vec();
        }
        match err {
            ZammError::Panic(code) => {
                let mut out = function_selector!("Panic", U256).to_vec();
                out.resize(36, 0);
                out[35] = code;
                out
            }
            _ => Vec::new(),
        }
    }
}

#[public]
#[implements(Erc6909, Pools, Orders, Lockups)]
impl ZAMM {
    /// Deploy-time initialiser, run atomically with deployment by StylusDeployer (`cargo stylus
    /// deploy`): like the reference constructor, the transaction origin becomes `feeToSetter`.
    /// The SDK's constructor guard (checked by the dispatcher first, see
    /// [`ZAMM::claim_constructor`]) lets it run at most once. Deploy init code that stores
    /// `ORIGIN` into slot 0 itself must also set that guard: it reads the *high* byte of slot
    /// `keccak256("stylus_constructor")` (`0xd719fb9e…fe7c8c`), so the word to store there is
    /// `1 << 248` (`0x01` then 31 zero bytes). As defence in depth an already initialised
    /// slot 0 is refused with `Unauthorized` anyway.
    #[constructor]
    #[payable]
    pub fn constructor(&mut self) -> Result<(), ZammError> {
        if !self.sload(FEE_TO_SETTER_SLOT).is_zero() {
            return Err(ZammError::Unauthorized);
        }
        let origin = self.vm().tx_origin();
        self.sstore(FEE_TO_SETTER_SLOT, addr_word(origin));
        Ok(())
    }

    /// Plain ETH transfers credit the sender's transient ETH balance (`recoverTransientBalance`
    /// or a later swap in the same transaction can use it).
    #[receive]
    #[payable]
    pub fn receive(&mut self) -> Result<(), Vec<u8>> {
        let value = self.value();
        self.add_credit(Address::ZERO, U256::ZERO, value);
        Ok(())
    }

    /// Sets the protocol-fee recipient (slot 0x20). Only `feeToSetter`; any ETH sent is kept.
    #[payable]
    pub fn set_fee_to(&mut self, fee_to: Address) -> Result<(), ZammError> {
        self.only_fee_to_setter()?;
        self.sstore(FEE_TO_SLOT, addr_word(fee_to));
        Ok(())
    }

    /// Hands the admin role over (slot 0x00). Only `feeToSetter`; any ETH sent is kept.
    #[payable]
    pub fn set_fee_to_setter(&mut self, fee_to_setter: Address) -> Result<(), ZammError> {
        self.only_fee_to_setter()?;
        self.sstore(FEE_TO_SETTER_SLOT, addr_word(fee_to_setter));
        Ok(())
    }

    /// Creates a new coin with the next sequential id, *sets* `creator`'s balance to `supply`
    /// and announces `uri`. Permissionless; nothing else is stored.
    pub fn coin(&mut self, creator: Address, supply: U256, uri: String) -> U256 {
        self.create_coin(creator, supply, uri.as_bytes())
    }

    /// ERC-165: true only for ERC-165 itself (`0x01ffc9a7`) and ERC-6909 (`0x0f632fb3`).
    pub fn supports_interface(interface_id: FixedBytes<4>) -> bool {
        let id = u32::from_be_bytes(interface_id.0);
        id == 0x01ff_c9a7 || id == 0x0f63_2fb3
    }

    /// Credits the caller's transient balance for (token, id) after taking `amount` in (ETH via
    /// `msg.value`, own tokens burned, others pulled). Not locked, so flash callees can repay.
    #[payable]
    pub fn deposit(&mut self, token: Address, id: U256, amount: U256) -> Result<(), ZammError> {
        let expected = if token.is_zero() { amount } else { U256::ZERO };
        if self.value() != expected {
            return Err(ZammError::InvalidMsgVal);
        }
        if !token.is_zero() {
            self.pull(token, id, amount)?;
        }
        self.add_credit(token, id, amount);
        Ok(())
    }

    /// Zeroes the caller's transient credit for (token, id) and pays it out to `to`.
    pub fn recover_transient_balance(
        &mut self,
        token: Address,
        id: U256,
        to: Address,
    ) -> Result<U256, ZammError> {
        self.locked(|z| {
            let amount = z.take_all_credit(token, id);
            if !amount.is_zero() {
                z.push(token, to, id, amount)?;
            }
            Ok(amount)
        })
    }
}

/// The SDK's constructor-guard slot, `keccak256("stylus_constructor")`.
const CONSTRUCTOR_GUARD_SLOT: U256 = stylus_sdk::abi::internal::CONSTRUCTOR_EXECUTED_SLOT;
/// The guard's "constructor ran" flag: the SDK's `StorageBool` at offset 0, i.e. the word's
/// most significant byte. Deploy init code that initialises slot 0 itself stores this word.
const CONSTRUCTOR_MARKER: U256 = U256::from_limbs([0, 0, 0, 1 << 56]);

impl ZAMM {
    /// The SDK's constructor guard (`check_constructor_slot`) with the same storage effect:
    /// empty revert once the flag is set, else sets it. Reimplemented so that the slot is an
    /// immediate, not 32 bytes of data charged on every call.
    pub(crate) fn claim_constructor(&mut self) -> Result<(), ZammError> {
        let slot = storage::imm!(CONSTRUCTOR_GUARD_SLOT);
        let word = self.sload(slot);
        if word.byte(31) != 0 {
            return Err(ZammError::Revert);
        }
        self.sstore(slot, word | storage::imm!(CONSTRUCTOR_MARKER));
        Ok(())
    }

    /// Reverts `Unauthorized` unless the caller is `feeToSetter` (slot 0), as in the reference.
    fn only_fee_to_setter(&self) -> Result<(), ZammError> {
        if self.sload(FEE_TO_SETTER_SLOT) != addr_word(self.sender()) {
            return Err(ZammError::Unauthorized);
        }
        Ok(())
    }
}

/// Shared unit-test fixtures (TestVM with fixed addresses; transient storage reset).
#[cfg(test)]
pub(crate) mod testing {
    use alloc::vec::Vec;
    use stylus_sdk::alloy_primitives::{address, Address, B256, U256};
    pub use stylus_sdk::testing::TestVM;

    pub const ZAMM_ADDR: Address = address!("000000000000040470635eb91b7ce4d132d616ed");
    pub const ALICE: Address = address!("00000000000000000000000000000000000a11ce");
    pub const BOB: Address = address!("0000000000000000000000000000000000000b0b");
    pub const TOKEN_A: Address = address!("aaaa00000000000000000000000000000000aaaa");
    pub const TOKEN_B: Address = address!("bbbb00000000000000000000000000000000bbbb");

    /// A deployed zAMM at [`ZAMM_ADDR`] called by [`ALICE`], who deployed it (`feeToSetter`),
    /// with transient storage cleared.
    pub fn setup() -> (TestVM, super::ZAMM) {
        let (vm, z) = undeployed();
        vm.set_storage(crate::storage::FEE_TO_SETTER_SLOT, a(ALICE));
        (vm, z)
    }

    /// Like [`setup`] but before any initialisation: slot 0 and the constructor guard are zero.
    pub fn undeployed() -> (TestVM, super::ZAMM) {
        crate::transient::clear();
        let vm = TestVM::default();
        vm.set_contract_address(ZAMM_ADDR);
        vm.set_sender(ALICE);
        vm.set_tx_origin(ALICE);
        let z = super::ZAMM::from(&vm);
        (vm, z)
    }

    /// Starts a new simulated transaction: sender and value set, transient storage, mocks and
    /// logs cleared.
    pub fn tx(vm: &TestVM, sender: Address, value: U256) {
        crate::transient::clear();
        vm.clear_mocks();
        vm.set_sender(sender);
        vm.set_value(value);
    }

    /// `keccak256(text)` as a topic.
    pub fn topic(signature: &str) -> B256 {
        stylus_sdk::crypto::keccak(signature.as_bytes())
    }

    /// Topic 0 of every log emitted so far.
    pub fn topic0s(vm: &TestVM) -> Vec<B256> {
        vm.get_emitted_logs().iter().map(|(t, _)| t[0]).collect()
    }

    /// A word as a topic / data chunk.
    pub fn w(x: U256) -> B256 {
        B256::from(x)
    }

    /// An address as a topic / data chunk.
    pub fn a(x: Address) -> B256 {
        x.into_word()
    }

    /// Concatenated data words.
    pub fn data(words: &[B256]) -> Vec<u8> {
        words.iter().flat_map(|x| x.0).collect()
    }

    /// ABI word helpers for building mocked calldata.
    pub fn abi_call(selector: u32, words: &[B256]) -> Vec<u8> {
        let mut out = selector.to_be_bytes().to_vec();
        out.extend(data(words));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use stylus_sdk::alloy_primitives::B256;

    #[test]
    fn error_encodings_match_reference_selectors() {
        let cases: [(ZammError, u32); 21] = [
            (ZammError::BadSize, 0x6cd3_dc25),
            (ZammError::Expired, 0x203d_82d8),
            (ZammError::InsufficientInputAmount, 0x098f_b561),
            (ZammError::InsufficientLiquidity, 0xbb55_fd27),
            (ZammError::InsufficientLiquidityMinted, 0xd226_f9d4),
            (ZammError::InsufficientOutputAmount, 0x4230_1c23),
            (ZammError::InvalidFeeOrHook, 0x2e17_40be),
            (ZammError::InvalidMsgVal, 0x85cf_0a35),
            (ZammError::InvalidPoolTokens, 0x0ab6_dd12),
            (ZammError::K, 0xa932_492f),
            (ZammError::Overflow, 0x3527_8d12),
            (ZammError::Pending, 0x6df2_0390),
            (ZammError::Reentrancy, 0xab14_3c06),
            (ZammError::Unauthorized, 0x82b4_2900),
            (ZammError::InsufficientBalance, 0xf4d6_78b8),
            (ZammError::BalanceOverflow, 0x8956_0ca1),
            (ZammError::InsufficientPermission, 0xdeda_9030),
            (ZammError::MulDivFailed, 0xad25_1c27),
            (ZammError::ETHTransferFailed, 0xb12d_13eb),
            (ZammError::TransferFailed, 0x90b8_ec18),
            (ZammError::TransferFromFailed, 0x7939_f424),
        ];
        for (err, selector) in cases {
            assert_eq!(Vec::from(err), selector.to_be_bytes().to_vec());
        }
        let mut panic = 0x4e48_7b71u32.to_be_bytes().to_vec();
        panic.extend_from_slice(&[0; 31]);
        panic.push(0x11);
        assert_eq!(Vec::from(ZammError::Panic(0x11)), panic);
        assert!(Vec::from(ZammError::Revert).is_empty());
    }

    #[test]
    fn admin_is_only_slot_zero_and_never_adopted_lazily() {
        let (vm, mut z) = undeployed();
        vm.set_tx_origin(BOB);
        tx(&vm, BOB, U256::ZERO);
        assert_eq!(z.set_fee_to(ALICE), Err(ZammError::Unauthorized));
        assert_eq!(z.set_fee_to_setter(BOB), Err(ZammError::Unauthorized));
        assert_eq!(vm.get_storage(FEE_TO_SETTER_SLOT), B256::ZERO);
        assert_eq!(vm.get_storage(FEE_TO_SLOT), B256::ZERO);
        let marker = stylus_sdk::abi::internal::CONSTRUCTOR_EXECUTED_SLOT;
        assert_eq!(vm.get_storage(marker), B256::ZERO);
        // Deployed: rotation, then renouncing leaves nobody in charge.
        let (vm, mut z) = setup();
        assert_eq!(z.set_fee_to(BOB), Ok(()));
        assert_eq!(vm.get_storage(FEE_TO_SLOT), a(BOB));
        assert_eq!(z.set_fee_to_setter(BOB), Ok(()));
        assert_eq!(z.set_fee_to(ALICE), Err(ZammError::Unauthorized));
        tx(&vm, BOB, U256::ZERO);
        assert_eq!(z.set_fee_to_setter(Address::ZERO), Ok(()));
        assert_eq!(z.set_fee_to(BOB), Err(ZammError::Unauthorized));
        assert_eq!(vm.get_storage(FEE_TO_SETTER_SLOT), B256::ZERO);
    }

    #[test]
    fn constructor_sets_origin_once_and_refuses_an_initialised_slot_zero() {
        let (vm, mut z) = undeployed();
        vm.set_tx_origin(BOB);
        z.check_constructor_slot().unwrap();
        assert_eq!(z.constructor(), Ok(()));
        assert_eq!(vm.get_storage(FEE_TO_SETTER_SLOT), a(BOB));
        assert!(z.check_constructor_slot().is_err(), "guarded by the SDK");
        assert_eq!(z.constructor(), Err(ZammError::Unauthorized));
        assert_eq!(vm.get_storage(FEE_TO_SETTER_SLOT), a(BOB));
        tx(&vm, BOB, U256::ZERO);
        assert_eq!(z.set_fee_to(ALICE), Ok(()));
    }

    #[test]
    fn constructor_guard_marker_is_the_high_byte_of_the_sdk_slot() {
        let marker = stylus_sdk::abi::internal::CONSTRUCTOR_EXECUTED_SLOT;
        let expected = "d719fb9eca6bd48044bf2b38d80aea3dd666511b0236081cd9a2b95555fe7c8c";
        assert_eq!(marker, U256::from_str_radix(expected, 16).unwrap());
        assert_eq!(marker, U256::from_be_bytes(topic("stylus_constructor").0));
        assert_eq!(CONSTRUCTOR_MARKER, U256::from(1) << 248);
        // What the SDK itself writes when the constructor runs.
        let (vm, z) = undeployed();
        z.check_constructor_slot().unwrap();
        assert_eq!(vm.get_storage(marker), w(CONSTRUCTOR_MARKER));
        // Init code that stores this word blocks the constructor; a low-byte 1 would not.
        let (vm, z) = undeployed();
        vm.set_storage(marker, w(CONSTRUCTOR_MARKER));
        assert!(z.check_constructor_slot().is_err());
        let (vm, z) = undeployed();
        vm.set_storage(marker, w(U256::from(1)));
        assert!(z.check_constructor_slot().is_ok());
    }

    #[test]
    fn own_constructor_guard_matches_the_sdk_guard() {
        // Ours first: same word as the SDK writes, and the SDK guard then refuses.
        let (vm, mut z) = undeployed();
        assert_eq!(z.claim_constructor(), Ok(()));
        assert_eq!(
            vm.get_storage(CONSTRUCTOR_GUARD_SLOT),
            w(CONSTRUCTOR_MARKER)
        );
        assert!(z.check_constructor_slot().is_err());
        assert_eq!(z.claim_constructor(), Err(ZammError::Revert));
        // SDK first: ours refuses. Low bytes are preserved and ignored, as by the SDK.
        let (_vm, mut z) = undeployed();
        z.check_constructor_slot().unwrap();
        assert_eq!(z.claim_constructor(), Err(ZammError::Revert));
        let (vm2, mut z2) = undeployed();
        vm2.set_storage(CONSTRUCTOR_GUARD_SLOT, w(U256::from(7)));
        assert_eq!(z2.claim_constructor(), Ok(()));
        assert_eq!(
            vm2.get_storage(CONSTRUCTOR_GUARD_SLOT),
            w(CONSTRUCTOR_MARKER | U256::from(7))
        );
    }

    #[test]
    fn deposit_checks_value_and_credits_the_caller() {
        let (vm, mut z) = setup();
        tx(&vm, ALICE, U256::from(5));
        assert_eq!(
            z.deposit(Address::ZERO, U256::ZERO, U256::from(4)),
            Err(ZammError::InvalidMsgVal)
        );
        assert_eq!(
            z.deposit(ZAMM_ADDR, U256::from(1), U256::from(5)),
            Err(ZammError::InvalidMsgVal)
        );
        assert_eq!(z.deposit(Address::ZERO, U256::ZERO, U256::from(5)), Ok(()));
        assert_eq!(z.take_all_credit(Address::ZERO, U256::ZERO), U256::from(5));
        // Own coins are burned into credit.
        tx(&vm, ALICE, U256::ZERO);
        z.coin(ALICE, U256::from(10), String::new());
        assert_eq!(
            z.deposit(ZAMM_ADDR, U256::from(1), U256::from(11)),
            Err(ZammError::InsufficientBalance)
        );
        assert_eq!(z.deposit(ZAMM_ADDR, U256::from(1), U256::from(10)), Ok(()));
        assert_eq!(z.balance_of(ALICE, U256::from(1)), U256::ZERO);
        assert_eq!(z.take_all_credit(ZAMM_ADDR, U256::from(1)), U256::from(10));
    }

    #[test]
    fn recover_transient_balance_pays_out_and_zeroes() {
        let (vm, mut z) = setup();
        tx(&vm, ALICE, U256::from(9));
        z.receive().unwrap();
        tx(&vm, ALICE, U256::ZERO);
        assert_eq!(
            z.recover_transient_balance(Address::ZERO, U256::ZERO, BOB),
            Ok(U256::ZERO)
        );
        // Credit an own coin, recover it to BOB (minted), then nothing is left.
        z.add_credit(ZAMM_ADDR, U256::from(3), U256::from(6));
        assert_eq!(
            z.recover_transient_balance(ZAMM_ADDR, U256::from(3), BOB),
            Ok(U256::from(6))
        );
        assert_eq!(z.balance_of(BOB, U256::from(3)), U256::from(6));
        assert_eq!(
            z.recover_transient_balance(ZAMM_ADDR, U256::from(3), BOB),
            Ok(U256::ZERO)
        );
        // To zAMM re-credits; locked against re-entry.
        z.add_credit(TOKEN_A, U256::ZERO, U256::from(2));
        assert_eq!(
            z.recover_transient_balance(TOKEN_A, U256::ZERO, ZAMM_ADDR),
            Ok(U256::from(2))
        );
        assert_eq!(z.take_all_credit(TOKEN_A, U256::ZERO), U256::from(2));
        z.lock().unwrap();
        let got = z.recover_transient_balance(TOKEN_A, U256::ZERO, BOB);
        assert_eq!(got, Err(ZammError::Reentrancy));
    }

    #[test]
    fn receive_credits_eth_to_the_sender() {
        let (vm, mut z) = setup();
        tx(&vm, BOB, U256::from(3));
        z.receive().unwrap();
        z.receive().unwrap();
        assert_eq!(z.take_all_credit(Address::ZERO, U256::ZERO), U256::from(6));
        tx(&vm, ALICE, U256::ZERO);
        assert_eq!(z.take_all_credit(Address::ZERO, U256::ZERO), U256::ZERO);
    }

    #[test]
    fn supports_only_erc165_and_erc6909() {
        assert!(ZAMM::supports_interface(FixedBytes(
            0x01ff_c9a7u32.to_be_bytes()
        )));
        assert!(ZAMM::supports_interface(FixedBytes(
            0x0f63_2fb3u32.to_be_bytes()
        )));
        assert!(!ZAMM::supports_interface(FixedBytes(
            0xd9b6_7a26u32.to_be_bytes()
        )));
        assert!(!ZAMM::supports_interface(FixedBytes([0xff; 4])));
        // 0x0f632fb3 is the XOR of the seven ERC-6909 selectors.
        let xor = [
            0x00fd_d58e,
            0x598a_f9e7,
            0xb636_3cf2,
            0x095b_cdb6,
            0xfe99_049a,
            0x426a_8493,
            0x558a_7297,
        ]
        .iter()
        .fold(0u32, |acc, s| acc ^ s);
        assert_eq!(xor, 0x0f63_2fb3);
    }
}
