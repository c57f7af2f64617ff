//! EIP-1153 transient storage: zAMM's global reentrancy lock and per-caller credits (spec §2.6).
//!
//! stylus-sdk 0.10 has no TLOAD/TSTORE wrapper, so the two Nitro hostios are declared here.
//! Native unit tests (TestVM has no transient storage) use a thread-local map instead; call
//! [`clear`] between simulated transactions.

use stylus_sdk::alloy_primitives::{Address, U256};

use crate::{
    storage::{addr_bytes, addr_word, be_bytes, imm},
    ZammError, ZAMM,
};

/// Soledge `ReentrancyGuard` slot; holds `address(this)` while a locked function runs.
const LOCK_SLOT: U256 = U256::from_limbs([0x9eee_149b_4bd2_1268, 0x92, 0, 0]);

#[cfg(target_arch = "wasm32")]
mod hostio {
    #[link(wasm_import_module = "vm_hooks")]
    extern "C" {
        pub fn transient_load_bytes32(key: *const u8, dest: *mut u8);
        pub fn transient_store_bytes32(key: *const u8, value: *const u8);
    }
}

/// TLOAD.
#[cfg(target_arch = "wasm32")]
pub(crate) fn tload(slot: U256) -> U256 {
    let key = crate::storage::be_bytes(slot);
    let mut out = [0u8; 32];
    // SAFETY: both pointers reference live 32-byte buffers, as the hostio requires.
    unsafe { hostio::transient_load_bytes32(key.as_ptr(), out.as_mut_ptr()) };
    crate::storage::from_be(out)
}

/// TSTORE.
#[cfg(target_arch = "wasm32")]
pub(crate) fn tstore(slot: U256, value: U256) {
    let key = crate::storage::be_bytes(slot);
    let value = crate::storage::be_bytes(value);
    // SAFETY: both pointers reference live 32-byte buffers, as the hostio requires.
    unsafe { hostio::transient_store_bytes32(key.as_ptr(), value.as_ptr()) };
}

#[cfg(not(target_arch = "wasm32"))]
std::thread_local! {
    static TRANSIENT: core::cell::RefCell<std::collections::BTreeMap<U256, U256>> =
        const { core::cell::RefCell::new(std::collections::BTreeMap::new()) };
}

/// TLOAD (native fallback for unit tests).
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn tload(slot: U256) -> U256 {
    TRANSIENT.with(|t| t.borrow().get(&slot).copied().unwrap_or_default())
}

/// TSTORE (native fallback for unit tests).
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn tstore(slot: U256, value: U256) {
    TRANSIENT.with(|t| t.borrow_mut().insert(slot, value));
}

/// Ends a simulated transaction: transient storage is discarded (native fallback only).
#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) fn clear() {
    TRANSIENT.with(|t| t.borrow_mut().clear());
}

impl ZAMM {
    /// Enters the global lock; `Reentrancy()` if a locked function is already running.
    pub(crate) fn lock(&mut self) -> Result<(), ZammError> {
        if !tload(imm!(LOCK_SLOT)).is_zero() {
            return Err(ZammError::Reentrancy);
        }
        tstore(imm!(LOCK_SLOT), addr_word(self.this()));
        Ok(())
    }

    /// Leaves the global lock (on revert the EVM discards the transient write anyway).
    pub(crate) fn unlock(&mut self) {
        tstore(imm!(LOCK_SLOT), U256::ZERO);
    }

    /// Runs `body` under the lock (the reference's `lock` modifier). The lock is released on
    /// every exit, so native unit tests, which have no revert rollback, stay consistent.
    pub(crate) fn locked<T>(
        &mut self,
        body: impl FnOnce(&mut Self) -> Result<T, ZammError>,
    ) -> Result<T, ZammError> {
        self.lock()?;
        let result = body(self);
        self.unlock();
        result
    }

