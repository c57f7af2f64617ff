//! Pools: keys, liquidity, swaps, `_update` and `_mintFee` (spec §2.1, §2.4, §2.5, §2.9).
//!
//! A pool is identified by `poolId = keccak256(abi.encode(PoolKey))`, which is also the
//! ERC-6909 id of its LP share. Keys are never registered: a pool exists once `supply != 0`,
//! and token ordering / `feeOrHook` validity are checked on the first deposit only.
//!
//! Storage per pool at `keccak(poolId . 0)`: +0 packed `reserve0 | reserve1 << 112 |
//! blockTimestampLast << 224`, +1 `price0CumulativeLast`, +2 `price1CumulativeLast`,
//! +3 `kLast`, +4 `supply`.

use stylus_sdk::{
    abi::Bytes,
    alloy_primitives::{Address, Uint, U256},
    alloy_sol_types::{sol, SolEvent},
    prelude::*,
};

use crate::{
    hooks::{is_valid_fee_or_hook, Hook},
    math::{
        add, fee_liquidity, get_amount_in, get_amount_out, mul, mul_div, sqrt, sub, uq_price, BPS,
    },
    storage::imm,
    storage::{addr_word, word_addr, FEE_TO_SLOT, POOLS_SLOT},
    ZammError, PANIC_ASSERT, ZAMM,
};

sol! {
    /// Identifies a pool; `feeOrHook` is a fee in bps or a flagged hook address.
    #[derive(AbiType)]
    struct PoolKey {
        uint256 id0;
        uint256 id1;
        address token0;
        address token1;
        uint256 feeOrHook;
    }

    /// Liquidity added.
    event Mint(uint256 indexed poolId, address indexed sender, uint256 amount0, uint256 amount1);
    /// Liquidity removed to `to`.
    event Burn(uint256 indexed poolId, address indexed sender, uint256 amount0, uint256 amount1, address indexed to);
    /// A swap paid out to `to`.
    event Swap(uint256 indexed poolId, address indexed sender, uint256 amount0In, uint256 amount1In, uint256 amount0Out, uint256 amount1Out, address indexed to);
    /// Reserves after an update.
    event Sync(uint256 indexed poolId, uint112 reserve0, uint112 reserve1);
}

const MINT_TOPIC: U256 = U256::from_be_bytes(Mint::SIGNATURE_HASH.0);
const BURN_TOPIC: U256 = U256::from_be_bytes(Burn::SIGNATURE_HASH.0);
const SWAP_TOPIC: U256 = U256::from_be_bytes(Swap::SIGNATURE_HASH.0);
const SYNC_TOPIC: U256 = U256::from_be_bytes(Sync::SIGNATURE_HASH.0);

/// Liquidity locked forever by the first deposit (never minted to anyone).
const MINIMUM_LIQUIDITY: U256 = U256::from_limbs([1000, 0, 0, 0]);

/// Entry-point selectors passed to hooks as `sig`.
const SIG_ADD_LIQUIDITY: [u8; 4] = 0xc429_57a8_u32.to_be_bytes();
const SIG_REMOVE_LIQUIDITY: [u8; 4] = 0x8c1e_8f57_u32.to_be_bytes();
const SIG_SWAP_EXACT_IN: [u8; 4] = 0x3c5e_ec50_u32.to_be_bytes();
const SIG_SWAP_EXACT_OUT: [u8; 4] = 0x38c3_f8db_u32.to_be_bytes();
const SIG_SWAP: [u8; 4] = 0xa7b4_9197_u32.to_be_bytes();

/// Slot offsets inside a pool record.
const PRICE0: u8 = 1;
const PRICE1: u8 = 2;
const K_LAST: u8 = 3;
const SUPPLY: u8 = 4;

/// The pool surface of zAMM.
#[public]
pub trait Pools {
    /// Adds liquidity (creating the pool on first deposit); returns amounts used and LP minted.
    #[payable]
    #[allow(clippy::too_many_arguments)]
    fn add_liquidity(
        &mut self,
        pool_key: PoolKey,
        amount0_desired: U256,
        amount1_desired: U256,
        amount0_min: U256,
        amount1_min: U256,
        to: Address,
        deadline: U256,
    ) -> Result<(U256, U256, U256), ZammError>;

