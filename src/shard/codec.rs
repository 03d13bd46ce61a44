//! The binary payload of a shard file: a shard's partial statistics (collectors, their
//! exact values or sketches, the routes they saw), little-endian, every f64 by its bits
//! so that it reads back exactly. Reading never panics: lengths are checked against the
//! bytes left and shapes against the study's.

use crate::compare::ComparePart;
use crate::exact_sum::{ExactSum, Fixed};
use crate::figures::RouteInfo;
use crate::results::{Collector, Columns};
use crate::stats::{Acc, Buckets, Sketch};

/// Why a payload could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct DecodeError(pub String);

fn bad(what: impl Into<String>) -> DecodeError {
    DecodeError(what.into())
}

/// Appends values to a byte buffer.
#[derive(Debug, Default)]
pub struct Writer {
    pub bytes: Vec<u8>,
}

impl Writer {
    pub fn u8(&mut self, v: u8) {
        self.bytes.push(v);
    }
    pub fn u64(&mut self, v: u64) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    pub fn i64(&mut self, v: i64) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    pub fn f64(&mut self, v: f64) {
        self.u64(v.to_bits());
    }
    pub fn len(&mut self, n: usize) {
        self.u64(n as u64);
    }
    pub fn str(&mut self, s: &str) {
        self.len(s.len());
        self.bytes.extend_from_slice(s.as_bytes());
    }
    /// An unsigned LEB128 varint (1 byte below 128).
    pub fn var(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.bytes.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.bytes.push(v as u8);
    }
    /// A signed varint (zigzag).
    pub fn svar(&mut self, v: i64) {
        self.var(((v << 1) ^ (v >> 63)) as u64);
    }
    pub fn f64s(&mut self, v: &[f64]) {
        self.len(v.len());
        self.bytes.reserve(8 * v.len());
        for x in v {
            self.f64(*x);
        }
    }
}

/// Reads values back, in the order written.
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, at: 0 }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|e| *e <= self.bytes.len())
            .ok_or_else(|| bad("the data ends early"))?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }
    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }
    pub fn u64(&mut self) -> Result<u64, DecodeError> {
        let mut b = [0u8; 8];
        b.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(b))
    }
    pub fn i64(&mut self) -> Result<i64, DecodeError> {
        Ok(self.u64()? as i64)
    }
    pub fn f64(&mut self) -> Result<f64, DecodeError> {
        Ok(f64::from_bits(self.u64()?))
    }
    pub fn var(&mut self) -> Result<u64, DecodeError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(bad("a number is too long"))
    }
    pub fn svar(&mut self) -> Result<i64, DecodeError> {
        let z = self.var()?;
        Ok(((z >> 1) as i64) ^ -((z & 1) as i64))
    }
    pub fn usize(&mut self) -> Result<usize, DecodeError> {
        usize::try_from(self.u64()?).map_err(|_| bad("a count is too large"))
    }
    pub fn i32(&mut self) -> Result<i32, DecodeError> {
        i32::try_from(self.i64()?).map_err(|_| bad("an index is out of range"))
    }
    /// A length of items of at least `item_bytes` each, checked against the bytes left.
    pub fn len(&mut self, item_bytes: usize) -> Result<usize, DecodeError> {
        let n = self.usize()?;
        if n.saturating_mul(item_bytes.max(1)) > self.bytes.len() - self.at {
            return Err(bad("a length runs past the end of the data"));
        }
        Ok(n)
    }
    pub fn str(&mut self) -> Result<String, DecodeError> {
        let n = self.len(1)?;
        String::from_utf8(self.take(n)?.to_vec()).map_err(|_| bad("a name is not UTF-8"))
    }
    pub fn f64s(&mut self) -> Result<Vec<f64>, DecodeError> {
        let n = self.len(8)?;
        let raw = self.take(8 * n)?;
        Ok(raw
            .chunks_exact(8)
            .map(|c| f64::from_bits(u64::from_le_bytes(c.try_into().unwrap_or([0; 8]))))
            .collect())
    }
    /// Fails unless every byte was read.
    pub fn end(&self) -> Result<(), DecodeError> {
        if self.at == self.bytes.len() {
            Ok(())
        } else {
            Err(bad("unexpected bytes after the data"))
        }
    }
}

fn put_fixed(w: &mut Writer, f: &Fixed) {
    let mut f = f.clone();
    f.carry();
    w.svar(i64::from(f.offset));
    w.var(f.digits.len() as u64);
    f.digits.iter().for_each(|d| w.svar(*d));
}