    /// Credit slot `keccak256(abi.encode(caller, token, id))`.
    pub(crate) fn credit_slot(&self, caller: Address, token: Address, id: U256) -> U256 {
        self.hash_bytes(&[addr_bytes(caller), addr_bytes(token), be_bytes(id)])
    }

    /// The current caller's credit slot for (token, id).
    fn my_credit_slot(&self, token: Address, id: U256) -> U256 {
        self.credit_slot(self.sender(), token, id)
    }

    /// Adds `amount` to the caller's credit (unchecked, wrapping, as in the reference).
    pub(crate) fn add_credit(&mut self, token: Address, id: U256, amount: U256) {
        let slot = self.my_credit_slot(token, id);
        tstore(slot, tload(slot).wrapping_add(amount));
    }

    /// All-or-nothing: if the caller's credit covers `amount` it is reduced and `true` is
    /// returned; otherwise the credit is untouched and the caller falls back to pulling.
    pub(crate) fn use_transient_balance(&mut self, token: Address, id: U256, amount: U256) -> bool {
        let slot = self.my_credit_slot(token, id);
        let credit = tload(slot);
        if credit < amount {
            return false;
        }
        tstore(slot, credit - amount);
        true
    }

    /// Zeroes the caller's credit for (token, id) and returns what it held.
    pub(crate) fn take_all_credit(&mut self, token: Address, id: U256) -> U256 {
        let slot = self.my_credit_slot(token, id);
        let credit = tload(slot);
        if !credit.is_zero() {
            tstore(slot, U256::ZERO);
        }
        credit
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn lock_slot_matches_reference_constant() {
        let expected = U256::from_str_radix("929eee149b4bd21268", 16).unwrap();
        assert_eq!(LOCK_SLOT, expected);
    }

    #[test]
    fn lock_rejects_reentry_and_unlock_releases() {
        let (_vm, mut z) = setup();
        z.lock().unwrap();
        assert_eq!(tload(LOCK_SLOT), addr_word(ZAMM_ADDR));
        assert_eq!(z.lock(), Err(ZammError::Reentrancy));
        z.unlock();
        assert!(z.lock().is_ok());
    }

    #[test]
    fn credit_slot_is_keccak_of_abi_encoded_triple() {
        let (_vm, z) = setup();
        let mut pre = [0u8; 96];
        pre[12..32].copy_from_slice(ALICE.as_slice());
        pre[44..64].copy_from_slice(TOKEN_A.as_slice());
        pre[95] = 7;
        let expected = U256::from_be_bytes(stylus_sdk::crypto::keccak(pre).0);
        assert_eq!(z.credit_slot(ALICE, TOKEN_A, U256::from(7)), expected);
    }

    #[test]
    fn credits_are_keyed_by_caller_and_all_or_nothing() {
        let (vm, mut z) = setup();
        vm.set_sender(ALICE);
        z.add_credit(TOKEN_A, U256::ZERO, U256::from(100));
        assert!(!z.use_transient_balance(TOKEN_A, U256::ZERO, U256::from(101)));
        assert!(z.use_transient_balance(TOKEN_A, U256::ZERO, U256::from(60)));
        vm.set_sender(BOB);
        assert!(!z.use_transient_balance(TOKEN_A, U256::ZERO, U256::from(1)));
        assert_eq!(z.take_all_credit(TOKEN_A, U256::ZERO), U256::ZERO);
        vm.set_sender(ALICE);
        assert_eq!(z.take_all_credit(TOKEN_A, U256::ZERO), U256::from(40));
        assert_eq!(z.take_all_credit(TOKEN_A, U256::ZERO), U256::ZERO);
    }

    #[test]
    fn credit_addition_wraps_like_unchecked_solidity() {
        let (_vm, mut z) = setup();
        z.add_credit(Address::ZERO, U256::ZERO, U256::MAX);
        z.add_credit(Address::ZERO, U256::ZERO, U256::from(2));
        assert_eq!(z.take_all_credit(Address::ZERO, U256::ZERO), U256::from(1));
    }
}
