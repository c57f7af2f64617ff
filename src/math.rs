//! Pure math (`utils/Math.sol` and the pricing formulas of `ZAMM.sol`, spec §2.4-2.5, §2.9).
//!
//! `U256` operators wrap silently, so every Solidity-checked operation goes through
//! [`add`]/[`sub`]/[`mul`]/[`div`], which fail with the same `Panic` codes solc emits.

use stylus_sdk::alloy_primitives::U256;

use crate::{ZammError, PANIC_DIV_ZERO, PANIC_OVERFLOW};

/// Fees are in basis points out of this.
pub(crate) const BPS: U256 = U256::from_limbs([10_000, 0, 0, 0]);

/// Checked `a + b` (`Panic(0x11)`).
pub(crate) fn add(a: U256, b: U256) -> Result<U256, ZammError> {
    a.checked_add(b).ok_or(ZammError::Panic(PANIC_OVERFLOW))
}

/// Checked `a - b` (`Panic(0x11)`).
pub(crate) fn sub(a: U256, b: U256) -> Result<U256, ZammError> {
    a.checked_sub(b).ok_or(ZammError::Panic(PANIC_OVERFLOW))
}

/// Checked `a * b` (`Panic(0x11)`).
pub(crate) fn mul(a: U256, b: U256) -> Result<U256, ZammError> {
    a.checked_mul(b).ok_or(ZammError::Panic(PANIC_OVERFLOW))
}

#[cfg(target_arch = "wasm32")]
mod hostio {
    #[link(wasm_import_module = "vm_hooks")]
    extern "C" {
        /// EVM `DIV` in place on the first big-endian word.
        pub fn math_div(value: *mut u8, divisor: *const u8);
    }
}

/// `floor(a / b)` for `b != 0`. On chain this is Nitro's `math_div` hostio (about 4 gas, and
/// it keeps ruint's ~8 KB generic long division out of the binary).
fn quotient(a: U256, b: U256) -> U256 {
    #[cfg(target_arch = "wasm32")]
    {
        let mut value = crate::storage::be_bytes(a);
        let divisor = crate::storage::be_bytes(b);
        // SAFETY: both pointers reference live 32-byte words, as the hostio requires.
        unsafe { hostio::math_div(value.as_mut_ptr(), divisor.as_ptr()) };
        crate::storage::from_be(value)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        a / b
    }
}

/// Checked `a / b` (`Panic(0x12)` on division by zero).
pub(crate) fn div(a: U256, b: U256) -> Result<U256, ZammError> {
    if b.is_zero() {
        return Err(ZammError::Panic(PANIC_DIV_ZERO));
    }
    Ok(quotient(a, b))
}

/// `floor(x * y / d)`; `MulDivFailed` if `d == 0` or `x * y` overflows 256 bits.
pub(crate) fn mul_div(x: U256, y: U256, d: U256) -> Result<U256, ZammError> {
    match x.checked_mul(y) {
        Some(product) if !d.is_zero() => Ok(quotient(product, d)),
        _ => Err(ZammError::MulDivFailed),
    }
}

/// Integer square root, rounded down (Newton's method from a power-of-two upper bound; the
/// iterates decrease monotonically to `floor(sqrt(x))`).
pub(crate) fn sqrt(x: U256) -> U256 {
    if x.is_zero() {
        return U256::ZERO;
    }
    let mut z = U256::from(1) << x.bit_len().div_ceil(2);
    loop {
        let y = (z + quotient(x, z)) >> 1;
        if y >= z {
            return z;
        }
        z = y;
    }
}

/// UQ112x112 price `uint224(encode(num) / den)` for the TWAP accumulators. `num` and `den`
/// are uint112 reserves and `den != 0`, so the quotient already fits in 224 bits.
pub(crate) fn uq_price(num: U256, den: U256) -> U256 {
    quotient(num << 112, den)
}

/// Exact-in pricing: `in*(10000-fee)*rOut / (rIn*10000 + in*(10000-fee))`, rounded down.
pub(crate) fn get_amount_out(
    amount_in: U256,
    reserve_in: U256,
    reserve_out: U256,
    fee: U256,
) -> Result<U256, ZammError> {
    let in_with_fee = mul(amount_in, sub(BPS, fee)?)?;
    let numerator = mul(in_with_fee, reserve_out)?;
    let denominator = add(mul(reserve_in, BPS)?, in_with_fee)?;
    div(numerator, denominator)
}

/// Exact-out pricing: `rIn*out*10000 / ((rOut-out)*(10000-fee)) + 1` (always `+1`, V2 style).
pub(crate) fn get_amount_in(
    amount_out: U256,
    reserve_in: U256,
    reserve_out: U256,
    fee: U256,
) -> Result<U256, ZammError> {
    let numerator = mul(mul(reserve_in, amount_out)?, BPS)?;
    let denominator = mul(sub(reserve_out, amount_out)?, sub(BPS, fee)?)?;
    add(div(numerator, denominator)?, U256::from(1))
}