    /// Burns the caller's LP and pays both tokens to `to`.
    fn remove_liquidity(
        &mut self,
        pool_key: PoolKey,
        liquidity: U256,
        amount0_min: U256,
        amount1_min: U256,
        to: Address,
        deadline: U256,
    ) -> Result<(U256, U256), ZammError>;

    /// Swaps exactly `amountIn`; returns the output paid to `to`.
    #[payable]
    fn swap_exact_in(
        &mut self,
        pool_key: PoolKey,
        amount_in: U256,
        amount_out_min: U256,
        zero_for_one: bool,
        to: Address,
        deadline: U256,
    ) -> Result<U256, ZammError>;

    /// Buys exactly `amountOut`; returns the input taken (ETH excess refunded).
    #[payable]
    fn swap_exact_out(
        &mut self,
        pool_key: PoolKey,
        amount_out: U256,
        amount_in_max: U256,
        zero_for_one: bool,
        to: Address,
        deadline: U256,
    ) -> Result<U256, ZammError>;

    /// V2-style optimistic swap paid from the caller's transient credit, with an optional
    /// `zammCall` flash callback.
    fn swap(
        &mut self,
        pool_key: PoolKey,
        amount0_out: U256,
        amount1_out: U256,
        to: Address,
        data: Bytes,
    ) -> Result<(), ZammError>;

    /// The pool record: reserves, timestamp, TWAP accumulators, kLast, supply.
    #[allow(clippy::type_complexity)]
    fn pools(&self, pool_id: U256) -> (Uint<112, 2>, Uint<112, 2>, u32, U256, U256, U256, U256);
}

/// State shared by every pool action after the before-hook ran.
struct Ctx {
    pool_id: U256,
    /// Slot of the pool record.
    base: U256,
    hook: Hook,
    /// Effective fee in bps for this action.
    fee: U256,
    r0: U256,
    r1: U256,
    ts_last: u32,
}

impl Ctx {
    fn slot(&self, field: u8) -> U256 {
        self.base + U256::from(field)
    }
}

#[public]
impl Pools for ZAMM {
    #[payable]
    fn add_liquidity(
        &mut self,
        pool_key: PoolKey,
        amount0_desired: U256,
        amount1_desired: U256,
        amount0_min: U256,
        amount1_min: U256,
        to: Address,
        deadline: U256,
    ) -> Result<(U256, U256, U256), ZammError> {
        self.locked(|z| {
            z.check_deadline(deadline)?;
            let c = z.open(&pool_key, SIG_ADD_LIQUIDITY, &[])?;
            let supply = z.sload(c.slot(SUPPLY));
            // Reference order: the protocol fee is settled (or feeTo read, for a new pool)
            // before the optimal amounts and any payment.
            let (fee_on, supply) = if supply.is_zero() {
                (!z.sload(FEE_TO_SLOT).is_zero(), supply)
            } else {
                z.mint_fee(&c, supply)?
            };
            let (amount0, amount1) = if supply.is_zero() {
                (amount0_desired, amount1_desired)
            } else {
                optimal_amounts(
                    &c,
                    amount0_desired,
                    amount1_desired,
                    amount0_min,
                    amount1_min,
                )?
            };
            z.pay_token0(&pool_key, amount0, true)?;
            z.pay_token1(&pool_key, amount1, false)?;
            let liquidity = if supply.is_zero() {
                z.first_deposit(&pool_key, &c, amount0, amount1, to)?
            } else {
                z.later_deposit(&c, supply, amount0, amount1, to)?
            };
            let (b0, b1) = (add(c.r0, amount0)?, add(c.r1, amount1)?);
            z.update(&c, b0, b1)?;
            if fee_on {
                z.sstore(c.slot(K_LAST), b0 * b1);
            }
            // int256 casts of values already bounded by the uint112 reserves: exact.
            z.after_action(
                &c.hook,
                SIG_ADD_LIQUIDITY,
                c.pool_id,
                amount0,
                amount1,
                liquidity,
                &[],
            )?;
            let sender = addr_word(z.sender());
            z.emit(&[imm!(MINT_TOPIC), c.pool_id, sender], &[amount0, amount1]);
            Ok((amount0, amount1, liquidity))
        })
    }

