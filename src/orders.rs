//! On-chain orderbook (spec §2.7): makers sign nothing, they register a hash of the order terms.
//!
//! Only ETH is escrowed; every other maker asset stays with the maker and is pulled at fill time
//! (so the maker keeps balance and approval). Fills move assets directly between taker and maker.
//! Kept on purpose: a taker whose transient credit covers the payment spends that credit and the
//! maker receives nothing (WNS-1, "by design" per the maintainers), and only a take-remainder
//! fill (`fillPart == 0`) absorbs rounding dust.

use stylus_sdk::{
    alloy_primitives::{aliases::U56, aliases::U96, Address, B256, U256},
    alloy_sol_types::{sol, SolEvent},
    prelude::*,
};

use crate::{
    math::mul_div,
    storage::imm,
    storage::{addr_word, ORDERS_SLOT},
    ZammError, PANIC_OVERFLOW, ZAMM,
};

sol! {
    /// `maker` registered the order `orderHash`.
    event Make(address indexed maker, bytes32 indexed orderHash);
    /// `taker` filled (part of) the order `orderHash`.
    event Fill(address indexed taker, bytes32 indexed orderHash);
    /// `maker` cancelled the order `orderHash`.
    event Cancel(address indexed maker, bytes32 indexed orderHash);
}

const MAKE_TOPIC: U256 = U256::from_be_bytes(Make::SIGNATURE_HASH.0);
const FILL_TOPIC: U256 = U256::from_be_bytes(Fill::SIGNATURE_HASH.0);
const CANCEL_TOPIC: U256 = U256::from_be_bytes(Cancel::SIGNATURE_HASH.0);

/// `type(uint56).max`.
const MAX_U56: u64 = (1 << 56) - 1;
/// `type(uint96).max`.
const MAX_U96: u128 = (1 << 96) - 1;

/// The orderbook surface of zAMM. Amounts are `uint96` and deadlines `uint56` as in the
/// reference, so one order's fill state packs into a single slot.
#[public]
#[allow(clippy::too_many_arguments)]
pub trait Orders {
    /// Registers an order selling `amtIn` of (tokenIn, idIn) for `amtOut` of (tokenOut, idOut);
    /// escrows `msg.value == amtIn` if tokenIn is ETH. `Expired`, `InvalidMsgVal`, `Pending`.
    #[payable]
    fn make_order(
        &mut self,
        token_in: Address,
        id_in: U256,
        amt_in: U96,
        token_out: Address,
        id_out: U256,
        amt_out: U96,
        deadline: U56,
        partial_fill: bool,
    ) -> Result<B256, ZammError>;

    /// Pays `fillPart` of the taker leg (0 = the rest) to `maker` and receives the proportional
    /// maker leg. `InvalidMsgVal`, `BadSize`, `Unauthorized`, `Expired`, `Overflow`.
    #[payable]
    fn fill_order(
        &mut self,
        maker: Address,
        token_in: Address,
        id_in: U256,
        amt_in: U96,
        token_out: Address,
        id_out: U256,
        amt_out: U96,
        deadline: U56,
        partial_fill: bool,
        fill_part: U96,
    ) -> Result<(), ZammError>;

    /// Deletes the caller's order (also after expiry) and refunds unfilled ETH escrow.
    /// `Unauthorized` if no such order exists.
    fn cancel_order(
        &mut self,
        token_in: Address,
        id_in: U256,
        amt_in: U96,
        token_out: Address,
        id_out: U256,
        amt_out: U96,
        deadline: U56,
        partial_fill: bool,
    ) -> Result<(), ZammError>;

    /// The stored state of an order: `(partialFill, deadline, inDone, outDone)`, all zero if
    /// absent.
    fn orders(&self, order_hash: B256) -> (bool, U56, U96, U96);
}

/// Two little-endian limbs as one integer.
fn join(lo: u64, hi: u64) -> u128 {
    (u128::from(hi) << 64) | u128::from(lo)
}

/// A `uint96` as a native integer.
fn u96(x: U96) -> u128 {
    let [lo, hi] = x.into_limbs();
    join(lo, hi)
}

/// A native `uint96` back in its ABI type (masked, so it can never fail to fit).
fn to_u96(x: u128) -> U96 {
    U96::from_limbs([x as u64, (x >> 64) as u64 & 0xffff_ffff])
}

/// The terms every order hash commits to (besides the maker), as native integers.
struct Terms {
    token_in: Address,
    id_in: U256,
    amt_in: u128,
    token_out: Address,
    id_out: U256,
    amt_out: u128,
    deadline: u64,
    partial_fill: bool,
}

impl Terms {
    #[allow(clippy::too_many_arguments)]
    fn new(
        token_in: Address,
        id_in: U256,
        amt_in: U96,
        token_out: Address,
        id_out: U256,
        amt_out: U96,
        deadline: U56,
        partial_fill: bool,
    ) -> Self {
        let [deadline] = deadline.into_limbs();
        Self {
            token_in,
            id_in,
            amt_in: u96(amt_in),
            token_out,
            id_out,
            amt_out: u96(amt_out),
            deadline,
            partial_fill,
        }
    }
}

/// One `orders` slot, packed like Solidity: `partialFill` in byte 0, `deadline` (uint56) from
/// bit 8, `inDone` (uint96) from bit 64, `outDone` (uint96) from bit 160.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Order {
    partial_fill: bool,
    deadline: u64,
    in_done: u128,
    out_done: u128,
}

impl Order {
    fn unpack(word: U256) -> Self {
        let [l0, l1, l2, l3] = word.into_limbs();
        Self {
            partial_fill: l0 as u8 != 0,
            deadline: l0 >> 8,
            in_done: u128::from(l1) | (u128::from(l2 as u32) << 64),
            out_done: u128::from(l2 >> 32) | (u128::from(l3) << 32),
        }
    }