fn get_fixed(r: &mut Reader) -> Result<Fixed, DecodeError> {
    let offset = i32::try_from(r.svar()?).map_err(|_| bad("an exact sum is out of range"))?;
    let n = r.var()?;
    if offset.unsigned_abs() > 1 << 20 || n > 1 << 20 {
        return Err(bad("an exact sum is out of range"));
    }
    let mut digits = Vec::with_capacity(n as usize);
    for _ in 0..n {
        let d = r.svar()?;
        if d.unsigned_abs() >= 1 << 33 {
            return Err(bad("an exact sum has an out-of-range digit"));
        }
        digits.push(d);
    }
    Ok(Fixed {
        offset,
        digits,
        adds: 0,
    })
}

/// Buckets sparsely: the non-zero counts, each after the gap from the previous one.
fn put_buckets(w: &mut Writer, b: &Buckets) {
    w.svar(i64::from(b.offset));
    w.var(b.counts.len() as u64);
    let used = b.counts.iter().filter(|c| **c > 0).count();
    w.var(used as u64);
    let mut last = 0usize;
    for (i, c) in b.counts.iter().enumerate().filter(|(_, c)| **c > 0) {
        w.var((i - last) as u64);
        w.var(*c);
        last = i;
    }
}

fn get_buckets(r: &mut Reader) -> Result<Buckets, DecodeError> {
    let offset = i32::try_from(r.svar()?).map_err(|_| bad("a sketch is out of range"))?;
    let len = r.var()?;
    let used = r.var()?;
    if offset.unsigned_abs() > 400_000 || len > 400_001 || used > len {
        return Err(bad("a sketch has buckets out of range"));
    }
    let mut counts = vec![0u64; len as usize];
    let mut at = 0u64;
    for _ in 0..used {
        at += r.var()?;
        let c = r.var()?;
        let slot = counts
            .get_mut(at as usize)
            .ok_or_else(|| bad("a sketch bucket is out of range"))?;
        *slot = c;
    }
    Ok(Buckets { offset, counts })
}

fn put_acc(w: &mut Writer, a: &Acc) {
    match a {
        Acc::Exact(v) => {
            w.u8(0);
            w.f64s(v);
        }
        Acc::Sketch(sk) => {
            w.u8(1);
            w.var(sk.pushed as u64);
            w.var(sk.n as u64);
            w.f64(sk.min);
            w.f64(sk.max);
            w.var(sk.zeros);
            put_buckets(w, &sk.positive);
            put_buckets(w, &sk.negative);
            w.var(sk.sums.n);
            w.var(sk.sums.pos_inf);
            w.var(sk.sums.neg_inf);
            put_fixed(w, &sk.sums.sum);
            put_fixed(w, &sk.sums.squares);
        }
    }
}

fn get_acc(r: &mut Reader) -> Result<Acc, DecodeError> {
    match r.u8()? {
        0 => Ok(Acc::Exact(r.f64s()?)),
        1 => {
            let sk = Sketch {
                pushed: r.var()? as usize,
                n: r.var()? as usize,
                min: r.f64()?,
                max: r.f64()?,
                zeros: r.var()?,
                positive: get_buckets(r)?,
                negative: get_buckets(r)?,
                sums: ExactSum {
                    n: r.var()?,
                    pos_inf: r.var()?,
                    neg_inf: r.var()?,
                    sum: get_fixed(r)?,
                    squares: get_fixed(r)?,
                },
            };
            let total = |parts: &[u64]| parts.iter().try_fold(0u64, |a, c| a.checked_add(*c));
            let counted = [
                Some(sk.zeros),
                total(&sk.positive.counts),
                total(&sk.negative.counts),
            ]
            .into_iter()
            .try_fold(0u64, |a, c| a.checked_add(c?));
            let summed = total(&[sk.sums.n, sk.sums.pos_inf, sk.sums.neg_inf]);
            if sk.n > sk.pushed || counted != Some(sk.n as u64) || summed != Some(sk.n as u64) {
                return Err(bad("a sketch's counts disagree"));
            }
            Ok(Acc::Sketch(Box::new(sk)))
        }
        _ => Err(bad("unknown kind of figure")),
    }
}

