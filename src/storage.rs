//! Raw storage slots and ABI words, mirroring the reference layout (spec §1.4) so that
//! `eth_getStorageAt` reads the same as on the Solidity deployment.
//!
//! Layout: slot 0x00 = `feeToSetter` (the otherwise unused `pools` mapping base), slot 0x20 =
//! `feeTo`, slot 1 = `coins` counter, `pools[poolId]` at `keccak(poolId . 0)` (+0..4), `lockups`
//! mapping at base 2, `orders` mapping at base 3. ERC-6909 slots use solady's seed scheme
//! (see [`crate::erc6909`]).

use alloc::vec::Vec;
use stylus_sdk::alloy_primitives::{Address, B256, U256};
#[cfg(not(target_arch = "wasm32"))]
use stylus_sdk::prelude::*;

use crate::ZAMM;

/// `feeToSetter` (admin of the protocol-fee switch).
pub(crate) const FEE_TO_SETTER_SLOT: U256 = U256::ZERO;
/// `feeTo` (protocol-fee recipient; fee is on when non-zero).
pub(crate) const FEE_TO_SLOT: U256 = U256::from_limbs([0x20, 0, 0, 0]);
/// Last id handed out by `coin()`.
pub(crate) const COINS_SLOT: U256 = U256::from_limbs([1, 0, 0, 0]);
/// Base slot of the `pools` mapping.
pub(crate) const POOLS_SLOT: U256 = U256::ZERO;
/// Base slot of the `lockups` mapping.
pub(crate) const LOCKUPS_SLOT: U256 = U256::from_limbs([2, 0, 0, 0]);
/// Base slot of the `orders` mapping.
pub(crate) const ORDERS_SLOT: U256 = U256::from_limbs([3, 0, 0, 0]);

/// A word from four limbs (least significant first), for [`imm!`].
#[inline(never)]
pub(crate) fn from_limbs(l0: u64, l1: u64, l2: u64, l3: u64) -> U256 {
    U256::from_limbs([l0, l1, l2, l3])
}

/// A constant `U256` (an event topic) rebuilt at run time from immediates in the code. As a
/// plain constant it would sit in the data section, which Stylus charges on every call (~0.75
/// gas per byte of cached init cost); the immediates cost ~0.13 gas per byte, and only when
/// the program is not cached.
macro_rules! imm {
    ($word:expr) => {{
        const LIMBS: [u64; 4] = $word.into_limbs();
        $crate::storage::from_limbs(LIMBS[0], LIMBS[1], LIMBS[2], LIMBS[3])
    }};
}
pub(crate) use imm;

/// A constant ABI word (an event topic) as big-endian bytes rebuilt from code immediates, for
/// the same reason as [`imm!`]; no `U256` conversion at run time.
macro_rules! imm_be {
    ($word:expr) => {{
        const B: [u8; 32] = $word.to_be_bytes::<32>();
        const fn ne(i: usize) -> u64 {
            u64::from_ne_bytes([
                B[i],
                B[i + 1],
                B[i + 2],
                B[i + 3],
                B[i + 4],
                B[i + 5],
                B[i + 6],
                B[i + 7],
            ])
        }
        $crate::storage::bytes_from_ne(ne(0), ne(8), ne(16), ne(24))
    }};
}
pub(crate) use imm_be;

/// 32 bytes from four native-endian 8-byte chunks, for [`imm_be!`].
#[inline(never)]
pub(crate) fn bytes_from_ne(c0: u64, c1: u64, c2: u64, c3: u64) -> [u8; 32] {
    // SAFETY: `[u64; 4]` and `[u8; 32]` have the same size and every bit pattern is valid.
    unsafe { core::mem::transmute::<[u64; 4], [u8; 32]>([c0, c1, c2, c3]) }
}

/// An address as a left-padded ABI word in bytes (no `U256` round trip).
pub(crate) fn addr_bytes(a: Address) -> [u8; 32] {
    a.into_word().0
}

/// A word's 32 big-endian bytes, straight-line (one byte swap per limb): ruint's conversion is
/// a loop, and Stylus meters every iteration as a basic block (2,450 ink on top of its ops).
#[inline(never)]
pub(crate) fn be_bytes(w: U256) -> [u8; 32] {
    let [a, b, c, d] = w.into_limbs();
    // SAFETY: `[u64; 4]` and `[u8; 32]` have the same size and every bit pattern is valid.
    unsafe {
        core::mem::transmute::<[u64; 4], [u8; 32]>([d.to_be(), c.to_be(), b.to_be(), a.to_be()])
    }
}

/// The word of 32 big-endian bytes, straight-line (see [`be_bytes`]).
#[inline(never)]
pub(crate) fn from_be(bytes: [u8; 32]) -> U256 {
    // SAFETY: `[u8; 32]` and `[u64; 4]` have the same size and every bit pattern is valid.
    let [d, c, b, a] = unsafe { core::mem::transmute::<[u8; 32], [u64; 4]>(bytes) };
    U256::from_limbs([
        u64::from_be(a),
        u64::from_be(b),
        u64::from_be(c),
        u64::from_be(d),
    ])
}