    /// Inverse of [`Order::unpack`] for in-range fields (`deadline < 2^56`, amounts `< 2^96`).
    fn pack(&self) -> U256 {
        U256::from_limbs([
            u64::from(self.partial_fill) | (self.deadline << 8),
            self.in_done as u64,
            ((self.in_done >> 64) as u64) | ((self.out_done as u64) << 32),
            (self.out_done >> 32) as u64,
        ])
    }
}

/// Solidity's checked `uint96` addition: `Panic(0x11)` past `type(uint96).max`.
fn add_u96(a: u128, b: u128) -> Result<u128, ZammError> {
    a.checked_add(b)
        .filter(|sum| *sum <= MAX_U96)
        .ok_or(ZammError::Panic(PANIC_OVERFLOW))
}

/// Solidity's checked `uint96` subtraction: `Panic(0x11)` on underflow.
fn sub_u96(a: u128, b: u128) -> Result<u128, ZammError> {
    a.checked_sub(b).ok_or(ZammError::Panic(PANIC_OVERFLOW))
}

/// The taker leg paid by this fill: the whole order, the rest, or the requested part.
fn slice_out(t: &Terms, out_done: u128, fill_part: u128) -> Result<u128, ZammError> {
    if !t.partial_fill {
        return Ok(t.amt_out);
    }
    if fill_part == 0 {
        return sub_u96(t.amt_out, out_done);
    }
    Ok(fill_part)
}

/// The maker leg delivered for `slice`: the whole order, the rest (absorbing rounding dust) or
/// `uint96(mulDiv(amtIn, slice, amtOut))` computed in 256 bits like the reference.
fn slice_in(t: &Terms, in_done: u128, fill_part: u128, slice: u128) -> Result<u128, ZammError> {
    if !t.partial_fill {
        return Ok(t.amt_in);
    }
    if fill_part == 0 {
        return sub_u96(t.amt_in, in_done);
    }
    let [lo, hi, ..] = mul_div(
        U256::from(t.amt_in),
        U256::from(slice),
        U256::from(t.amt_out),
    )?
    .into_limbs();
    // The quotient is at most amtIn (slice <= amtOut), so the uint96 cast keeps it whole.
    Ok(join(lo, hi) & MAX_U96)
}

#[public]
impl Orders for ZAMM {
    #[payable]
    fn make_order(
        &mut self,
        token_in: Address,
        id_in: U256,
        amt_in: U96,
        token_out: Address,
        id_out: U256,
        amt_out: U96,
        deadline: U56,
        partial_fill: bool,
    ) -> Result<B256, ZammError> {
        self.lock()?;
        let terms = Terms::new(
            token_in,
            id_in,
            amt_in,
            token_out,
            id_out,
            amt_out,
            deadline,
            partial_fill,
        );
        let hash = self.make(&terms)?;
        self.unlock();
        Ok(B256::from(hash))
    }

    #[payable]
    fn fill_order(
        &mut self,
        maker: Address,
        token_in: Address,
        id_in: U256,
        amt_in: U96,
        token_out: Address,
        id_out: U256,
        amt_out: U96,
        deadline: U56,
        partial_fill: bool,
        fill_part: U96,
    ) -> Result<(), ZammError> {
        self.lock()?;
        let terms = Terms::new(
            token_in,
            id_in,
            amt_in,
            token_out,
            id_out,
            amt_out,
            deadline,
            partial_fill,
        );
        self.fill(maker, &terms, u96(fill_part))?;
        self.unlock();
        Ok(())
    }

    fn cancel_order(
        &mut self,
        token_in: Address,
        id_in: U256,
        amt_in: U96,
        token_out: Address,
        id_out: U256,
        amt_out: U96,
        deadline: U56,
        partial_fill: bool,
    ) -> Result<(), ZammError> {
        self.lock()?;
        let terms = Terms::new(
            token_in,
            id_in,
            amt_in,
            token_out,
            id_out,
            amt_out,
            deadline,
            partial_fill,
        );
        self.cancel(&terms)?;
        self.unlock();
        Ok(())
    }

    fn orders(&self, order_hash: B256) -> (bool, U56, U96, U96) {
        let order = self.load_order(self.order_slot(order_hash.into()));
        (
            order.partial_fill,
            U56::from_limbs([order.deadline & MAX_U56]),
            to_u96(order.in_done),
            to_u96(order.out_done),
        )
    }
}

impl ZAMM {
    /// `keccak256(abi.encode(maker, tokenIn, idIn, amtIn, tokenOut, idOut, amtOut, deadline,
    /// partialFill))`.
    fn order_hash(&self, maker: Address, t: &Terms) -> U256 {
        self.hash_words(&[
            addr_word(maker),
            addr_word(t.token_in),
            t.id_in,
            U256::from(t.amt_in),
            addr_word(t.token_out),
            t.id_out,
            U256::from(t.amt_out),
            U256::from(t.deadline),
            U256::from(t.partial_fill as u8),
        ])
    }

    /// `orders[hash]`'s slot: `keccak256(hash . 3)`.
    fn order_slot(&self, hash: U256) -> U256 {
        self.mapping_slot(hash, ORDERS_SLOT)
    }

    fn load_order(&self, slot: U256) -> Order {
        Order::unpack(self.sload(slot))
    }

    /// Emits one of the orderbook events: `Event(address indexed who, bytes32 indexed hash)`.
    fn emit_order_event(&self, topic: U256, who: Address, hash: U256) {
        self.emit(&[topic, addr_word(who), hash], &[]);
    }