fn put_columns(w: &mut Writer, c: &Columns) {
    match c {
        Columns::Exact { width, data } => {
            w.u8(0);
            w.len(*width);
            w.f64s(data);
        }
        Columns::Sketched(accs) => {
            w.u8(1);
            w.len(accs.len());
            accs.iter().for_each(|a| put_acc(w, a));
        }
    }
}

/// Reads columns of `width` figures for `reps` replications.
fn get_columns(r: &mut Reader, width: usize, reps: u64) -> Result<Columns, DecodeError> {
    let kind = r.u8()?;
    let w = r.usize()?;
    if w != width {
        return Err(bad(format!(
            "a table has {w} figures per replication where the scenario has {width}"
        )));
    }
    match kind {
        0 => {
            let data = r.f64s()?;
            if data.len() as u128 != width as u128 * u128::from(reps) {
                return Err(bad("a table's values do not match its replications"));
            }
            Ok(Columns::Exact { width, data })
        }
        1 => {
            let mut accs = Vec::with_capacity(width);
            for _ in 0..width {
                let a = get_acc(r)?;
                if !matches!(a, Acc::Sketch(_)) || a.len() as u64 != reps {
                    return Err(bad(
                        "a sketched table's figures do not match its replications",
                    ));
                }
                accs.push(a);
            }
            Ok(Columns::Sketched(accs))
        }
        _ => Err(bad("unknown kind of table")),
    }
}

fn put_routes(w: &mut Writer, info: &[RouteInfo]) {
    w.len(info.len());
    for ri in info {
        w.len(ri.demand);
        w.str(&ri.key);
        w.str(&ri.name);
        w.len(ri.corridor);
    }
}

fn get_routes(
    r: &mut Reader,
    n_demand: usize,
    n_corridors: usize,
) -> Result<Vec<RouteInfo>, DecodeError> {
    let n = r.len(32)?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let ri = RouteInfo {
            demand: r.usize()?,
            key: r.str()?,
            name: r.str()?,
            corridor: r.usize()?,
        };
        if ri.demand >= n_demand || ri.corridor >= n_corridors {
            return Err(bad(
                "a route names a flow or corridor the scenario does not have",
            ));
        }
        out.push(ri);
    }
    Ok(out)
}

/// Writes a collector and the routes its ids stand for.
pub fn put_collector(w: &mut Writer, c: &Collector, routes: &[RouteInfo]) {
    put_routes(w, routes);
    w.u64(c.reps);
    w.len(c.stored);
    w.u8(u8::from(c.sketched));
    for cols in [
        &c.links,
        &c.corridors,
        &c.demand,
        &c.convergence,
        &c.disruptions,
        &c.induced,
        &c.measures,
        &c.queues,
    ] {
        put_columns(w, cols);
    }
    w.len(c.routes.len());
    for slots in &c.routes {
        let used = slots.iter().filter(|s| s.is_some()).count();
        w.len(used);
        for (g, accs) in slots.iter().enumerate() {
            if let Some(accs) = accs {
                w.len(g);
                accs.iter().for_each(|a| put_acc(w, a));
            }
        }
    }
}

/// Reads a collector written by `put_collector` into the shape of `empty` (a new
/// collector of the same study), with its routes.
pub fn get_collector(
    r: &mut Reader,
    empty: Collector,
    n_demand: usize,
    n_corridors: usize,
) -> Result<(Collector, Vec<RouteInfo>), DecodeError> {
    let routes = get_routes(r, n_demand, n_corridors)?;
    let mut c = empty;
    c.reps = r.u64()?;
    c.stored = r.usize()?;
    c.sketched = match r.u8()? {
        0 => false,
        1 => true,
        _ => return Err(bad("unknown kind of collector")),
    };
    let reps = c.reps;
    for cols in [
        &mut c.links,
        &mut c.corridors,
        &mut c.demand,
        &mut c.convergence,
        &mut c.disruptions,
        &mut c.induced,
        &mut c.measures,
        &mut c.queues,
    ] {
        let width = match cols {
            Columns::Exact { width, .. } => *width,
            Columns::Sketched(accs) => accs.len(),
        };
        *cols = get_columns(r, width, reps)?;
        if matches!(cols, Columns::Sketched(_)) != c.sketched {
            return Err(bad(
                "a table is sketched where the collector is not, or the reverse",
            ));
        }
    }
    let years = r.usize()?;
    if years != c.n_years {
        return Err(bad(format!(
            "the routes cover {years} years where the scenario has {}",
            c.n_years
        )));
    }
    for y in 0..years {
        let used = r.len(9)?;
        let mut slots: Vec<Option<Box<[Acc; 4]>>> = Vec::new();
        for _ in 0..used {
            let g = r.usize()?;
            if g >= routes.len() || slots.get(g).is_some_and(Option::is_some) {
                return Err(bad("a route id is unknown or repeated"));
            }
            let accs = [get_acc(r)?, get_acc(r)?, get_acc(r)?, get_acc(r)?];
            if accs
                .iter()
                .any(|a| a.len() as u64 > reps || matches!(a, Acc::Sketch(_)) != c.sketched)
            {
                return Err(bad("a route's figures do not match the collector"));
            }
            if slots.len() <= g {
                slots.resize(g + 1, None);
            }
            slots[g] = Some(Box::new(accs));
        }
        c.routes[y] = slots;
    }
    Ok((c, routes))
}

