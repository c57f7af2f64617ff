//! ERC-6909 multi-token ledger, ported from zAMM's solady-derived `ZERC6909.sol`: LP shares
//! (id = poolId) and `coin()` tokens share one id space.
//!
//! Reference behaviour kept on purpose: solady's seed-slot layout, no zero-address checks,
//! operators get `allowance == type(uint256).max`, and `transferFrom` has no
//! `from == msg.sender` exemption. The Transfer event carries the zAMM caller as data.

use alloc::vec::Vec;
use stylus_sdk::{
    alloy_primitives::{Address, U256},
    alloy_sol_types::{sol, SolEvent},
    prelude::*,
};

use crate::{
    storage::{addr_bytes, addr_word, be_bytes, imm, imm_be, COINS_SLOT},
    ZammError, ZAMM,
};

sol! {
    /// A balance moved; `caller` is the `msg.sender` of the zAMM call (0 from = mint, 0 to = burn).
    event Transfer(address caller, address indexed from, address indexed to, uint256 indexed id, uint256 amount);
    /// `owner` set `spender`'s allowance for `id`.
    event Approval(address indexed owner, address indexed spender, uint256 indexed id, uint256 amount);
    /// `owner` granted or revoked `operator` for all ids.
    event OperatorSet(address indexed owner, address indexed operator, bool approved);
    /// A coin was created with metadata `uri` (same topic as ERC-1155 `URI`).
    event URI(string uri, uint256 indexed coinId);
}

/// solady's `_ERC6909_MASTER_SLOT_SEED`.
const SEED: u64 = 0xedca_a89a_8229_3940;
const TRANSFER_TOPIC: U256 = U256::from_be_bytes(Transfer::SIGNATURE_HASH.0);
const APPROVAL_TOPIC: U256 = U256::from_be_bytes(Approval::SIGNATURE_HASH.0);
const OPERATOR_SET_TOPIC: U256 = U256::from_be_bytes(OperatorSet::SIGNATURE_HASH.0);
const URI_TOPIC: U256 = U256::from_be_bytes(URI::SIGNATURE_HASH.0);

/// The ERC-6909 surface of zAMM.
#[public]
pub trait Erc6909 {
    /// Balance of `owner` in token `id`.
    fn balance_of(&self, owner: Address, id: U256) -> U256;
    /// `spender`'s allowance over `owner`'s `id`; `type(uint256).max` for operators.
    fn allowance(&self, owner: Address, spender: Address, id: U256) -> U256;
    /// Whether `spender` is an operator of `owner`.
    fn is_operator(&self, owner: Address, spender: Address) -> bool;
    /// Moves the caller's tokens. `InsufficientBalance` / `BalanceOverflow`.
    fn transfer(&mut self, to: Address, id: U256, amount: U256) -> Result<bool, ZammError>;
    /// Moves `from`'s tokens as operator or within the allowance (`InsufficientPermission`).
    fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        id: U256,
        amount: U256,
    ) -> Result<bool, ZammError>;
    /// Sets the caller's allowance for `spender` on `id`.
    fn approve(&mut self, spender: Address, id: U256, amount: U256) -> bool;
    /// Grants or revokes `operator` for all of the caller's ids.
    fn set_operator(&mut self, operator: Address, approved: bool) -> bool;
}

#[public]
impl Erc6909 for ZAMM {
    fn balance_of(&self, owner: Address, id: U256) -> U256 {
        self.sload(self.balance_slot(owner, id))
    }

    fn allowance(&self, owner: Address, spender: Address, id: U256) -> U256 {
        if self.is_operator(owner, spender) {
            return U256::MAX;
        }
        self.sload(self.seed_slot(Some(id), Some(spender), owner))
    }

    fn is_operator(&self, owner: Address, spender: Address) -> bool {
        !self
            .sload(self.seed_slot(None, Some(spender), owner))
            .is_zero()
    }

    fn transfer(&mut self, to: Address, id: U256, amount: U256) -> Result<bool, ZammError> {
        let caller = self.sender();
        self.move_balance(caller, to, id, amount)?;
        Ok(true)
    }

    fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        id: U256,
        amount: U256,
    ) -> Result<bool, ZammError> {
        let caller = self.sender();
        if !self.is_operator(from, caller) {
            let slot = self.seed_slot(Some(id), Some(caller), from);
            let allowed = self.sload(slot);
            // `allowed != type(uint256).max` (infinite allowances are not spent), written so
            // that no 32-byte constant lands in the data section.
            if allowed.checked_add(U256::from(1)).is_some() {
                let left = allowed
                    .checked_sub(amount)
                    .ok_or(ZammError::InsufficientPermission)?;
                self.sstore(slot, left);
            }
        }
        self.move_balance(from, to, id, amount)?;
        Ok(true)
    }

    fn approve(&mut self, spender: Address, id: U256, amount: U256) -> bool {
        let owner = self.sender();
        self.sstore(self.seed_slot(Some(id), Some(spender), owner), amount);
        let topics = [
            imm!(APPROVAL_TOPIC),
            addr_word(owner),
            addr_word(spender),
            id,
        ];
        self.emit(&topics, &[amount]);
        true
    }

    fn set_operator(&mut self, operator: Address, approved: bool) -> bool {
        let owner = self.sender();
        let flag = U256::from(approved as u8);
        self.sstore(self.seed_slot(None, Some(operator), owner), flag);
        self.emit(
            &[
                imm!(OPERATOR_SET_TOPIC),
                addr_word(owner),
                addr_word(operator),
            ],
            &[flag],
        );
        true
    }
}

impl ZAMM {
    /// solady seed slot: `keccak256([id] . [spender] . owner . 0x00000000 . seed)`; balances
    /// hash `id . owner ..` (64 bytes), operators `spender . owner ..` (52), allowances all (84).
    fn seed_slot(&self, id: Option<U256>, spender: Option<Address>, owner: Address) -> U256 {
        // Laid out back to front in one stack buffer; the preimage is a suffix of it.
        let mut buf = [0u8; 84];
        buf[52..72].copy_from_slice(owner.as_slice());
        buf[76..].copy_from_slice(&SEED.to_be_bytes());
        let start = match (id, spender) {
            (Some(id), Some(spender)) => {
                buf[..32].copy_from_slice(&be_bytes(id));
                buf[32..52].copy_from_slice(spender.as_slice());
                0
            }
            (None, Some(spender)) => {
                buf[32..52].copy_from_slice(spender.as_slice());
                32
            }
            (Some(id), None) => {
                buf[20..52].copy_from_slice(&be_bytes(id));
                20
            }
            (None, None) => 52,
        };
        self.keccak(buf.get(start..).unwrap_or_default())
    }

    /// Storage slot of `owner`'s balance of `id`.
    pub(crate) fn balance_slot(&self, owner: Address, id: U256) -> U256 {
        self.seed_slot(Some(id), None, owner)
    }

    /// Emits `Transfer(caller = msg.sender, from, to, id, amount)`.
    fn emit_transfer(&self, from: Address, to: Address, id: U256, amount: U256) {
        let words = [
            imm_be!(TRANSFER_TOPIC),
            addr_bytes(from),
            addr_bytes(to),
            be_bytes(id),
            addr_bytes(self.sender()),
            be_bytes(amount),
        ];
        self.emit_bytes(&words, 4);
    }

    /// Adds to a balance; `BalanceOverflow` on overflow.
    fn credit_balance(&mut self, to: Address, id: U256, amount: U256) -> Result<(), ZammError> {
        let slot = self.balance_slot(to, id);
        let balance = self
            .sload(slot)
            .checked_add(amount)
            .ok_or(ZammError::BalanceOverflow)?;
        self.sstore(slot, balance);
        Ok(())
    }

    /// Subtracts from a balance; `InsufficientBalance` if short.
    fn debit_balance(&mut self, from: Address, id: U256, amount: U256) -> Result<(), ZammError> {
        let slot = self.balance_slot(from, id);
        let balance = self
            .sload(slot)
            .checked_sub(amount)
            .ok_or(ZammError::InsufficientBalance)?;
        self.sstore(slot, balance);
        Ok(())
    }