    fn make(&mut self, t: &Terms) -> Result<U256, ZammError> {
        if t.deadline <= self.now() {
            return Err(ZammError::Expired);
        }
        let escrow = if t.token_in.is_zero() { t.amt_in } else { 0 };
        if self.value() != U256::from(escrow) {
            return Err(ZammError::InvalidMsgVal);
        }
        let maker = self.sender();
        let hash = self.order_hash(maker, t);
        let slot = self.order_slot(hash);
        if self.load_order(slot).deadline != 0 {
            return Err(ZammError::Pending);
        }
        let order = Order {
            partial_fill: t.partial_fill,
            deadline: t.deadline,
            in_done: 0,
            out_done: 0,
        };
        self.sstore(slot, order.pack());
        self.emit_order_event(imm!(MAKE_TOPIC), maker, hash);
        Ok(hash)
    }

    fn fill(&mut self, maker: Address, t: &Terms, fill_part: u128) -> Result<(), ZammError> {
        if !t.token_out.is_zero() && !self.value().is_zero() {
            return Err(ZammError::InvalidMsgVal);
        }
        if !t.partial_fill && fill_part != 0 && fill_part != t.amt_out {
            return Err(ZammError::BadSize);
        }
        let hash = self.order_hash(maker, t);
        let slot = self.order_slot(hash);
        let mut order = self.load_order(slot);
        if order.deadline == 0 {
            return Err(ZammError::Unauthorized);
        }
        if self.now() > order.deadline {
            return Err(ZammError::Expired);
        }
        let out = slice_out(t, order.out_done, fill_part)?;
        // `sliceOut != 0 && outDone + sliceOut <= amtOut`; the uint96 add itself panics first.
        if out == 0 {
            return Err(ZammError::Overflow);
        }
        let out_done = add_u96(order.out_done, out)?;
        if out_done > t.amt_out {
            return Err(ZammError::Overflow);
        }
        let inp = slice_in(t, order.in_done, fill_part, out)?;
        if inp == 0 {
            return Err(ZammError::BadSize);
        }
        order.out_done = out_done;
        order.in_done = add_u96(order.in_done, inp)?;
        self.sstore(slot, order.pack());

        let taker = self.sender();
        self.pay_out(t.token_out, t.id_out, U256::from(out), taker, maker)?;
        self.order_transfer(t.token_in, t.id_in, maker, taker, U256::from(inp))?;
        if order.out_done == t.amt_out {
            self.sstore(slot, U256::ZERO);
        }
        self.emit_order_event(imm!(FILL_TOPIC), taker, hash);
        Ok(())
    }

    /// `_payOut`: the taker pays the maker, or spends matching transient credit instead, in
    /// which case the maker is left unpaid (WNS-1, kept as designed). ETH must come exactly as
    /// `msg.value` and is forwarded.
    fn pay_out(
        &mut self,
        token: Address,
        id: U256,
        amount: U256,
        taker: Address,
        maker: Address,
    ) -> Result<(), ZammError> {
        let value = self.value();
        if self.use_transient_balance(token, id, amount) {
            if !value.is_zero() {
                return Err(ZammError::InvalidMsgVal);
            }
            return Ok(());
        }
        if token.is_zero() && value != amount {
            return Err(ZammError::InvalidMsgVal);
        }
        self.order_transfer(token, id, taker, maker, amount)
    }

    /// Moves `amount` of (token, id) from `from` to `to` for a fill: zAMM's own ids are burned
    /// and minted, ETH is sent from zAMM's balance (forwarded `msg.value` or escrow), id 0 is an
    /// ERC-20/721 `transferFrom` and anything else an ERC-6909 `transferFrom`.
    fn order_transfer(
        &mut self,
        token: Address,
        id: U256,
        from: Address,
        to: Address,
        amount: U256,
    ) -> Result<(), ZammError> {
        if token == self.this() {
            self._burn(from, id, amount)?;
            self._mint(to, id, amount)
        } else if token.is_zero() {
            self.send_eth(to, amount)
        } else if id.is_zero() {
            self.erc20_transfer_from(token, from, to, amount)
        } else {
            self.erc6909_transfer_from(token, from, to, id, amount)
        }
    }