/// Writes a comparison part.
pub fn put_compare(w: &mut Writer, p: &ComparePart) {
    put_collector(w, &p.base, &p.base_routes);
    put_collector(w, &p.policy, &p.policy_routes);
    w.len(p.corridors.len());
    p.corridors.iter().for_each(|a| put_acc(w, a));
    w.len(p.od.len());
    p.od.iter().for_each(|a| put_acc(w, a));
}

/// Reads a comparison part into the shape of `empty` (a new part of the same study,
/// with no replications).
pub fn get_compare(
    r: &mut Reader,
    empty: ComparePart,
    base: &crate::model::Scenario,
    policy: &crate::model::Scenario,
) -> Result<ComparePart, DecodeError> {
    let ComparePart {
        base: eb,
        policy: ep,
        corridors,
        od,
        budget,
        ..
    } = empty;
    let (colb, base_routes) = get_collector(r, eb, base.demand.len(), base.corridors.len())?;
    let (colp, policy_routes) = get_collector(r, ep, policy.demand.len(), policy.corridors.len())?;
    if colb.reps != colp.reps {
        return Err(bad("the base and the policy ran different replications"));
    }
    let mut read = |want: usize| -> Result<Vec<Acc>, DecodeError> {
        let n = r.len(9)?;
        if n != want {
            return Err(bad("the changes do not match the two scenarios"));
        }
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            let a = get_acc(r)?;
            if a.len() as u64 != colb.reps {
                return Err(bad("a change's values do not match the replications"));
            }
            v.push(a);
        }
        Ok(v)
    };
    let corridors = read(corridors.len())?;
    let od = read(od.len())?;
    Ok(ComparePart {
        base: colb,
        base_routes,
        policy: colp,
        policy_routes,
        corridors,
        od,
        budget,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_back_bit_for_bit_and_truncation_is_an_error() {
        let values = [
            0.1,
            -0.0,
            f64::MIN_POSITIVE / 3.0,
            1e300,
            f64::NAN,
            f64::INFINITY,
        ];
        let mut sk = Acc::Exact(values.to_vec());
        sk.switch_to_sketch();
        let mut w = Writer::default();
        put_acc(&mut w, &Acc::Exact(values.to_vec()));
        put_acc(&mut w, &sk);
        w.str("route ü");
        let mut r = Reader::new(&w.bytes);
        match get_acc(&mut r).unwrap() {
            Acc::Exact(v) => {
                let bits: Vec<u64> = v.iter().map(|x| x.to_bits()).collect();
                let want: Vec<u64> = values.iter().map(|x| x.to_bits()).collect();
                assert_eq!(bits, want);
            }
            Acc::Sketch(_) => panic!("exact values came back as a sketch"),
        }
        let (mut back, mut sk) = (get_acc(&mut r).unwrap(), sk);
        assert!(
            matches!(back, Acc::Sketch(_)),
            "the sketch did not come back"
        );
        let (a, b) = (back.summary(), sk.summary());
        let bits =
            |s: crate::stats::Summary| [s.mean, s.sd, s.p[0], s.p[2], s.p[4]].map(f64::to_bits);
        assert_eq!((bits(a), a.n), (bits(b), b.n));
        assert_eq!(r.str().unwrap(), "route ü");
        r.end().unwrap();
        for cut in [1, 9, w.bytes.len() / 2, w.bytes.len() - 1] {
            let mut r = Reader::new(&w.bytes[..cut]);
            let res = get_acc(&mut r)
                .and_then(|_| get_acc(&mut r))
                .and_then(|_| r.str());
            assert!(res.is_err(), "cut at {cut} was accepted");
        }
    }
}
