//! Timelock (spec §2.8): anyone can lock ETH or tokens for `to` until `unlockTime`; anyone can
//! release them afterwards.
//!
//! Kept on purpose: the lock hash does not include the sender (two identical lockups collide
//! with `Pending`), and `unlock` is permissionless since the assets only ever go to `to`.

use stylus_sdk::{
    alloy_primitives::{Address, B256, U256},
    alloy_sol_types::{sol, SolEvent},
    prelude::*,
};

use crate::{
    storage::imm,
    storage::{addr_word, LOCKUPS_SLOT},
    ZammError, ZAMM,
};

sol! {
    /// `sender` locked assets for `to` under `lockHash`.
    event Lock(address indexed sender, address indexed to, bytes32 indexed lockHash);
}

const LOCK_TOPIC: U256 = U256::from_be_bytes(Lock::SIGNATURE_HASH.0);

/// The timelock surface of zAMM.
#[public]
pub trait Lockups {
    /// Takes `amount` of (token, id) from the caller (ETH as `msg.value`, own tokens burned)
    /// and records it for `to` until `unlockTime`. `Expired`, `InvalidMsgVal`, `Pending`.
    #[payable]
    fn lockup(
        &mut self,
        token: Address,
        to: Address,
        id: U256,
        amount: U256,
        unlock_time: U256,
    ) -> Result<B256, ZammError>;

    /// `unlock`: releases a matured lock to `to` (own tokens minted, `to == zAMM` credits the
    /// caller). `Unauthorized` if unknown, `Pending` before `unlockTime`. Named apart from the
    /// inherent `ZAMM::unlock` (which releases the reentrancy lock).
    #[selector(name = "unlock")]
    fn unlock_lockup(
        &mut self,
        token: Address,
        to: Address,
        id: U256,
        amount: U256,
        unlock_time: U256,
    ) -> Result<(), ZammError>;

    /// The unlock time recorded under `lockHash` (0 if none).
    fn lockups(&self, lock_hash: B256) -> U256;
}

#[public]
impl Lockups for ZAMM {
    #[payable]
    fn lockup(
        &mut self,
        token: Address,
        to: Address,
        id: U256,
        amount: U256,
        unlock_time: U256,
    ) -> Result<B256, ZammError> {
        self.lock()?;
        let hash = self.lock_assets(token, to, id, amount, unlock_time)?;
        self.unlock();
        Ok(B256::from(hash))
    }

    #[selector(name = "unlock")]
    fn unlock_lockup(
        &mut self,
        token: Address,
        to: Address,
        id: U256,
        amount: U256,
        unlock_time: U256,
    ) -> Result<(), ZammError> {
        self.lock()?;
        self.release_assets(token, to, id, amount, unlock_time)?;
        self.unlock();
        Ok(())
    }

    fn lockups(&self, lock_hash: B256) -> U256 {
        self.sload(self.lockup_slot(lock_hash.into()))
    }
}

impl ZAMM {
    /// `lockups[keccak256(abi.encode(token, to, id, amount, unlockTime))]`'s slot.
    fn lockup_slot(&self, hash: U256) -> U256 {
        self.mapping_slot(hash, LOCKUPS_SLOT)
    }

    fn lockup_hash(&self, token: Address, to: Address, id: U256, amount: U256, time: U256) -> U256 {
        self.hash_words(&[addr_word(token), addr_word(to), id, amount, time])
    }

    fn lock_assets(
        &mut self,
        token: Address,
        to: Address,
        id: U256,
        amount: U256,
        unlock_time: U256,
    ) -> Result<U256, ZammError> {
        if unlock_time <= U256::from(self.now()) {
            return Err(ZammError::Expired);
        }
        let value = if token.is_zero() { amount } else { U256::ZERO };
        if self.value() != value {
            return Err(ZammError::InvalidMsgVal);
        }
        if !token.is_zero() {
            self.pull(token, id, amount)?;
        }
        let hash = self.lockup_hash(token, to, id, amount, unlock_time);
        let slot = self.lockup_slot(hash);
        if !self.sload(slot).is_zero() {
            return Err(ZammError::Pending);
        }
        self.sstore(slot, unlock_time);
        let sender = self.sender();
        self.emit(
            &[imm!(LOCK_TOPIC), addr_word(sender), addr_word(to), hash],
            &[],
        );
        Ok(hash)
    }