    fn cancel(&mut self, t: &Terms) -> Result<(), ZammError> {
        let maker = self.sender();
        let hash = self.order_hash(maker, t);
        let slot = self.order_slot(hash);
        let order = self.load_order(slot);
        if order.deadline == 0 {
            return Err(ZammError::Unauthorized);
        }
        self.sstore(slot, U256::ZERO);
        let unfilled = if t.partial_fill {
            sub_u96(t.amt_in, order.in_done)?
        } else {
            t.amt_in
        };
        if t.token_in.is_zero() && unfilled != 0 {
            self.send_eth(maker, U256::from(unfilled))?;
        }
        self.emit_order_event(imm!(CANCEL_TOPIC), maker, hash);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{testing::*, transient, Erc6909};
    use stylus_sdk::alloy_primitives::keccak256;

    const MAKER: Address = ALICE;
    const TAKER: Address = BOB;
    const NOW: u64 = 100;
    const DEADLINE: u64 = 1_000;

    /// An order exactly as the ABI receives it.
    #[derive(Clone, Copy)]
    struct P {
        token_in: Address,
        id_in: U256,
        amt_in: U96,
        token_out: Address,
        id_out: U256,
        amt_out: U96,
        deadline: U56,
        partial: bool,
    }

    fn order(token_in: Address, amt_in: u64, token_out: Address, amt_out: u64, partial: bool) -> P {
        P {
            token_in,
            id_in: U256::ZERO,
            amt_in: U96::from(amt_in),
            token_out,
            id_out: U256::ZERO,
            amt_out: U96::from(amt_out),
            deadline: U56::from(DEADLINE),
            partial,
        }
    }

    /// Own-coin order: `amt_in` of zAMM id 1 for `amt_out` of zAMM id 2.
    fn coin_order(amt_in: u64, amt_out: u64, partial: bool) -> P {
        P {
            id_in: U256::from(1),
            id_out: U256::from(2),
            ..order(ZAMM_ADDR, amt_in, ZAMM_ADDR, amt_out, partial)
        }
    }

    /// Starts a new simulated transaction: transient storage cleared, caller and value set.
    fn tx(vm: &TestVM, sender: Address, value: u64) {
        transient::clear();
        vm.set_sender(sender);
        vm.set_value(U256::from(value));
        vm.set_block_timestamp(NOW);
    }

    fn make(z: &mut ZAMM, p: &P) -> Result<B256, ZammError> {
        z.make_order(
            p.token_in,
            p.id_in,
            p.amt_in,
            p.token_out,
            p.id_out,
            p.amt_out,
            p.deadline,
            p.partial,
        )
    }

    fn fill(z: &mut ZAMM, p: &P, part: u64) -> Result<(), ZammError> {
        fill_part(z, p, U96::from(part))
    }

    fn fill_part(z: &mut ZAMM, p: &P, part: U96) -> Result<(), ZammError> {
        let (ti, ii, ai, to, io, ao, dl, pf) = (
            p.token_in,
            p.id_in,
            p.amt_in,
            p.token_out,
            p.id_out,
            p.amt_out,
            p.deadline,
            p.partial,
        );
        z.fill_order(MAKER, ti, ii, ai, to, io, ao, dl, pf, part)
    }

    fn cancel(z: &mut ZAMM, p: &P) -> Result<(), ZammError> {
        z.cancel_order(
            p.token_in,
            p.id_in,
            p.amt_in,
            p.token_out,
            p.id_out,
            p.amt_out,
            p.deadline,
            p.partial,
        )
    }

    /// ABI word helpers for hand-built encodings.
    fn w_addr(a: Address) -> [u8; 32] {
        let mut w = [0u8; 32];
        w[12..].copy_from_slice(a.as_slice());
        w
    }

    fn w_uint(x: U256) -> [u8; 32] {
        x.to_be_bytes()
    }

    /// `keccak256(abi.encode(maker, ...nine fields))`, built byte by byte.
    fn expected_hash(maker: Address, p: &P) -> B256 {
        let mut buf = Vec::new();
        for w in [
            w_addr(maker),
            w_addr(p.token_in),
            w_uint(p.id_in),
            w_uint(U256::from(p.amt_in.to::<u128>())),
            w_addr(p.token_out),
            w_uint(p.id_out),
            w_uint(U256::from(p.amt_out.to::<u128>())),
            w_uint(U256::from(p.deadline.to::<u64>())),
            w_uint(U256::from(p.partial as u8)),
        ] {
            buf.extend_from_slice(&w);
        }
        assert_eq!(buf.len(), 288);
        keccak256(&buf)
    }

    /// Raw storage word of `orders[h]`: slot `keccak256(h . uint256(3))`.
    fn raw_order(vm: &TestVM, h: B256) -> B256 {
        let mut pre = h.to_vec();
        pre.extend_from_slice(&w_uint(U256::from(3)));
        vm.get_storage(keccak256(&pre).into())
    }

    fn state(z: &ZAMM, h: B256) -> (bool, u64, u128, u128) {
        let (p, d, i, o) = z.orders(h);
        (p, d.to(), i.to(), o.to())
    }

    fn last_log(vm: &TestVM) -> (Vec<B256>, Vec<u8>) {
        vm.get_emitted_logs().pop().expect("a log")
    }

    fn topic(sig: &str) -> B256 {
        keccak256(sig.as_bytes())
    }

    fn erc20_transfer_from(from: Address, to: Address, amount: u64) -> Vec<u8> {
        let mut data = vec![0x23, 0xb8, 0x72, 0xdd];
        for w in [w_addr(from), w_addr(to), w_uint(U256::from(amount))] {
            data.extend_from_slice(&w);
        }
        data
    }

    fn erc6909_transfer_from(from: Address, to: Address, id: u64, amount: u64) -> Vec<u8> {
        let mut data = vec![0xfe, 0x99, 0x04, 0x9a];
        for w in [
            w_addr(from),
            w_addr(to),
            w_uint(U256::from(id)),
            w_uint(U256::from(amount)),
        ] {
            data.extend_from_slice(&w);
        }
        data
    }

    /// Mocks a token call that succeeds returning `true` (mock last: TestVM's return buffer is
    /// whatever was mocked most recently).
    fn mock_ok(vm: &TestVM, token: Address, data: Vec<u8>) {
        vm.mock_call(token, data, U256::ZERO, Ok(w_uint(U256::from(1)).to_vec()));
    }

    /// Makes ETH sent to `to` with exactly `amount` revert, proving who gets paid what.
    fn mock_eth_reject(vm: &TestVM, to: Address, amount: u64) {
        vm.mock_call(to, vec![], U256::from(amount), Err(vec![]));
    }

    fn coin_balance(z: &ZAMM, owner: Address, id: u64) -> U256 {
        z.balance_of(owner, U256::from(id))
    }

    /// Maker holds 100 of coin 1, taker 100 of coin 2.
    fn fund_coins(vm: &TestVM, z: &mut ZAMM) {
        z._mint(MAKER, U256::from(1), U256::from(100)).unwrap();
        z._mint(TAKER, U256::from(2), U256::from(100)).unwrap();
        vm.set_block_timestamp(NOW);
    }

    #[test]
    fn make_stores_packed_order_at_reference_slot_and_emits_make() {
        let (vm, mut z) = setup();
        tx(&vm, MAKER, 0);
        let p = order(TOKEN_A, 10, TOKEN_B, 5, false);
        let h = make(&mut z, &p).unwrap();
        assert_eq!(h, expected_hash(MAKER, &p));
        assert_eq!(state(&z, h), (false, DEADLINE, 0, 0));
        assert_eq!(raw_order(&vm, h), B256::from(U256::from(DEADLINE) << 8));
        let (topics, data) = last_log(&vm);
        assert_eq!(
            topics,
            vec![topic("Make(address,bytes32)"), MAKER.into_word(), h]
        );
        assert!(data.is_empty());

        let q = P { partial: true, ..p };
        let hq = make(&mut z, &q).unwrap();
        assert_ne!(hq, h, "partialFill is part of the hash");
        assert_eq!(
            raw_order(&vm, hq),
            B256::from((U256::from(DEADLINE) << 8) | U256::from(1))
        );
        assert_eq!(state(&z, hq), (true, DEADLINE, 0, 0));
    }

    #[test]
    fn order_slot_packs_all_four_fields_like_solidity() {
        let o = Order {
            partial_fill: true,
            deadline: MAX_U56,
            in_done: 0x1234,
            out_done: MAX_U96,
        };
        let word = o.pack();
        let bytes = word.to_be_bytes::<32>();
        assert_eq!(bytes[31], 1);
        assert_eq!(&bytes[24..31], &[0xff; 7]);
        assert_eq!(&bytes[12..24], &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34]);
        assert_eq!(&bytes[0..12], &[0xff; 12]);
        assert_eq!(Order::unpack(word), o);

        // Fields straddling limb boundaries land at Solidity's byte offsets.
        let o = Order {
            partial_fill: false,
            deadline: 0x01_0203_0405_0607,
            in_done: 0xa1a2_a3a4_a5a6_a7a8_a9aa_abac,
            out_done: 0xb1b2_b3b4_b5b6_b7b8_b9ba_bbbc,
        };
        let mut expected = [0u8; 32];
        expected[0..12].copy_from_slice(&o.out_done.to_be_bytes()[4..]);
        expected[12..24].copy_from_slice(&o.in_done.to_be_bytes()[4..]);
        expected[24..31].copy_from_slice(&o.deadline.to_be_bytes()[1..]);
        assert_eq!(o.pack().to_be_bytes::<32>(), expected);
        assert_eq!(Order::unpack(o.pack()), o);
        // A dirty bool byte reads as true, as Solidity cleans it.
        assert!(Order::unpack(U256::from(0x80)).partial_fill);
    }