    /// Debits `from`, credits `to` (re-read, so `from == to` nets out) and logs the move.
    fn move_balance(
        &mut self,
        from: Address,
        to: Address,
        id: U256,
        amount: U256,
    ) -> Result<(), ZammError> {
        self.debit_balance(from, id, amount)?;
        self.credit_balance(to, id, amount)?;
        self.emit_transfer(from, to, id, amount);
        Ok(())
    }

    /// Mints `amount` of `id` to `to` (`BalanceOverflow`), logging a Transfer from 0.
    pub(crate) fn _mint(&mut self, to: Address, id: U256, amount: U256) -> Result<(), ZammError> {
        self.credit_balance(to, id, amount)?;
        self.emit_transfer(Address::ZERO, to, id, amount);
        Ok(())
    }

    /// Burns `amount` of `id` from `from` (`InsufficientBalance`), logging a Transfer to 0.
    pub(crate) fn _burn(&mut self, from: Address, id: U256, amount: U256) -> Result<(), ZammError> {
        self.debit_balance(from, id, amount)?;
        self.emit_transfer(from, Address::ZERO, id, amount);
        Ok(())
    }

    /// Overwrites `to`'s balance (the reference does this for new coins and the first LP
    /// deposit, where the balance is known to be fresh), logging a Transfer from 0.
    pub(crate) fn set_balance(&mut self, to: Address, id: U256, amount: U256) {
        self.sstore(self.balance_slot(to, id), amount);
        self.emit_transfer(Address::ZERO, to, id, amount);
    }

