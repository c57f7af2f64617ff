//! Token movement (spec §2.3): ETH, ERC-20 (solady optional-return semantics), external
//! ERC-6909 (Solidity high-level-call semantics) and zAMM's own ids (burn on pull, mint on push).
//!
//! Every external call flushes *and clears* the storage cache first: callees may re-enter the
//! unlocked functions (`deposit`, ERC-6909, `coin`) and change storage under us.

use alloc::vec::Vec;
#[cfg(not(target_arch = "wasm32"))]
use stylus_sdk::prelude::*;
use stylus_sdk::{
    alloy_primitives::{Address, U256},
    function_selector,
};

use crate::{
    storage::{addr_bytes, be_bytes, put_words},
    ZammError, ZAMM,
};

/// Most static words a token call takes: ERC-6909 `transferFrom(from, to, id, amount)`.
const TOKEN_CALL_WORDS: usize = 4;

/// Calldata of a token call (selector and big-endian words) in a stack buffer, and its length.
fn token_calldata(
    selector: [u8; 4],
    words: &[[u8; 32]],
) -> ([u8; 4 + 32 * TOKEN_CALL_WORDS], usize) {
    let mut buf = [0u8; 4 + 32 * TOKEN_CALL_WORDS];
    let (head, args) = buf.split_at_mut(4);
    head.copy_from_slice(&selector);
    let bytes = words.as_flattened();
    let len = bytes.len().min(args.len());
    if let (Some(dst), Some(src)) = (args.get_mut(..len), bytes.get(..len)) {
        dst.copy_from_slice(src);
    }
    (buf, 4 + len)
}

/// Builds hook / callback calldata: selector, static words, then a trailing dynamic `bytes`
/// argument whose offset word is appended to the head.
pub(crate) fn calldata(selector: [u8; 4], words: &[U256], bytes: &[u8]) -> Vec<u8> {
    let mut buf = Vec::with_capacity(4 + 32 * (words.len() + 3) + bytes.len());
    buf.extend_from_slice(&selector);
    put_words(&mut buf, words);
    put_words(&mut buf, &[U256::from(32 * (words.len() + 1))]);
    crate::storage::put_bytes(&mut buf, bytes);
    buf
}

/// The call hostios, called directly on chain (skipping the SDK's `dyn Host` dispatch).
#[cfg(target_arch = "wasm32")]
mod hostio {
    #[link(wasm_import_module = "vm_hooks")]
    extern "C" {
        pub fn storage_flush_cache(clear: bool);
        pub fn call_contract(
            contract: *const u8,
            calldata: *const u8,
            calldata_len: usize,
            value: *const u8,
            gas: u64,
            return_data_len: *mut usize,
        ) -> u8;
        pub fn account_code_size(address: *const u8) -> usize;
        pub fn read_return_data(dest: *mut u8, offset: usize, size: usize) -> usize;
    }
}

#[cfg(target_arch = "wasm32")]
impl ZAMM {
    /// CALL with all gas; returns (success, return-data length).
    fn call_raw(&mut self, to: Address, value: U256, data: &[u8]) -> (bool, usize) {
        let value = crate::storage::be_bytes(value);
        let mut len = 0usize;
        // SAFETY: pointers reference live buffers of the stated lengths; the cache is flushed
        // and cleared so the callee sees, and we re-read, current storage.
        let status = unsafe {
            hostio::storage_flush_cache(true);
            hostio::call_contract(
                to.as_ptr(),
                data.as_ptr(),
                data.len(),
                value.as_ptr(),
                u64::MAX,
                &mut len,
            )
        };
        (status == 0, len)
    }

    /// Whether `account` has code (EXTCODESIZE != 0).
    fn has_code(&self, account: Address) -> bool {
        // SAFETY: `account` is a live 20-byte buffer.
        unsafe { hostio::account_code_size(account.as_ptr()) != 0 }
    }

    /// The first 32 bytes of the last call's return data (callers check it has that many).
    fn first_return_word(&self) -> U256 {
        let mut out = [0u8; 32];
        // SAFETY: `out` is a live 32-byte buffer and at most 32 bytes are written.
        unsafe { hostio::read_return_data(out.as_mut_ptr(), 0, 32) };
        crate::storage::from_be(out)
    }
}