    #[test]
    fn make_rejects_deadline_not_in_the_future() {
        let (vm, mut z) = setup();
        tx(&vm, MAKER, 0);
        vm.set_block_timestamp(DEADLINE);
        assert_eq!(
            make(&mut z, &order(TOKEN_A, 1, TOKEN_B, 1, false)),
            Err(ZammError::Expired)
        );
        tx(&vm, MAKER, 0);
        vm.set_block_timestamp(DEADLINE - 1);
        assert!(make(&mut z, &order(TOKEN_A, 1, TOKEN_B, 1, false)).is_ok());
    }

    #[test]
    fn make_escrows_only_eth_and_requires_exact_value() {
        let (vm, mut z) = setup();
        tx(&vm, MAKER, 1);
        assert_eq!(
            make(&mut z, &order(TOKEN_A, 1, TOKEN_B, 1, false)),
            Err(ZammError::InvalidMsgVal)
        );
        tx(&vm, MAKER, 3);
        let eth = order(Address::ZERO, 4, TOKEN_B, 1, false);
        assert_eq!(make(&mut z, &eth), Err(ZammError::InvalidMsgVal));
        tx(&vm, MAKER, 4);
        assert!(make(&mut z, &eth).is_ok());
    }

    #[test]
    fn make_rejects_a_live_duplicate_but_zero_amounts_are_allowed() {
        let (vm, mut z) = setup();
        tx(&vm, MAKER, 0);
        let p = order(TOKEN_A, 0, TOKEN_B, 0, true);
        make(&mut z, &p).unwrap();
        tx(&vm, MAKER, 0);
        assert_eq!(make(&mut z, &p), Err(ZammError::Pending));
    }

    #[test]
    fn locked_entry_points_revert_with_reentrancy() {
        let (vm, mut z) = setup();
        tx(&vm, MAKER, 0);
        let p = order(TOKEN_A, 1, TOKEN_B, 1, false);
        z.lock().unwrap();
        assert_eq!(make(&mut z, &p), Err(ZammError::Reentrancy));
        assert_eq!(fill(&mut z, &p, 0), Err(ZammError::Reentrancy));
        assert_eq!(cancel(&mut z, &p), Err(ZammError::Reentrancy));
    }

    #[test]
    fn full_erc20_fill_pays_maker_delivers_to_taker_and_deletes() {
        let (vm, mut z) = setup();
        tx(&vm, MAKER, 0);
        let p = order(TOKEN_A, 10, TOKEN_B, 5, false);
        let h = make(&mut z, &p).unwrap();
        mock_ok(&vm, TOKEN_B, erc20_transfer_from(TAKER, MAKER, 5));
        mock_ok(&vm, TOKEN_A, erc20_transfer_from(MAKER, TAKER, 10));
        tx(&vm, TAKER, 0);
        fill(&mut z, &p, 5).unwrap();
        assert_eq!(state(&z, h), (false, 0, 0, 0));
        assert_eq!(raw_order(&vm, h), B256::ZERO);
        let (topics, data) = last_log(&vm);
        assert_eq!(
            topics,
            vec![topic("Fill(address,bytes32)"), TAKER.into_word(), h]
        );
        assert!(data.is_empty());
        // The lock was released and the hash can be reused.
        tx(&vm, MAKER, 0);
        assert_eq!(make(&mut z, &p), Ok(h));
    }