    fn remove_liquidity(
        &mut self,
        pool_key: PoolKey,
        liquidity: U256,
        amount0_min: U256,
        amount1_min: U256,
        to: Address,
        deadline: U256,
    ) -> Result<(U256, U256), ZammError> {
        self.locked(|z| {
            z.check_deadline(deadline)?;
            let c = z.open(&pool_key, SIG_REMOVE_LIQUIDITY, &[])?;
            let (fee_on, supply) = z.mint_fee(&c, z.sload(c.slot(SUPPLY)))?;
            let amount0 = mul_div(liquidity, c.r0, supply)?;
            let amount1 = mul_div(liquidity, c.r1, supply)?;
            if amount0 < amount0_min || amount1 < amount1_min {
                return Err(ZammError::InsufficientOutputAmount);
            }
            let sender = z.sender();
            z._burn(sender, c.pool_id, liquidity)?;
            z.sstore(c.slot(SUPPLY), sub(supply, liquidity)?);
            z.push(pool_key.token0, to, pool_key.id0, amount0)?;
            z.push(pool_key.token1, to, pool_key.id1, amount1)?;
            let (b0, b1) = (sub(c.r0, amount0)?, sub(c.r1, amount1)?);
            z.update(&c, b0, b1)?;
            if fee_on {
                z.sstore(c.slot(K_LAST), b0 * b1);
            }
            // Negated int256 deltas; amounts are below 2^112, so negation is exact.
            let (d0, d1, d_liq) = (
                amount0.wrapping_neg(),
                amount1.wrapping_neg(),
                liquidity.wrapping_neg(),
            );
            z.after_action(&c.hook, SIG_REMOVE_LIQUIDITY, c.pool_id, d0, d1, d_liq, &[])?;
            let topics = [
                imm!(BURN_TOPIC),
                c.pool_id,
                addr_word(sender),
                addr_word(to),
            ];
            z.emit(&topics, &[amount0, amount1]);
            Ok((amount0, amount1))
        })
    }

    #[payable]
    fn swap_exact_in(
        &mut self,
        pool_key: PoolKey,
        amount_in: U256,
        amount_out_min: U256,
        zero_for_one: bool,
        to: Address,
        deadline: U256,
    ) -> Result<U256, ZammError> {
        self.locked(|z| {
            z.check_deadline(deadline)?;
            if amount_in.is_zero() {
                return Err(ZammError::InsufficientInputAmount);
            }
            let c = z.open(&pool_key, SIG_SWAP_EXACT_IN, &[])?;
            let (r_in, r_out) = if zero_for_one {
                (c.r0, c.r1)
            } else {
                (c.r1, c.r0)
            };
            z.pay_input(&pool_key, zero_for_one, amount_in, false)?;
            let amount_out = get_amount_out(amount_in, r_in, r_out, c.fee)?;
            if amount_out.is_zero() || amount_out < amount_out_min {
                return Err(ZammError::InsufficientOutputAmount);
            }
            if amount_out >= r_out {
                return Err(ZammError::InsufficientLiquidity);
            }
            z.settle_exact(
                &pool_key,
                &c,
                zero_for_one,
                amount_in,
                amount_out,
                to,
                SIG_SWAP_EXACT_IN,
            )?;
            Ok(amount_out)
        })
    }

    #[payable]
    fn swap_exact_out(
        &mut self,
        pool_key: PoolKey,
        amount_out: U256,
        amount_in_max: U256,
        zero_for_one: bool,
        to: Address,
        deadline: U256,
    ) -> Result<U256, ZammError> {
        self.locked(|z| {
            z.check_deadline(deadline)?;
            if amount_out.is_zero() {
                return Err(ZammError::InsufficientOutputAmount);
            }
            let c = z.open(&pool_key, SIG_SWAP_EXACT_OUT, &[])?;
            let (r_in, r_out) = if zero_for_one {
                (c.r0, c.r1)
            } else {
                (c.r1, c.r0)
            };
            if amount_out >= r_out {
                return Err(ZammError::InsufficientLiquidity);
            }
            let amount_in = get_amount_in(amount_out, r_in, r_out, c.fee)?;
            if amount_in > amount_in_max {
                return Err(ZammError::InsufficientInputAmount);
            }
            z.pay_input(&pool_key, zero_for_one, amount_in, true)?;
            z.settle_exact(
                &pool_key,
                &c,
                zero_for_one,
                amount_in,
                amount_out,
                to,
                SIG_SWAP_EXACT_OUT,
            )?;
            Ok(amount_in)
        })
    }