    fn release_assets(
        &mut self,
        token: Address,
        to: Address,
        id: U256,
        amount: U256,
        unlock_time: U256,
    ) -> Result<(), ZammError> {
        let slot = self.lockup_slot(self.lockup_hash(token, to, id, amount, unlock_time));
        if self.sload(slot).is_zero() {
            return Err(ZammError::Unauthorized);
        }
        if U256::from(self.now()) < unlock_time {
            return Err(ZammError::Pending);
        }
        self.sstore(slot, U256::ZERO);
        self.push(token, to, id, amount)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{testing::*, transient, Erc6909};
    use stylus_sdk::alloy_primitives::{address, keccak256};

    const CAROL: Address = address!("00000000000000000000000000000000000ca201");
    const NOW: u64 = 100;
    const AT: u64 = 200;

    /// A lockup exactly as the ABI receives it.
    #[derive(Clone, Copy)]
    struct L {
        token: Address,
        to: Address,
        id: U256,
        amount: U256,
        time: U256,
    }

    fn eth_lock(amount: u64) -> L {
        L {
            token: Address::ZERO,
            to: CAROL,
            id: U256::ZERO,
            amount: U256::from(amount),
            time: U256::from(AT),
        }
    }

    fn tx(vm: &TestVM, sender: Address, value: u64, now: u64) {
        transient::clear();
        vm.set_sender(sender);
        vm.set_value(U256::from(value));
        vm.set_block_timestamp(now);
    }

    fn lock(z: &mut ZAMM, l: &L) -> Result<B256, ZammError> {
        z.lockup(l.token, l.to, l.id, l.amount, l.time)
    }

    fn release(z: &mut ZAMM, l: &L) -> Result<(), ZammError> {
        z.unlock_lockup(l.token, l.to, l.id, l.amount, l.time)
    }

    fn word(x: U256) -> [u8; 32] {
        x.to_be_bytes()
    }

    fn addr(a: Address) -> [u8; 32] {
        let mut w = [0u8; 32];
        w[12..].copy_from_slice(a.as_slice());
        w
    }

    /// `keccak256(abi.encode(token, to, id, amount, unlockTime))`, built byte by byte.
    fn expected_hash(l: &L) -> B256 {
        let words = [
            addr(l.token),
            addr(l.to),
            word(l.id),
            word(l.amount),
            word(l.time),
        ];
        keccak256(words.concat())
    }

    /// Raw storage word of `lockups[h]`: slot `keccak256(h . uint256(2))`.
    fn raw_lockup(vm: &TestVM, h: B256) -> U256 {
        let pre = [h.0, word(U256::from(2))].concat();
        vm.get_storage(keccak256(pre).into()).into()
    }

    #[test]
    fn eth_lockup_records_unlock_time_under_sender_free_hash() {
        let (vm, mut z) = setup();
        tx(&vm, ALICE, 5, NOW);
        let l = eth_lock(5);
        let h = lock(&mut z, &l).unwrap();
        assert_eq!(h, expected_hash(&l));
        assert_eq!(z.lockups(h), U256::from(AT));
        assert_eq!(raw_lockup(&vm, h), U256::from(AT));
        let (topics, data) = vm.get_emitted_logs().pop().unwrap();
        let lock_topic = keccak256("Lock(address,address,bytes32)");
        assert_eq!(
            topics,
            vec![lock_topic, ALICE.into_word(), CAROL.into_word(), h]
        );
        assert!(data.is_empty());
        assert_eq!(
            lock_topic,
            "0x7375ddc9249cdd8667d03af7de29e75689d227d975eb90b025554cde79d6bf28"
                .parse::<B256>()
                .unwrap()
        );
        // The sender is not part of the hash: BOB's identical lockup collides.
        tx(&vm, BOB, 5, NOW);
        assert_eq!(lock(&mut z, &l), Err(ZammError::Pending));
    }

    #[test]
    fn lockup_rejects_unlock_time_not_in_the_future() {
        let (vm, mut z) = setup();
        tx(&vm, ALICE, 5, AT);
        assert_eq!(lock(&mut z, &eth_lock(5)), Err(ZammError::Expired));
        tx(&vm, ALICE, 5, AT - 1);
        assert!(lock(&mut z, &eth_lock(5)).is_ok());
    }

    #[test]
    fn lockup_msg_value_must_match_eth_amount_and_be_zero_for_tokens() {
        let (vm, mut z) = setup();
        tx(&vm, ALICE, 4, NOW);
        assert_eq!(lock(&mut z, &eth_lock(5)), Err(ZammError::InvalidMsgVal));
        tx(&vm, ALICE, 1, NOW);
        let erc20 = L {
            token: TOKEN_A,
            ..eth_lock(5)
        };
        assert_eq!(lock(&mut z, &erc20), Err(ZammError::InvalidMsgVal));
    }

    #[test]
    fn erc20_lockup_pulls_from_the_sender() {
        let (vm, mut z) = setup();
        let l = L {
            token: TOKEN_A,
            ..eth_lock(5)
        };
        tx(&vm, ALICE, 0, NOW);
        assert_eq!(lock(&mut z, &l), Err(ZammError::TransferFromFailed));
        let mut call = vec![0x23, 0xb8, 0x72, 0xdd];
        call.extend([addr(ALICE), addr(ZAMM_ADDR), word(l.amount)].concat());
        vm.mock_call(TOKEN_A, call, U256::ZERO, Ok(word(U256::from(1)).to_vec()));
        tx(&vm, ALICE, 0, NOW);
        let h = lock(&mut z, &l).unwrap();
        assert_eq!(z.lockups(h), U256::from(AT));
    }

    #[test]
    fn coin_lockup_burns_and_unlock_mints_to_recipient() {
        let (vm, mut z) = setup();
        let id = U256::from(3);
        z._mint(ALICE, id, U256::from(10)).unwrap();
        let l = L {
            token: ZAMM_ADDR,
            id,
            ..eth_lock(4)
        };
        tx(&vm, ALICE, 0, NOW);
        lock(&mut z, &l).unwrap();
        assert_eq!(z.balance_of(ALICE, id), U256::from(6));
        tx(&vm, BOB, 0, AT);
        release(&mut z, &l).unwrap();
        assert_eq!(z.balance_of(CAROL, id), U256::from(4));
        assert_eq!(z.balance_of(BOB, id), U256::ZERO);
    }

    #[test]
    fn unlock_of_unknown_lock_is_unauthorized() {
        let (vm, mut z) = setup();
        tx(&vm, ALICE, 0, AT);
        assert_eq!(release(&mut z, &eth_lock(5)), Err(ZammError::Unauthorized));
    }

    #[test]
    fn unlock_is_permissionless_from_exactly_unlock_time_and_clears_the_record() {
        let (vm, mut z) = setup();
        let l = eth_lock(5);
        tx(&vm, ALICE, 5, NOW);
        let h = lock(&mut z, &l).unwrap();
        tx(&vm, BOB, 0, AT - 1);
        assert_eq!(release(&mut z, &l), Err(ZammError::Pending));
        tx(&vm, BOB, 0, AT);
        release(&mut z, &l).unwrap();
        assert_eq!(z.lockups(h), U256::ZERO);
        assert_eq!(raw_lockup(&vm, h), U256::ZERO);
        tx(&vm, BOB, 0, AT);
        assert_eq!(release(&mut z, &l), Err(ZammError::Unauthorized));
    }

    #[test]
    fn eth_unlock_pays_the_recipient() {
        let (vm, mut z) = setup();
        let l = eth_lock(5);
        tx(&vm, ALICE, 5, NOW);
        lock(&mut z, &l).unwrap();
        vm.mock_call(CAROL, vec![], U256::from(5), Err(vec![]));
        tx(&vm, BOB, 0, AT);
        assert_eq!(release(&mut z, &l), Err(ZammError::ETHTransferFailed));
    }

    #[test]
    fn unlock_to_zamm_credits_the_caller() {
        let (vm, mut z) = setup();
        let l = L {
            to: ZAMM_ADDR,
            ..eth_lock(5)
        };
        tx(&vm, ALICE, 5, NOW);
        lock(&mut z, &l).unwrap();
        tx(&vm, BOB, 0, AT);
        release(&mut z, &l).unwrap();
        assert_eq!(z.take_all_credit(Address::ZERO, U256::ZERO), U256::from(5));
    }

    #[test]
    fn locked_entry_points_revert_with_reentrancy() {
        let (vm, mut z) = setup();
        tx(&vm, ALICE, 5, NOW);
        z.lock().unwrap();
        assert_eq!(lock(&mut z, &eth_lock(5)), Err(ZammError::Reentrancy));
        assert_eq!(release(&mut z, &eth_lock(5)), Err(ZammError::Reentrancy));
    }
}