    #[test]
    fn fill_requires_both_legs_to_move() {
        let (vm, mut z) = setup();
        tx(&vm, MAKER, 0);
        let p = order(TOKEN_A, 10, TOKEN_B, 5, false);
        make(&mut z, &p).unwrap();
        // Only the taker leg succeeds: the maker leg's transferFrom(maker -> taker) is required.
        mock_ok(&vm, TOKEN_B, erc20_transfer_from(TAKER, MAKER, 5));
        tx(&vm, TAKER, 0);
        assert_eq!(fill(&mut z, &p, 0), Err(ZammError::TransferFromFailed));
        let (vm, mut z) = setup();
        tx(&vm, MAKER, 0);
        make(&mut z, &p).unwrap();
        mock_ok(&vm, TOKEN_A, erc20_transfer_from(MAKER, TAKER, 10));
        tx(&vm, TAKER, 0);
        assert_eq!(fill(&mut z, &p, 0), Err(ZammError::TransferFromFailed));
    }

    #[test]
    fn external_erc6909_legs_use_transfer_from_with_ids() {
        let (vm, mut z) = setup();
        tx(&vm, MAKER, 0);
        let p = P {
            id_in: U256::from(7),
            id_out: U256::from(9),
            ..order(TOKEN_A, 10, TOKEN_B, 5, false)
        };
        let h = make(&mut z, &p).unwrap();
        mock_ok(&vm, TOKEN_B, erc6909_transfer_from(TAKER, MAKER, 9, 5));
        mock_ok(&vm, TOKEN_A, erc6909_transfer_from(MAKER, TAKER, 7, 10));
        tx(&vm, TAKER, 0);
        fill(&mut z, &p, 0).unwrap();
        assert_eq!(state(&z, h), (false, 0, 0, 0));
    }

    #[test]
    fn fill_msg_value_rules() {
        let (vm, mut z) = setup();
        // A token taker leg takes no ETH (checked before the order lookup).
        tx(&vm, TAKER, 1);
        let p = order(TOKEN_A, 10, TOKEN_B, 5, false);
        assert_eq!(fill(&mut z, &p, 0), Err(ZammError::InvalidMsgVal));
        // An ETH taker leg needs exactly sliceOut.
        let e = order(TOKEN_A, 10, Address::ZERO, 4, true);
        tx(&vm, MAKER, 0);
        make(&mut z, &e).unwrap();
        tx(&vm, TAKER, 3);
        assert_eq!(fill(&mut z, &e, 2), Err(ZammError::InvalidMsgVal));
        // ETH paid from credit: msg.value must then be 0.
        let (vm, mut z) = setup();
        tx(&vm, MAKER, 0);
        make(&mut z, &e).unwrap();
        tx(&vm, TAKER, 2);
        z.add_credit(Address::ZERO, U256::ZERO, U256::from(2));
        assert_eq!(fill(&mut z, &e, 2), Err(ZammError::InvalidMsgVal));
    }

    #[test]
    fn eth_taker_leg_is_forwarded_to_the_maker() {
        let e = order(TOKEN_A, 10, Address::ZERO, 4, true);
        for reject in [true, false] {
            let (vm, mut z) = setup();
            tx(&vm, MAKER, 0);
            let h = make(&mut z, &e).unwrap();
            if reject {
                mock_eth_reject(&vm, MAKER, 2);
            }
            mock_ok(&vm, TOKEN_A, erc20_transfer_from(MAKER, TAKER, 5));
            tx(&vm, TAKER, 2);
            let res = fill(&mut z, &e, 2);
            if reject {
                assert_eq!(res, Err(ZammError::ETHTransferFailed));
            } else {
                res.unwrap();
                assert_eq!(state(&z, h), (true, DEADLINE, 5, 2));
            }
        }
    }

    #[test]
    fn eth_escrow_is_delivered_to_the_taker() {
        let e = order(Address::ZERO, 9, TOKEN_B, 3, true);
        for reject in [true, false] {
            let (vm, mut z) = setup();
            tx(&vm, MAKER, 9);
            let h = make(&mut z, &e).unwrap();
            if reject {
                mock_eth_reject(&vm, TAKER, 6);
            }
            mock_ok(&vm, TOKEN_B, erc20_transfer_from(TAKER, MAKER, 2));
            tx(&vm, TAKER, 0);
            let res = fill(&mut z, &e, 2);
            if reject {
                assert_eq!(res, Err(ZammError::ETHTransferFailed));
            } else {
                res.unwrap();
                assert_eq!(state(&z, h), (true, DEADLINE, 6, 2));
            }
        }
    }

    #[test]
    fn non_partial_fill_part_must_be_zero_or_amt_out() {
        let (vm, mut z) = setup();
        tx(&vm, TAKER, 0);
        let p = order(TOKEN_A, 10, TOKEN_B, 5, false);
        // Checked before the order lookup.
        for (part, err) in [
            (4, ZammError::BadSize),
            (6, ZammError::BadSize),
            (5, ZammError::Unauthorized),
        ] {
            tx(&vm, TAKER, 0);
            assert_eq!(fill(&mut z, &p, part), Err(err));
        }
    }

    #[test]
    fn unknown_order_or_wrong_maker_is_unauthorized() {
        let (vm, mut z) = setup();
        tx(&vm, TAKER, 0);
        let p = order(TOKEN_A, 10, TOKEN_B, 5, false);
        make(&mut z, &p).unwrap(); // made by TAKER, but fill() names MAKER
        tx(&vm, TAKER, 0);
        assert_eq!(fill(&mut z, &p, 0), Err(ZammError::Unauthorized));
    }

    #[test]
    fn fill_deadline_is_inclusive() {
        let (vm, mut z) = setup();
        fund_coins(&vm, &mut z);
        tx(&vm, MAKER, 0);
        let p = coin_order(10, 5, true);
        let h = make(&mut z, &p).unwrap();
        tx(&vm, TAKER, 0);
        vm.set_block_timestamp(DEADLINE + 1);
        assert_eq!(fill(&mut z, &p, 1), Err(ZammError::Expired));
        tx(&vm, TAKER, 0);
        vm.set_block_timestamp(DEADLINE);
        fill(&mut z, &p, 1).unwrap();
        assert_eq!(state(&z, h), (true, DEADLINE, 2, 1));
    }