    fn swap(
        &mut self,
        pool_key: PoolKey,
        amount0_out: U256,
        amount1_out: U256,
        to: Address,
        data: Bytes,
    ) -> Result<(), ZammError> {
        self.swap_raw(pool_key, amount0_out, amount1_out, to, &data)
    }

    fn pools(&self, pool_id: U256) -> (Uint<112, 2>, Uint<112, 2>, u32, U256, U256, U256, U256) {
        let base = self.mapping_slot(pool_id, POOLS_SLOT);
        let (r0, r1, ts) = unpack(self.sload(base));
        let field = |i: u8| self.sload(base + U256::from(i));
        (
            to_u112(r0),
            to_u112(r1),
            ts,
            field(PRICE0),
            field(PRICE1),
            field(K_LAST),
            field(SUPPLY),
        )
    }
}

/// Low 48 bits of a limb: the part of a 112-bit reserve above its first limb.
const LOW_48: u64 = (1 << 48) - 1;

/// Splits the packed slot 0 of a pool into (reserve0, reserve1, blockTimestampLast):
/// `ts << 224 | reserve1 << 112 | reserve0`, done on limbs (no byte conversions).
fn unpack(word: U256) -> (U256, U256, u32) {
    let [l0, l1, l2, l3] = word.into_limbs();
    let r0 = U256::from_limbs([l0, l1 & LOW_48, 0, 0]);
    let r1 = U256::from_limbs([
        (l1 >> 48) | (l2 << 16),
        (l2 >> 48) | ((l3 & 0xffff_ffff) << 16),
        0,
        0,
    ]);
    (r0, r1, (l3 >> 32) as u32)
}

/// Packs reserves (the low 112 bits of each) and the timestamp into slot 0 of a pool.
fn pack(r0: U256, r1: U256, ts: u32) -> U256 {
    let [a0, a1, ..] = r0.into_limbs();
    let [b0, b1, ..] = r1.into_limbs();
    U256::from_limbs([
        a0,
        (a1 & LOW_48) | (b0 << 48),
        (b0 >> 16) | (b1 << 48),
        ((b1 >> 16) & 0xffff_ffff) | (u64::from(ts) << 32),
    ])
}

/// A value already masked to 112 bits as `uint112`.
fn to_u112(x: U256) -> Uint<112, 2> {
    let limbs = x.as_limbs();
    Uint::from_limbs([limbs[0], limbs[1]])
}

/// V2-router amounts for a later deposit: the largest pair at the pool's ratio within the
/// desired amounts, respecting the minimums (`InsufficientOutputAmount`).
fn optimal_amounts(
    c: &Ctx,
    amount0_desired: U256,
    amount1_desired: U256,
    amount0_min: U256,
    amount1_min: U256,
) -> Result<(U256, U256), ZammError> {
    let amount1_optimal = mul_div(amount0_desired, c.r1, c.r0)?;
    if amount1_optimal <= amount1_desired {
        if amount1_optimal < amount1_min {
            return Err(ZammError::InsufficientOutputAmount);
        }
        return Ok((amount0_desired, amount1_optimal));
    }
    let amount0_optimal = mul_div(amount1_desired, c.r0, c.r1)?;
    if amount0_optimal > amount0_desired {
        return Err(ZammError::Panic(PANIC_ASSERT));
    }
    if amount0_optimal < amount0_min {
        return Err(ZammError::InsufficientOutputAmount);
    }
    Ok((amount0_optimal, amount1_desired))
}