/// An address as a left-padded ABI word.
pub(crate) fn addr_word(a: Address) -> U256 {
    from_be(a.into_word().0)
}

/// The low 160 bits of a word as an address (Solidity's `address(uint160(w))`).
pub(crate) fn word_addr(w: U256) -> Address {
    Address::from_word(B256::new(be_bytes(w)))
}

/// Most words one hash preimage or log holds: the 9-word order hash; 4 topics + 4 data words.
const MAX_WORDS: usize = 9;

/// Runs `f` over the words of `groups` (at most [`MAX_WORDS`]) as big-endian ABI words in an
/// uninitialised stack buffer: no heap allocation and no zero-fill (~3 gas for 288 bytes).
fn with_words<T>(groups: &[&[U256]], f: impl FnOnce(&[u8]) -> T) -> T {
    let mut buf = core::mem::MaybeUninit::<[[u8; 32]; MAX_WORDS]>::uninit();
    let dst = buf.as_mut_ptr().cast::<[u8; 32]>();
    let mut count = 0;
    for word in groups.iter().flat_map(|g| g.iter()).take(MAX_WORDS) {
        // SAFETY: `count < MAX_WORDS`, so the write stays inside `buf`.
        unsafe { dst.add(count).write(be_bytes(*word)) };
        count += 1;
    }
    // SAFETY: exactly the first `count` words were initialised above.
    f(unsafe { core::slice::from_raw_parts(dst.cast::<u8>(), 32 * count) })
}

/// Appends `words` as 32-byte big-endian ABI words.
pub(crate) fn put_words(buf: &mut Vec<u8>, words: &[U256]) {
    for w in words {
        buf.extend_from_slice(&be_bytes(*w));
    }
}

/// Appends a dynamic `bytes`/`string` tail: length word, data, zero padding to 32 bytes.
pub(crate) fn put_bytes(buf: &mut Vec<u8>, data: &[u8]) {
    put_words(buf, &[U256::from(data.len())]);
    buf.extend_from_slice(data);
    buf.resize(buf.len() + (32 - data.len() % 32) % 32, 0);
}

/// The storage, hashing and log hostios, called directly on chain: the SDK routes every call
/// through its boxed `dyn Host` (an indirect call, ~1.5 gas each on these hot paths).
#[cfg(target_arch = "wasm32")]
mod hostio {
    #[link(wasm_import_module = "vm_hooks")]
    extern "C" {
        pub fn storage_load_bytes32(key: *const u8, dest: *mut u8);
        pub fn storage_cache_bytes32(key: *const u8, value: *const u8);
        pub fn native_keccak256(bytes: *const u8, len: usize, output: *mut u8);
        pub fn emit_log(data: *const u8, len: usize, topics: usize);
        pub fn msg_sender(sender: *mut u8);
        pub fn contract_address(address: *mut u8);
        pub fn msg_value(value: *mut u8);
        pub fn block_timestamp() -> u64;
    }
}

#[cfg(target_arch = "wasm32")]
impl ZAMM {
    /// SLOAD through the host's per-call storage cache.
    pub(crate) fn sload(&self, slot: U256) -> U256 {
        let key = be_bytes(slot);
        let mut out = [0u8; 32];
        // SAFETY: both pointers reference live 32-byte words, as the hostio requires.
        unsafe { hostio::storage_load_bytes32(key.as_ptr(), out.as_mut_ptr()) };
        from_be(out)
    }

    /// SSTORE into the host's write cache (flushed before external calls and at exit).
    pub(crate) fn sstore(&mut self, slot: U256, value: U256) {
        let (key, value) = (be_bytes(slot), be_bytes(value));
        // SAFETY: both pointers reference live 32-byte words. The cache is flushed by the
        // entrypoint on exit and by `transfer::call_raw` before any external call.
        unsafe { hostio::storage_cache_bytes32(key.as_ptr(), value.as_ptr()) };
    }

    /// keccak256.
    pub(crate) fn keccak(&self, data: &[u8]) -> U256 {
        let mut out = [0u8; 32];
        // SAFETY: `data` is a live slice and `out` a live 32-byte word.
        unsafe { hostio::native_keccak256(data.as_ptr(), data.len(), out.as_mut_ptr()) };
        from_be(out)
    }

    /// LOG with the first `topics` words of `buf` as topics.
    fn emit_log(&self, buf: &[u8], topics: usize) {
        // SAFETY: `buf` is a live slice holding at least `topics` words.
        unsafe { hostio::emit_log(buf.as_ptr(), buf.len(), topics) };
    }

    /// `msg.sender`.
    pub(crate) fn sender(&self) -> Address {
        let mut out = Address::ZERO;
        // SAFETY: `out` is a live 20-byte buffer.
        unsafe { hostio::msg_sender(out.as_mut_ptr()) };
        out
    }