    #[test]
    fn overflow_checks_and_uint96_panic() {
        let (vm, mut z) = setup();
        fund_coins(&vm, &mut z);
        tx(&vm, MAKER, 0);
        let p = coin_order(10, 5, true);
        make(&mut z, &p).unwrap();
        tx(&vm, TAKER, 0);
        assert_eq!(fill(&mut z, &p, 6), Err(ZammError::Overflow));
        // A zero taker leg is an Overflow too (partial and non-partial).
        tx(&vm, MAKER, 0);
        let zero = coin_order(10, 0, true);
        make(&mut z, &zero).unwrap();
        tx(&vm, TAKER, 0);
        assert_eq!(fill(&mut z, &zero, 0), Err(ZammError::Overflow));
        tx(&vm, MAKER, 0);
        let zero_full = coin_order(10, 0, false);
        make(&mut z, &zero_full).unwrap();
        tx(&vm, TAKER, 0);
        assert_eq!(fill(&mut z, &zero_full, 0), Err(ZammError::Overflow));
        // outDone + sliceOut beyond uint96 panics exactly like solc's checked add.
        tx(&vm, MAKER, 0);
        let big = P {
            amt_in: U96::MAX,
            amt_out: U96::MAX,
            ..coin_order(0, 0, true)
        };
        let h = make(&mut z, &big).unwrap();
        tx(&vm, TAKER, 0);
        fill(&mut z, &big, 1).unwrap();
        assert_eq!(state(&z, h), (true, DEADLINE, 1, 1));
        tx(&vm, TAKER, 0);
        assert_eq!(
            fill_part(&mut z, &big, U96::MAX),
            Err(ZammError::Panic(0x11))
        );
    }

    #[test]
    fn zero_maker_slice_is_bad_size() {
        let (vm, mut z) = setup();
        fund_coins(&vm, &mut z);
        tx(&vm, MAKER, 0);
        let p = coin_order(1, 10, true);
        make(&mut z, &p).unwrap();
        tx(&vm, TAKER, 0);
        assert_eq!(fill(&mut z, &p, 1), Err(ZammError::BadSize));
        let zero_in = coin_order(0, 10, false);
        tx(&vm, MAKER, 0);
        make(&mut z, &zero_in).unwrap();
        tx(&vm, TAKER, 0);
        assert_eq!(fill(&mut z, &zero_in, 0), Err(ZammError::BadSize));
    }

    #[test]
    fn partial_fills_are_proportional_and_take_remainder_absorbs_dust() {
        let (vm, mut z) = setup();
        fund_coins(&vm, &mut z);
        tx(&vm, MAKER, 0);
        let p = coin_order(10, 3, true);
        let h = make(&mut z, &p).unwrap();
        for (n, expected) in [(1u64, (3u128, 1u128)), (1, (6, 2))] {
            tx(&vm, TAKER, 0);
            fill(&mut z, &p, n).unwrap();
            assert_eq!(state(&z, h), (true, DEADLINE, expected.0, expected.1));
        }
        assert_eq!(coin_balance(&z, MAKER, 1), U256::from(94));
        assert_eq!(coin_balance(&z, TAKER, 1), U256::from(6));
        assert_eq!(coin_balance(&z, MAKER, 2), U256::from(2));
        assert_eq!(coin_balance(&z, TAKER, 2), U256::from(98));
        tx(&vm, TAKER, 0);
        fill(&mut z, &p, 0).unwrap();
        assert_eq!(state(&z, h), (false, 0, 0, 0));
        assert_eq!(coin_balance(&z, MAKER, 1), U256::from(90));
        assert_eq!(coin_balance(&z, TAKER, 1), U256::from(10));
        assert_eq!(coin_balance(&z, MAKER, 2), U256::from(3));
        // Own-coin legs log burn then mint, with the taker as the zAMM caller.
        let logs = vm.get_emitted_logs();
        let transfers: Vec<_> = logs[logs.len() - 5..logs.len() - 1]
            .iter()
            .map(|l| l.0.clone())
            .collect();
        let transfer = topic("Transfer(address,address,address,uint256,uint256)");
        let id = |n: u64| B256::from(U256::from(n));
        assert_eq!(
            transfers[0],
            vec![transfer, TAKER.into_word(), B256::ZERO, id(2)]
        );
        assert_eq!(
            transfers[1],
            vec![transfer, B256::ZERO, MAKER.into_word(), id(2)]
        );
        assert_eq!(
            transfers[2],
            vec![transfer, MAKER.into_word(), B256::ZERO, id(1)]
        );
        assert_eq!(
            transfers[3],
            vec![transfer, B256::ZERO, TAKER.into_word(), id(1)]
        );
    }

    #[test]
    fn completing_with_explicit_parts_leaves_maker_dust() {
        let (vm, mut z) = setup();
        fund_coins(&vm, &mut z);
        tx(&vm, MAKER, 0);
        let p = coin_order(10, 3, true);
        let h = make(&mut z, &p).unwrap();
        for _ in 0..3 {
            tx(&vm, TAKER, 0);
            fill(&mut z, &p, 1).unwrap();
        }
        assert_eq!(state(&z, h), (false, 0, 0, 0));
        assert_eq!(coin_balance(&z, TAKER, 1), U256::from(9));
        assert_eq!(coin_balance(&z, MAKER, 1), U256::from(91));
    }