/// Creation-time key checks: ETH only as token0 with id 0, canonical ordering (by address, or
/// by id within one ERC-6909 contract), then `feeOrHook` validity.
fn check_new_pool(key: &PoolKey) -> Result<(), ZammError> {
    let eth_with_id = key.token0.is_zero() && !key.id0.is_zero();
    let ordered = key.token0 < key.token1
        || (key.token0 == key.token1
            && !key.id0.is_zero()
            && !key.id1.is_zero()
            && key.id0 < key.id1);
    if eth_with_id || !ordered {
        return Err(ZammError::InvalidPoolTokens);
    }
    if !is_valid_fee_or_hook(key.feeOrHook) {
        return Err(ZammError::InvalidFeeOrHook);
    }
    Ok(())
}

impl ZAMM {
    /// `swap` over a borrowed payload (the dispatcher passes calldata without copying it).
    pub(crate) fn swap_raw(
        &mut self,
        pool_key: PoolKey,
        amount0_out: U256,
        amount1_out: U256,
        to: Address,
        data: &[u8],
    ) -> Result<(), ZammError> {
        self.locked(|z| {
            if amount0_out.is_zero() && amount1_out.is_zero() {
                return Err(ZammError::InsufficientOutputAmount);
            }
            let c = z.open(&pool_key, SIG_SWAP, data)?;
            if amount0_out >= c.r0 || amount1_out >= c.r1 {
                return Err(ZammError::InsufficientLiquidity);
            }
            if !amount0_out.is_zero() {
                z.push(pool_key.token0, to, pool_key.id0, amount0_out)?;
            }
            if !amount1_out.is_zero() {
                z.push(pool_key.token1, to, pool_key.id1, amount1_out)?;
            }
            if !data.is_empty() {
                z.zamm_call(to, c.pool_id, amount0_out, amount1_out, data)?;
            }
            // Payment is whatever the caller credited (deposit / to == zAMM), consumed entirely.
            let credit0 = z.take_all_credit(pool_key.token0, pool_key.id0);
            let b0 = sub(add(c.r0, credit0)?, amount0_out)?;
            let credit1 = z.take_all_credit(pool_key.token1, pool_key.id1);
            let b1 = sub(add(c.r1, credit1)?, amount1_out)?;
            // Outputs are below the reserves (checked above), so these subtractions are exact.
            let amount0_in = b0.saturating_sub(c.r0 - amount0_out);
            let amount1_in = b1.saturating_sub(c.r1 - amount1_out);
            if amount0_in.is_zero() && amount1_in.is_zero() {
                return Err(ZammError::InsufficientInputAmount);
            }
            let adjusted0 = sub(mul(b0, BPS)?, mul(amount0_in, c.fee)?)?;
            let adjusted1 = sub(mul(b1, BPS)?, mul(amount1_in, c.fee)?)?;
            if mul(adjusted0, adjusted1)? < mul(mul(c.r0, c.r1)?, BPS * BPS)? {
                return Err(ZammError::K);
            }
            z.update(&c, b0, b1)?;
            // After `update` both balances fit in uint112, so the int256 differences are exact.
            let d0 = amount0_in.wrapping_sub(amount0_out);
            let d1 = amount1_in.wrapping_sub(amount1_out);
            z.after_action(&c.hook, SIG_SWAP, c.pool_id, d0, d1, U256::ZERO, data)?;
            let sender = addr_word(z.sender());
            let topics = [imm!(SWAP_TOPIC), c.pool_id, sender, addr_word(to)];
            z.emit(&topics, &[amount0_in, amount1_in, amount0_out, amount1_out]);
            Ok(())
        })
    }

    /// `uint256(keccak256(abi.encode(poolKey)))`.
    pub(crate) fn pool_id(&self, key: &PoolKey) -> U256 {
        self.hash_words(&[
            key.id0,
            key.id1,
            addr_word(key.token0),
            addr_word(key.token1),
            key.feeOrHook,
        ])
    }

    /// `Expired()` once `block.timestamp > deadline`.
    fn check_deadline(&self, deadline: U256) -> Result<(), ZammError> {
        if deadline < U256::from(self.now()) {
            return Err(ZammError::Expired);
        }
        Ok(())
    }

