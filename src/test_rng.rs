//! The tests' pseudo-random numbers: Marsaglia's xorshift64 (13, 7, 17), reproducible
//! and without a dependency; for drawing test inputs, never for the model (which draws
//! with ChaCha, `runner::uniforms`).

/// The next state after `state` (not 0), which is also the number drawn.
pub fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// A number in [0, 1) from the next state's top 53 bits.
pub fn unit(state: &mut u64) -> f64 {
    (next(state) >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_the_xorshift64_sequence() {
        // The first draws from 1, by hand: 1 ^ 1 << 13 = 8193; 8193 ^ 8193 >> 7 = 8257;
        // 8257 ^ 8257 << 17 = 1082269761.
        let mut s = 1;
        assert_eq!(next(&mut s), 1_082_269_761);
        assert_eq!(s, 1_082_269_761);
        let u = unit(&mut s);
        assert!((0.0..1.0).contains(&u));
    }
}