    #[test]
    fn taker_credit_pays_nothing_to_the_maker() {
        // WNS-1, kept by design: the taker's transient credit is consumed, the maker gets
        // nothing, and the maker's asset is still delivered.
        let (vm, mut z) = setup();
        fund_coins(&vm, &mut z);
        tx(&vm, MAKER, 0);
        let p = coin_order(10, 5, false);
        let h = make(&mut z, &p).unwrap();
        tx(&vm, TAKER, 0);
        z.add_credit(ZAMM_ADDR, U256::from(2), U256::from(7));
        fill(&mut z, &p, 0).unwrap();
        assert_eq!(state(&z, h), (false, 0, 0, 0));
        assert_eq!(coin_balance(&z, MAKER, 2), U256::ZERO);
        assert_eq!(coin_balance(&z, TAKER, 2), U256::from(100));
        assert_eq!(coin_balance(&z, TAKER, 1), U256::from(10));
        assert_eq!(z.take_all_credit(ZAMM_ADDR, U256::from(2)), U256::from(2));
    }

    #[test]
    fn insufficient_credit_falls_back_to_paying() {
        let (vm, mut z) = setup();
        fund_coins(&vm, &mut z);
        tx(&vm, MAKER, 0);
        let p = coin_order(10, 5, false);
        make(&mut z, &p).unwrap();
        tx(&vm, TAKER, 0);
        z.add_credit(ZAMM_ADDR, U256::from(2), U256::from(4));
        fill(&mut z, &p, 0).unwrap();
        assert_eq!(coin_balance(&z, MAKER, 2), U256::from(5));
        assert_eq!(z.take_all_credit(ZAMM_ADDR, U256::from(2)), U256::from(4));
    }

    #[test]
    fn cancel_by_non_maker_is_unauthorized() {
        let (vm, mut z) = setup();
        tx(&vm, MAKER, 0);
        let p = order(TOKEN_A, 10, TOKEN_B, 5, false);
        make(&mut z, &p).unwrap();
        tx(&vm, TAKER, 0);
        assert_eq!(cancel(&mut z, &p), Err(ZammError::Unauthorized));
    }

    #[test]
    fn cancel_token_order_deletes_and_emits() {
        let (vm, mut z) = setup();
        tx(&vm, MAKER, 0);
        let p = order(TOKEN_A, 10, TOKEN_B, 5, false);
        let h = make(&mut z, &p).unwrap();
        tx(&vm, MAKER, 0);
        cancel(&mut z, &p).unwrap();
        assert_eq!(raw_order(&vm, h), B256::ZERO);
        let (topics, data) = last_log(&vm);
        assert_eq!(
            topics,
            vec![topic("Cancel(address,bytes32)"), MAKER.into_word(), h]
        );
        assert!(data.is_empty());
        tx(&vm, MAKER, 0);
        assert_eq!(cancel(&mut z, &p), Err(ZammError::Unauthorized));
    }

    #[test]
    fn cancel_refunds_remaining_eth_escrow_even_after_expiry() {
        // 4 ETH for 2 B, 1 B filled (2 ETH delivered): cancelling refunds the other 2 ETH.
        let e = order(Address::ZERO, 4, TOKEN_B, 2, true);
        for reject in [true, false] {
            let (vm, mut z) = setup();
            tx(&vm, MAKER, 4);
            let h = make(&mut z, &e).unwrap();
            mock_ok(&vm, TOKEN_B, erc20_transfer_from(TAKER, MAKER, 1));
            tx(&vm, TAKER, 0);
            fill(&mut z, &e, 1).unwrap();
            assert_eq!(state(&z, h), (true, DEADLINE, 2, 1));
            if reject {
                mock_eth_reject(&vm, MAKER, 2);
            }
            tx(&vm, MAKER, 0);
            vm.set_block_timestamp(DEADLINE + 1);
            let res = cancel(&mut z, &e);
            if reject {
                assert_eq!(res, Err(ZammError::ETHTransferFailed));
            } else {
                res.unwrap();
                assert_eq!(raw_order(&vm, h), B256::ZERO);
                assert_eq!(last_log(&vm).0[0], topic("Cancel(address,bytes32)"));
            }
        }
    }

    #[test]
    fn cancel_non_partial_eth_order_refunds_everything() {
        let e = order(Address::ZERO, 4, TOKEN_B, 2, false);
        let (vm, mut z) = setup();
        tx(&vm, MAKER, 4);
        make(&mut z, &e).unwrap();
        mock_eth_reject(&vm, MAKER, 4);
        tx(&vm, MAKER, 0);
        assert_eq!(cancel(&mut z, &e), Err(ZammError::ETHTransferFailed));
    }

    #[test]
    fn cancel_without_remaining_eth_sends_nothing() {
        // A zero-amount ETH order: nothing to refund, so no ETH call is made at all.
        let e = order(Address::ZERO, 0, TOKEN_B, 2, true);
        let (vm, mut z) = setup();
        tx(&vm, MAKER, 0);
        make(&mut z, &e).unwrap();
        mock_eth_reject(&vm, MAKER, 0);
        tx(&vm, MAKER, 0);
        cancel(&mut z, &e).unwrap();
    }

    #[test]
    fn event_topics_match_reference() {
        assert_eq!(
            B256::from(MAKE_TOPIC),
            "0x1fa192562e5fbdce807069b18275dc0d672cacd78576602b47d21730975635a1"
                .parse::<B256>()
                .unwrap()
        );
        assert_eq!(
            B256::from(FILL_TOPIC),
            "0xb9bc607e0e2118f141379d1e3c8ffcb670231b2fad00c82a9b48456501bd40fd"
                .parse::<B256>()
                .unwrap()
        );
        assert_eq!(
            B256::from(CANCEL_TOPIC),
            "0xdb2b33dd6349739e1f3cd6dc90cf093af6a3dfb1838aced380528b0aefe6093c"
                .parse::<B256>()
                .unwrap()
        );
    }
}