    /// Hashes the key, runs the before-hook (which sets the fee) and loads the reserves.
    fn open(&mut self, key: &PoolKey, sig: [u8; 4], data: &[u8]) -> Result<Ctx, ZammError> {
        let pool_id = self.pool_id(key);
        let hook = Hook::decode(key.feeOrHook);
        let fee = self.before_action(&hook, sig, pool_id, data)?;
        let base = self.mapping_slot(pool_id, POOLS_SLOT);
        let (r0, r1, ts_last) = unpack(self.sload(base));
        Ok(Ctx {
            pool_id,
            base,
            hook,
            fee,
            r0,
            r1,
            ts_last,
        })
    }

    /// Token0-side payment: credit (then no ETH may be sent), else ETH (exactly `amount`, or with
    /// `refund_excess` at least `amount` and the excess refunded), else a pull with no ETH.
    fn pay_token0(
        &mut self,
        key: &PoolKey,
        amount: U256,
        refund_excess: bool,
    ) -> Result<(), ZammError> {
        let value = self.value();
        if self.use_transient_balance(key.token0, key.id0, amount) {
            if !value.is_zero() {
                return Err(ZammError::InvalidMsgVal);
            }
        } else if key.token0.is_zero() {
            let excess = value.checked_sub(amount).ok_or(ZammError::InvalidMsgVal)?;
            if !excess.is_zero() {
                if !refund_excess {
                    return Err(ZammError::InvalidMsgVal);
                }
                let sender = self.sender();
                self.send_eth(sender, excess)?;
            }
        } else {
            if !value.is_zero() {
                return Err(ZammError::InvalidMsgVal);
            }
            self.pull(key.token0, key.id0, amount)?;
        }
        Ok(())
    }

    /// Token1-side payment: credit, else a pull (token1 is never ETH). `check_value` rejects
    /// ETH on the pull path (swaps); addLiquidity leaves that to its token0 branch.
    fn pay_token1(
        &mut self,
        key: &PoolKey,
        amount: U256,
        check_value: bool,
    ) -> Result<(), ZammError> {
        if self.use_transient_balance(key.token1, key.id1, amount) {
            return Ok(());
        }
        if check_value && !self.value().is_zero() {
            return Err(ZammError::InvalidMsgVal);
        }
        self.pull(key.token1, key.id1, amount)
    }

    /// Swap input: exact-in requires `msg.value == amountIn` for ETH, exact-out refunds excess.
    /// oneForZero with credit does not look at `msg.value` (reference quirk §2.10.2).
    fn pay_input(
        &mut self,
        key: &PoolKey,
        zero_for_one: bool,
        amount: U256,
        exact_out: bool,
    ) -> Result<(), ZammError> {
        if zero_for_one {
            self.pay_token0(key, amount, exact_out)
        } else {
            self.pay_token1(key, amount, true)
        }
    }

    /// First deposit: validate the key, `liquidity = sqrt(a0*a1) - 1000` (checked: a root
    /// below 1000 panics 0x11), *set* `to`'s LP balance and `supply = liquidity + 1000`.
    fn first_deposit(
        &mut self,
        key: &PoolKey,
        c: &Ctx,
        amount0: U256,
        amount1: U256,
        to: Address,
    ) -> Result<U256, ZammError> {
        check_new_pool(key)?;
        let liquidity = sub(sqrt(mul(amount0, amount1)?), MINIMUM_LIQUIDITY)?;
        if liquidity.is_zero() {
            return Err(ZammError::InsufficientLiquidityMinted);
        }
        self.set_balance(to, c.pool_id, liquidity);
        self.sstore(c.slot(SUPPLY), liquidity + MINIMUM_LIQUIDITY);
        Ok(liquidity)
    }

    /// Later deposit (after the protocol fee): LP pro rata to the smaller side.
    fn later_deposit(
        &mut self,
        c: &Ctx,
        supply: U256,
        amount0: U256,
        amount1: U256,
        to: Address,
    ) -> Result<U256, ZammError> {
        let liquidity = mul_div(amount0, supply, c.r0)?.min(mul_div(amount1, supply, c.r1)?);
        if liquidity.is_zero() {
            return Err(ZammError::InsufficientLiquidityMinted);
        }
        self._mint(to, c.pool_id, liquidity)?;
        self.sstore(c.slot(SUPPLY), add(supply, liquidity)?);
        Ok(liquidity)
    }