    /// `address(this)`.
    pub(crate) fn this(&self) -> Address {
        let mut out = Address::ZERO;
        // SAFETY: `out` is a live 20-byte buffer.
        unsafe { hostio::contract_address(out.as_mut_ptr()) };
        out
    }

    /// `msg.value`.
    pub(crate) fn value(&self) -> U256 {
        let mut out = [0u8; 32];
        // SAFETY: `out` is a live 32-byte word.
        unsafe { hostio::msg_value(out.as_mut_ptr()) };
        from_be(out)
    }

    /// `block.timestamp`.
    pub(crate) fn now(&self) -> u64 {
        // SAFETY: no arguments.
        unsafe { hostio::block_timestamp() }
    }
}

/// Native unit tests: the same operations through the SDK's `TestVM`.
#[cfg(not(target_arch = "wasm32"))]
impl ZAMM {
    pub(crate) fn sload(&self, slot: U256) -> U256 {
        self.vm().storage_load_bytes32(slot).into()
    }

    pub(crate) fn sstore(&mut self, slot: U256, value: U256) {
        // SAFETY: TestVM storage has no cache to lose.
        unsafe { self.vm().storage_cache_bytes32(slot, value.into()) }
    }

    pub(crate) fn keccak(&self, data: &[u8]) -> U256 {
        self.vm().native_keccak256(data).into()
    }

    fn emit_log(&self, buf: &[u8], topics: usize) {
        self.vm().emit_log(buf, topics);
    }

    pub(crate) fn sender(&self) -> Address {
        self.vm().msg_sender()
    }

    pub(crate) fn this(&self) -> Address {
        self.vm().contract_address()
    }

    pub(crate) fn value(&self) -> U256 {
        self.vm().msg_value()
    }

    pub(crate) fn now(&self) -> u64 {
        self.vm().block_timestamp()
    }
}

impl ZAMM {
    /// Solidity's `mapping(key => ..)` slot at `base`: `keccak256(key . base)`.
    pub(crate) fn mapping_slot(&self, key: U256, base: U256) -> U256 {
        self.hash_words(&[key, base])
    }

    /// `keccak256(abi.encode(words...))`: pool ids, order/lock hashes, credit slots.
    pub(crate) fn hash_words(&self, words: &[U256]) -> U256 {
        with_words(&[words], |bytes| self.keccak(bytes))
    }

    /// `keccak256` of ABI words already in big-endian bytes.
    pub(crate) fn hash_bytes(&self, words: &[[u8; 32]]) -> U256 {
        self.keccak(words.as_flattened())
    }

    /// Emits a log of big-endian words: the first `topics` are topics, the rest data.
    pub(crate) fn emit_bytes(&self, words: &[[u8; 32]], topics: usize) {
        self.emit_log(words.as_flattened(), topics);
    }

    /// Emits a log with the given topics and ABI words as data.
    pub(crate) fn emit(&self, topics: &[U256], data: &[U256]) {
        with_words(&[topics, data], |bytes| self.emit_log(bytes, topics.len()));
    }

    /// Emits a log whose data is a single ABI-encoded `string` (`URI`).
    pub(crate) fn emit_string(&self, topics: &[U256], text: &[u8]) {
        let mut buf = Vec::with_capacity(32 * (topics.len() + 3) + text.len());
        put_words(&mut buf, topics);
        put_words(&mut buf, &[U256::from(32)]);
        put_bytes(&mut buf, text);
        self.emit_log(&buf, topics.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_conversions_match_ruint_big_endian() {
        let w = U256::from_limbs([0x0102_0304_0506_0708, 0x1112_1314_1516_1718, 9, 1 << 63]);
        assert_eq!(be_bytes(w), w.to_be_bytes::<32>());
        assert_eq!(from_be(w.to_be_bytes::<32>()), w);
        assert_eq!(
            imm_be!(U256::from_limbs([1, 2, 3, 4])),
            U256::from_limbs([1, 2, 3, 4]).to_be_bytes::<32>()
        );
        assert_eq!(
            addr_bytes(Address::repeat_byte(7)),
            addr_word(Address::repeat_byte(7)).to_be_bytes::<32>()
        );
    }

    #[test]
    fn address_words_round_trip_and_mask_high_bits() {
        let a = Address::repeat_byte(0xab);
        assert_eq!(word_addr(addr_word(a)), a);
        let dirty = addr_word(a) | (U256::from(1) << 200);
        assert_eq!(word_addr(dirty), a);
    }

    #[test]
    fn bytes_tail_is_length_prefixed_and_padded() {
        let mut buf = Vec::new();
        put_bytes(&mut buf, b"abc");
        assert_eq!(buf.len(), 64);
        assert_eq!(buf[31], 3);
        assert_eq!(&buf[32..35], b"abc");
        let mut exact = Vec::new();
        put_bytes(&mut exact, &[7u8; 32]);
        assert_eq!(exact.len(), 64);
        let mut empty = Vec::new();
        put_bytes(&mut empty, &[]);
        assert_eq!(empty.len(), 32);
    }
}