/// Native unit tests: the same calls through the SDK's `TestVM` (mocked calls).
#[cfg(not(target_arch = "wasm32"))]
impl ZAMM {
    fn call_raw(&mut self, to: Address, value: U256, data: &[u8]) -> (bool, usize) {
        let vm = self.vm();
        let value = crate::storage::be_bytes(value);
        let mut len = 0usize;
        // SAFETY: pointers reference live buffers of the stated lengths; the cache is flushed
        // and cleared so the callee sees, and we re-read, current storage.
        let status = unsafe {
            vm.flush_cache(true);
            vm.call_contract(
                to.as_ptr(),
                data.as_ptr(),
                data.len(),
                value.as_ptr(),
                u64::MAX,
                &mut len,
            )
        };
        (status == 0, len)
    }

    fn has_code(&self, account: Address) -> bool {
        self.vm().code_size(account) != 0
    }

    fn first_return_word(&self) -> U256 {
        U256::from_be_slice(&self.vm().read_return_data(0, Some(32)))
    }
}

impl ZAMM {
    /// Solidity high-level call: a revert is bubbled up verbatim. Returns the return length.
    pub(crate) fn call_checked(&mut self, to: Address, data: &[u8]) -> Result<usize, ZammError> {
        let (ok, len) = self.call_raw(to, U256::ZERO, data);
        if !ok {
            return Err(ZammError::Bubble);
        }
        Ok(len)
    }

    /// The first return word, if at least 32 bytes came back.
    pub(crate) fn return_word(&self, len: usize) -> Option<U256> {
        (len >= 32).then(|| self.first_return_word())
    }

    /// Reverts with empty data unless `to` has code (solc's check before a call whose
    /// declaration returns nothing).
    pub(crate) fn require_code(&self, to: Address) -> Result<(), ZammError> {
        if !self.has_code(to) {
            return Err(ZammError::Revert);
        }
        Ok(())
    }

    /// Sends ETH with all gas and empty calldata; `ETHTransferFailed` if the call fails.
    pub(crate) fn send_eth(&mut self, to: Address, amount: U256) -> Result<(), ZammError> {
        if !self.call_raw(to, amount, &[]).0 {
            return Err(ZammError::ETHTransferFailed);
        }
        Ok(())
    }

    /// Solady-style ERC-20 call: succeeds if the token returned `1`, or returned nothing and
    /// has code. Anything else reverts with `err`.
    fn erc20_call(
        &mut self,
        token: Address,
        selector: [u8; 4],
        words: &[[u8; 32]],
        err: ZammError,
    ) -> Result<(), ZammError> {
        let (data, len) = token_calldata(selector, words);
        let (ok, len) = self.call_raw(token, U256::ZERO, data.get(..len).unwrap_or_default());
        let accepted = ok
            && match self.return_word(len) {
                Some(word) => word == U256::from(1),
                None => len == 0 && self.has_code(token),
            };
        if accepted {
            Ok(())
        } else {
            Err(err)
        }
    }

    /// ERC-20 `transferFrom` (also moves ERC-721s: same selector); `TransferFromFailed`.
    pub(crate) fn erc20_transfer_from(
        &mut self,
        token: Address,
        from: Address,
        to: Address,
        amount: U256,
    ) -> Result<(), ZammError> {
        self.erc20_call(
            token,
            function_selector!("transferFrom", Address, Address, U256),
            &[addr_bytes(from), addr_bytes(to), be_bytes(amount)],
            ZammError::TransferFromFailed,
        )
    }

    /// Solidity high-level ERC-6909 call declared `returns (bool)`: reverts bubble, a short or
    /// non-bool return reverts empty, the bool itself is not checked.
    fn erc6909_call(
        &mut self,
        token: Address,
        selector: [u8; 4],
        words: &[[u8; 32]],
    ) -> Result<(), ZammError> {
        let (data, len) = token_calldata(selector, words);
        let len = self.call_checked(token, data.get(..len).unwrap_or_default())?;
        match self.return_word(len) {
            Some(word) if word <= U256::from(1) => Ok(()),
            _ => Err(ZammError::Revert),
        }
    }

    /// External ERC-6909 `transferFrom(from, to, id, amount)`.
    pub(crate) fn erc6909_transfer_from(
        &mut self,
        token: Address,
        from: Address,
        to: Address,
        id: U256,
        amount: U256,
    ) -> Result<(), ZammError> {
        self.erc6909_call(
            token,
            function_selector!("transferFrom", Address, Address, U256, U256),
            &[
                addr_bytes(from),
                addr_bytes(to),
                be_bytes(id),
                be_bytes(amount),
            ],
        )
    }