/// Uniswap V2 protocol-fee liquidity (1/6 of the sqrt(k) growth):
/// `supply*(rootK-rootKLast) / (5*rootK + rootKLast)`; 0 unless `rootK > rootKLast`.
pub(crate) fn fee_liquidity(supply: U256, k: U256, k_last: U256) -> Result<U256, ZammError> {
    let root_k = sqrt(k);
    let root_k_last = sqrt(k_last);
    if root_k <= root_k_last {
        return Ok(U256::ZERO);
    }
    let numerator = mul(supply, root_k - root_k_last)?;
    let denominator = add(mul(root_k, U256::from(5))?, root_k_last)?;
    div(numerator, denominator)
}

#[cfg(test)]
mod tests {
    use super::*;
    use stylus_sdk::alloy_primitives::{uint, U512};

    const E18: U256 = uint!(1_000_000_000_000_000_000_U256);
    const FEE30: U256 = uint!(30_U256);

    /// Deterministic xorshift generator for property loops (no extra dev-dependencies).
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        /// A value with a random bit length up to `max_bits`.
        fn below_bits(&mut self, max_bits: usize) -> U256 {
            let limbs = [self.next(), self.next(), self.next(), self.next()];
            let bits = (self.next() as usize) % (max_bits + 1);
            let v = U256::from_limbs(limbs);
            if bits == 0 {
                U256::ZERO
            } else {
                v >> (256 - bits)
            }
        }
    }

    #[test]
    fn amount_out_matches_uniswap_v2_vectors() {
        // Uniswap v2-core `getInputPrice` vectors (0.3% fee), amounts in units of 1e18.
        let cases: [(u64, u64, u64, &str); 7] = [
            (1, 5, 10, "1662497915624478906"),
            (1, 10, 5, "453305446940074565"),
            (2, 5, 10, "2851015155847869602"),
            (2, 10, 5, "831248957812239453"),
            (1, 10, 10, "906610893880149131"),
            (1, 100, 100, "987158034397061298"),
            (1, 1000, 1000, "996006981039903216"),
        ];
        for (a, r_in, r_out, out) in cases {
            let got = get_amount_out(
                U256::from(a) * E18,
                U256::from(r_in) * E18,
                U256::from(r_out) * E18,
                FEE30,
            );
            assert_eq!(
                got,
                Ok(U256::from_str_radix(out, 10).unwrap()),
                "case {a},{r_in},{r_out}"
            );
        }
    }

    #[test]
    fn amount_in_always_adds_one() {
        // 1000*10*10000 / ((1000-10)*10000) = 10.1.. -> 10 + 1; exact division still adds 1.
        assert_eq!(
            get_amount_in(
                U256::from(10),
                U256::from(1000),
                U256::from(1000),
                U256::ZERO
            ),
            Ok(U256::from(11))
        );
        assert_eq!(
            get_amount_in(U256::from(1), U256::from(1), U256::from(2), U256::ZERO),
            Ok(U256::from(2))
        );
    }

    #[test]
    fn pricing_error_codes_match_solidity() {
        let r = U256::from(1000);
        // Fee 100%: exact-in prices to 0, exact-out divides by zero.
        assert_eq!(get_amount_out(U256::from(5), r, r, BPS), Ok(U256::ZERO));
        assert_eq!(
            get_amount_in(U256::from(5), r, r, BPS),
            Err(ZammError::Panic(0x12))
        );
        // Hook fee above 100% underflows `10000 - fee`.
        let fee = BPS + U256::from(1);
        assert_eq!(
            get_amount_out(U256::from(5), r, r, fee),
            Err(ZammError::Panic(0x11))
        );
        assert_eq!(
            get_amount_in(U256::from(5), r, r, fee),
            Err(ZammError::Panic(0x11))
        );
        // Empty pool exact-in: 0; output above reserve exact-out: underflow.
        assert_eq!(
            get_amount_out(U256::from(5), U256::ZERO, U256::ZERO, FEE30),
            Ok(U256::ZERO)
        );
        assert_eq!(
            get_amount_in(U256::from(5), r, U256::from(4), FEE30),
            Err(ZammError::Panic(0x11))
        );
        // Overflowing products panic instead of wrapping.
        assert_eq!(
            get_amount_out(U256::MAX, r, r, FEE30),
            Err(ZammError::Panic(0x11))
        );
    }

    #[test]
    fn amount_in_and_out_are_consistent() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..2000 {
            let r_in = rng.below_bits(112) + U256::from(1);
            let r_out = rng.below_bits(112) + U256::from(2);
            let fee = U256::from(rng.next() % 10_000);
            let amount_in = rng.below_bits(112);
            let out = get_amount_out(amount_in, r_in, r_out, fee).unwrap();
            assert!(out < r_out);
            if !out.is_zero() {
                // Buying `out` back costs at most what produced it, plus the always-added 1.
                assert!(get_amount_in(out, r_in, r_out, fee).unwrap() <= amount_in + U256::from(1));
            }
            let want = rng.below_bits(111) % (r_out / U256::from(2));
            if !want.is_zero() {
                let need = get_amount_in(want, r_in, r_out, fee).unwrap();
                assert!(get_amount_out(need, r_in, r_out, fee).unwrap() >= want);
            }
        }
    }

    #[test]
    fn sqrt_table() {
        let cases: [(u128, u128); 9] = [
            (0, 0),
            (1, 1),
            (2, 1),
            (3, 1),
            (4, 2),
            (15, 3),
            (16, 4),
            (1_000_000, 1000),
            (
                4_000_000_000_000_000_000_000_000_000_000_000_000,
                2_000_000_000_000_000_000,
            ),
        ];
        for (x, s) in cases {
            assert_eq!(sqrt(U256::from(x)), U256::from(s), "sqrt({x})");
        }
        assert_eq!(sqrt(U256::MAX), U256::from(u128::MAX));
    }

    #[test]
    fn sqrt_is_floor_for_random_inputs() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        for _ in 0..3000 {
            let x = rng.below_bits(256);
            let s = sqrt(x);
            let s2 = U512::from(s) * U512::from(s);
            let next = U512::from(s + U256::from(1));
            assert!(
                s2 <= U512::from(x) && U512::from(x) < next * next,
                "sqrt({x})"
            );
        }
    }

    #[test]
    fn mul_div_floors_and_fails_like_reference() {
        assert_eq!(
            mul_div(U256::from(7), U256::from(3), U256::from(2)),
            Ok(U256::from(10))
        );
        assert_eq!(
            mul_div(U256::from(7), U256::from(3), U256::ZERO),
            Err(ZammError::MulDivFailed)
        );
        assert_eq!(
            mul_div(U256::MAX, U256::from(2), U256::from(4)),
            Err(ZammError::MulDivFailed)
        );
        assert_eq!(
            mul_div(U256::ZERO, U256::MAX, U256::from(1)),
            Ok(U256::ZERO)
        );
        let mut rng = Rng(0xdead_beef_cafe_f00d);
        for _ in 0..2000 {
            let (x, y) = (rng.below_bits(200), rng.below_bits(200));
            let d = rng.below_bits(256);
            let exact = U512::from(x) * U512::from(y);
            let got = mul_div(x, y, d);
            if d.is_zero() || exact > U512::from(U256::MAX) {
                assert_eq!(got, Err(ZammError::MulDivFailed));
            } else {
                assert_eq!(U512::from(got.unwrap()), exact / U512::from(d));
            }
        }
    }

    #[test]
    fn uq_price_is_uq112x112_quotient() {
        let one = U256::from(1) << 112;
        assert_eq!(uq_price(U256::from(4), U256::from(1)), one * U256::from(4));
        assert_eq!(uq_price(U256::from(1), U256::from(4)), one / U256::from(4));
        let max112 = (U256::from(1) << 112) - U256::from(1);
        assert_eq!(uq_price(max112, U256::from(1)), max112 << 112);
    }

    #[test]
    fn fee_liquidity_matches_uniswap_v2_fee_to_on() {
        // v2-core "feeTo:on": 1000e18/1000e18 pool, 1e18 of token1 swapped in for
        // 996006981039903216 token0, then all LP burned: feeTo receives 249750499251388.
        let supply = U256::from(1000) * E18;
        let k_last = supply * supply;
        let r0 = supply - U256::from_str_radix("996006981039903216", 10).unwrap();
        let r1 = supply + E18;
        assert_eq!(
            fee_liquidity(supply, r0 * r1, k_last),
            Ok(U256::from(249_750_499_251_388u64))
        );
        // No growth, or shrinkage: nothing minted.
        assert_eq!(fee_liquidity(supply, k_last, k_last), Ok(U256::ZERO));
        assert_eq!(
            fee_liquidity(supply, k_last - U256::from(1), k_last),
            Ok(U256::ZERO)
        );
    }

    #[test]
    fn fee_liquidity_is_one_sixth_of_growth() {
        let mut rng = Rng(0x0123_4567_89ab_cdef);
        for _ in 0..1000 {
            let supply = rng.below_bits(120) + U256::from(1000);
            let root_last = rng.below_bits(110) + U256::from(1);
            let root = root_last + rng.below_bits(100) + U256::from(1);
            let liq = fee_liquidity(supply, root * root, root_last * root_last).unwrap();
            // liq/(supply+liq) == (root-rootLast)/(6*root) up to flooring:
            let lhs = U512::from(liq) * U512::from(U256::from(5) * root + root_last);
            let rhs = U512::from(supply) * U512::from(root - root_last);
            assert!(lhs <= rhs && rhs < lhs + U512::from(U256::from(5) * root + root_last));
        }
    }
}