    /// `coin()`: next sequential id (unchecked `++coins`), creator's balance set to `supply`,
    /// then `URI(uri, coinId)`.
    pub(crate) fn create_coin(&mut self, creator: Address, supply: U256, uri: &[u8]) -> U256 {
        let id = self.sload(COINS_SLOT).wrapping_add(U256::from(1));
        self.sstore(COINS_SLOT, id);
        self.set_balance(creator, id, supply);
        self.emit_string(&[imm!(URI_TOPIC), id], uri);
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use stylus_sdk::alloy_primitives::B256;

    const ID: U256 = U256::from_limbs([7, 0, 0, 0]);

    fn transfer_topic() -> B256 {
        topic("Transfer(address,address,address,uint256,uint256)")
    }

    /// Fresh zAMM where ALICE holds 100 of id 7 (set directly, no events).
    fn funded() -> (TestVM, ZAMM) {
        let (vm, mut z) = setup();
        z.sstore(z.balance_slot(ALICE, ID), U256::from(100));
        (vm, z)
    }

    fn solady_slot(parts: &[&[u8]]) -> B256 {
        let mut pre: Vec<u8> = parts.concat();
        pre.extend_from_slice(&[0, 0, 0, 0]);
        pre.extend_from_slice(&0xedcaa89a82293940_u64.to_be_bytes());
        stylus_sdk::crypto::keccak(pre)
    }

    #[test]
    fn slots_follow_solady_seed_layout() {
        let (vm, mut z) = funded();
        let id_bytes = ID.to_be_bytes::<32>();
        let balance = solady_slot(&[&id_bytes, ALICE.as_slice()]);
        assert_eq!(vm.get_storage(balance.into()), B256::from(U256::from(100)));
        z.approve(BOB, ID, U256::from(5));
        let allowance = solady_slot(&[&id_bytes, BOB.as_slice(), ALICE.as_slice()]);
        assert_eq!(vm.get_storage(allowance.into()), B256::from(U256::from(5)));
        z.set_operator(BOB, true);
        let operator = solady_slot(&[BOB.as_slice(), ALICE.as_slice()]);
        assert_eq!(vm.get_storage(operator.into()), B256::from(U256::from(1)));
    }

    #[test]
    fn transfer_moves_balance_and_logs_the_caller() {
        let (vm, mut z) = funded();
        assert_eq!(z.transfer(BOB, ID, U256::from(40)), Ok(true));
        assert_eq!(z.balance_of(ALICE, ID), U256::from(60));
        assert_eq!(z.balance_of(BOB, ID), U256::from(40));
        let (topics, data_) = vm.get_emitted_logs().pop().unwrap();
        assert_eq!(topics, vec![transfer_topic(), a(ALICE), a(BOB), w(ID)]);
        assert_eq!(data_, data(&[a(ALICE), w(U256::from(40))]));
        // Self-transfer nets out.
        assert_eq!(z.transfer(ALICE, ID, U256::from(60)), Ok(true));
        assert_eq!(z.balance_of(ALICE, ID), U256::from(60));
        assert_eq!(
            z.transfer(BOB, ID, U256::from(61)),
            Err(ZammError::InsufficientBalance)
        );
    }

    #[test]
    fn transfer_to_an_overflowing_balance_reverts() {
        let (_vm, mut z) = funded();
        z.sstore(z.balance_slot(BOB, ID), U256::MAX);
        assert_eq!(
            z.transfer(BOB, ID, U256::from(1)),
            Err(ZammError::BalanceOverflow)
        );
    }

    #[test]
    fn transfer_from_spends_allowance_unless_max_or_operator() {
        let (vm, mut z) = funded();
        tx(&vm, BOB, U256::ZERO);
        assert_eq!(
            z.transfer_from(ALICE, BOB, ID, U256::from(1)),
            Err(ZammError::InsufficientPermission)
        );
        tx(&vm, ALICE, U256::ZERO);
        z.approve(BOB, ID, U256::from(30));
        tx(&vm, BOB, U256::ZERO);
        assert_eq!(z.transfer_from(ALICE, BOB, ID, U256::from(10)), Ok(true));
        assert_eq!(z.allowance(ALICE, BOB, ID), U256::from(20));
        let (topics, data_) = vm.get_emitted_logs().pop().unwrap();
        assert_eq!(topics, vec![transfer_topic(), a(ALICE), a(BOB), w(ID)]);
        assert_eq!(
            data_,
            data(&[a(BOB), w(U256::from(10))]),
            "caller is the spender"
        );
        assert_eq!(
            z.transfer_from(ALICE, BOB, ID, U256::from(21)),
            Err(ZammError::InsufficientPermission)
        );
        // Permission is checked before balance.
        tx(&vm, ALICE, U256::ZERO);
        z.approve(BOB, ID, U256::MAX);
        tx(&vm, BOB, U256::ZERO);
        assert_eq!(z.transfer_from(ALICE, BOB, ID, U256::from(5)), Ok(true));
        assert_eq!(
            z.allowance(ALICE, BOB, ID),
            U256::MAX,
            "infinite allowance is kept"
        );
        assert_eq!(
            z.transfer_from(ALICE, BOB, ID, U256::from(1000)),
            Err(ZammError::InsufficientBalance)
        );
    }

    #[test]
    fn operators_need_no_allowance_and_see_max() {
        let (vm, mut z) = funded();
        assert!(z.set_operator(BOB, true));
        assert!(z.is_operator(ALICE, BOB));
        assert_eq!(z.allowance(ALICE, BOB, ID), U256::MAX);
        let (topics, data_) = vm.get_emitted_logs().pop().unwrap();
        assert_eq!(
            topics,
            vec![topic("OperatorSet(address,address,bool)"), a(ALICE), a(BOB)]
        );
        assert_eq!(data_, data(&[w(U256::from(1))]));
        tx(&vm, BOB, U256::ZERO);
        assert_eq!(z.transfer_from(ALICE, BOB, ID, U256::from(100)), Ok(true));
        assert_eq!(z.balance_of(BOB, ID), U256::from(100));
        tx(&vm, ALICE, U256::ZERO);
        assert!(z.set_operator(BOB, false));
        assert!(!z.is_operator(ALICE, BOB));
        assert_eq!(z.allowance(ALICE, BOB, ID), U256::ZERO);
    }

    #[test]
    fn self_transfer_from_needs_approval_like_the_reference() {
        let (vm, mut z) = funded();
        assert_eq!(
            z.transfer_from(ALICE, BOB, ID, U256::from(1)),
            Err(ZammError::InsufficientPermission)
        );
        tx(&vm, ALICE, U256::ZERO);
        z.set_operator(ALICE, true);
        assert_eq!(z.transfer_from(ALICE, BOB, ID, U256::from(1)), Ok(true));
    }

    #[test]
    fn approve_sets_and_logs() {
        let (vm, mut z) = setup();
        assert!(z.approve(BOB, ID, U256::from(9)));
        assert_eq!(z.allowance(ALICE, BOB, ID), U256::from(9));
        let (topics, data_) = vm.get_emitted_logs().pop().unwrap();
        let approval = topic("Approval(address,address,uint256,uint256)");
        assert_eq!(topics, vec![approval, a(ALICE), a(BOB), w(ID)]);
        assert_eq!(data_, data(&[w(U256::from(9))]));
    }

    #[test]
    fn mint_and_burn_check_bounds_and_log_zero_addresses() {
        let (vm, mut z) = funded();
        z._mint(BOB, ID, U256::from(3)).unwrap();
        let (topics, _) = vm.get_emitted_logs().pop().unwrap();
        assert_eq!(topics, vec![transfer_topic(), B256::ZERO, a(BOB), w(ID)]);
        z._burn(BOB, ID, U256::from(3)).unwrap();
        let (topics, data_) = vm.get_emitted_logs().pop().unwrap();
        assert_eq!(topics, vec![transfer_topic(), a(BOB), B256::ZERO, w(ID)]);
        assert_eq!(
            data_,
            data(&[a(ALICE), w(U256::from(3))]),
            "caller is msg.sender"
        );
        assert_eq!(
            z._burn(BOB, ID, U256::from(1)),
            Err(ZammError::InsufficientBalance)
        );
        assert_eq!(
            z._mint(ALICE, ID, U256::MAX),
            Err(ZammError::BalanceOverflow)
        );
    }

    #[test]
    fn coin_ids_are_sequential_and_balances_are_set() {
        let (vm, mut z) = setup();
        assert_eq!(
            z.coin(BOB, U256::from(500), "ipfs://x".into()),
            U256::from(1)
        );
        assert_eq!(z.coin(BOB, U256::from(7), String::new()), U256::from(2));
        assert_eq!(z.balance_of(BOB, U256::from(1)), U256::from(500));
        assert_eq!(
            vm.get_storage(crate::storage::COINS_SLOT),
            B256::from(U256::from(2))
        );
        let logs = vm.get_emitted_logs();
        assert_eq!(
            logs[0].0,
            vec![transfer_topic(), B256::ZERO, a(BOB), w(U256::from(1))]
        );
        assert_eq!(logs[0].1, data(&[a(ALICE), w(U256::from(500))]));
        let uri = topic("URI(string,uint256)");
        assert_eq!(logs[1].0, vec![uri, w(U256::from(1))]);
        let mut tail = [0u8; 32];
        tail[..8].copy_from_slice(b"ipfs://x");
        assert_eq!(
            logs[1].1,
            data(&[w(U256::from(32)), w(U256::from(8)), B256::from(tail)])
        );
        assert_eq!(
            logs[3].1,
            data(&[w(U256::from(32)), B256::ZERO]),
            "empty uri"
        );
    }

    #[test]
    fn event_signatures_match_reference_topics() {
        let hex = |h: &str| B256::from(U256::from_str_radix(h, 16).unwrap());
        assert_eq!(
            Transfer::SIGNATURE_HASH,
            hex("1b3d7edb2e9c0b0e7c525b20aaaef0f5940d2ed71663c7d39266ecafac728859")
        );
        assert_eq!(
            Approval::SIGNATURE_HASH,
            hex("b3fd5071835887567a0671151121894ddccc2842f1d10bedad13e0d17cace9a7")
        );
        assert_eq!(
            OperatorSet::SIGNATURE_HASH,
            hex("ceb576d9f15e4e200fdb5096d64d5dfd667e16def20c1eefd14256d8e3faa267")
        );
        assert_eq!(
            URI::SIGNATURE_HASH,
            hex("6bb7ff708619ba0610cba295a58592e0451dee2622938c8755667688daf3529b")
        );
    }
}