    /// `_safeTransferFrom`: takes `amount` of (token, id) from the caller into zAMM. zAMM's own
    /// tokens are burned (zAMM never holds them); id 0 means ERC-20, else ERC-6909.
    pub(crate) fn pull(&mut self, token: Address, id: U256, amount: U256) -> Result<(), ZammError> {
        let this = self.this();
        let from = self.sender();
        if token == this {
            self._burn(from, id, amount)
        } else if id.is_zero() {
            self.erc20_transfer_from(token, from, this, amount)
        } else {
            self.erc6909_transfer_from(token, from, this, id, amount)
        }
    }

    /// `_safeTransfer`: pays `amount` of (token, id) to `to`. `to == zAMM` credits the caller
    /// instead (multihop); own tokens are minted; then ETH, ERC-20 (id 0) or ERC-6909.
    pub(crate) fn push(
        &mut self,
        token: Address,
        to: Address,
        id: U256,
        amount: U256,
    ) -> Result<(), ZammError> {
        let this = self.this();
        if to == this {
            self.add_credit(token, id, amount);
            Ok(())
        } else if token == this {
            self._mint(to, id, amount)
        } else if token.is_zero() {
            self.send_eth(to, amount)
        } else if id.is_zero() {
            self.erc20_call(
                token,
                function_selector!("transfer", Address, U256),
                &[addr_bytes(to), be_bytes(amount)],
                ZammError::TransferFailed,
            )
        } else {
            self.erc6909_call(
                token,
                function_selector!("transfer", Address, U256, U256),
                &[addr_bytes(to), be_bytes(id), be_bytes(amount)],
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use crate::Erc6909;

    fn word(x: u64) -> Vec<u8> {
        U256::from(x).to_be_bytes::<32>().to_vec()
    }

    fn erc20_transfer_from_call(amount: u64) -> Vec<u8> {
        abi_call(
            0x23b8_72dd,
            &[a(ALICE), a(ZAMM_ADDR), w(U256::from(amount))],
        )
    }

    #[test]
    fn calldata_appends_offset_length_and_padded_bytes() {
        let got = calldata([1, 2, 3, 4], &[U256::from(9)], b"xy");
        assert_eq!(got.len(), 4 + 32 * 4);
        assert_eq!(&got[..4], &[1, 2, 3, 4]);
        assert_eq!(got[4 + 63], 0x40, "offset points past the head");
        assert_eq!(got[4 + 95], 2);
        assert_eq!(&got[4 + 96..4 + 98], b"xy");
    }

    #[test]
    fn erc20_pull_accepts_true_or_empty_return_from_code() {
        let (vm, mut z) = setup();
        vm.set_code(TOKEN_A, vec![1]);
        vm.mock_call(
            TOKEN_A,
            erc20_transfer_from_call(5),
            U256::ZERO,
            Ok(word(1)),
        );
        assert_eq!(z.pull(TOKEN_A, U256::ZERO, U256::from(5)), Ok(()));
        // No return data (USDT style) from a contract: fine.
        tx(&vm, ALICE, U256::ZERO);
        vm.mock_call(TOKEN_A, erc20_transfer_from_call(6), U256::ZERO, Ok(vec![]));
        assert_eq!(z.pull(TOKEN_A, U256::ZERO, U256::from(6)), Ok(()));
    }

    #[test]
    fn erc20_pull_failures_are_transfer_from_failed() {
        let (vm, mut z) = setup();
        // No code, no return data.
        assert_eq!(
            z.pull(TOKEN_A, U256::ZERO, U256::from(5)),
            Err(ZammError::TransferFromFailed)
        );
        vm.set_code(TOKEN_A, vec![1]);
        vm.mock_call(
            TOKEN_A,
            erc20_transfer_from_call(5),
            U256::ZERO,
            Ok(word(0)),
        );
        assert_eq!(
            z.pull(TOKEN_A, U256::ZERO, U256::from(5)),
            Err(ZammError::TransferFromFailed)
        );
        tx(&vm, ALICE, U256::ZERO);
        vm.mock_call(
            TOKEN_A,
            erc20_transfer_from_call(5),
            U256::ZERO,
            Err(b"no".to_vec()),
        );
        assert_eq!(
            z.pull(TOKEN_A, U256::ZERO, U256::from(5)),
            Err(ZammError::TransferFromFailed)
        );
        tx(&vm, ALICE, U256::ZERO);
        vm.mock_call(
            TOKEN_A,
            erc20_transfer_from_call(5),
            U256::ZERO,
            Ok(vec![1; 31]),
        );
        assert_eq!(
            z.pull(TOKEN_A, U256::ZERO, U256::from(5)),
            Err(ZammError::TransferFromFailed)
        );
    }

    #[test]
    fn erc20_push_failures_are_transfer_failed() {
        let (vm, mut z) = setup();
        vm.set_code(TOKEN_A, vec![1]);
        let call = abi_call(0xa905_9cbb, &[a(BOB), w(U256::from(3))]);
        vm.mock_call(TOKEN_A, call.clone(), U256::ZERO, Ok(word(0)));
        let got = z.push(TOKEN_A, BOB, U256::ZERO, U256::from(3));
        assert_eq!(got, Err(ZammError::TransferFailed));
        tx(&vm, ALICE, U256::ZERO);
        vm.mock_call(TOKEN_A, call, U256::ZERO, Ok(word(1)));
        assert_eq!(z.push(TOKEN_A, BOB, U256::ZERO, U256::from(3)), Ok(()));
    }

    #[test]
    fn erc6909_legs_bubble_reverts_and_need_a_bool_word() {
        let (vm, mut z) = setup();
        let id = U256::from(4);
        let pull = abi_call(
            0xfe99_049a,
            &[a(ALICE), a(ZAMM_ADDR), w(id), w(U256::from(2))],
        );
        vm.mock_call(TOKEN_B, pull.clone(), U256::ZERO, Ok(word(0)));
        assert_eq!(
            z.pull(TOKEN_B, id, U256::from(2)),
            Ok(()),
            "false is not checked"
        );
        tx(&vm, ALICE, U256::ZERO);
        vm.mock_call(TOKEN_B, pull.clone(), U256::ZERO, Ok(word(2)));
        assert_eq!(z.pull(TOKEN_B, id, U256::from(2)), Err(ZammError::Revert));
        tx(&vm, ALICE, U256::ZERO);
        vm.mock_call(TOKEN_B, pull, U256::ZERO, Err(b"nope".to_vec()));
        assert_eq!(z.pull(TOKEN_B, id, U256::from(2)), Err(ZammError::Bubble));
        // Push: `transfer(to, id, amount)`; no return data fails the decode.
        tx(&vm, ALICE, U256::ZERO);
        assert_eq!(
            z.push(TOKEN_B, BOB, id, U256::from(2)),
            Err(ZammError::Revert)
        );
        let push = abi_call(0x095b_cdb6, &[a(BOB), w(id), w(U256::from(2))]);
        vm.mock_call(TOKEN_B, push, U256::ZERO, Ok(word(1)));
        assert_eq!(z.push(TOKEN_B, BOB, id, U256::from(2)), Ok(()));
    }

    #[test]
    fn own_tokens_are_burned_on_pull_and_minted_on_push() {
        let (_vm, mut z) = setup();
        let id = U256::from(1);
        z.coin(ALICE, U256::from(10), String::new());
        z.pull(ZAMM_ADDR, id, U256::from(4)).unwrap();
        assert_eq!(z.balance_of(ALICE, id), U256::from(6));
        assert_eq!(
            z.pull(ZAMM_ADDR, id, U256::from(7)),
            Err(ZammError::InsufficientBalance)
        );
        z.push(ZAMM_ADDR, BOB, id, U256::from(4)).unwrap();
        assert_eq!(z.balance_of(BOB, id), U256::from(4));
    }

    #[test]
    fn push_to_zamm_credits_the_caller_instead() {
        let (vm, mut z) = setup();
        z.push(TOKEN_A, ZAMM_ADDR, U256::ZERO, U256::from(8))
            .unwrap();
        assert!(vm.get_emitted_logs().is_empty());
        assert_eq!(z.take_all_credit(TOKEN_A, U256::ZERO), U256::from(8));
    }

    #[test]
    fn eth_push_reverts_eth_transfer_failed_when_refused() {
        let (vm, mut z) = setup();
        assert_eq!(
            z.push(Address::ZERO, BOB, U256::ZERO, U256::from(5)),
            Ok(())
        );
        vm.mock_call(BOB, vec![], U256::from(5), Err(vec![]));
        let got = z.push(Address::ZERO, BOB, U256::ZERO, U256::from(5));
        assert_eq!(got, Err(ZammError::ETHTransferFailed));
    }
}