    /// `_mintFee` (Uniswap V2): with `feeTo` set and `kLast != 0`, mints 1/6 of the sqrt(k)
    /// growth to `feeTo`; with the fee off, clears `kLast`. Takes the pool's current supply
    /// and returns whether the fee is on and the supply after the fee mint.
    fn mint_fee(&mut self, c: &Ctx, supply: U256) -> Result<(bool, U256), ZammError> {
        let fee_to = word_addr(self.sload(FEE_TO_SLOT));
        let k_last = self.sload(c.slot(K_LAST));
        if fee_to.is_zero() {
            if !k_last.is_zero() {
                self.sstore(c.slot(K_LAST), U256::ZERO);
            }
            return Ok((false, supply));
        }
        if !k_last.is_zero() {
            let liquidity = fee_liquidity(supply, mul(c.r0, c.r1)?, k_last)?;
            if !liquidity.is_zero() {
                self._mint(fee_to, c.pool_id, liquidity)?;
                let supply = add(supply, liquidity)?;
                self.sstore(c.slot(SUPPLY), supply);
                return Ok((true, supply));
            }
        }
        Ok((true, supply))
    }

    /// `_update`: uint112 bound check (`Overflow`), TWAP accumulation over the *old* reserves
    /// (uint32 wrapping time, wrapping sums), new packed reserves, `Sync`.
    fn update(&mut self, c: &Ctx, b0: U256, b1: U256) -> Result<(), ZammError> {
        if b0.bit_len() > 112 || b1.bit_len() > 112 {
            return Err(ZammError::Overflow);
        }
        let ts = self.now() as u32;
        let elapsed = U256::from(ts.wrapping_sub(c.ts_last));
        if !elapsed.is_zero() && !c.r0.is_zero() && !c.r1.is_zero() {
            // uint224 price times a uint32 interval cannot overflow; the sums wrap (unchecked).
            let p0 = self
                .sload(c.slot(PRICE0))
                .wrapping_add(uq_price(c.r1, c.r0) * elapsed);
            self.sstore(c.slot(PRICE0), p0);
            let p1 = self
                .sload(c.slot(PRICE1))
                .wrapping_add(uq_price(c.r0, c.r1) * elapsed);
            self.sstore(c.slot(PRICE1), p1);
        }
        self.sstore(c.base, pack(b0, b1, ts));
        self.emit(&[imm!(SYNC_TOPIC), c.pool_id], &[b0, b1]);
        Ok(())
    }

    /// Tail of swapExactIn/Out: pay out (or credit), update, after-hook, `Swap`.
    #[allow(clippy::too_many_arguments)]
    fn settle_exact(
        &mut self,
        key: &PoolKey,
        c: &Ctx,
        zero_for_one: bool,
        amount_in: U256,
        amount_out: U256,
        to: Address,
        sig: [u8; 4],
    ) -> Result<(), ZammError> {
        // amount_out < reserveOut was checked by the callers.
        let (b0, b1, d0, d1, amounts) = if zero_for_one {
            self.push(key.token1, to, key.id1, amount_out)?;
            let ins_outs = [amount_in, U256::ZERO, U256::ZERO, amount_out];
            (
                add(c.r0, amount_in)?,
                c.r1 - amount_out,
                amount_in,
                amount_out.wrapping_neg(),
                ins_outs,
            )
        } else {
            self.push(key.token0, to, key.id0, amount_out)?;
            let ins_outs = [U256::ZERO, amount_in, amount_out, U256::ZERO];
            (
                c.r0 - amount_out,
                add(c.r1, amount_in)?,
                amount_out.wrapping_neg(),
                amount_in,
                ins_outs,
            )
        };
        self.update(c, b0, b1)?;
        // `amount_in` fits in uint112 after `update`, so the int256 deltas are exact.
        self.after_action(&c.hook, sig, c.pool_id, d0, d1, U256::ZERO, &[])?;
        let sender = addr_word(self.sender());
        self.emit(
            &[imm!(SWAP_TOPIC), c.pool_id, sender, addr_word(to)],
            &amounts,
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests;
